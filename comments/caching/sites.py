"""Which Wagtail site a request is for, and which page its path leads to,
remembered per process and per version of the posts (versions.POSTS). Wagtail
looks both up with queries on every request, though they change only when a
site or a page does, which moves that version (a comment does not). Both are
handed to Wagtail through the attributes it caches them in on the request
(`_wagtail_site`, `_wagtail_route_for_request`); only anonymous readers'
requests use them (caching.middleware)."""

from wagtail.models import Site

_LIMIT = 512
_sites: dict = {}
_routes: dict = {}


def _host(request):
    return request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME")


def _keep(memo, key, value):
    if len(memo) >= _LIMIT:
        memo.clear()
    memo[key] = value


def remember(request, version):
    """Before the view: give the request its site and, if known, its route."""
    key = (_host(request), version)
    site = _sites.get(key)
    if site is None:
        site = Site.find_for_request(request)
        if site is None:
            return
        site.root_page.specific  # noqa: B018  (loaded now, kept with the site)
        _keep(_sites, key, site)
    request._wagtail_site = site
    route = _routes.get((key, request.path_info))
    if route is not None:
        request._wagtail_route_for_request = route


def learn(request, version):
    """After the view: keep the route Wagtail found, for the next request."""
    route = getattr(request, "_wagtail_route_for_request", None)
    if route is not None:
        _keep(_routes, ((_host(request), version), request.path_info), route)


def forget():
    """Drop what this process remembers (tests, which reuse primary keys)."""
    _sites.clear()
    _routes.clear()
