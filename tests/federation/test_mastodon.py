"""The blog and a fake Mastodon on loopback, over real HTTP with real
signatures both ways: follows, replies, reactions, edits, deletes, and every
way a request must be refused."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from comments import pictures
from comments.federation import actors, delivery, ids
from comments.federation.models import (
    Delivery,
    FederationSettings,
    Follower,
    Reaction,
    RemoteActor,
    RemoteNote,
)
from comments.linkbacks import safe_fetch
from comments.models import Comment
from comments.moderation.status import set_status
from comments.posting import reply_as
from tests.fakes.loopback import LoopbackServer, QuietHandler

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(mastodon):
    return mastodon.add_account("alice", "Alice Wunderland")


def _inbox(live_server):
    return live_server.url + "/ap/inbox/"


def _blog_mention():
    blog = actors.blog_actor()
    return (ids.actor(blog), f"@blog@{ids.host()}")


def _reply(mastodon, account, live_server, target, text, **options):
    note = mastodon.note(account, target, f"<p>{text}</p>", mention=_blog_mention(), **options)
    response = mastodon.post(account, _inbox(live_server), mastodon.create(account, note))
    return note, response


def _fediverse_comments(post):
    return Comment.objects.for_post(post).filter(kind=Comment.Kind.FEDIVERSE).order_by("pk")


def test_follow_is_stored_and_answered_with_a_signed_accept(
    live_site, live_server, mastodon, alice
):
    blog_id = ids.actor(actors.blog_actor())
    follow = mastodon.follow(alice, blog_id)
    response = mastodon.post(alice, _inbox(live_server), follow)
    assert response.status_code == 202
    follower = Follower.objects.get()
    assert (follower.remote.uri, follower.follow_id) == (alice.uri, follow["id"])
    accept = mastodon.wait_for(lambda r: r.activity and r.activity.get("type") == "Accept")
    assert accept.verified, accept.error
    assert accept.activity["object"]["id"] == follow["id"]
    assert accept.activity["actor"] == blog_id

    undo = mastodon.undo(alice, follow)
    assert mastodon.post(alice, _inbox(live_server), undo).status_code == 202
    assert not Follower.objects.exists()


def test_a_removed_follower_gets_a_signed_reject(
    live_site, live_server, mastodon, alice, admin_client
):
    """Removing a follower in the admin tells their server, as Mastodon's
    "remove follower" does, so that it stops counting them as following."""
    blog_id = ids.actor(actors.blog_actor())
    follow = mastodon.follow(alice, blog_id)
    assert mastodon.post(alice, _inbox(live_server), follow).status_code == 202
    follower = Follower.objects.get()
    response = admin_client.post(f"/admin/fediverse/followers/delete/{follower.pk}/")
    assert response.status_code == 302
    assert not Follower.objects.exists()
    reject = mastodon.wait_for(lambda r: r.activity and r.activity.get("type") == "Reject")
    assert reject.verified, reject.error
    assert reject.path == "/users/alice/inbox"
    assert reject.activity["actor"] == blog_id
    assert reject.activity["object"]["id"] == follow["id"]
    assert reject.activity["object"]["actor"] == alice.uri


def test_a_first_reply_is_held_then_the_account_is_trusted(
    live_site, live_server, mastodon, alice, post
):
    note, response = _reply(mastodon, alice, live_server, ids.post(post), "Schöner Beitrag!")
    assert response.status_code == 202, response.text
    comment = _fediverse_comments(post).get()
    assert comment.status == Comment.Status.PENDING
    assert (comment.user_name, comment.user_url) == ("Alice Wunderland", alice.uri)
    assert comment.comment == "Schöner Beitrag!"  # the @blog mention is no part of it
    assert RemoteNote.objects.get(comment=comment).note_id == note["id"]
    set_status(comment, Comment.Status.APPROVED)

    page_url = post.get_full_url()
    second, _ = _reply(mastodon, alice, live_server, page_url, "Und noch etwas.")
    later = _fediverse_comments(post).last()
    assert (later.comment, later.status) == ("Und noch etwas.", Comment.Status.APPROVED)

    # a reply to a reply becomes a threaded answer
    _reply(mastodon, alice, live_server, second["id"], "Antwort auf mich selbst.")
    threaded = _fediverse_comments(post).last()
    assert threaded.parent_id == later.pk


def test_the_avatar_is_copied_and_served_from_here(live_site, live_server, mastodon, alice, post):
    _reply(mastodon, alice, live_server, ids.post(post), "Mit Bild.")
    actor = RemoteActor.objects.get(uri=alice.uri)
    local = pictures.local_url(actor.icon_url)
    assert local is not None and "127.0.0.1" not in local
    assert any(f.path.startswith("/avatars/alice") for f in mastodon.fetched)


@pytest.mark.parametrize("visibility", ["private", "direct"])
def test_followers_only_and_direct_notes_are_ignored(
    live_site, live_server, mastodon, alice, post, visibility
):
    _note, response = _reply(
        mastodon, alice, live_server, ids.post(post), "Nur für dich.", visibility=visibility
    )
    assert response.status_code == 202
    assert not _fediverse_comments(post).exists()


def test_an_unlisted_reply_is_taken(live_site, live_server, mastodon, alice, post):
    _reply(mastodon, alice, live_server, ids.post(post), "Leise gesagt.", visibility="unlisted")
    assert _fediverse_comments(post).get().comment == "Leise gesagt."


def test_an_edit_is_judged_again_and_a_delete_removes_it(
    live_site, live_server, mastodon, alice, post
):
    note, _ = _reply(mastodon, alice, live_server, ids.post(post), "Erste Fassung.")
    comment = _fediverse_comments(post).get()
    set_status(comment, Comment.Status.APPROVED)
    update = mastodon.update(alice, note, "<p>Zweite Fassung.</p>")
    assert mastodon.post(alice, _inbox(live_server), update).status_code == 202
    comment.refresh_from_db()
    assert comment.comment == "Zweite Fassung." and comment.edited_at is not None
    assert "Zweite Fassung." in comment.body_html

    delete = mastodon.delete(alice, note["id"])
    assert mastodon.post(alice, _inbox(live_server), delete).status_code == 202
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH


def test_likes_and_boosts_are_counted_and_undone(live_site, live_server, mastodon, alice, post):
    bob = mastodon.add_account("bob", "Bob")
    like = mastodon.like(alice, ids.post(post))
    boost = mastodon.announce(bob, ids.post(post), author=ids.actor(actors.blog_actor()))
    for account, activity in ((alice, like), (bob, boost), (alice, like)):
        mastodon.post(account, _inbox(live_server), activity)
    kinds = sorted(Reaction.objects.filter(post=post).values_list("kind", flat=True))
    assert kinds == ["announce", "like"]  # the repeated like counted once

    mastodon.post(alice, _inbox(live_server), mastodon.undo(alice, like))
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["announce"]


def test_a_bad_signature_is_refused(live_site, live_server, mastodon, alice, post):
    mallory = mastodon.add_account("mallory")
    note = mastodon.note(alice, ids.post(post), "<p>Gefälscht</p>")
    response = mastodon.post(
        alice, _inbox(live_server), mastodon.create(alice, note), sign_with=mallory
    )
    assert response.status_code == 401
    assert not _fediverse_comments(post).exists()


def test_a_replayed_activity_is_ignored(live_site, live_server, mastodon, alice, post):
    note = mastodon.note(alice, ids.post(post), "<p>Einmal</p>")
    create = mastodon.create(alice, note)
    assert mastodon.post(alice, _inbox(live_server), create).status_code == 202
    trash = _fediverse_comments(post).get()
    set_status(trash, Comment.Status.TRASH)
    again = mastodon.post(alice, _inbox(live_server), create)
    assert again.status_code == 202 and "Already" in again.text
    assert _fediverse_comments(post).count() == 1


def test_a_stale_or_future_date_is_refused(live_site, live_server, mastodon, alice, post):
    note = mastodon.note(alice, ids.post(post), "<p>Alt</p>")
    now = datetime.now(UTC)
    for when in (now - timedelta(hours=13), now + timedelta(hours=2)):
        response = mastodon.post(
            alice, _inbox(live_server), mastodon.create(alice, note), date=when
        )
        assert response.status_code == 401, response.text
    assert not _fediverse_comments(post).exists()


def test_a_body_that_does_not_match_its_digest_is_refused(
    live_site, live_server, mastodon, alice, post
):
    note = mastodon.note(alice, ids.post(post), "<p>Verändert</p>")
    wrong = "SHA-256=" + "A" * 43 + "="
    response = mastodon.post(
        alice, _inbox(live_server), mastodon.create(alice, note), digest=wrong
    )
    assert response.status_code == 401 and "Digest" in response.text
    assert not mastodon.fetched or all("/users/alice" not in f.path for f in mastodon.fetched)


def test_a_ten_megabyte_body_is_refused(live_site, live_server, mastodon, alice):
    body = b"{" + b" " * (10 * 1024 * 1024) + b"}"
    response = mastodon.post(alice, _inbox(live_server), body=body)
    assert response.status_code == 413


def test_a_key_fetch_redirected_into_a_private_address_is_refused(
    live_site, live_server, mastodon, settings, monkeypatch, post
):
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = False
    settings.LINKBACKS_ALLOWED_PORTS = (80, 443, mastodon.server_address[1])
    real = safe_fetch.is_public
    monkeypatch.setattr(safe_fetch, "is_public", lambda a: a == "127.0.0.1" or real(a))
    eve = mastodon.add_account("eve", actor_redirect="http://10.0.0.1/users/eve")
    note = mastodon.note(eve, ids.post(post), "<p>Hallo</p>")
    response = mastodon.post(eve, _inbox(live_server), mastodon.create(eve, note))
    assert response.status_code == 401
    assert "10.0.0.1" in response.text or "non-public" in response.text
    assert not RemoteActor.objects.filter(uri=eve.uri).exists()


def test_a_blocked_domain_is_refused_before_any_fetch(
    live_site, live_server, mastodon, alice, post
):
    config = FederationSettings.for_site(live_site)
    config.blocked_domains = "example.org\n127.0.0.1\n"
    config.save()
    note = mastodon.note(alice, ids.post(post), "<p>Blockiert</p>")
    response = mastodon.post(alice, _inbox(live_server), mastodon.create(alice, note))
    assert response.status_code == 403
    assert not [f for f in mastodon.fetched if f.path.startswith("/users/")]


def test_too_many_requests_from_one_host(live_site, live_server, mastodon, alice, settings):
    settings.FEDERATION_RATE_LIMIT = "2/600"
    statuses = [
        mastodon.post(alice, _inbox(live_server), mastodon.like(alice, "http://x/")).status_code
        for _ in range(3)
    ]
    assert statuses == [202, 202, 429]


def _follow(mastodon, account, live_server):
    mastodon.post(
        account, _inbox(live_server), mastodon.follow(account, ids.actor(actors.blog_actor()))
    )
    mastodon.wait_for(lambda r: r.activity and r.activity.get("type") == "Accept")


def test_publishing_delivers_create_then_update_then_delete(
    live_site, live_server, mastodon, alice, post
):
    _follow(mastodon, alice, live_server)
    post.title = "Neu veröffentlicht"
    post.save_revision().publish()
    create = mastodon.wait_for(lambda r: r.activity and r.activity.get("type") == "Create")
    assert create.verified, create.error
    article = create.activity["object"]
    assert (article["type"], article["id"], article["name"]) == (
        "Article",
        ids.post(post),
        "Neu veröffentlicht",
    )
    assert create.path == "/inbox"  # the shared inbox

    post.save_revision().publish()
    update = mastodon.wait_for(lambda r: r.activity and r.activity.get("type") == "Update")
    assert update.verified and update.activity["object"]["id"] == ids.post(post)

    post.unpublish()
    gone = mastodon.wait_for(lambda r: r.activity and r.activity.get("type") == "Delete")
    assert gone.verified and gone.activity["object"] == {"id": ids.post(post), "type": "Tombstone"}
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}


def test_the_authors_answer_goes_back_and_a_guests_never_does(
    live_site, live_server, mastodon, alice, post, author
):
    note, _ = _reply(mastodon, alice, live_server, ids.post(post), "Frage an den Autor?")
    parent = _fediverse_comments(post).get()
    answer = reply_as(author, parent, "Gute Frage!", approve_parent=True)
    assert answer.status == Comment.Status.APPROVED
    sent = mastodon.wait_for(
        lambda r: (
            r.activity and r.activity.get("type") == "Create" and r.path == "/users/alice/inbox"
        )
    )
    assert sent.verified, sent.error
    reply = sent.activity["object"]
    assert reply["inReplyTo"] == note["id"]
    assert {"type": "Mention", "href": alice.uri, "name": f"@alice@{mastodon.domain}"} in reply[
        "tag"
    ]
    assert "Gute Frage!" in reply["content"]
    assert reply["attributedTo"] == ids.actor(actors.author_actor(author))

    received, deliveries = len(mastodon.received), Delivery.objects.count()
    guest = Comment.objects.create(
        content_type_id=parent.content_type_id,
        object_pk=parent.object_pk,
        site_id=parent.site_id,
        user_name="Gast",
        user_email="gast@example.org",
        comment="Ich bin nur Gast.",
        parent_id=parent.pk,
        status=Comment.Status.APPROVED,
        submit_date=timezone.now(),
    )
    delivery.answer(guest.pk)
    assert len(mastodon.received) == received
    assert Delivery.objects.count() == deliveries


def test_a_dead_inbox_is_retried_then_given_up_after_a_day(live_site, settings, post):
    class Failing(QuietHandler):
        def do_POST(self):
            self.answer(503, "busy")

    server = LoopbackServer(Failing).start()
    try:
        blog = actors.blog_actor()
        [pk] = delivery.queue(blog, {"type": "Create", "id": "x"}, [server.url + "/inbox"])
        found = Delivery.objects.get(pk=pk)
        assert delivery.send(found) is True
        assert found.state == Delivery.State.RETRYING and "503" in found.detail
        Delivery.objects.filter(pk=pk).update(
            created_at=timezone.now() - timedelta(days=1, seconds=1)
        )
        found.refresh_from_db()
        assert delivery.send(found) is False
        assert found.state == Delivery.State.FAILED and found.detail.startswith("Given up")
    finally:
        server.shutdown()
        server.server_close()
