"""import_wxr: a WordPress export becomes posts and comments here, threads and
statuses kept, nothing sent, old addresses redirected; a second run updates."""

import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.contrib.redirects.models import Redirect

from blog.models import BlogCategory, BlogPage
from comments.linkbacks.models import OutgoingPing
from comments.models import Comment, ImportedObject, Subscription
from comments.wordpress import importer
from tests.wordpress.builders import SITE, comment, post_item, thread_comments, write_wxr


@pytest.fixture
def blog_file(tmp_path):
    items = [
        post_item(comments=thread_comments()),
        post_item(12, status="draft", slug="entwurf", link=f"{SITE}/?p=12"),
        post_item(13, status="future", slug="spaeter", date_gmt=datetime(2099, 1, 1, 8)),
        post_item(14, status="private", slug="privat"),
        post_item(15, post_type="page", slug="impressum", link=f"{SITE}/impressum/"),
        post_item(16, post_type="attachment", status="inherit", slug="bild"),
    ]
    return write_wxr(tmp_path / "export.xml", items)


def run(path, **options):
    return importer.run(path, importer.Options(**options))


def imported_post(slug="a1-kompetenz"):
    return BlogPage.objects.get(slug=slug)


def test_posts_authors_and_terms(site, blog_file):
    report = run(blog_file)
    post = imported_post()
    assert post.live and post.title.startswith("Wie gut ist")
    assert post.date == datetime(2009, 5, 5, 8, tzinfo=UTC)  # the GMT date
    assert post.first_published_at == datetime(2009, 5, 5, 8, tzinfo=UTC)
    assert [c.slug for c in post.categories.all()] == ["datenschutz"]
    assert [t.name for t in post.tags.all()] == ["A1"]
    luca = User.objects.get(username="luca")
    assert post.author == luca and luca.get_full_name() == "Luca Hammer"
    assert not luca.has_usable_password()
    assert not imported_post("entwurf").live
    future = imported_post("spaeter")
    assert not future.live and future.go_live_at.year == 2099
    assert not imported_post("privat").live
    assert imported_post("impressum").live  # a page, imported as a post
    assert not BlogPage.objects.filter(slug="bild").exists()
    notes = "\n".join(report.notes)
    assert "private in WordPress" in notes and "a WordPress page" in notes
    assert report.counts[("attachment", "skipped", "updated")] == 1


def test_comments_keep_status_type_thread_and_dates(site, blog_file, settings):
    settings.COMMENTS_THREAD_DEPTH = 5
    settings.COMMENTS_XTD_MAX_THREAD_LEVEL = 4
    report = run(blog_file)
    post = imported_post()
    by_wp = {
        entry.wp_id: Comment.objects.get(pk=entry.object_id)
        for entry in ImportedObject.objects.filter(kind="comment")
    }
    assert len(by_wp) == 16
    assert Comment.objects.for_post(post).count() == 16
    assert by_wp[2].parent_id == by_wp[1].pk and by_wp[2].level == 1
    assert by_wp[5].level == 4
    assert by_wp[6].parent_id == by_wp[4].pk  # too deep: under its deepest allowed ancestor
    assert by_wp[7].parent_id == by_wp[7].pk  # orphan: top level
    statuses = {n: by_wp[n].status for n in (1, 8, 9, 10, 11)}
    assert statuses == {1: "approved", 8: "pending", 9: "spam", 10: "trash", 11: "trash"}
    assert by_wp[12].kind == "pingback" and by_wp[12].user_url == "https://other.example/artikel/"
    assert by_wp[12].user_name == "Anderer Blog » Ein Artikel"
    assert by_wp[13].kind == "trackback"
    assert by_wp[14].kind == "comment"
    assert by_wp[1].submit_date == datetime(2009, 5, 11, 12, tzinfo=UTC)
    assert by_wp[15].submit_date.isoformat() == "2009-05-20T07:00:00+00:00"  # Berlin, summer
    assert by_wp[16].user.username == "luca"
    assert by_wp[16].body_html == "<p>Danke <strong>euch</strong>!</p>"
    assert by_wp[1].ip_address is None  # dropped without --keep-ip
    notes = "\n".join(report.notes)
    assert "parent 999 is not in the file" in notes
    assert "deeper than 5 levels" in notes
    assert "'some_plugin_like' imported as a comment" in notes


