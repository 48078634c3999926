"""The code version recorded in every report snapshot."""

import subprocess
from functools import cache

from django.conf import settings

VERSION = "0.1.0"


@cache
def code_version() -> str:
    """REDGRID_VERSION if set (deployments), else `git describe` of the checkout, else VERSION."""
    configured = settings.REDGRID_VERSION
    if configured:
        return configured
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        described = ""
    return f"{VERSION}+{described}" if described else VERSION
