"""The browser tests' shared fixtures: Debian's Chromium, and the personas with passwords."""

import os
from collections.abc import Iterator
from typing import Any

import pytest

PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def people(editor: Any, editor2: Any, checker: Any, viewer: Any) -> dict[str, Any]:
    for user in (editor, editor2, checker, viewer):
        user.set_password(PASSWORD)
        user.save()
    return {"editor": editor, "editor2": editor2, "checker": checker, "viewer": viewer}
