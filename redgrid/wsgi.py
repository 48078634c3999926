import os

from django.core.wsgi import get_wsgi_application

from redgrid.local_env import local_env_load

local_env_load()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redgrid.settings")
application = get_wsgi_application()
