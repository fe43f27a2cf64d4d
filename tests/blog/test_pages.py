import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from blog.models import BlogIndexPage, BlogPage
from tests.factories import BlogPageFactory


class TestPageTree(WagtailPageTestCase):
    def test_index_holds_only_posts(self):
        self.assertAllowedSubpageTypes(BlogIndexPage, {BlogPage})

    def test_post_lives_only_under_an_index_and_has_no_children(self):
        self.assertAllowedParentPageTypes(BlogPage, {BlogIndexPage})
        self.assertAllowedSubpageTypes(BlogPage, set())

    def test_index_can_be_created_at_the_root(self):
        self.assertCanCreateAt(Page, BlogIndexPage)
        self.assertCanNotCreateAt(Page, BlogPage)


@pytest.mark.parametrize("slug", ["tag", "category", "author", "feed", "search", "2009"])
def test_post_slug_may_not_shadow_an_archive_route(blog_index, slug):
    with pytest.raises(ValidationError) as error:
        blog_index.add_child(instance=BlogPage(title="Clash", slug=slug))
    assert "slug" in error.value.message_dict
    assert not BlogPage.objects.filter(slug=slug).exists()


def test_author_defaults_to_the_page_owner(blog_index, author):
    post = BlogPageFactory(parent=blog_index, author=None, owner=author)
    assert post.author == author
    assert post.author_name == "Luca Hammer"


def test_excerpt_falls_back_to_the_start_of_the_body(blog_index):
    post = BlogPageFactory(
        parent=blog_index,
        intro="",
        body=[
            {"type": "paragraph", "value": "<p>Hin und <b>wieder</b> gehen Daten verloren.</p>"}
        ],
    )
    assert post.excerpt == "Hin und wieder gehen Daten verloren."


def test_comments_and_pings_are_open_by_default(post):
    assert post.allow_comments is True
    assert post.allow_pings is True


def test_post_has_an_absolute_url(post):
    assert post.get_absolute_url() == "/a1-mobilkom/"
