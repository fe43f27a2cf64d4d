from django.core.management import call_command
from django_comments.models import Comment as BaseComment

from tests.factories import CommentFactory


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
