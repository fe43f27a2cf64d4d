"""Every rule of the moderation pipeline, with the reason it records."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Site

from comments.models import Comment, ModerationSettings
from comments.moderation.pipeline import APPROVE, HOLD, REFUSE, SPAM, Feedback, judge
from tests.factories import CommentFactory, UserFactory
from tests.helpers import comment_form_data

POST_URL = "/comments/post/"


@pytest.fixture
def rules(site):
    return ModerationSettings.for_site(Site.objects.get())


@pytest.fixture
def known(post):
    """Marcus already has an approved comment, so only the rule under test decides."""
    CommentFactory(post=post, user_email="marcus@example.org", user_name="Marcus")
    return post


def feedback(post, **fields):
    values = {
        "post": post,
        "content": "Ein ganz normaler Kommentar.",
        "name": "Marcus",
        "email": "marcus@example.org",
        "ip": "192.0.2.77",
    }
    values.update(fields)
    return Feedback(**values)


def test_approve(known):
    assert judge(feedback(known)) == judge(feedback(known))
    assert judge(feedback(known)).outcome == APPROVE


def test_refuse_when_closed(known):
    known.allow_comments = False
    verdict = judge(feedback(known))
    assert (verdict.outcome, verdict.reason) == (REFUSE, "Die Kommentare sind geschlossen.")


def test_refuse_honeypot(known):
    assert judge(feedback(known, honeypot="x")).outcome == REFUSE


def test_refuse_flood_by_ip_and_by_user(known, rules):
    rules.flood_seconds = 15
    rules.save()
    CommentFactory(post=known, ip_address="192.0.2.77")
    verdict = judge(feedback(known))
    assert verdict.outcome == REFUSE
    assert "zu schnell" in verdict.reason or "too quickly" in verdict.reason
    assert judge(feedback(known, ip="192.0.2.78")).outcome == APPROVE
    user = UserFactory()
    CommentFactory(post=known, user=user, ip_address="198.51.100.1")
    assert judge(feedback(known, user=user, ip="198.51.100.2")).outcome == REFUSE


def test_refuse_duplicate(known):
    CommentFactory(post=known, comment="Schon gesagt.")
    assert judge(feedback(known, content="Schon gesagt.")).outcome == REFUSE
    assert judge(feedback(known, content="Neu gesagt.")).outcome == APPROVE


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "Cheap Viagra"),
        ("email", "bot@viagra.example"),
        ("url", "http://viagra.example/"),
        ("content", "Buy VIAGRA now"),
        ("ip", "203.0.113.66"),
    ],
)
def test_disallowed_keys_send_to_spam(known, rules, field, value):
    rules.disallowed_keys = "viagra\n203.0.113.66\n"
    rules.save()
    verdict = judge(feedback(known, **{field: value}))
    assert verdict.outcome == SPAM
    assert verdict.reason.startswith("disallowed key: ")


def test_first_comment_is_held(post):
    verdict = judge(feedback(post, email="new@example.org"))
    assert (verdict.outcome, verdict.reason) == (HOLD, "first comment by this author")


def test_too_many_links_are_held(known, rules):
    text = "http://a.example http://b.example http://c.example"
    verdict = judge(feedback(known, content=text))
    assert (verdict.outcome, verdict.reason) == (HOLD, "3 links (more than 2)")
    rules.max_links = 3
    rules.save()
    assert judge(feedback(known, content=text)).outcome == APPROVE


def test_moderation_keys_hold(known, rules):
    rules.moderation_keys = "Gutschein"
    rules.save()
    verdict = judge(feedback(known, content="Ein Gutschein für alle"))
    assert (verdict.outcome, verdict.reason) == (HOLD, "moderation key: gutschein")


def test_staff_and_post_author_are_trusted(post, author):
    assert judge(feedback(post, email="", user=author)).outcome == APPROVE
    staff = UserFactory(is_staff=True)
    assert judge(feedback(post, email="", user=staff)).outcome == APPROVE


def test_moderators_are_trusted(post):
    """A moderator's reply from the admin was held as a "first comment" (issue 11)."""
    moderator = UserFactory(username="mod")
    assert judge(feedback(post, email="", user=moderator)).outcome == HOLD
    moderator.groups.add(Group.objects.get(name="Moderators"))
    moderator = type(moderator).objects.get(pk=moderator.pk)  # a fresh permission cache
    verdict = judge(feedback(post, email="", user=moderator))
    assert (verdict.outcome, verdict.reason) == (APPROVE, "trusted: staff or the post's author")


def test_refused_comment_is_not_stored_and_keeps_the_text(client, known, rules):
    rules.flood_seconds = 15
    rules.save()
    client.post(POST_URL, comment_form_data(known, comment="Erster"))
    response = client.post(POST_URL, comment_form_data(known, comment="Zweiter, zu schnell"))
    assert response.status_code == 403
    assert "Zweiter, zu schnell" in response.content.decode()
    assert not Comment.objects.filter(comment="Zweiter, zu schnell").exists()


def test_spam_is_stored_but_never_shown(client, known, rules):
    rules.disallowed_keys = "casino"
    rules.save()
    response = client.post(POST_URL, comment_form_data(known, comment="Online casino bonus"))
    assert response.status_code == 303
    comment = Comment.objects.get(comment="Online casino bonus")
    assert (comment.status, comment.status_reason) == ("spam", "disallowed key: casino")
    assert "casino" not in client.get(known.url).content.decode()


def test_rate_limit_per_ip_over_the_whole_endpoint(client, known, settings):
    settings.COMMENTS_RATE_LIMIT = "2/600"
    for n in range(2):
        assert (
            client.post(POST_URL, comment_form_data(known, comment=f"Nr {n}")).status_code == 303
        )
    response = client.post(POST_URL, comment_form_data(known, name="Other", comment="Nr 3"))
    assert response.status_code == 429
    assert "Nr 3" in response.content.decode()
    assert not Comment.objects.filter(comment="Nr 3").exists()


def test_rules_are_editable_in_the_wagtail_admin(admin_client, site):
    url = f"/admin/settings/comments/moderationsettings/{site.pk}/"
    response = admin_client.get(url)
    assert response.status_code == 200
    data = {
        "disallowed_keys": "casino",
        "moderation_keys": "",
        "max_links": 5,
        "flood_seconds": 30,
    }
    admin_client.post(url, data)
    rules = ModerationSettings.for_site(site)
    assert (rules.disallowed, rules.max_links, rules.flood_seconds) == (["casino"], 5, 30)
