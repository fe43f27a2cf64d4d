"""The fake Mastodon signs and verifies as Mastodon does: two instances talk over real HTTP."""

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.fakes.mastodon_server import PUBLIC, FakeMastodon

pytestmark = pytest.mark.once


@pytest.fixture(scope="module")
def pair():
    """Two instances: alice (and mallory) live on `a`, bob on `b`."""
    a, b = FakeMastodon().start(), FakeMastodon().start()
    accounts = {
        "alice": a.add_account("alice", "Alice"),
        "mallory": a.add_account("mallory"),
        "carol": a.add_account("carol", authorized_fetch=True),
        "bob": b.add_account("bob"),
    }
    yield a, b, accounts
    for server in (a, b):
        server.shutdown()
        server.server_close()


def _create(a, alice, bob, text="Hello"):
    note = a.note(alice, f"{bob.uri}/statuses/1", text, mention=(bob.uri, bob.handle))
    return a.create(alice, note)


def _entry(server, activity):
    return server.wait_for(lambda r: (r.activity or {}).get("id") == activity["id"], timeout=5)


def test_a_signed_create_verifies_with_the_key_fetched_over_http(pair):
    a, b, accounts = pair
    alice, bob = accounts["alice"], accounts["bob"]
    activity = _create(a, alice, bob)

    response = a.post(alice, bob.inbox, activity)

    assert response.status_code == 202
    entry = _entry(b, activity)
    assert entry.verified and entry.key_id == alice.key_id
    assert 'headers="(request-target) host date digest content-type"' in entry.headers["signature"]
    assert b.key_cache[alice.key_id] == alice.public_key_pem
    key_fetch = next(f for f in a.fetched if f.path == "/users/alice")
    assert f'keyId="{b.instance_actor.key_id}"' in key_fetch.headers["signature"]


def test_the_payload_is_shaped_like_mastodons(pair):
    a, _, accounts = pair
    alice, bob = accounts["alice"], accounts["bob"]

    note = _create(a, alice, bob, "<p>Nice post</p>")["object"]

    assert note["to"] == [PUBLIC] and note["cc"] == [alice.followers, bob.uri]
    assert note["tag"] == [{"type": "Mention", "href": bob.uri, "name": bob.handle}]
    assert note["content"].startswith(
        f'<p><span class="h-card" translate="no"><a href="{bob.uri}" class="u-url mention">'
        "@<span>bob</span></a></span> Nice post</p>"
    )
    served = httpx.get(note["id"]).json()
    assert served["id"] == note["id"] and served["content"] == note["content"]
    deletion = a.delete(alice, note["id"])
    assert deletion["object"]["type"] == "Tombstone"
    assert httpx.get(note["id"]).status_code == 404


def test_direct_notes_address_only_the_mentioned(pair):
    a, _, accounts = pair
    alice, bob = accounts["alice"], accounts["bob"]

    note = a.note(alice, None, "psst", visibility="direct", mention=(bob.uri, bob.handle))

    assert (note["to"], note["cc"]) == ([bob.uri], [])
    assert httpx.get(note["id"]).status_code == 404  # not served without a signature


STALE = datetime.now(UTC) - timedelta(hours=13)
WRONG_DIGEST = "SHA-256=" + base64.b64encode(hashlib.sha256(b"other").digest()).decode()


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"digest": WRONG_DIGEST}, "Invalid Digest value. Computed SHA-256 digest"),
        ({"date": STALE}, "date outside acceptable time window"),
        ({"date": datetime.now(UTC) + timedelta(hours=2)}, "outside acceptable time window"),
        ({"sign_with": "mallory"}, "Verification failed for"),
        ({"digest": False}, "requires the Digest header to be signed when doing a POST"),
        ({"headers": {"Signature": ""}}, "Request not signed"),
    ],
    ids=["wrong-digest", "stale-date", "future-date", "other-key", "no-digest", "unsigned"],
)
def test_a_bad_signature_is_refused(pair, options, reason):
    a, b, accounts = pair
    alice, bob = accounts["alice"], accounts["bob"]
    if options.get("sign_with"):
        options = {**options, "sign_with": accounts[options["sign_with"]]}
    activity = _create(a, alice, bob)

    response = a.post(alice, bob.inbox, activity, **options)

    assert response.status_code == 401
    assert reason in response.json()["error"]
    entry = _entry(b, activity)
    assert not entry.verified and reason in entry.error


def test_a_date_eleven_hours_old_is_still_accepted(pair):
    a, b, accounts = pair
    alice, bob = accounts["alice"], accounts["bob"]
    activity = _create(a, alice, bob)

    response = a.post(alice, bob.inbox, activity, date=datetime.now(UTC) - timedelta(hours=11))

    assert response.status_code == 202
    assert _entry(b, activity).verified


def test_known_keys_stand_in_for_a_server_that_is_gone(pair):
    _, b, accounts = pair
    gone = FakeMastodon()
    dave = gone.add_account("dave")
    gone.server_close()  # nobody answers at dave's address any more
    activity = gone.follow(dave, accounts["bob"].uri)

    refused = gone.post(dave, accounts["bob"].inbox, activity)
    b.known_keys[dave.key_id] = dave.public_key_pem
    accepted = gone.post(dave, accounts["bob"].inbox, gone.undo(dave, activity))

    assert refused.status_code == 401 and "Failed to fetch remote data" in refused.text
    assert accepted.status_code == 202


def test_authorized_fetch_needs_a_valid_signature(pair):
    _, b, accounts = pair
    carol, bob = accounts["carol"], accounts["bob"]

    unsigned = httpx.get(carol.uri, headers={"Accept": "application/activity+json"})
    forged = b.get_signed(bob, carol.uri, sign_with=accounts["mallory"])
    signed = b.get_signed(bob, carol.uri)

    assert unsigned.status_code == 401 and "Request not signed" in unsigned.text
    assert forged.status_code == 401
    assert signed.status_code == 200
    assert signed.headers["content-type"] == "application/activity+json; charset=utf-8"
    actor = signed.json()
    assert actor["publicKey"]["id"] == carol.key_id
    assert actor["endpoints"]["sharedInbox"] == carol.shared_inbox


def test_the_actor_document_and_its_avatar(pair):
    a, _, accounts = pair
    alice = accounts["alice"]

    actor = httpx.get(alice.uri).json()
    icon = httpx.get(actor["icon"]["url"])

    assert actor["type"] == "Person" and actor["preferredUsername"] == "alice"
    assert "https://w3id.org/security/v1" in actor["@context"]
    assert actor["publicKey"] == {
        "id": alice.key_id,
        "owner": alice.uri,
        "publicKeyPem": alice.public_key_pem,
    }
    assert icon.headers["content-type"] == "image/png" and icon.content.startswith(b"\x89PNG")
    redirecting = a.add_account("eve", actor_redirect="http://10.0.0.1/users/eve")
    moved = httpx.get(redirecting.uri)
    assert moved.status_code == 302 and moved.headers["location"] == "http://10.0.0.1/users/eve"
