"""The site's routes resolved once per path and process.

Django resolves every request's path against the URL patterns in order. A route that does not
match costs a pattern test, and an include whose prefix does not match costs an exception (with
the list of routes tried) besides. A page at the end of the list (the dashboards, the API) paid
0.03–0.1 ms per request for that (issue 17, `bench.breakdown`), for an answer that depends on
nothing but the path: the patterns do not change while the process runs, and no converter of
the project reads anything but the path.

`KeptRoutes` is the site's patterns as one include with an empty prefix — the same routes,
names, namespaces and reversing — that keeps what each path resolved to. Django's root resolver
builds a new match around the kept one for every request (its own argument dicts), so a view
never shares a match it could change with another request. A path that matches nothing is not
kept: a flood of random paths costs memory no more than the bound, and each such path is
resolved as before.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import ResolverMatch, RoutePattern

from core.bounded import Bounded

# Distinct paths kept per process (the status page's codes are most of them); emptied when full.
PATHS_KEPT = 4_096


class KeptRoutes(URLResolver):
    def __init__(
        self, urlpatterns: list[URLPattern | URLResolver], *, limit: int = PATHS_KEPT
    ) -> None:
        super().__init__(RoutePattern("", is_endpoint=False), urlpatterns)
        self.matches: Bounded = Bounded(limit)

    def resolve(self, path: str) -> ResolverMatch:
        path = str(path)
        match = self.matches.get(path)
        if match is None:
            match = self.matches.keep(path, super().resolve(path))  # Resolver404: not kept
        return match
