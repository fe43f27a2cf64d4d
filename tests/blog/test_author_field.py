"""The post editor's author field (issue 11): it starts on the person writing
the post and lists only people who may write, never readers who signed up to
comment."""

import re

from django.contrib.auth.models import Group, Permission
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, streamfield

from blog.models import BlogPage
from tests.factories import BlogIndexPageFactory, BlogPageFactory, UserFactory


def _options(html):
    select = re.search(r'<select name="author".*?</select>', html, re.S)[0]
    return {
        label.strip(): "selected" in attrs
        for attrs, label in re.findall(r"<option value=\"\d+\"([^>]*)>([^<]*)</option>", select)
    }


class TestAuthorField(WagtailPageTestCase):
    def setUp(self):
        self.index = BlogIndexPageFactory(parent=Page.get_first_root_node())
        self.editor = UserFactory(username="erika", first_name="Erika", last_name="Schreiber")
        self.editor.groups.add(Group.objects.get(name="Editors"))
        self.moderator = UserFactory(username="mo", first_name="Mo", last_name="Derator")
        self.moderator.groups.add(Group.objects.get(name="Moderators"))
        self.reader = UserFactory(username="leser", first_name="Lea", last_name="Leserin")
        self.commenter = UserFactory(username="kai", first_name="Kai", last_name="Kommentar")
        self.commenter.user_permissions.add(
            Permission.objects.get(codename="add_comment", content_type__app_label="comments")
        )
        self.former = UserFactory(
            username="ex", first_name="Ex", last_name="Autor", is_active=False
        )
        self.user = self.login()  # a superuser
        self.user.first_name, self.user.last_name = "Ada", "Admin"
        self.user.save()

    def _create_page(self):
        url = f"/admin/pages/add/blog/blogpage/{self.index.pk}/"
        return self.client.get(url).content.decode()

    def test_new_post_starts_on_the_logged_in_user(self):
        options = _options(self._create_page())
        selected = [label for label, chosen in options.items() if chosen]
        assert selected == [f"Ada Admin ({self.user.get_username()})"]

    def test_only_people_who_may_write_are_listed(self):
        labels = " | ".join(_options(self._create_page()))
        assert "Erika Schreiber" in labels  # Editors
        assert "Mo Derator" in labels  # Moderators (Wagtail gives them pages too)
        assert "Ada Admin" in labels  # a superuser
        assert "Lea Leserin" not in labels  # signed up to comment
        assert "Kai Kommentar" not in labels
        assert "Ex Autor" not in labels

    def test_an_editor_creates_a_post_under_their_own_name(self):
        self.client.force_login(self.editor)
        options = _options(self._create_page())
        assert [label for label, selected in options.items() if selected] == [
            "Erika Schreiber (erika)"
        ]

    def test_a_reader_cannot_be_posted_as_author(self):
        data = nested_form_data(
            {
                "title": "Untergeschoben",
                "slug": "untergeschoben",
                "date": "2009-05-12 21:40",
                "author": self.reader.pk,
                "body": streamfield([]),
                "action-publish": "action-publish",
            }
        )
        url = f"/admin/pages/add/blog/blogpage/{self.index.pk}/"
        response = self.client.post(url, data)
        assert response.status_code == 200  # the form again, with the error
        assert not BlogPage.objects.filter(slug="untergeschoben").exists()

    def test_an_old_post_keeps_its_author(self):
        post = BlogPageFactory(parent=self.index, slug="alt", author=self.former)
        html = self.client.get(f"/admin/pages/{post.pk}/edit/").content.decode()
        options = _options(html)
        assert [label for label, selected in options.items() if selected] == ["Ex Autor (ex)"]
        assert "Lea Leserin (leser)" not in options
