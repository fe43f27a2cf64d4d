"""The admin's WordPress page: superusers upload an export, the import runs as
a background task and the page shows its report; the export downloads."""

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from blog.models import BlogPage
from comments.models import WxrImport
from tests.factories import CommentFactory, UserFactory
from tests.wordpress.builders import post_item, thread_comments, write_wxr


def superuser():
    return UserFactory(username="chefin", is_staff=True, is_superuser=True)


def upload(client, path, capture, **extra):
    """Upload as a browser does; the task is queued on commit and runs at once."""
    data = {"file": SimpleUploadedFile("export.xml", path.read_bytes(), "text/xml"), **extra}
    with capture(execute=True):
        return client.post("/admin/wordpress/", data)


def test_a_superuser_imports_a_file_and_reads_the_report(
    client, site, tmp_path, settings, django_capture_on_commit_callbacks
):
    path = write_wxr(tmp_path / "export.xml", [post_item(comments=thread_comments())])
    client.force_login(superuser())
    assert client.get("/admin/wordpress/").status_code == 200
    response = upload(client, path, django_capture_on_commit_callbacks)
    job = WxrImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    assert job.state == "done" and job.items_total == 1 and job.items_done == 1
    assert BlogPage.objects.filter(slug="a1-kompetenz").exists()
    page = client.get(response["Location"]).content.decode()
    assert "16 comments" in page and 'http-equiv="refresh"' not in page
    assert not list(settings.WXR_IMPORT_DIR.iterdir())  # the upload is gone


def test_a_dry_run_from_the_admin_changes_nothing(
    client, site, tmp_path, django_capture_on_commit_callbacks
):
    path = write_wxr(tmp_path / "export.xml", [post_item(comments=thread_comments())])
    client.force_login(superuser())
    upload(client, path, django_capture_on_commit_callbacks, dry_run="on")
    assert WxrImport.objects.get().state == "done"
    assert not BlogPage.objects.filter(slug="a1-kompetenz").exists()


def test_a_broken_file_fails_with_one_line(
    client, site, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "export.xml"
    path.write_text("<html><body>Kein Export</body></html>")
    client.force_login(superuser())
    upload(client, path, django_capture_on_commit_callbacks)
    job = WxrImport.objects.get()
    assert job.state == "failed" and "\n" not in job.report and job.report


def test_only_superusers(client, site, tmp_path):
    editor = UserFactory(username="redakteur", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    for url in ("/admin/wordpress/", "/admin/wordpress/export/"):
        assert client.get(url).status_code in (302, 403)
    assert not WxrImport.objects.exists()


def test_the_export_downloads_with_emails_for_superusers_only(client, post):
    CommentFactory(post=post, user_email="marcus@example.org")
    client.force_login(superuser())
    response = client.get("/admin/wordpress/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content).decode()
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in body
    assert "marcus@example.org" in body


def test_a_running_import_shows_its_progress_and_refreshes(client, site):
    job = WxrImport.objects.create(
        file_name="gross.xml", stored_as="/nowhere", state="running", items_total=10, items_done=3
    )
    client.force_login(superuser())
    page = client.get(f"/admin/wordpress/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page
    assert "3 von 10" in page or "3 of 10" in page
