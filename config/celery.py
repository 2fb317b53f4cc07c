import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("homeward")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


_ping_client = None


@app.task(name="homeward.ping", ignore_result=True)
def ping(key: str) -> None:
    """Does nothing but count itself in Redis: the floor of task throughput (bench/)."""
    global _ping_client
    if _ping_client is None:
        import redis

        _ping_client = redis.Redis.from_url(app.conf.broker_url)
    _ping_client.incr(key)
