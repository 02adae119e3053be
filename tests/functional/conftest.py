"""Playwright journeys against pytest-django's live server, in Debian's Chromium.

Never run `playwright install`: the tests drive the system Chromium (shared/reference/stack.md).
Every page gets a tracker (tests/functional/axe.py) and the test fails if any document it
loaded was not checked with axe-core.
"""

import os
from collections.abc import Callable, Generator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.functional.axe import track

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a slow shared machine, short enough that a wrong selector fails fast.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    # Relative URLs in page.goto() resolve against the live server.
    return str(live_server.url)


# Whether the test body failed, for the page trackers below.
_call_failed = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if report.when == "call":
        item.stash[_call_failed] = report.failed
    return report


def _tracked(page: Page, request: pytest.FixtureRequest) -> Callable[[], None]:
    page.set_default_timeout(TIMEOUT_MS)
    tracker = track(page)

    def verify() -> None:
        # A test that already failed need not also be told about the pages after its failure.
        if request.node.stash.get(_call_failed, False):
            return
        if unchecked := tracker.unchecked():
            pytest.fail("Pages loaded but never checked with assert_accessible():\n" + "\n".join(unchecked))
        if tracker.csp_violations:
            pytest.fail("Content Security Policy violations:\n" + "\n".join(tracker.csp_violations))

    return verify


@pytest.fixture
def page(page: Page, request: pytest.FixtureRequest) -> Generator[Page]:
    """pytest-playwright's page, with every loaded document required to pass axe-core."""
    verify = _tracked(page, request)
    yield page
    verify()


@pytest.fixture
def new_page(new_context: Callable[..., BrowserContext], request: pytest.FixtureRequest) -> Generator[Any]:
    """Open a page in a fresh browser context (another person's browser), tracked like `page`."""
    verifiers: list[Callable[[], None]] = []

    def _new_page(**context_args: Any) -> Page:
        page = new_context(**context_args).new_page()
        verifiers.append(_tracked(page, request))
        return page

    yield _new_page
    for verify in verifiers:
        verify()
