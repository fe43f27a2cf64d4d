"""A WordPress post's HTML, classic or block-editor, becomes BlogPage.body's blocks:
each case below is an input as WordPress stores it and the blocks it must give."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail_factories import ImageFactory

from blog.blocks import RICH_TEXT_FEATURES
from blog.models import BlogPage
from comments.wordpress.body import convert
from tests.factories import BlogPageFactory

IMAGE = "https://old.example/wp-content/uploads/2009/05/katze.jpg"
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def paragraph(html):
    return {"type": "paragraph", "value": html}


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def quote(text, attribution=""):
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def code(text, language=""):
    return {"type": "code", "value": {"language": language, "code": text}}


def embed(url):
    return {"type": "embed", "value": url}


def image(image_id, alt="", caption=""):
    value = {"image": image_id, "alt_text": alt, "decorative": not alt}
    return {"type": "image", "value": {"image": value, "caption": caption}}


def wp(name, inner, attributes=""):
    """A block as the block editor stores it."""
    opening = f"wp:{name} {attributes} " if attributes else f"wp:{name} "
    return f"<!-- {opening}-->\n{inner}\n<!-- /wp:{name} -->\n\n"


CAT = f'<img src="{IMAGE}" alt="Katze" width="300" />'
CAT_LINK = f'<a href="{IMAGE}">Katze</a>'
GALLERY = (
    '<figure class="wp-block-gallery"><ul class="blocks-gallery-grid">'
    '<li class="blocks-gallery-item"><figure><img src="https://o.example/a.jpg" alt="A"/>'
    "<figcaption>Ah</figcaption></figure></li>"
    '<li class="blocks-gallery-item"><figure><img src="https://o.example/b.jpg" alt="B"/>'
    "</figure></li>"
    '</ul><figcaption class="blocks-gallery-caption">Beide</figcaption></figure>'
)
CLASSIC = {
    "blank line and newline": (
        "Eins\n\nZwei\nDrei",
        [paragraph("<p>Eins</p><p>Zwei<br/>Drei</p>")],
    ),
    "carriage returns": ("Eins\r\n\r\nZwei", [paragraph("<p>Eins</p><p>Zwei</p>")]),
    "blank line between inline elements": (
        "<b>Eins</b>\n\n<i>Zwei</i>",
        [paragraph("<p><b>Eins</b></p><p><i>Zwei</i></p>")],
    ),
    "inline markup kept": (
        "<strong>fett</strong>, <em>kursiv</em>, <code>x</code>, H<sub>2</sub>O",
        [paragraph("<p><b>fett</b>, <i>kursiv</i>, <code>x</code>, H<sub>2</sub>O</p>")],
    ),
    "link keeps only its address": (
        'Bei <a href="https://a.example/" title="t" target="_blank">A</a>.',
        [paragraph('<p>Bei <a href="https://a.example/">A</a>.</p>')],
    ),
    "old relative link stays, for the redirects": (
        '<a href="/2009/05/alt/">alt</a>',
        [paragraph('<p><a href="/2009/05/alt/">alt</a></p>')],
    ),
    "paragraphs inside a div": (
        '<div class="entry">Eins\n\nZwei</div>',
        [paragraph("<p>Eins</p><p>Zwei</p>")],
    ),
    "headings clamped to h2-h4": (
        "<h1>Eins</h1>\n<h3>Drei</h3>\n<h6>Sechs</h6>",
        [heading("Eins"), heading("Drei", "h3"), heading("Sechs", "h4")],
    ),
    "quote with cite": (
        "<blockquote>Mehr Licht!\nSagte er.<cite>Goethe</cite></blockquote>",
        [quote("Mehr Licht!\nSagte er.", "Goethe")],
    ),
    "pre untouched by autop": (
        '<pre class="brush: php; title: ;">$a = 1;\n\n  echo "&lt;b&gt;";</pre>',
        [code('$a = 1;\n\n  echo "<b>";', "php")],
    ),
    "pre with a language class": (
        '<pre><code class="language-python">x = 1</code></pre>',
        [code("x = 1", "python")],
    ),
    "multi-line code alone is a code block": (
        "<code>a = 1\nb = 2</code>",
        [code("a = 1\nb = 2")],
    ),
    "lists stay in the rich text": (
        "Vorher\n<ul>\n<li>a</li>\n<li><em>b</em></li>\n</ul>\n<ol><li>c</li></ol>",
        [paragraph("<p>Vorher</p><ul><li>a</li><li><i>b</i></li></ul><ol><li>c</li></ol>")],
    ),
    "a separator ends the paragraph block": (
        "Eins\n<hr />\nZwei",
        [paragraph("<p>Eins</p>"), paragraph("<p>Zwei</p>")],
    ),
    "image without image_for is a link": (CAT, [paragraph(f"<p>{CAT_LINK}</p>")]),
    "image without alt: the file name": (
        f'<a href="{IMAGE}"><img src="{IMAGE}" /></a>',
        [paragraph(f'<p><a href="{IMAGE}">katze.jpg</a></p>')],
    ),
    "caption shortcode": (
        f'[caption id="attachment_5" width="300"]<a href="{IMAGE}">{CAT}</a> Die <b>Katze</b>'
        "[/caption]",
        [paragraph(f"<p>{CAT_LINK}<br/>Die Katze</p>")],
    ),
    "old caption shortcode with the caption as attribute": (
        f'[caption id="attachment_5" caption="Die Katze"]{CAT}[/caption]',
        [paragraph(f"<p>{CAT_LINK}<br/>Die Katze</p>")],
    ),
    "youtube address alone on a line": (
        f"Schaut:\n{VIDEO}\nGut, oder?",
        [paragraph("<p>Schaut:</p>"), embed(VIDEO), paragraph("<p>Gut, oder?</p>")],
    ),
    "unknown address alone is a link": (
        "https://blog.example/x",
        [paragraph('<p><a href="https://blog.example/x">https://blog.example/x</a></p>')],
    ),
    "address inside a sentence stays text": (
        f"Siehe {VIDEO} hier",
        [paragraph(f"<p>Siehe {VIDEO} hier</p>")],
    ),
    "embed shortcode": (
        '[embed width="500"]https://vimeo.com/76979871[/embed]',
        [embed("https://vimeo.com/76979871")],
    ),
    "youtube iframe": (
        '<iframe src="//www.youtube.com/embed/dQw4w9WgXcQ?rel=0"></iframe>',
        [embed(VIDEO)],
    ),
    "unmapped shortcodes stay visible": (
        'Galerie: [gallery ids="1,2"]\n\n[contact-form-7 id="9"]',
        [paragraph('<p>Galerie: [gallery ids="1,2"]</p><p>[contact-form-7 id="9"]</p>')],
    ),
    "entities": (
        "Caf&eacute; &amp; &#8220;Zitat&#8221;",
        [paragraph("<p>Café &amp; “Zitat”</p>")],
    ),
    "nothing": ("  \n\n ", []),
}

BLOCK_EDITOR = {
    "paragraph": (
        wp("paragraph", "<p>Hallo <strong>Welt</strong></p>"),
        [paragraph("<p>Hallo <b>Welt</b></p>")],
    ),
    "no autop: a newline is no break": (
        wp("paragraph", "<p>Eins\nnoch eins</p>"),
        [paragraph("<p>Eins\nnoch eins</p>")],
    ),
    "heading": (
        wp("heading", '<h3 class="wp-block-heading">Teil</h3>', '{"level":3}'),
        [heading("Teil", "h3")],
    ),
    "list with list items": (
        wp("list", f'<ul class="wp-block-list">{wp("list-item", "<li>a</li>")}</ul>'),
        [paragraph("<ul><li>a</li></ul>")],
    ),
    "quote with inner paragraphs": (
        wp(
            "quote",
            '<blockquote class="wp-block-quote">'
            f"{wp('paragraph', '<p>Eins</p>')}{wp('paragraph', '<p>Zwei</p>')}"
            "<cite>Wer</cite></blockquote>",
        ),
        [quote("Eins\n\nZwei", "Wer")],
    ),
    "code": (
        wp("code", '<pre class="wp-block-code"><code>if a &lt; b:\n    pass</code></pre>'),
        [code("if a < b:\n    pass")],
    ),
    "preformatted": (
        wp("preformatted", '<pre class="wp-block-preformatted">eins<br>zwei</pre>'),
        [code("eins\nzwei")],
    ),
    "image": (
        wp(
            "image",
            f'<figure class="wp-block-image">{CAT}'
            '<figcaption class="wp-element-caption">Die Katze</figcaption></figure>',
            '{"id":5}',
        ),
        [paragraph(f"<p>{CAT_LINK}<br/>Die Katze</p>")],
    ),
    "embed": (
        wp(
            "embed",
            f'<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n{VIDEO}\n'
            "</div><figcaption>Rick</figcaption></figure>",
            f'{{"url":"{VIDEO}","type":"video","providerNameSlug":"youtube"}}',
        ),
        [embed(VIDEO), paragraph("<p>Rick</p>")],
    ),
    "old core-embed": (
        wp(
            "core-embed/vimeo",
            '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
            "https://vimeo.com/1\n</div></figure>",
            '{"url":"https://vimeo.com/1"}',
        ),
        [embed("https://vimeo.com/1")],
    ),
    "gallery": (
        wp("gallery", GALLERY),
        [
            paragraph(
                '<p><a href="https://o.example/a.jpg">A</a><br/>Ah</p>'
                '<p><a href="https://o.example/b.jpg">B</a></p><p>Beide</p>'
            )
        ],
    ),
    "early gallery, a list of images": (
        wp(
            "gallery",
            '<ul class="wp-block-gallery"><li class="blocks-gallery-item"><figure>'
            '<img src="https://o.example/a.jpg" alt=""/></figure></li></ul>',
            '{"ids":[12]}',
        ),
        [paragraph('<p><a href="https://o.example/a.jpg">a.jpg</a></p>')],
    ),
    "separator": (
        wp("paragraph", "<p>a</p>")
        + wp("separator", '<hr class="wp-block-separator"/>')
        + wp("paragraph", "<p>b</p>"),
        [paragraph("<p>a</p>"), paragraph("<p>b</p>")],
    ),
    "html": (
        wp("html", '<div class="x">Roh <b>HTML</b></div>'),
        [paragraph("<p>Roh <b>HTML</b></p>")],
    ),
    "shortcode": (
        wp("shortcode", '[gallery ids="1,2"]'),
        [paragraph('<p>[gallery ids="1,2"]</p>')],
    ),
    "unknown block keeps its HTML": (
        wp("jetpack/slideshow", '<div class="s"><p>Dia</p></div>', '{"ids":[3]}'),
        [paragraph("<p>Dia</p>")],
    ),
}


@pytest.mark.parametrize(("html", "blocks"), CLASSIC.values(), ids=CLASSIC.keys())
def test_classic_content(html, blocks):
    assert convert(html).blocks == blocks


@pytest.mark.parametrize(("html", "blocks"), BLOCK_EDITOR.values(), ids=BLOCK_EDITOR.keys())
def test_block_editor_content(html, blocks):
    assert convert(html).blocks == blocks


def test_block_editor_images_through_image_for():
    early_gallery = wp(
        "gallery",
        '<ul class="wp-block-gallery"><li class="blocks-gallery-item"><figure>'
        '<img src="https://o.example/c.jpg" alt="CC"/></figure></li></ul>',
    )
    converted = convert(
        wp("gallery", GALLERY) + early_gallery, image_for=lambda url, alt: len(alt)
    )
    assert converted.blocks == [
        image(1, alt="A", caption="Ah"),
        image(1, alt="B"),
        paragraph("<p>Beide</p>"),
        image(2, alt="CC"),
    ]


def test_images_become_wagtail_images_through_image_for():
    asked = []

    def image_for(url, alt):
        asked.append((url, alt))
        return {IMAGE: 41}.get(url)

    html = (
        f'Vorher\n<a href="{IMAGE}"><img src="{IMAGE}" alt="Katze"></a>\nNachher\n\n'
        f'[caption width="300"]<img src="{IMAGE}" alt="" /> Schläft[/caption]\n\n'
        '<img src="https://o.example/missing.png" alt="Fehlt">\n\n'
        '<img src="data:image/png;base64,AAAA" alt="Inline">'
    )
    converted = convert(html, image_for=image_for)
    assert converted.blocks == [
        paragraph("<p>Vorher</p>"),
        image(41, alt="Katze"),
        paragraph("<p>Nachher</p>"),
        image(41, caption="Schläft"),
        paragraph('<p><a href="https://o.example/missing.png">Fehlt</a></p><p>Inline</p>'),
    ]
    assert asked == [
        (IMAGE, "Katze"),
        (IMAGE, ""),
        ("https://o.example/missing.png", "Fehlt"),
    ]  # never a data: URL
    assert "an image without a web address was dropped" in converted.notes


def test_unmapped_shortcodes_and_blocks_are_reported():
    converted = convert(
        '<!-- wp:paragraph --><p>[gallery ids="1"] [su_button url="x"]Los[/su_button] '
        "[caption]…[/caption] arr[i] [[escaped]]</p><!-- /wp:paragraph -->\n"
        "<!-- wp:latest-posts /-->"
    )
    assert converted.shortcodes == {"gallery", "su_button"}
    assert "shortcode [gallery] kept as text: it has no counterpart here" in converted.notes
    assert "block wp:latest-posts is unknown here: only its HTML was kept" in converted.notes
    assert not any("paragraph" in note for note in converted.notes)


def test_dropped_and_changed_elements_are_reported():
    converted = convert(
        '<p>Video: <iframe src="https://player.vimeo.com/video/7"></iframe></p>\n'
        '<p>a<script>alert(1)</script></p><video src="v.mp4"></video>\n'
        "<table><tr><td>Zelle</td></tr></table>\n"
        f"<h2>{'Lang ' * 50}</h2>"
    )
    assert converted.blocks == [
        paragraph("<p>Video:</p>"),
        embed("https://player.vimeo.com/video/7"),
        paragraph(f"<p>a</p><p>Zelle</p><p><b>{'Lang ' * 49}Lang</b></p>"),
    ]
    assert converted.notes == [
        "<script> dropped",
        "<video> dropped",
        "a table became paragraphs",
        "a heading too long for a heading block became a bold paragraph",
    ]


XSS = [
    '<script>alert(1)</script><p onclick="alert(1)">Text</p>',
    '<a href="javascript:alert(1)">klick</a> <a href=" JaVaScRiPt:alert(1)">zwei</a>',
    '<img src="x" onerror="alert(1)"><img src="javascript:alert(1)" alt="j">',
    '<iframe src="https://evil.example/"></iframe><object data="x.swf"></object>',
    "<style>body{display:none}</style><svg onload=alert(1)><circle/></svg>",
    '<p style="background:url(javascript:alert(1))">s</p>'
    '<math><mi xlink:href="javascript:1">m</mi></math>',
    '[embed]javascript:alert(1)[/embed][embed]https://x.example/" onmouseover="alert(1)[/embed]',
    '<!-- wp:embed {"url":"javascript:alert(1)"} --><figure></figure><!-- /wp:embed -->',
    '<h2 onmouseover="alert(1)">Titel<script>alert(1)</script></h2>'
    "<blockquote><script>alert(1)</script>Zitat</blockquote>",
    '<pre><code class="language-&quot;&gt;&lt;script&gt;">x</code></pre>',
    '<a href="data:text/html,<script>alert(1)</script>">d</a><form action="x"><input></form>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<template><img src=x onerror=alert(1)></template><p>a<base href="javascript:/">b</p>',
    "<p>x</p>\x00<scr\x00ipt>alert(1)</script>",
]


@pytest.mark.parametrize("html", XSS)
def test_nothing_executable_survives(html):
    stored = json.dumps(convert(html).blocks).lower()
    for danger in ("<script", "onerror", "onclick", "onload", "onmouseover", "javascript:",
                   "<iframe", "<style", "<svg", "<object", "style=", "data:", "<img", "<form",
                   "<input", "<math", "<base", "\\u0000"):  # fmt: skip
        assert danger not in stored


def test_rich_text_is_what_wagtails_editor_stores():
    """Opened in the editor and saved again, the paragraph is the same (Wagtail then
    adds its block keys), so nothing is outside the paragraph block's features."""
    html = (
        '<p>Eins <strong>fett</strong> <em>k</em> <a href="https://a.example/?a=1&amp;b=2">l</a>'
        " <code>c</code> x<sup>2</sup> H<sub>2</sub>O <u>u</u> <span>s</span>\nzwei</p>"
        "<ul><li>a<ul><li>b</li></ul></li></ul>"
        '<ol><li><a href="mailto:a@b.example">c</a></li></ol>'
    )
    stored = convert(html).blocks[0]["value"]
    editor = ContentstateConverter(features=RICH_TEXT_FEATURES)
    saved_again = editor.to_database_format(editor.from_database_format(stored))
    assert re.sub(r' data-block-key="\w+"', "", saved_again) == stored
    assert "<br/>zwei" in stored


