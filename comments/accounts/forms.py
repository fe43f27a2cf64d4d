"""The forms of a reader's account pages, and allauth's sign-up form with the
name a reader's comments will carry."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, pgettext_lazy

from comments.accounts import erasure, names


class DisplayNameField(forms.CharField):
    """At most 50 characters (a comment's name holds no more), without control
    characters, and not an email address."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", pgettext_lazy("display name", "Name"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Shown with your comments, in the comment feed and in mails. "
                "Your email address is never shown."
            ),
        )
        super().__init__(max_length=names.MAX_LENGTH, **kwargs)
        # "nickname", not "name": the browser should not fill in the legal name unasked.
        self.widget.attrs.update({"autocomplete": "nickname"})

    def to_python(self, value):
        return names.clean(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if names.looks_like_email(value):
            raise ValidationError(
                gettext_lazy("Please choose a name, not an email address."), code="email"
            )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (ACCOUNT_FORMS["signup"]) asking for a name first;
    AccountAdapter.save_user stores it."""

    name = DisplayNameField()
    field_order = ["name", "email", "password1", "password2"]


class NameForm(forms.Form):
    name = DisplayNameField()
    earlier_comments = forms.BooleanField(
        required=False,
        label=gettext_lazy("Also show it on the comments I wrote before"),
    )


class DeleteAccountForm(forms.Form):
    comments = forms.ChoiceField(
        label=gettext_lazy("What happens to your comments?"),
        choices=[
            (erasure.ANONYMISE, gettext_lazy('Keep them, signed "Deleted user"')),
            (erasure.DELETE, gettext_lazy("Delete them")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Please choose what happens to your comments.")},
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, delete my account. This cannot be undone."),
        error_messages={"required": gettext_lazy("Please confirm that you want to leave.")},
    )
