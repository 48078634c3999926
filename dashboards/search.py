"""The staff search box (the header of every page): a case by its code or by words, a household
by its address, a Party member by name — each only within what the user may see, each by the
owning app's own scoping (requests_desk.selectors.requests_for, care.selectors.
households_visible_to, party_branches.selectors.members_for).

Household addresses are encrypted at rest (care.models.Household): the database cannot compare
a part of one. A query is therefore matched in two ways that leak nothing: the whole address,
through the keyed blind index of its normal form (privacy.crypto.text_index: full-width folded,
spaces removed — "光明大道８８号 3栋" finds "光明大道88号3栋"), and the building (estate and
block, kept plain on purpose: it names no door) by its text. A part of the address ("88号")
finds nothing, by design: a substring index over encrypted data would give away the addresses.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from care.selectors import households_visible_to
from party_branches.selectors import members_for
from privacy.crypto import text_index
from requests_desk.models import CODE_ALPHABET, CODE_LENGTH
from requests_desk.selectors import requests_for

LIMIT = 20
MIN_WORD = 2


@dataclass
class SearchResults:
    query: str
    cases: list = field(default_factory=list)
    households: list = field(default_factory=list)
    members: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.cases or self.households or self.members)


def _looks_like_code(query: str) -> bool:
    code = query.upper()
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


def search_cases(user, query: str) -> list:
    cases = (
        requests_for(user)
        .select_related("category", "grid", "community")
        .defer("grid__boundary", "community__boundary")
    )
    if _looks_like_code(query):
        found = list(cases.filter(code=query.upper())[:1])
        if found:
            return found
    words = [w for w in query.split() if len(w) >= MIN_WORD]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(description__icontains=word) | Q(address__icontains=word)
    return list(cases.filter(condition).order_by("-created_at", "-id")[:LIMIT])


def search_households(user, query: str) -> list:
    if not user.has_perm("care.view_household"):
        return []
    households = households_visible_to(user).filter(anonymised_at__isnull=True)
    index = text_index(query)
    condition = Q(address_index=index) if index else Q(pk__in=[])
    if len(query) >= MIN_WORD:
        condition |= Q(building__icontains=query)
    return list(
        households.filter(condition)
        .select_related("grid")
        .order_by("grid__code", "building", "pk")[:LIMIT]
    )


def search_members(user, query: str) -> list:
    if not user.has_perm("party_branches.view_partymember") or len(query) < 1:
        return []
    return list(members_for(user).filter(name__icontains=query)[:LIMIT])


def staff_search(user, query: str) -> SearchResults:
    query = " ".join((query or "").split())[:100]
    if not query:
        return SearchResults(query="")
    return SearchResults(
        query=query,
        cases=search_cases(user, query),
        households=search_households(user, query),
        members=search_members(user, query),
    )
