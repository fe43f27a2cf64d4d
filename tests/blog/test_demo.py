from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site

from blog.demo.posts import SEED_SLUG, seed_data
from blog.models import BlogCategory, BlogIndexPage, BlogPage


def load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return (
        Page.objects.count(),
        BlogPage.objects.count(),
        BlogCategory.objects.count(),
        get_user_model().objects.count(),
        Site.objects.count(),
    )


@pytest.fixture
def demo(root_page):
    load()


def test_load_demo_builds_the_site(demo):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, BlogIndexPage)
    assert BlogPage.objects.live().count() == 4
    seed = BlogPage.objects.get(slug=SEED_SLUG)
    assert seed.title == "Wie gut ist die Social Web Kompetenz von A1 Mobilkom?"
    assert seed.author_name == "Luca Hammer"
    assert seed.date.year == 2009
    assert seed.categories.count() == 1
    assert "Datenschutz" in [t.name for t in seed.tags.all()]
    assert not seed.author.has_usable_password()
    # Wagtail's placeholder welcome page is gone.
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page_id).exists()


def test_load_demo_twice_changes_nothing(demo):
    before = counts()
    output = load()
    assert counts() == before
    assert "Kept the post" in output


def test_if_new_leaves_an_existing_blog_alone(demo):
    BlogPage.objects.get(slug="neues-kommentarsystem").delete()
    assert "not loaded" in load("--if-new")
    assert not BlogPage.objects.filter(slug="neues-kommentarsystem").exists()


def test_admin_gets_a_random_password_printed_once(root_page):
    first = load("--admin")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    password = first.split("password: ")[1].split()[0]
    assert admin.check_password(password)
    second = load("--admin")
    assert password not in second
    assert "changepassword" in second

    get_user_model().objects.filter(username="admin").delete()
    other = load("--admin").split("password: ")[1].split()[0]
    assert other != password


def test_seed_post_page_shows_the_seed_title_and_body(client, demo):
    response = client.get(f"/{SEED_SLUG}/")
    assert response.status_code == 200
    html = response.content.decode()
    seed = seed_data()
    assert seed["title"] in html
    for paragraph in seed["body_paragraphs"]:
        assert paragraph in html
    assert "Social Web" in html
    assert "Luca Hammer" in html


def test_demo_home_lists_the_seed_post(client, demo):
    html = client.get("/").content.decode()
    assert f'href="/{SEED_SLUG}/"' in html
