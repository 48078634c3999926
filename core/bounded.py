"""A dict of values kept per process that empties itself when full.

Several hot paths keep what they built for the life of the process under a key of everything it
depends on (issue 17: the site header, the menu's URLs, queue rows and their statement, form
fields' HTML, inbox messages). Nothing is ever stale under such a key, so the only rule left is
a bound on memory: when the next entries would pass the limit, everything goes and is built
again on demand — simpler than an LRU and as good for keys that are few and hot.

A copy of what a cache shared by the processes holds for a limited time (the dashboards' panels,
the Open311 list's answers) is kept with the moment it stops holding: `keep_until` and
`get_until`.
"""

from typing import Any, TypeVar

V = TypeVar("V")


class Bounded(dict[Any, Any]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def room(self, count: int = 1) -> None:
        """Make room for `count` new entries: empty the dict when they would pass the limit."""
        if len(self) + count > self.limit:
            self.clear()

    def keep(self, key: Any, value: V) -> V:
        """Keep `value` under `key` (making room first) and return it."""
        self.room()
        self[key] = value
        return value

    def keep_until(self, key: Any, until: Any, value: V) -> V:
        """Keep `value` under `key` while the time is before `until` (see get_until)."""
        self.keep(key, (until, value))
        return value

    def get_until(self, key: Any, now: Any) -> Any:
        """The value kept under `key` with keep_until if `now` is before its `until`, else None."""
        entry = self.get(key)
        if entry is not None and now < entry[0]:
            return entry[1]
        return None
