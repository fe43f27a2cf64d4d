"""The comment form: xtd's form (anti-spoofing hash, timestamp, honeypot,
reply_to, follow-up) with WordPress's fields, labels and limits."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.forms import XtdCommentForm

from comments.models import Comment


class CommentForm(XtdCommentForm):
    save_info = forms.BooleanField(
        required=False,
        label=_("Save my name, email, and website in this browser for the next time I comment."),
    )

    def __init__(self, target_object, *args, user=None, **kwargs):
        self.user = user if user is not None and user.is_authenticated else None
        super().__init__(target_object, *args, **kwargs)
        limit = getattr(settings, "COMMENT_MAX_LENGTH", 3000)
        fields = self.fields
        fields["name"].label = _("Name")
        fields["email"].label = _("Email")
        fields["email"].help_text = ""
        fields["url"].label = _("Website")
        fields["comment"].label = _("Comment")
        fields["comment"].max_length = limit
        fields["comment"].error_messages["max_length"] = _(
            "Your comment has %(show_value)d characters; at most %(limit_value)d are allowed."
        )
        fields["comment"].widget.attrs.update({"rows": 8, "maxlength": limit})
        fields["followup"].label = _("Notify me of follow-up comments by email.")
        fields["honeypot"].label = _("Leave this field empty")
        for name, autocomplete in (("name", "name"), ("email", "email"), ("url", "url")):
            fields[name].widget.attrs.update(
                {"autocomplete": autocomplete, "class": "comment-form__input"}
            )
            fields[name].widget.attrs.pop("placeholder", None)
        fields["comment"].widget.attrs.pop("placeholder", None)
        fields["comment"].widget.attrs["class"] = "comment-form__textarea"
        fields["email"].widget.input_type = "email"
        fields["url"].widget.input_type = "url"
        if self.user is not None:
            for name in ("name", "email", "url", "save_info"):
                fields[name].required = False
                fields[name].widget = forms.HiddenInput()

    def clean(self):
        if self.user is not None:
            self.cleaned_data["name"] = self.user.get_full_name() or self.user.get_username()
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
