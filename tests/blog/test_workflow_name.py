"""The German admin offers "In Redaktionsprüfung einreichen", not Wagtail's
default "In Moderators approval einreichen"."""

from wagtail.models import Task, Workflow

from tests.factories import BlogPageFactory


def test_the_default_workflow_has_a_german_name(db):
    assert Workflow.objects.filter(name="Redaktionsprüfung").exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()


def test_the_post_editor_offers_the_german_workflow(admin_client, site, blog_index):
    post = BlogPageFactory(parent=blog_index)
    page = admin_client.get(
        f"/admin/pages/{post.pk}/edit/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Moderators approval" not in page
    assert "Redaktionsprüfung" in page
