# RedGrid application image (web, worker and beat share it). Debian's Python can load SpatiaLite;
# production uses PostGIS.
FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      python3 python3-venv gettext gdal-bin libsqlite3-mod-spatialite fonts-wqy-microhei ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN python3 -m venv /opt/tools && /opt/tools/bin/pip install -q uv==0.13.9 \
    && UV_PROJECT_ENVIRONMENT=/app/.venv UV_PYTHON_DOWNLOADS=never /opt/tools/bin/uv sync --frozen --no-dev --python /usr/bin/python3
COPY . .
RUN DJANGO_DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv -v 0 \
    && DJANGO_DEBUG=1 .venv/bin/python manage.py collectstatic --noinput -v 0
ENV PATH=/app/.venv/bin:$PATH DJANGO_SETTINGS_MODULE=redgrid.settings
EXPOSE 8000
CMD ["gunicorn", "redgrid.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--timeout", "60"]
