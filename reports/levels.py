"""Hierarchy levels of the monthly reports and the lookups sections group by."""

import datetime

from grids.jurisdiction import jurisdiction_paths
from grids.models import AreaGrid, Community, District, Street

LEVELS = ("grid", "community", "street", "district")
NODE_MODELS = {"district": District, "street": Street, "community": Community, "grid": AreaGrid}
PARENT = {"grid": "community", "community": "street", "street": "district"}


def level_path(model, level: str) -> str:
    """The lookup from `model` to the primary key of its node at `level` (from the model's
    jurisdiction declaration), for `.values(node=F(level_path(...)))` GROUP BY queries."""
    return jurisdiction_paths(model)[level]


def nodes_of(level: str, on: datetime.date):
    """The areas of `level` in force on `on`, with the ids of their ancestors (one query)."""
    model = NODE_MODELS[level]
    fields = ["id", "code", "name"] + [
        f"{lvl}_pk"
        for lvl in ("district", "street", "community")
        if lvl in model.PATH_TO and lvl != level
    ]
    from django.db.models import F

    annotations = {
        f"{lvl}_pk": F(path)
        for lvl, path in model.PATH_TO.items()
        if lvl in ("district", "street", "community") and lvl != level
    }
    return list(model.objects.valid_on(on).annotate(**annotations).values(*fields).order_by("code"))