def test_code_language_is_plain_and_short():
    converted = convert(f'<pre class="brush: {"x" * 50};">y</pre>')
    assert converted.blocks == [code("y", "x" * 30)]


@pytest.fixture
def no_fetching(settings):
    """Embed finders that fetch nothing and count how often they were asked."""
    CountingFinder.calls = 0
    settings.WAGTAILEMBEDS_FINDERS = [{"class": "tests.wordpress.test_body.CountingFinder"}]
    return CountingFinder


class CountingFinder:
    calls = 0

    def __init__(self, **options):
        pass

    def accept(self, url):
        return True

    def find_embed(self, url, max_width=None, max_height=None):
        CountingFinder.calls += 1
        raise EmbedNotFoundException


@pytest.mark.django_db
def test_a_converted_post_saves_and_renders(client, site, blog_index, no_fetching):
    picture = ImageFactory(title="Katze")
    html = (
        '<!-- wp:paragraph -->\n<p>Hallo <strong>Welt</strong>, <a href="https://a.example/">A</a>'
        "</p>\n<!-- /wp:paragraph -->\n"
        '<!-- wp:heading -->\n<h2 class="wp-block-heading">Teil</h2>\n<!-- /wp:heading -->\n'
        "<!-- wp:list -->\n<ul><li>eins</li><li>zwei</li></ul>\n<!-- /wp:list -->\n"
        '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>Zitat</p><cite>Wer</cite>'
        "</blockquote>\n<!-- /wp:quote -->\n"
        '<!-- wp:code -->\n<pre class="wp-block-code"><code>1 &lt; 2</code></pre>\n'
        "<!-- /wp:code -->\n"
        f'<!-- wp:image -->\n<figure class="wp-block-image"><img src="{IMAGE}" alt="Katze"/>'
        "<figcaption>Schläft</figcaption></figure>\n<!-- /wp:image -->\n"
        '<!-- wp:image -->\n<figure class="wp-block-image"><img src="https://o.example/b.jpg" '
        'alt="Hund"/></figure>\n<!-- /wp:image -->\n'
        f'<!-- wp:embed {{"url":"{VIDEO}"}} -->\n<figure class="wp-block-embed"></figure>\n'
        "<!-- /wp:embed -->\n"
        '<!-- wp:paragraph -->\n<p>[gallery ids="1"]<script>alert(1)</script></p>\n'
        "<!-- /wp:paragraph -->"
    )
    converted = convert(html, image_for=lambda url, alt: picture.pk if url == IMAGE else None)

    post = BlogPageFactory(parent=blog_index, slug="umgezogen", body=[])
    post.body = converted.blocks
    post.save_revision().publish()
    post = BlogPage.objects.get(pk=post.pk)

    assert [block.block_type for block in post.body] == [
        "paragraph", "heading", "paragraph", "quote", "code", "image", "paragraph", "embed",
        "paragraph",
    ]  # fmt: skip
    assert post.body[5].value["image"].pk == picture.pk
    assert no_fetching.calls == 0  # saving an embed asks no provider

    response = client.get(post.url)
    assert response.status_code == 200
    body = BeautifulSoup(response.content, "html.parser").select_one(".post__body")
    assert body.select_one("p b").get_text() == "Welt"
    assert body.select_one('a[href="https://a.example/"]').get_text() == "A"
    assert [li.get_text() for li in body.select("ul li")] == ["eins", "zwei"]
    assert body.select_one(".block-heading").get_text() == "Teil"
    assert body.select_one(".block-quote__text").get_text(strip=True) == "Zitat"
    assert "Wer" in body.select_one(".block-quote__attribution").get_text()
    assert body.select_one(".block-code code").get_text() == "1 < 2"
    assert body.select_one(".block-image img")["alt"] == "Katze"
    assert body.select_one(".block-image__caption").get_text() == "Schläft"
    assert body.select_one('a[href="https://o.example/b.jpg"]').get_text() == "Hund"
    assert not body.select('img[src^="https://o.example"], img[src^="https://old.example"]')
    assert body.select_one(".embed__link")["href"] == VIDEO
    assert '[gallery ids="1"]' in body.get_text()
    assert body.find("script") is None
    assert no_fetching.calls == 1  # showing the page asks the provider (here: nobody)
