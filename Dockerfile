# One image for every process of compose.yaml / the Procfile: web (daphne), worker (qcluster), migrate.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first (from pyproject.toml), so code changes do not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

COPY manage.py Procfile ./
COPY core ./core
COPY realtime ./realtime
COPY modules ./modules
COPY locale ./locale

# Translations are compiled here (.mo files are never committed), static files are baked in;
# WhiteNoise serves them from daphne.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && python manage.py compilemessages \
    && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
    && python manage.py collectstatic --noinput \
    && useradd --create-home --uid 10001 markaz \
    && mkdir -p /app/media \
    && chown markaz /app/media

USER markaz
EXPOSE 8000
# No --proxy-headers: daphne would take the leftmost X-Forwarded-For entry, which the client writes;
# the app reads it by NINJA_NUM_PROXIES instead (core/net.py).
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "core.asgi:application"]
