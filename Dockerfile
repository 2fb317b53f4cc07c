# Homeward web and worker image.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 homeward
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY --chown=homeward:homeward . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
USER homeward
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--forwarded-allow-ips", "*"]
