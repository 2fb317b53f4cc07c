import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

DEMO_PASSWORD = "homeward-demo"


@pytest.fixture
def demo(settings):
    """The demo scenario (seed_demo), in a transactional database the live server sees."""
    settings.DEBUG = True
    call_command("seed_demo")


def login(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def logout(page: Page) -> None:
    """Log out and wait for the login page: the outbox script clears the device's offline data
    first and then submits, so the next navigation must not start before that one ends."""
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Username")).to_be_visible()
