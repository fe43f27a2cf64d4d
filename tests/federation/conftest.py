"""A blog served by Django's live server and known to the fediverse by that
address, and a fake Mastodon on loopback that talks to it over real HTTP."""

import pytest
from django.contrib.sites.models import Site as DjangoSite
from wagtail.models import Site

from tests.fakes.mastodon_server import FakeMastodon


@pytest.fixture
def live_site(live_server, site, settings):
    """The default site at the live server's address, so that every id the
    blog hands out (actors, keys, posts) is one the fake can fetch."""
    host, port = live_server.url.removeprefix("http://").split(":")
    Site.objects.filter(pk=site.pk).update(hostname=host, port=int(port))
    DjangoSite.objects.filter(pk=settings.SITE_ID).update(domain=f"{host}:{port}")
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.LINKBACKS_ALLOW_PRIVATE_HOSTS = True  # the fake lives on loopback
    site.refresh_from_db()
    return site


def _running_fake():
    fake = FakeMastodon().start()
    yield fake
    fake.shutdown()
    fake.server_close()


@pytest.fixture
def mastodon():
    yield from _running_fake()


@pytest.fixture
def other_mastodon():
    """A second server, for what one server must not say about another's accounts."""
    yield from _running_fake()