def test_nothing_is_sent_while_importing(
    site, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.LINKBACKS_SEND = True
    linking = '<p>Siehe <a href="http://127.0.0.1:9/quelle/">dort</a>.</p>'  # refused at once
    path = write_wxr(tmp_path / "links.xml", [post_item(content=linking, comments=[comment(1)])])
    with django_capture_on_commit_callbacks(execute=True):
        run(path)
    assert mail.outbox == []
    assert not OutgoingPing.objects.exists()
    assert not Subscription.objects.exists()
    # Published again by its author later, the post pings as any other does.
    post = imported_post()
    with django_capture_on_commit_callbacks(execute=True):
        post.save_revision().publish()
    assert OutgoingPing.objects.exists()


def test_keep_ip(site, blog_file):
    run(blog_file, keep_ip=True)
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {"192.0.2.7"}


def test_a_second_run_updates_instead_of_duplicating(site, blog_file, tmp_path):
    run(blog_file)
    counts = (BlogPage.objects.count(), Comment.objects.count(), User.objects.count())
    changed = post_item(comments=[comment(1, content="Neu geschrieben", approved="spam")])
    run(write_wxr(tmp_path / "again.xml", [changed]))
    run(blog_file)
    assert (BlogPage.objects.count(), Comment.objects.count(), User.objects.count()) == counts
    assert BlogCategory.objects.filter(slug="datenschutz").count() == 1


def test_an_update_changes_text_and_status(site, blog_file, tmp_path):
    run(blog_file)
    changed = post_item(comments=[comment(1, content="Neu geschrieben", approved="spam")])
    run(write_wxr(tmp_path / "again.xml", [changed]))
    first = Comment.objects.get(pk=ImportedObject.objects.get(kind="comment", wp_id=1).object_id)
    assert first.comment == "Neu geschrieben" and first.status == "spam"
    assert first.body_html == "<p>Neu geschrieben</p>"


def test_a_dry_run_changes_nothing(site, blog_file):
    report = run(blog_file, dry_run=True)
    assert not BlogPage.objects.filter(slug="a1-kompetenz").exists()
    assert not Comment.objects.exists() and not ImportedObject.objects.exists()
    assert report.total("comment") == 16
    assert report.summary().startswith("WXR would import")


def test_old_addresses_redirect_with_301(client, site, blog_file):
    run(blog_file)
    post = imported_post()
    old = client.get("/2009/05/a1-kompetenz/")
    assert old.status_code == 301 and old["Location"] == post.url
    plain = client.get("/?p=11")
    assert plain.status_code == 301 and plain["Location"] == post.url
    page = client.get("/2009/05/a1-kompetenz/comment-page-2/")
    assert page.status_code == 301 and page["Location"] == post.url
    assert client.get("/?page_id=15")["Location"] == imported_post("impressum").url
    assert client.get("/?p=4711").status_code == 200  # not imported: the blog as usual
    assert Redirect.objects.filter(old_path="/2009/05/a1-kompetenz").exists()


def test_old_comment_anchors_resolve_on_the_page(client, site, blog_file):
    run(blog_file)
    html = client.get(imported_post().url).content.decode()
    first = ImportedObject.objects.get(kind="comment", wp_id=1).object_id
    assert f'<li id="comment-{first}"' in html
    assert '<span id="comment-1"></span>' in html or first == 1


def test_the_command_reports_and_refuses_a_broken_file(site, blog_file, tmp_path):
    out = io.StringIO()
    call_command("import_wxr", str(blog_file), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "WXR would import" in out.getvalue()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(blog_file.read_bytes()[:3000])
    with pytest.raises(CommandError) as refused:
        call_command("import_wxr", str(broken), stdout=io.StringIO(), stderr=io.StringIO())
    assert "\n" not in str(refused.value)
    assert not BlogPage.objects.filter(slug="a1-kompetenz").exists()


def test_author_map_needs_existing_users(site, blog_file, author):
    run(blog_file, author_map={"luca": author.username})
    assert imported_post().author == author
    assert not User.objects.filter(username="luca-2").exists()
    with pytest.raises(importer.ImportFailed, match="no user nobody"):
        run(blog_file, author_map={"luca": "nobody"})


def test_old_anchors_of_comments_on_other_pages_lead_there(client, site, tmp_path, settings):
    settings.COMMENTS_PER_PAGE = 2
    items = [post_item(comments=[comment(n) for n in range(1, 6)])]  # five threads
    importer.run(write_wxr(tmp_path / "pages.xml", items), importer.Options())
    first_page = client.get(imported_post().url).content.decode()
    fifth = ImportedObject.objects.get(kind="comment", wp_id=5).object_id
    anchor = f'<p class="comment-elsewhere" id="comment-5"><a href="/comments/{fifth}/">'
    assert anchor in first_page
    assert 'id="comment-1"' in first_page and first_page.count('id="comment-5"') == 1
    found = client.get(f"/comments/{fifth}/")
    assert found.status_code == 302
    assert found["Location"].endswith(f"?cpage=3#comment-{fifth}")
