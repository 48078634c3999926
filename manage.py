#!/usr/bin/env python
import os
import sys


def main():
    from redgrid.local_env import local_env_load

    # var/local.env (the embedded site's secrets) when present; the environment always wins.
    local_env_load()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redgrid.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
