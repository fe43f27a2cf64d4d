import pytest
from django.core.cache import cache
from wagtail.models import Locale, Page, Site

from tests.factories import BlogIndexPageFactory, BlogPageFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Site root paths and rate limits live in the cache; no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def root_page(db):
    """Wagtail's root page; transactional tests flush it, so make it if missing."""
    Locale.objects.get_or_create(language_code="de")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


@pytest.fixture
def blog_index(root_page):
    return BlogIndexPageFactory(parent=root_page)


@pytest.fixture
def site(blog_index):
    """The default site, served at http://testserver/ with the blog as its home."""
    Site.objects.all().delete()
    return Site.objects.create(
        hostname="testserver",
        port=80,
        root_page=blog_index,
        is_default_site=True,
        site_name="Kommentar",
    )


@pytest.fixture
def author(db):
    return UserFactory(username="luca", first_name="Luca", last_name="Hammer")


@pytest.fixture
def post(site, blog_index, author):
    return BlogPageFactory(
        parent=blog_index,
        title="Wie gut ist die Social Web Kompetenz von A1 Mobilkom?",
        slug="a1-mobilkom",
        author=author,
        tags=["A1", "Datenschutz"],
    )
