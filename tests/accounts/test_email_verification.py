"""A local account: sign up, get one confirmation mail through a real SMTP
server (sent by a task, not the request), confirm by POST, and see what
verification changes for commenting."""

import re

from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from comments.models import Comment
from comments.moderation.status import set_status
from tests.helpers import comment_form_data

PASSWORD = "Bcc-ist-kein-Hexenwerk-2009"
EMAIL = "vu@example.org"


def sign_up(client):
    response = client.post(
        "/accounts/signup/",
        {"name": "Vu", "email": EMAIL, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    return get_user_model().objects.get(email=EMAIL)


def comment(client, post, text):
    response = client.post(
        "/comments/post/", comment_form_data(post, name="", email="", comment=text)
    )
    assert response.status_code == 303
    return Comment.objects.get(comment=text)


def test_signup_sends_one_confirmation_mail_and_confirming_takes_a_post(client, post, smtp_server):
    sign_up(client)
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == [EMAIL]
    message = smtp_server.messages[0]
    assert message["To"] == EMAIL
    link = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.get_content())
    assert link, message.get_content()

    page = client.get(link.group(1))
    assert page.status_code == 200
    assert not EmailAddress.objects.get(
        email=EMAIL
    ).verified  # a GET (a mail scanner) confirms nothing
    form = BeautifulSoup(page.content, "html.parser").select_one("main form[method=post]")
    assert form is not None
    confirmed = client.post(link.group(1))
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email=EMAIL).verified


def test_only_a_verified_reader_with_an_approved_comment_skips_moderation(
    client, post, smtp_server
):
    user = sign_up(client)
    first = comment(client, post, "Mein erster Kommentar")
    assert first.status == "pending"
    assert first.user == user
    set_status(first, Comment.Status.APPROVED)
    # Approved before, but the address is not proven yet: still held.
    second = comment(client, post, "Noch nicht bestätigt")
    assert second.status == "pending"

    EmailAddress.objects.filter(email=EMAIL).update(verified=True)
    third = comment(client, post, "Jetzt bestätigt")
    assert third.status == "approved"
