"""Authors write posts with tags and categories in the Wagtail admin."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import BlogIndexPage, BlogPage
from tests.factories import BlogCategoryFactory, BlogIndexPageFactory


class TestWritingInTheAdmin(WagtailPageTestCase):
    def setUp(self):
        self.index = BlogIndexPageFactory(parent=Page.get_first_root_node())
        self.category = BlogCategoryFactory(name="Social Web", slug="social-web")
        self.user = self.login()

    def test_author_creates_a_tagged_post(self):
        data = nested_form_data(
            {
                "title": "Ein neuer Beitrag",
                "slug": "ein-neuer-beitrag",
                "date": "2009-05-12 21:40",
                "intro": "Kurz gesagt",
                "body": streamfield(
                    [
                        ("paragraph", rich_text("<p>Hallo Welt</p>")),
                        ("code", {"language": "python", "code": "print('hi')"}),
                        ("quote", {"text": "Fehler passieren.", "attribution": "ritchie"}),
                    ]
                ),
                "tags": "A1, Datenschutz",
                "allow_comments": "on",
                "allow_pings": "on",
                "action-publish": "action-publish",
            }
        )
        data["categories"] = [self.category.pk]  # a multi-value field, not a nested one
        self.assertCanCreate(self.index, BlogPage, data)
        post = BlogPage.objects.get(slug="ein-neuer-beitrag")
        assert post.live
        assert sorted(t.name for t in post.tags.all()) == ["A1", "Datenschutz"]
        assert list(post.categories.all()) == [self.category]
        assert post.author == self.user  # defaults to the page's owner

    def test_index_accepts_only_posts(self):
        self.assertCanNotCreateAt(BlogIndexPage, BlogIndexPage)
