"""The comment form: xtd's form (anti-spoofing hash, timestamp, honeypot,
reply_to, follow-up) with WordPress's fields, labels and limits."""

import datetime
import time

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.forms import XtdCommentForm

from comments.accounts.names import public_name
from comments.models import MAX_ID, Comment

FORM_MAX_AGE = datetime.timedelta(days=30)
LENGTH_ERROR = _(
    "Your comment has %(show_value)d characters; at most %(limit_value)d are allowed."
)


class TextField(forms.CharField):
    """No maxlength on the textarea: a browser would cut a long paste without a
    word. The page counts instead, and the server refuses with the length."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def text_field():
    """The one rule for a comment's text, wherever it is written: not empty, at
    most COMMENT_MAX_LENGTH characters (read each time a form is made)."""
    limit = settings.COMMENT_MAX_LENGTH
    return TextField(
        label=_("Comment"),
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": 8, "class": "comment-form__textarea"}),
        error_messages={"required": _("Your comment is empty."), "max_length": LENGTH_ERROR},
    )


class CommentTextForm(forms.Form):
    """Just the text: a reader editing their comment, a moderator replying."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"] = text_field()

    @property
    def error(self):
        """The first problem with the text, for pages that show one message."""
        errors = self.errors.get("comment")
        return errors[0] if errors else ""


class CommentForm(XtdCommentForm):
    # A comment id fits a 64-bit column: a bigger number is a bad request, not a 500.
    reply_to = forms.IntegerField(
        required=True, initial=0, min_value=0, max_value=MAX_ID, widget=forms.HiddenInput()
    )
    save_info = forms.BooleanField(
        required=False,
        label=_("Save my name, email, and website in this browser for the next time I comment."),
    )

    def __init__(self, target_object, *args, user=None, **kwargs):
        self.user = user if user is not None and user.is_authenticated else None
        super().__init__(target_object, *args, **kwargs)
        fields = self.fields
        fields["comment"] = text_field()
        fields["name"].label = _("Name")
        fields["email"].label = _("Email")
        fields["email"].help_text = ""
        fields["url"].label = _("Website")
        fields["followup"].label = _("Notify me of follow-up comments by email.")
        fields["honeypot"].label = _("Leave this field empty")
        for name, autocomplete in (("name", "name"), ("email", "email"), ("url", "url")):
            fields[name].widget.attrs.update(
                {"autocomplete": autocomplete, "class": "comment-form__input"}
            )
            fields[name].widget.attrs.pop("placeholder", None)
        fields["email"].widget.input_type = "email"
        fields["url"].widget.input_type = "url"
        if self.user is not None:
            for name in ("name", "email", "url", "save_info"):
                fields[name].required = False
                fields[name].widget = forms.HiddenInput()

    def clean_timestamp(self):
        """A form may wait in a cached page for a while (the page cache keeps a
        page until the next change, and is emptied daily): accept one for
        FORM_MAX_AGE instead of django_comments' two hours. The security hash
        still proves the timestamp is ours."""
        timestamp = self.cleaned_data["timestamp"]
        if not 0 <= timestamp <= MAX_ID:
            raise forms.ValidationError("Timestamp check failed")
        age = time.time() - timestamp
        if age > FORM_MAX_AGE.total_seconds() or age < -300:
            raise forms.ValidationError("Timestamp check failed")
        return timestamp

    def clean_honeypot(self):
        """A filled honeypot is the pipeline's to refuse, like every other rule."""
        return self.cleaned_data.get("honeypot", "")

    def clean(self):
        if self.user is not None:
            # The name they chose, never one made from their email (comments.accounts.names).
            self.cleaned_data["name"] = public_name(self.user)
            self.cleaned_data["email"] = self.user.email
            self.cleaned_data["url"] = ""
        return super().clean()

    def get_comment_model(self):
        return Comment

    def get_comment_create_data(self, site_id=None):
        data = super().get_comment_create_data(site_id=site_id)
        data.pop("content_object", None)
        data["user"] = self.user
        return data

    def check_for_duplicate_comment(self, new):
        return new
