"""Party organisations follow a redraw to the new version of their area (the same code):
branches, the street and community committees, and members' home communities
(core.redraw_registry)."""

from django.utils.translation import gettext_lazy

from core.redraw_registry import Moved, NodeMoves, redraw_mover
from grids.redraw import repoint
from party_branches.models import CommunityCommittee, PartyBranch, PartyMember, StreetCommittee


@redraw_mover(
    "party_branches.PartyBranch",
    fields=("grid", "subgrid"),
    label=gettext_lazy("grid Party branches"),
    order=30,
)
def branches_follow(*, moves: NodeMoves) -> Moved:
    branches = PartyBranch.objects.all()
    return Moved(
        count=repoint(branches, "grid", moves.of("grid"))
        + repoint(branches, "subgrid", moves.of("subgrid"))
    )


@redraw_mover(
    "party_branches.StreetCommittee",
    fields=("street",),
    label=gettext_lazy("street Party working committees"),
    order=30,
)
def street_committees_follow(*, moves: NodeMoves) -> Moved:
    return Moved(count=repoint(StreetCommittee.objects.all(), "street", moves.of("street")))


@redraw_mover(
    "party_branches.CommunityCommittee",
    fields=("community",),
    label=gettext_lazy("community Party committees"),
    order=30,
)
def community_committees_follow(*, moves: NodeMoves) -> Moved:
    return Moved(
        count=repoint(CommunityCommittee.objects.all(), "community", moves.of("community"))
    )


@redraw_mover(
    "party_branches.PartyMember",
    fields=("community",),
    label=gettext_lazy("Party members' home communities"),
    order=30,
)
def members_follow(*, moves: NodeMoves) -> Moved:
    return Moved(count=repoint(PartyMember.objects.all(), "community", moves.of("community")))
