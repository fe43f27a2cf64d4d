"""Every reader's page forbids inline script and style and framing by others;
the admin is left to Wagtail."""

from comments.security_headers import CONTENT_SECURITY_POLICY


def test_a_readers_page_has_a_strict_policy(client, post):
    response = client.get(post.url)
    policy = response["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


def test_the_admin_is_left_to_wagtail(client, post):
    response = client.get("/admin/login/")
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" in response


def test_no_page_of_a_reader_has_inline_script_or_style(client, post):
    html = client.get(post.url).content.decode()
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert " onclick=" not in html and " onload=" not in html
