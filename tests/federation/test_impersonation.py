"""Nobody speaks for another account: the key's owner, the activity's actor,
the note's author and the servers of their ids must all agree; a redirect
or a document on another server lends no name. And what stays as it was:
a moderator's verdict, an approved reply that is edited, a deleted account."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from comments.federation import actors, ids
from comments.federation.models import Follower, Reaction, RemoteActor
from comments.models import Comment
from comments.moderation.status import set_status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(mastodon):
    return mastodon.add_account("alice", "Alice")


def _inbox(live_server):
    return live_server.url + "/ap/inbox/"


def _replies(post):
    return Comment.objects.for_post(post).filter(kind=Comment.Kind.FEDIVERSE)


def test_an_activity_in_another_accounts_name_is_refused(
    live_site, live_server, mastodon, alice, post
):
    bob = mastodon.add_account("bob")
    note = mastodon.note(bob, ids.post(post), "<p>Ich bin Bob</p>")
    forged = mastodon.create(bob, note)
    response = mastodon.post(alice, _inbox(live_server), forged)  # signed by alice
    assert response.status_code == 401 and "key's owner" in response.text
    assert not _replies(post).exists()


def test_a_note_attributed_to_someone_else_is_not_taken(
    live_site, live_server, mastodon, alice, post
):
    bob = mastodon.add_account("bob")
    note = mastodon.note(bob, ids.post(post), "<p>Bob sagt</p>")
    create = mastodon.create(alice, note)
    create["id"] = alice.uri + "/statuses/1/activity"
    assert mastodon.post(alice, _inbox(live_server), create).status_code == 202
    assert not _replies(post).exists()


def test_an_activity_id_on_another_mastodon_is_refused(
    live_site, live_server, mastodon, alice, post
):
    create = mastodon.create(alice, mastodon.note(alice, ids.post(post), "<p>x</p>"))
    create["id"] = "https://elsewhere.example/activity/1"
    response = mastodon.post(alice, _inbox(live_server), create)
    assert response.status_code == 401
    assert not _replies(post).exists()


def test_a_key_fetch_redirected_to_another_mastodon_lends_no_name(
    live_site, live_server, mastodon, other_mastodon, post
):
    """An open redirect on a server must not let a document elsewhere
    speak for that server's accounts."""
    impostor = other_mastodon.add_account("alice", "Not Alice")
    victim = mastodon.add_account("victim", actor_redirect=impostor.uri)
    note = mastodon.note(victim, ids.post(post), "<p>Gefälscht</p>")
    response = mastodon.post(victim, _inbox(live_server), mastodon.create(victim, note))
    assert response.status_code == 401 and "another server" in response.text
    assert not RemoteActor.objects.exists()


def test_two_authors_never_share_an_actor(post, blog_index):
    first = UserFactory(username="john-doe", email="jd@example.org")
    second = UserFactory(username="john_doe", email="jd2@example.org")
    for author in (first, second):
        post.__class__.objects.filter(pk=post.pk).update(author=author)
        assert actors.author_actor(author).user == author
    handles = {actors.author_actor(first).handle, actors.author_actor(second).handle}
    assert handles == {"john_doe", f"author_{second.pk}"}


def test_a_handle_never_comes_from_an_email_address(post):
    user = UserFactory(username="anna.muster", email="anna.muster@example.org")
    assert actors.author_handle(user) == f"author_{user.pk}"


def test_an_edited_approved_reply_stays_approved_and_spam_stays_spam(
    live_site, live_server, mastodon, alice, post
):
    first = mastodon.note(alice, ids.post(post), "<p>Erster Gedanke</p>")
    mastodon.post(alice, _inbox(live_server), mastodon.create(alice, first))
    comment = _replies(post).get()
    assert comment.status == Comment.Status.PENDING
    set_status(comment, Comment.Status.APPROVED)
    mastodon.post(alice, _inbox(live_server), mastodon.update(alice, first, "<p>Besser</p>"))
    comment.refresh_from_db()
    assert (comment.comment, comment.status) == ("Besser", Comment.Status.APPROVED)

    set_status(comment, Comment.Status.SPAM)
    mastodon.post(alice, _inbox(live_server), mastodon.update(alice, first, "<p>Harmlos</p>"))
    comment.refresh_from_db()
    assert (comment.comment, comment.status) == ("Besser", Comment.Status.SPAM)


def test_a_deleted_account_takes_its_traces_and_a_stranger_costs_nothing(
    live_site, live_server, mastodon, alice, post
):
    mastodon.post(
        alice, _inbox(live_server), mastodon.follow(alice, ids.actor(actors.blog_actor()))
    )
    mastodon.post(alice, _inbox(live_server), mastodon.like(alice, ids.post(post)))
    note = mastodon.note(alice, ids.post(post), "<p>Bald weg</p>")
    mastodon.post(alice, _inbox(live_server), mastodon.create(alice, note))
    gone = {"id": alice.uri + "#delete", "type": "Delete", "actor": alice.uri, "object": alice.uri}
    gone["@context"] = "https://www.w3.org/ns/activitystreams"
    assert mastodon.post(alice, _inbox(live_server), gone).status_code == 202
    assert not Follower.objects.exists() and not Reaction.objects.exists()
    assert _replies(post).get().status == Comment.Status.TRASH

    stranger = mastodon.add_account("stranger")
    fetched = len(mastodon.fetched)
    farewell = {
        **gone,
        "id": stranger.uri + "#delete",
        "actor": stranger.uri,
        "object": stranger.uri,
    }
    assert mastodon.post(stranger, _inbox(live_server), farewell).status_code == 202
    assert len(mastodon.fetched) == fetched  # its key was not even fetched
    assert not RemoteActor.objects.filter(uri=stranger.uri).exists()


def test_the_replies_collection_names_no_guest(client, post, author):
    def comment(**fields):
        return Comment.objects.create(
            content_type=ContentType.objects.get_for_model(post), object_pk=str(post.pk),
            site_id=1, status=Comment.Status.APPROVED, submit_date=timezone.now(), **fields,
        )  # fmt: skip

    guest = comment(user_name="Gast", comment="Nur ein Gast")
    own = comment(user=author, user_name="Luca", comment="Vom Autor")
    actors.author_actor(author)
    collection = client.get(
        f"/ap/posts/{post.pk}/replies/", HTTP_ACCEPT="application/activity+json"
    )
    items = collection.json()["first"]["items"]
    assert items == [ids.comment(own)]
    assert ids.comment(guest) not in collection.content.decode()
