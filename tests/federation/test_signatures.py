"""HTTP Signatures: what the blog signs verifies, and every part of a request
that the signature covers is checked."""

from datetime import UTC, datetime, timedelta

import pytest

from comments.federation import keys, signatures

pytestmark = pytest.mark.once

URL = "https://blog.example/ap/inbox/"
KEY_ID = "https://blog.example/ap/actors/blog/#main-key"


@pytest.fixture(scope="module")
def pair():
    return keys.generate()


def _incoming(headers):
    return {name.lower(): value for name, value in headers.items()}


def test_a_signed_post_verifies(pair):
    public, private = pair
    body = b'{"type": "Follow"}'
    headers = signatures.sign("POST", URL, KEY_ID, private, body)
    signed = signatures.check("POST", "/ap/inbox/", _incoming(headers), body)
    assert signed.key_id == KEY_ID
    assert signed.verified_by(public)
    assert not signed.verified_by(keys.generate()[0])


def test_another_path_or_host_breaks_the_signature(pair):
    public, private = pair
    body = b"{}"
    headers = _incoming(signatures.sign("POST", URL, KEY_ID, private, body))
    assert not signatures.check("POST", "/ap/actors/blog/inbox/", headers, body).verified_by(
        public
    )
    headers["host"] = "evil.example"
    assert not signatures.check("POST", "/ap/inbox/", headers, body).verified_by(public)


def test_the_digest_must_match_the_body(pair):
    _public, private = pair
    headers = _incoming(signatures.sign("POST", URL, KEY_ID, private, b"{}"))
    with pytest.raises(signatures.Invalid, match="Digest"):
        signatures.check("POST", "/ap/inbox/", headers, b'{"changed": true}')


@pytest.mark.parametrize("hours, message", [(13, "12 hours old"), (-2, "ahead")])
def test_the_date_window(pair, hours, message):
    _public, private = pair
    when = datetime.now(UTC) - timedelta(hours=hours)
    headers = _incoming(signatures.sign("POST", URL, KEY_ID, private, b"{}", when=when))
    with pytest.raises(signatures.Invalid, match=message):
        signatures.check("POST", "/ap/inbox/", headers, b"{}")


def test_a_post_must_sign_the_digest(pair):
    _public, private = pair
    headers = _incoming(signatures.sign("GET", URL, KEY_ID, private))
    headers["digest"] = signatures.digest(b"{}")
    with pytest.raises(signatures.Invalid, match="digest"):
        signatures.check("POST", "/ap/inbox/", headers, b"{}")


@pytest.mark.parametrize(
    "header",
    ["", "garbage", 'keyId="x"', 'signature="abc"', 'keyId="x",signature="a",algorithm="rsa-md5"'],
)
def test_unreadable_signature_headers_are_refused(header):
    headers = {"signature": header, "date": signatures.http_date(), "host": "blog.example"}
    with pytest.raises(signatures.Invalid):
        signatures.check("GET", "/ap/actors/blog/", headers)


def test_a_malformed_signature_or_key_is_a_failed_check(pair):
    public, _private = pair
    assert not keys.verify(public, b"data", "not base64!")
    assert not keys.verify("no key", b"data", "AAAA")
