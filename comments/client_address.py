"""The reader's own address when the blog runs behind proxies (nginx, a load
balancer): the rate limits, the flood rule, Akismet, allauth and the stored
comment all read REMOTE_ADDR, so this middleware puts the right address there.

X-Forwarded-For is believed only as far as it was written by proxies listed in
TRUSTED_PROXIES (addresses or networks): read from the right, each trusted hop
is skipped, and the first address not trusted is the reader's. A header that
a reader sends to a proxy, or straight to the app, changes nothing."""

import ipaddress

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed


def networks(values):
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip()]


def _address(text):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, trusted):
    return address is not None and any(address in network for network in trusted)


def client_address(peer, forwarded_for, trusted):
    """The reader's address, given the direct peer and the X-Forwarded-For chain."""
    if not forwarded_for or not _trusted(_address(peer), trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer  # garbage from before the first trusted proxy: believe nothing
        if not _trusted(address, trusted):
            return str(address)
    return str(_address(hops[0]))  # every hop trusted: the first one is the origin


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.trusted = networks(settings.TRUSTED_PROXIES)
        if not self.trusted:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        request.META["REMOTE_ADDR"] = client_address(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            self.trusted,
        )
        return self.get_response(request)
