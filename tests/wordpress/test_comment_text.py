"""WordPress's comment HTML as the text a reader here would have typed."""

import pytest

from comments.comment_html import to_comment_text
from comments.rendering import render_body


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("Hallo <strong>Welt</strong>!", "Hallo **Welt**!"),
        ("<b>fett</b> und <em>schräg</em>", "**fett** und schräg"),
        ("Zeile 1\nZeile 2\n\nAbsatz", "Zeile 1\nZeile 2\n\nAbsatz"),
        ("<p>Eins</p><p>Zwei</p>", "Eins\n\nZwei"),
        ("a<br />b", "a\nb"),
        ("<code>x &lt; y</code>", "`x < y`"),
        ('<a href="http://example.org/x">dort</a>', "dort (http://example.org/x)"),
        ('<a href="https://a.example/">https://a.example/</a>', "https://a.example/"),
        ('<a href="http://www.x.example">www.x.example</a>', "www.x.example"),
        ('<a href="javascript:alert(1)">klick</a>', "klick"),
        ("<blockquote>Zitat</blockquote>Antwort", "„Zitat“\n\nAntwort"),
        ("<script>alert(1)</script>Rest", "Rest"),
        ("&amp;lt;b&amp;gt; bleibt Text", "&lt;b&gt; bleibt Text"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
    ],
)
def test_comment_html_becomes_typed_text(html, text):
    assert to_comment_text(html) == text


def test_what_a_reader_sees_is_rendered_as_a_new_comment_is():
    wordpress = 'Siehe <a href="https://x.example/">hier</a> &amp; <b>da</b>'
    html = render_body(to_comment_text(wordpress))
    assert html == (
        '<p>Siehe hier (<a href="https://x.example/" rel="nofollow ugc noopener">'
        "https://x.example/</a>) &amp; <strong>da</strong></p>"
    )
