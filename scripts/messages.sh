#!/usr/bin/env bash
# Extract translatable strings into a .po file: scripts/messages.sh <app>   (or "project" for
# redgrid/ and templates/). Then fill the msgstr entries (scripts/po_fill.py) and commit the .po;
# the .mo files are built by `make run` / `make test` (compilemessages).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/messages.sh <app>|project}
export DJANGO_DEBUG=1
if [ "$target" = project ]; then
  mkdir -p locale
  # Only the project's own folders: every app keeps its strings in <app>/locale.
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  cp -r redgrid templates "$tmp"/; mkdir -p "$tmp/locale"
  [ -f locale/zh_Hans/LC_MESSAGES/django.po ] && mkdir -p "$tmp/locale/zh_Hans/LC_MESSAGES" && cp locale/zh_Hans/LC_MESSAGES/django.po "$tmp/locale/zh_Hans/LC_MESSAGES/"
  (cd "$tmp" && "$OLDPWD/.venv/bin/python" "$OLDPWD/manage.py" makemessages -l zh_Hans --no-obsolete --no-location -v 0)
  mkdir -p locale/zh_Hans/LC_MESSAGES && cp "$tmp/locale/zh_Hans/LC_MESSAGES/django.po" locale/zh_Hans/LC_MESSAGES/
else
  mkdir -p "$target/locale"
  (cd "$target" && ../.venv/bin/python ../manage.py makemessages -l zh_Hans --no-obsolete --no-location -v 0)
fi
.venv/bin/python scripts/po_fill.py --todo "${target/project/locale}"
