"""What a reader sees of issue 11: pages that fit a phone, a form that survives an
error without JavaScript, a counter instead of a silent cut, keyboard-friendly
@-suggestions, and the small things around them."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import BlogPageFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_URL = "https://example.org/" + "a1-mobilkom-verteiler-" * 6 + "x" * 18  # 170 characters
LONG_WORD = "Datenschutzgrundverordnungsverletzungsbenachrichtigungsschreiben" * 3
LONG_NAME = LONG_WORD[:50]  # as long as a name may be
LONG_CODE = "mail(to=" + ", ".join(f"'kunde{n}@example.org'" for n in range(40)) + ")"


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def fill_guest_form(page, name, email, text):
    page.fill("#id_comment", text)
    page.fill("#id_name", name)
    page.fill("#id_email", email)


@pytest.fixture
def hostile_post(site, blog_index, author):
    """A post, and comments, that try their best to be wider than a phone."""
    post = BlogPageFactory(
        parent=blog_index,
        title=f"Ein {LONG_WORD[:70]} Titel",
        slug="breit",
        author=author,
        intro=f"Auszug mit {LONG_WORD} und {LONG_URL}",
        body=[
            {"type": "paragraph", "value": f"<p>Text mit {LONG_WORD}</p>"},
            {"type": "code", "value": {"language": "python", "code": LONG_CODE}},
        ],
    )
    CommentFactory(post=post, user_name="Roman", comment=f"Siehe {LONG_URL}")
    top = CommentFactory(post=post, user_name=LONG_NAME, comment=f"{LONG_WORD} **{LONG_WORD}**")
    parent = top
    for depth in range(1, 5):
        parent = CommentFactory(
            post=post, parent_id=parent.pk, user_name=f"Tiefe {depth}", comment=LONG_URL
        )
    return post


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_is_wider_than_the_screen(live_server, page, hostile_post, width):
    assert len(LONG_URL) == 170
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(live_server.url + hostile_post.url)
    assert page.locator(".block-code").count() == 1
    assert scroll_width(page) <= width
    code = page.locator(".block-code")
    assert code.evaluate("e => e.scrollWidth > e.clientWidth")  # it scrolls on its own
    assert code.evaluate("e => getComputedStyle(e).overflowX") == "auto"

    page.goto(live_server.url + "/")
    assert scroll_width(page) <= width

    page.goto(live_server.url + hostile_post.url)
    fill_guest_form(page, LONG_NAME, "lang@example.org", f"{LONG_WORD} {LONG_URL}")
    page.get_by_role("button", name="Kommentar abschicken").click()
    page.locator(".comment--mine").wait_for()
    assert scroll_width(page) <= width
    page.locator(".comment--mine .comment__edit").click()
    page.wait_for_url("**/edit/")
    assert page.locator("#id_comment").input_value().startswith(LONG_WORD)
    assert page.locator(".comment-form__counter").inner_text().endswith(" / 3000")
    assert scroll_width(page) <= width


def test_after_a_no_js_error_the_page_opens_at_the_form_and_replies_work(
    live_server, browser, post
):
    vu = CommentFactory(post=post, user_name="Vu", comment="Kann ja doch ein Marketing Gag sein.")
    context = browser.new_context(
        java_script_enabled=False, locale="de-DE", viewport={"width": 1200, "height": 500}
    )
    page = context.new_page()
    page.goto(live_server.url + post.url)
    page.get_by_role("button", name="Kommentar abschicken").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/comments/post/#respond"
    assert page.evaluate("window.scrollY") > 0
    expect(page.locator("#respond")).to_be_in_viewport()
    expect(page.locator(".comment-form__field--comment .comment-form__error")).to_be_in_viewport()

    reply = page.locator(f"#comment-{vu.pk} .comment__reply")
    assert reply.get_attribute("href") == f"{post.url}?replytocom={vu.pk}#respond"
    with page.expect_navigation() as navigation:
        reply.click()
    assert navigation.value.status == 200
    assert page.url == f"{live_server.url}{post.url}?replytocom={vu.pk}#respond"
    assert (
        page.locator("#reply-title").inner_text().startswith("Antworte auf den Kommentar von Vu")
    )
    context.close()


def test_a_long_paste_is_counted_and_refused_but_never_cut(live_server, page, post):
    text = ("Ein sehr langer, eingefügter Leserbrief. " * 80)[:3100]
    page.goto(live_server.url + post.url)
    textarea = page.locator("#id_comment")
    assert textarea.get_attribute("maxlength") is None
    counter = page.locator(".comment-form__counter")
    assert counter.get_attribute("aria-live") == "polite"
    textarea.fill("Hallo")
    assert counter.inner_text().startswith("5 / 3000")
    assert "comment-form__counter--over" not in counter.get_attribute("class")

    fill_guest_form(page, "Marcus Greyer", "marcus@example.org", text)
    assert textarea.input_value() == text  # nothing cut on the way in
    assert counter.inner_text().startswith("3100 / 3000")
    assert "comment-form__counter--over" in counter.get_attribute("class")
    assert "100" in counter.inner_text().split("3000", 1)[1]  # how many too many

    page.get_by_role("button", name="Kommentar abschicken").click()
    error = page.locator(".comment-form__field--comment .comment-form__error")
    error.wait_for()
    assert error.inner_text() == "Dein Kommentar hat 3100 Zeichen; erlaubt sind höchstens 3000."
    assert page.locator("#id_comment").input_value() == text
    assert page.locator(".comment-form__counter").inner_text().startswith("3100 / 3000")
    assert not Comment.objects.exists()


def test_mention_suggestions_work_with_the_keyboard_and_umlauts(live_server, page, post):
    staff = UserFactory(username="redaktion", first_name="Hubert", last_name="Redaktion")
    staff.is_staff = True
    staff.save()
    CommentFactory(post=post, user_name="Markus Hübner")
    CommentFactory(post=post, user_name="Hannes Offenbacher")
    CommentFactory(
        post=post,
        user_name="Hubs Blog",
        kind=Comment.Kind.PINGBACK,
        user_url="https://hubs.example/",
        comment="Hubs Blog verlinkt",
    )
    page.goto(live_server.url + post.url)
    textarea = page.locator("#id_comment")
    listbox = page.get_by_role("listbox")
    options = listbox.get_by_role("option")
    for typed in ("@hüb", "@HUB"):  # case-folded, with or without the umlaut
        textarea.fill("")
        textarea.press_sequentially(f"Danke {typed}")
        expect(options).to_have_count(1)
        assert options.all_inner_texts() == ["@Markus Hübner"]  # no linkback, no staff
        assert textarea.get_attribute("aria-expanded") == "true"
        textarea.press("Escape")
        expect(listbox).to_have_count(0)
        assert textarea.get_attribute("aria-expanded") == "false"

    textarea.fill("")
    textarea.press_sequentially("@h")
    expect(options).to_have_count(2)
    assert options.all_inner_texts() == ["@Markus Hübner", "@Hannes Offenbacher"]
    textarea.press("ArrowDown")
    first = textarea.get_attribute("aria-activedescendant")
    assert page.locator(f"#{first}").get_attribute("aria-selected") == "true"
    textarea.press("ArrowDown")
    second = textarea.get_attribute("aria-activedescendant")
    assert second != first
    assert page.locator(f"#{first}").get_attribute("aria-selected") == "false"
    textarea.press("ArrowUp")
    textarea.press("ArrowDown")
    assert textarea.get_attribute("aria-activedescendant") == second
    textarea.press("Enter")
    expect(listbox).to_have_count(0)
    assert textarea.input_value() == "@Hannes "
    assert textarea.get_attribute("aria-activedescendant") is None


def test_edit_and_delete_stand_in_one_row(live_server, page, post):
    page.goto(live_server.url + post.url)
    fill_guest_form(page, "Marcus Greyer", "marcus@example.org", "Mein erster Kommentar.")
    page.get_by_role("button", name="Kommentar abschicken").click()
    mine = page.locator(".comment--mine")
    mine.wait_for()
    edit = mine.get_by_role("link", name="Bearbeiten").bounding_box()
    delete = mine.get_by_role("button", name="Löschen").bounding_box()
    assert abs((edit["y"] + edit["height"] / 2) - (delete["y"] + delete["height"] / 2)) < 4
    assert delete["x"] > edit["x"] + edit["width"]
    assert page.locator("#comments-title").inner_text() != "Noch keine Kommentare"


def test_header_login_returns_to_the_post_and_then_offers_the_account(live_server, page, post):
    reader = UserFactory(username="markus", email="markus@example.org")
    reader.set_password("Bcc-ist-kein-Hexenwerk-2009")
    reader.save()
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    page.goto(live_server.url + post.url)
    header = page.get_by_role("banner")
    login = header.get_by_role("link", name="Anmelden")
    assert login.get_attribute("href") == f"/accounts/login/?next={post.url}"
    login.click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("E-Mail").fill(reader.email)
    page.get_by_label("Passwort").fill("Bcc-ist-kein-Hexenwerk-2009")
    page.locator(".account form[method=post] button[type=submit]").click()
    page.wait_for_url(live_server.url + post.url)
    account = page.get_by_role("banner").get_by_role("link", name="Mein Konto")
    assert account.get_attribute("href") == "/accounts/comments/"
    assert page.get_by_role("banner").get_by_role("link", name="Anmelden").count() == 0


def test_login_buttons_look_like_buttons(live_server, page, post):
    page.goto(live_server.url + post.url)
    intro = page.locator(".comment-login__intro")
    assert intro.inner_text() == "Kommentiere als Gast oder melde dich mit deinem Konto an"
    for button in page.locator(".comment-login__button").all():
        style = button.evaluate(
            "b => { const s = getComputedStyle(b);"
            " return [s.borderTopLeftRadius, s.borderTopStyle, s.paddingLeft]; }"
        )
        assert style[0] != "0px" and style[1] != "none" and style[2] != "0px", style


def test_language_switch_keeps_the_place_on_the_page(live_server, page, post):
    comment = CommentFactory(post=post, user_name="Vu")
    page.goto(f"{live_server.url}{post.url}#comment-{comment.pk}")
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Wechseln").click()
    page.wait_for_url(f"{live_server.url}{post.url}#comment-{comment.pk}")
    assert "Posted on" in page.locator(".post-meta").inner_text()


def test_the_site_has_its_own_favicon(live_server, page, post):
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(live_server.url + post.url)
    icon = page.locator("link[rel=icon]")
    href = icon.get_attribute("href")
    assert href.startswith("/static/") and href.endswith(".svg")
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert all(url.startswith(live_server.url) for url in asked)
