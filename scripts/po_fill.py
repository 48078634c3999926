"""Fill or list translations in a .po file.

  python scripts/po_fill.py --todo <app>            list untranslated/fuzzy msgids of <app> (or locale)
  python scripts/po_fill.py <app> translations.json  set msgstr from {"msgid": "译文", ...}

JSON keys are msgids exactly as in the .po (for plurals, the singular msgid; Chinese has one form).
"""

import json
import sys
from pathlib import Path

import polib


def po_path(target: str) -> Path:
    base = Path(target)
    if base.suffix == ".po":
        return base
    if base.name != "locale":
        base = base / "locale"
    return base / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main(argv):
    if argv[0] == "--todo":
        po = polib.pofile(str(po_path(argv[1])))
        todo = [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
        for entry in todo:
            print(json.dumps(entry.msgid, ensure_ascii=False))
        print(f"# {len(todo)} to translate in {po_path(argv[1])}", file=sys.stderr)
        return 0
    path = po_path(argv[0])
    po = polib.pofile(str(path))
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    translations = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    done = 0
    for entry in po:
        if entry.msgid in translations:
            text = translations[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            done += 1
    po.save(str(path))
    left = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    print(f"{done} filled, {len(left)} still untranslated in {path}")
    for msgid in left:
        print("  ", json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
