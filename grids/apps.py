from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("Grids")
    nav_items = [("grids:map", _("Grid map"), "public")]
    role_permissions = {
        "district_admin": [
            "grids.district",
            "grids.street",
            "grids.community",
            "grids.areagrid",
            "grids.subgrid",
            "grids.keyplace",
            "grids.gridassignment",
        ],
        "street_staff": [
            "grids.view_district",
            "grids.view_street",
            "grids.community",
            "grids.areagrid",
            "grids.subgrid",
            "grids.keyplace",
            "grids.gridassignment",
        ],
        "community_staff": [
            "grids.view_district",
            "grids.view_street",
            "grids.view_community",
            "grids.areagrid",
            "grids.subgrid",
            "grids.keyplace",
            "grids.gridassignment",
        ],
        "grid_head": [
            "grids.view_areagrid",
            "grids.view_subgrid",
            "grids.view_keyplace",
            "grids.view_gridassignment",
        ],
        "grid_worker": ["grids.view_areagrid", "grids.view_subgrid", "grids.view_keyplace"],
    }

    def ready(self):
        # Each app registers what follows a redrawn boundary in <app>/redraw.py
        # (core.redraw_registry; grids.boundary_import runs them).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("redraw")
        # Each app's spreadsheet imports (grids.sheet_import) in <app>/sheets.py.
        autodiscover_modules("sheets")
        # The gazetteer's sources (grids.gazetteer): the hierarchy's own, then <app>/gazetteer.py.
        import grids.gazetteer  # noqa: F401

        autodiscover_modules("gazetteer")
