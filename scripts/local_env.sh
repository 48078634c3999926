#!/usr/bin/env bash
# Settings for the embedded single-machine site (`make run`): secrets generated once into var/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
if [ ! -f var/local.env ]; then
  umask 077
  .venv/bin/python - > var/local.env <<'PY'
import secrets
from cryptography.fernet import Fernet
print(f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"REDGRID_FIELD_KEYS={Fernet.generate_key().decode()}")
# The demo is Guangming District: its volunteer action's own name.
print("REDGRID_VOLUNTEERS_ACTION_NAME=光明虹志愿行动")
PY
fi
