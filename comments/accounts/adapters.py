"""allauth, adapted to a blog's comment section. Account mails (address
confirmation, password reset) leave the request like every other mail,
through notifications, each to one address. A reader who cancels a social
login, or whose login fails, comes back to the post with their draft."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from comments import notifications


class AccountAdapter(DefaultAccountAdapter):
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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
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
