"""The demo's dates follow its texts (blog/demo/timeline.py says why), and
the screenshot the copy lost is named where it stood."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from blog.demo import timeline
from blog.demo.posts import MISSING_IMAGE, MISSING_IMAGE_AFTER, SEED_SLUG
from blog.models import BlogPage
from comments.models import Comment


@pytest.fixture
def seed(root_page):
    call_command("load_demo", stdout=StringIO())
    return BlogPage.objects.get(slug=SEED_SLUG)


def _when(post):
    rows = Comment.objects.for_post(post).values_list("user_name", "kind", "submit_date")
    return sorted(rows, key=lambda row: row[2])


def test_the_post_is_written_in_the_afternoon_before_every_reply(seed):
    local = seed.date.astimezone(timeline.VIENNA)
    assert 12 <= local.hour < 18
    assert all(when > seed.date for _, _, when in _when(seed))


def test_the_replies_keep_their_order_and_the_spokesman_writes_the_next_day(seed):
    ordered = [name for name, kind, _ in _when(seed) if kind == "comment"]
    assert ordered[:3] == ["Marcus Greyer", "Werner Reiter", "ritchie"]
    werner = Comment.objects.for_post(seed).get(user_name="Werner Reiter").submit_date
    marcus = Comment.objects.for_post(seed).get(user_name="Marcus Greyer").submit_date
    post_day = seed.date.astimezone(timeline.VIENNA).date()
    # "Was gestern passiert ist", and Marcus already knows the apology letter.
    assert werner.astimezone(timeline.VIENNA).date() == post_day + datetime.timedelta(days=1)
    assert marcus.astimezone(timeline.VIENNA).date() == post_day + datetime.timedelta(days=1)
    assert [timeline.REPLIES[n] for n in sorted(timeline.REPLIES)] == sorted(
        timeline.REPLIES.values()
    )


def test_olivers_pingback_comes_the_morning_after_his_reply(seed):
    rows = Comment.objects.for_post(seed)
    oliver = rows.get(user_name="Oliver").submit_date.astimezone(timeline.VIENNA)
    pingback = rows.get(kind="pingback").submit_date.astimezone(timeline.VIENNA)
    assert pingback.date() == oliver.date() + datetime.timedelta(days=1)
    assert pingback.hour < 12


def test_the_lost_screenshot_is_named_where_it_stood(client, seed):
    page = client.get(seed.url).content.decode()
    assert "Bild nicht erhalten" in page
    assert page.index(MISSING_IMAGE_AFTER) < page.index("Bild nicht erhalten")
    assert MISSING_IMAGE.startswith("[Bild nicht erhalten")
