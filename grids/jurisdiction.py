"""The one mechanism that scopes data to a user's jurisdiction.

Every user with a role is bound to one node of the hierarchy (`user.jurisdiction` returns a
`Jurisdiction`). A model says where it sits in the hierarchy in one of two ways:

* `jurisdiction_field = "grid"`: the name of a foreign key (or a lookup path such as
  "household__grid") to a hierarchy node; the lookups to every level above are derived, or
* `jurisdiction_paths = {"street": "street_id", "community": "community_id", "grid": "grid_id"}`:
  explicit lookups per level, for models that denormalise their ancestors for speed.

A model whose objects sit at several levels (users) defines `jurisdiction_q(jurisdiction) -> Q`.
Hierarchy models themselves use their own PATH_TO. A user sees the objects at or below their node;
objects that sit above it (a community-level object for a grid head) are outside their jurisdiction.
Admin classes, views and API viewsets all call `scope_queryset` or `get_scoped_object_or_404`.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404

from grids.models import NODE_MODELS, HierarchyNode


@dataclass(frozen=True)
class Jurisdiction:
    level: str  # "district" | "street" | "community" | "grid" | "subgrid" | "all"
    node_id: int | None = None

    @property
    def unrestricted(self) -> bool:
        return self.level == "all"

    def contains(self, obj: models.Model) -> bool:
        """Whether `obj` lies in this jurisdiction: the same answer as `scope_queryset`, read from
        the object in memory (its own keys, and the relations its path goes through, which are
        loaded once if not already). A model scoped by `jurisdiction_q` asks the database (one
        query): its rule is a query."""
        if self.unrestricted:
            return True
        model = type(obj)
        custom = getattr(model, "jurisdiction_q", None)
        if custom is not None:
            return model._default_manager.filter(custom(self), pk=obj.pk).exists()
        lookup = jurisdiction_paths(model).get(self.level)
        if lookup is None:
            return False
        value: Any = obj
        for part in lookup.split("__"):
            value = getattr(value, part)
            if value is None:
                return False
        return value == self.node_id


ALL = Jurisdiction("all")


def jurisdiction_of(user) -> Jurisdiction | None:
    """The user's jurisdiction, ALL for superusers, or None (sees nothing scoped)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ALL
    return getattr(user, "jurisdiction", None)


def _node_model_at(model, path: str):
    current = model
    for part in path.split("__"):
        current = current._meta.get_field(part).related_model
    return current


def jurisdiction_paths(model) -> dict[str, str]:
    """Map each hierarchy level to the lookup of that level's primary key on `model`."""
    cached = model.__dict__.get("_jurisdiction_paths_cache")
    if cached is not None:
        return cached
    if isinstance(getattr(model, "jurisdiction_paths", None), dict):
        paths = dict(model.jurisdiction_paths)
    elif issubclass(model, HierarchyNode):
        paths = dict(model.PATH_TO)
    else:
        field = getattr(model, "jurisdiction_field", None)
        if not field:
            raise TypeError(
                f"{model.__name__} declares no jurisdiction_field or jurisdiction_paths"
            )
        node_model = _node_model_at(model, field)
        paths = {
            level: f"{field}_id" if lookup == "id" else f"{field}__{lookup}"
            for level, lookup in node_model.PATH_TO.items()
        }
    model._jurisdiction_paths_cache = paths
    return paths


def scope_queryset(queryset, user):
    """Restrict `queryset` to the objects inside `user`'s jurisdiction."""
    jurisdiction = jurisdiction_of(user)
    if jurisdiction is None:
        return queryset.none()
    if jurisdiction.unrestricted:
        return queryset
    custom = getattr(queryset.model, "jurisdiction_q", None)
    if custom is not None:
        return queryset.filter(custom(jurisdiction))
    lookup = jurisdiction_paths(queryset.model).get(jurisdiction.level)
    if lookup is None:
        return queryset.none()
    return queryset.filter(**{lookup: jurisdiction.node_id})


def is_within(obj, user) -> bool:
    return scope_queryset(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def node_within(node: HierarchyNode, user) -> bool:
    """Whether a hierarchy node (e.g. the grid chosen on a form) lies in the user's jurisdiction."""
    return is_within(node, user)


def get_scoped_object_or_404(queryset, user, **lookups):
    """The object matching `lookups` inside the user's jurisdiction, or 404 (never 403: an object
    outside the jurisdiction is not acknowledged to exist)."""
    try:
        return scope_queryset(queryset, user).get(**lookups)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def node_model(level: str):
    return NODE_MODELS[level]
