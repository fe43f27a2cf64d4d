import datetime
import time

from django.core.management import call_command
from django.utils import timezone
from django_comments.models import Comment as BaseComment

from tests.factories import BlogPageFactory, CommentFactory


def test_clear_page_cache_empties_the_directory(db, settings, tmp_path, capsys):
    settings.PAGE_CACHE_DIR = str(tmp_path / "pages")
    page = tmp_path / "pages" / "post" / "index.de.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>alt</p>")
    call_command("clear_page_cache")
    assert not page.exists()
    assert "emptied" in capsys.readouterr().out


def test_clear_page_cache_renews_every_fragment(client, post, settings):
    """For changes made behind the app's back (SQL, a restored backup)."""
    settings.PAGE_CACHE_DIR = ""
    CommentFactory(post=post, user_name="Vorher")
    assert "Vorher" in client.get(post.url).content.decode()
    # Through django_comments' own model: no signal, no version moved.
    BaseComment.objects.filter(user_name="Vorher").update(user_name="Nachher")
    assert "Vorher" in client.get(post.url).content.decode()  # nobody was told
    call_command("clear_page_cache")
    assert "Nachher" in client.get(post.url).content.decode()


def test_reveal_due_posts_renews_the_caches_when_a_post_comes_due(
    post, blog_index, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_DIR = str(tmp_path / "pages")
    soon = timezone.now() + datetime.timedelta(seconds=1)
    BlogPageFactory(parent=blog_index, slug="bald", date=soon).save_revision().publish()
    cached = tmp_path / "pages" / "index.de.html"
    cached.parent.mkdir(parents=True)
    cached.write_text("<p>ohne den neuen Beitrag</p>")
    call_command("reveal_due_posts")
    assert cached.exists()  # not yet
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reveal_due_posts")
    assert not cached.exists()
