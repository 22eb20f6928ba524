"""Real-browser fixtures: fieldapp served on loopback in a thread, driven by Debian's chromium.

The live server uses the same fresh test database as the other tests. Requests to anything
but the live server are aborted, so a page that needs the internet fails its test.
"""
from __future__ import annotations

import os
import socket
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


class Signal:
    """The live server's side of a phone's signal: while `lost`, every connection is dropped
    unanswered, so nothing reaches fieldapp, whatever the browser lets through."""

    def __init__(self, app):
        self.app = app
        self.lost = False

    def __call__(self, environ, start_response):
        if not self.lost:
            return self.app(environ, start_response)
        environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
        start_response("503 Service Unavailable", [])  # never reaches the closed socket
        return []


@pytest.fixture
def signal(app) -> Signal:
    """The switch between the live server and fieldapp (see `set_offline`)."""
    return Signal(app)


@pytest.fixture
def live_server(signal):
    """fieldapp served on 127.0.0.1 on a free port, in a thread, for the test's duration."""
    server = make_server("127.0.0.1", 0, signal, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    yield url
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def context(browser, live_server, signal):
    """A fresh browser profile; requests off the live server are aborted and recorded."""
    ctx = browser.new_context(base_url=live_server, service_workers="allow")
    ctx.signal = signal
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
def phone(browser, live_server, signal):
    """A phone-sized browser profile (360 px wide, touch); `set_offline` takes it out of signal."""
    ctx = browser.new_context(base_url=live_server, service_workers="allow", **PHONE)
    ctx.signal = signal
    yield ctx
    ctx.close()


def set_offline(ctx, offline: bool) -> None:
    """Take a browser profile out of signal (or back), as a phone walking into a dead zone.

    Playwright's `set_offline` sets `navigator.onLine` and its events, but does not stop every
    request: a service worker's fetches, and now and then a page's request just after a reload
    under one, still go out (microsoft/playwright#2311). So the live server also drops every
    connection while the profile is offline, and no knock can arrive by a side door.
    """
    # The server goes first both ways: back online, the `online` event finds it up.
    ctx.signal.lost = offline
    ctx.set_offline(offline)


def login(page, email: str, password: str = "correct horse battery") -> None:
    """Log in through the real form."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
