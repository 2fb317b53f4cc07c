"""`make bench`: a separate PostgreSQL database, production-like switches."""

import os

import dj_database_url

from .test import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/homeward_bench"),
        conn_max_age=600,
    )
}
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
