"""RedGrid's base layer: the shared vocabulary every app imports downward.

Nothing here imports a RedGrid app. Each module is one concept (hierarchy levels, periods and the
district's time zone, the staff gate, error mapping, uploads and private files, extension-point
registries); apps build on it and never copy it.
"""
