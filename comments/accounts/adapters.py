"""allauth, adapted to a blog's comment section. Account mails (address
confirmation, password reset) leave the request like every other mail,
through notifications, each to one address. A reader who cancels a social
login, or whose login fails, comes back to the post with their draft.
Every new account has a name to comment under, never one made from its email
address, and a login through a provider that is not configured is a 404."""

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_username
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthError
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from comments import notifications
from comments.accounts import names


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user):
        """allauth would make "erika.mustermann" of erika.mustermann@example.org;
        nobody sees a username here, but should one ever show, it says nothing."""
        if account_settings.USER_MODEL_USERNAME_FIELD and not user_username(user):
            user_username(user, self.generate_unique_username(["reader"]))

    def save_user(self, request, user, form, commit=True):
        """The name asked for at sign-up (SignupForm) is the reader's public name."""
        name = form.cleaned_data.get("name")
        if name:
            user.first_name, user.last_name = name, ""
        return super().save_user(request, user, form, commit=commit)

    def login(self, request, user):
        """Every login (local or social) leaves a reader with a stored name, so
        that whatever shows user.get_full_name shows one they can change."""
        names.ensure_display_name(user)
        super().login(request, user)

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        full = {"request": request, "email": email, "current_site": get_current_site(request)}
        full.update(context)
        message = self.render_mail(template_prefix, email, full)
        alternatives = getattr(message, "alternatives", [])
        html = next((body for body, kind in alternatives if kind == "text/html"), None)
        notifications.account_mail(message.subject, message.body, email, html)


def _own_url(request, url):
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


class ProviderNotConfigured(SocialApp.DoesNotExist, Http404):
    """Still the DoesNotExist allauth raises (and callers may catch), but a 404
    where nobody does: /accounts/github/login/ without GitHub credentials."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise ProviderNotConfigured(f"No login provider {provider!r} is set up.") from error

    def populate_user(self, request, sociallogin, data):
        """The provider's name, cleaned; one that is an email address is none."""
        user = super().populate_user(request, sociallogin, data)
        user.first_name = names.clean(user.first_name)
        user.last_name = names.clean(user.last_name)
        if not names.display_name(user):
            user.first_name, user.last_name = "", ""
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        names.ensure_display_name(user)
        return user

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
        state = (extra_context or {}).get("state") or {}
        back = state.get("next")
        if not _own_url(request, back):
            return  # no login of ours started this (or a forged state): allauth's error page
        if error == AuthError.CANCELLED:
            message = _("The login was cancelled. Your comment is still here.")
        else:
            message = _("The login with %(provider)s failed. Your comment is still here.") % {
                "provider": provider.name
            }
        messages.warning(request, message)
        raise ImmediateHttpResponse(redirect(back))
