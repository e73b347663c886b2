# Image of the command-centre platform: one image for the web (Daphne), the Celery worker and
# Celery beat. See docs/deployment.md and docker-compose.yml.
#
# Stages
#   node      npm ci from package-lock.json (ECharts, Leaflet.VectorGrid: served by us, never a CDN)
#   base      Debian runtime libraries GeoDjango needs (GDAL, GEOS, PROJ, libpq) + the non-root user
#   builder   compilers and libpq-dev, builds the Python venv (psycopg2 is built from source)
#   assets    base + gettext: compilemessages, collectstatic, byte-compilation
#   runtime   base + venv + the prepared source tree; no compiler, no gettext, no npm
#
# Only standard Dockerfile syntax (no heredocs, no RUN --mount), so it builds with any BuildKit
# or the classic builder, also on an intranet host without access to Docker Hub's frontend images.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS node
# Optional mirror for intranet builds, e.g. --build-arg NPM_REGISTRY=https://npm.example.gov.cn/
ARG NPM_REGISTRY=""
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error ${NPM_REGISTRY:+--registry "$NPM_REGISTRY"}

# ---------------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS base
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    LANG=C.UTF-8
# GeoDjango loads libgdal / libgeos_c / libproj with ctypes at import time; libpq5 for psycopg2.
# gdal-bin adds ogrinfo/ogr2ogr for operators checking boundary files (it pulls libgdal32 anyway).
# tzdata: Asia/Shanghai for Django and Celery (zoneinfo reads the system database).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpq5 \
        gdal-bin libgdal32 \
        libgeos-c1v5 \
        libproj25 \
        tzdata \
        ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Fixed uid/gid so that files in the named volumes (static, media) keep one owner across rebuilds.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# ---------------------------------------------------------------------------------------------
FROM base AS builder
# Optional mirror for intranet builds, e.g. --build-arg PIP_INDEX=https://pypi.example.gov.cn/simple
ARG PIP_INDEX=""
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Only pyproject.toml: a change to the source does not reinstall the dependencies.
# `pip install .` would install nothing of ours ([tool.setuptools] packages = []) and needs
# README.md; we run from the source tree, so install exactly [project].dependencies.
COPY pyproject.toml ./
RUN python -m venv "$VIRTUAL_ENV" \
 && python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('requirements.txt', 'w').write('\n'.join(deps) + '\n')" \
 && cat requirements.txt \
 && pip install ${PIP_INDEX:+--index-url "$PIP_INDEX"} --upgrade pip setuptools wheel \
 && pip install ${PIP_INDEX:+--index-url "$PIP_INDEX"} -r requirements.txt \
 && python -c "import psycopg2, daphne, celery, channels_redis, django; print('django', django.get_version())"

# ---------------------------------------------------------------------------------------------
FROM base AS assets
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . .
COPY --from=node /build/node_modules ./node_modules
# Build-only settings: DJANGO_DEBUG=false so the production settings path is what gets checked,
# a throwaway SECRET_KEY (settings refuse to start without one when DEBUG is off; this key is never
# used at run time), and a DATABASE_URL that is only parsed: neither command connects to the
# database or Redis. The mkdir: git keeps no empty directory, and compilemessages stops when no
# locale directory exists at all.
RUN mkdir -p locale static \
 && export DJANGO_DEBUG=false \
           SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
           DATABASE_URL=postgis://build@127.0.0.1:5432/build \
           REDIS_URL=redis://127.0.0.1:6379/0 \
 && python manage.py compilemessages --ignore=node_modules --ignore=staticfiles \
 && python manage.py collectstatic --noinput --verbosity 1 \
 && python -m compileall -q -x '/(node_modules|staticfiles)/' /app \
 && chmod 0755 deploy/docker-entrypoint.sh

# ---------------------------------------------------------------------------------------------
FROM base AS runtime
LABEL org.opencontainers.image.title="command-centre" \
      org.opencontainers.image.description="Municipal emergency command centre platform (应急指挥中心)" \
      org.opencontainers.image.licenses="AGPL-3.0-or-later"
COPY --from=builder /opt/venv /opt/venv
# The source tree stays owned by root: the app user can read but not change the code.
# It includes node_modules, because STATICFILES_DIRS points into it (the finders need it when
# SERVE_STATIC=true and for collectstatic), and staticfiles/, collected above.
COPY --from=assets /app /app
# Writable places for the app user:
#   /srv/static  the shared "static" volume nginx serves; the entrypoint fills it (see there)
#   /srv/media   MEDIA_ROOT, the "media" volume (uploads)
#   /app/.var    scratch space (load_demo writes .var/demo-logins.txt there)
# A named volume mounted on an empty directory takes over that directory's owner on first use,
# which is why these exist in the image already owned by app.
RUN mkdir -p /srv/static /srv/media /app/.var \
 && chown app:app /srv/static /srv/media /app/.var
ENV DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_DEBUG=false \
    SERVE_STATIC=false \
    MEDIA_ROOT=/srv/media
WORKDIR /app
USER app:app
EXPOSE 8000
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
# Behind nginx, docker-compose.yml adds --proxy-headers (client address and scheme from
# X-Forwarded-*). It is not in the default: an image started without a trusted proxy in front would
# otherwise let any client forge the address written to the audit log.
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
