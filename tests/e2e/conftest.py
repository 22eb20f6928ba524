"""Real-browser fixtures: fieldapp served on loopback in a thread, driven by Debian's chromium.

The live server uses the same fresh test database as the other tests. Requests to anything
but the live server are aborted, so a page that needs the internet fails its test.
"""
from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e is a real-browser test."""
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def live_server(app):
    """fieldapp served on 127.0.0.1 on a free port, in a thread, for the test's duration."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    yield url
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile; requests off the live server are aborted and recorded."""
    ctx = browser.new_context(base_url=live_server, service_workers="allow")
    blocked: list[str] = []

    def guard(route):
        if route.request.url.startswith(live_server) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    ctx.blocked_requests = blocked
    yield ctx
    ctx.close()


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized browser profile (360 px wide, touch)."""
    ctx = browser.new_context(base_url=live_server, service_workers="allow", **PHONE)
    yield ctx
    ctx.close()


def login(page, email: str, password: str = "correct horse battery") -> None:
    """Log in through the real form."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
