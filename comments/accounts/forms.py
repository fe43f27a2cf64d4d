"""The forms of a reader's account pages."""

from django import forms
from django.utils.translation import gettext_lazy

from comments.accounts import erasure


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
