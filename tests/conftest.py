import os

import pytest
from django.core.handlers.wsgi import WSGIHandler
from pytest_django.live_server_helper import LiveServer

from tests.factories import OrganizationFactory, UserFactory, make_case

# Browser tests drive a live server from the test thread (pytest-playwright uses asyncio).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class _WhiteNoiseLiveServer(LiveServer):
    """pytest-django's live server, with static files served as in production: by the
    application's whitenoise middleware (hashed names from STATIC_ROOT after `make static`,
    compressed, with their cache headers; plain names from the source folders before it).
    Django's StaticFilesHandler, which pytest-django puts in front, knows only the source
    folders and answers 404 for every hashed name."""

    def __init__(self, addr: str) -> None:
        super().__init__(addr, start=False)
        self.thread.static_handler = _PassThrough
        self.start()


class _PassThrough(WSGIHandler):
    """In the static handler's place: hands every request to the application."""

    def __init__(self, application) -> None:  # (no super(): the application has middleware)
        self.application = application

    def __call__(self, environ, start_response):
        return self.application(environ, start_response)


@pytest.fixture(scope="session")
def live_server(request):
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = _WhiteNoiseLiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def attachment_root(settings, tmp_path):
    """Each test keeps the attachments it stores in a folder of its own (the real
    FileSystemStorage), so that no test sees another's files and none are left behind."""
    root = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Mekong Lifeline Cambodia", code="mlc", country="KH")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Lao Family Return Network", code="lfrn", country="LA")


@pytest.fixture
def caseworker(org):
    return UserFactory(username="cw", organization=org)


@pytest.fixture
def other_caseworker(other_org):
    return UserFactory(username="cw-other", organization=other_org)


@pytest.fixture
def case_in(org, caseworker):
    """A case the caseworker's organisation owns."""
    return make_case(org, by=caseworker)


@pytest.fixture
def case_out(other_org, other_caseworker):
    """A case of another organisation, which the caseworker may not see."""
    return make_case(other_org, by=other_caseworker)


from tests.celery_worker import celery_worker  # noqa: E402,F401  (fixture)
