"""Rewrite the app-settings table of docs/configuration.md from the apps' conf.py declarations.

  .venv/bin/python scripts/settings_table.py          rewrite the table
  .venv/bin/python scripts/settings_table.py --check  exit 1 if the table is out of date

tests/test_configuration_docs.py fails when the table and the declarations differ.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "configuration.md"


def main(argv) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redgrid.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from core.appsettings import TABLE_END, TABLE_START, settings_table

    text = DOC.read_text()
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    updated = head + settings_table() + tail
    if "--check" in argv:
        if updated != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run scripts/settings_table.py")
            return 1
        return 0
    DOC.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
