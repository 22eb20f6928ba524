"""App-wide hooks that an API request has no use for, skipped for it.

Flask-Limiter registers a before-request check, an after-request header writer and a
teardown for every request, and Flask-Login an after-request remember-cookie update. The
limits guard password guessing on the login forms: API calls carry a 256-bit token or a
session already logged in, nothing to guess, and a phone's knocks must never be turned away;
the remember cookie is set and cleared by the login pages alone. Together the four hooks were
9% of a single knock's CPU (0.06 + 0.024 ms in-process; benchmarks/README.md), for nothing.

`spare_api_requests(app)` wraps exactly those hooks so that they return at once for the api
blueprint; it refuses to start if it cannot find them (a new release of either extension must
be looked at, not silently left running).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, request

API = "api"


def _not_for_api(hook: Callable, returns_response: bool) -> Callable:
    @functools.wraps(hook)
    def wrapper(*args: Any) -> Any:
        if request.blueprint == API:
            return args[0] if returns_response else None
        return hook(*args)

    wrapper.spared_for_api = True  # type: ignore[attr-defined]
    return wrapper


def _owner(hook: Callable) -> Any:
    """The extension object a registered hook belongs to (a bound method or a partial)."""
    if isinstance(hook, functools.partial):
        return hook.args[0] if hook.args else None
    return getattr(hook, "__self__", None)


def spare_api_requests(app: Flask, limiter: Any, login_manager: Any) -> None:
    """Skip the rate limiter's and the remember cookie's hooks for API requests."""
    found = {"limiter": 0, "remember": 0}
    for funcs, returns_response in ((app.before_request_funcs, False),
                                    (app.after_request_funcs, True),
                                    (app.teardown_request_funcs, False)):
        hooks = funcs.get(None, [])
        for index, hook in enumerate(hooks):
            owner = _owner(hook)
            if owner is limiter:
                found["limiter"] += 1
            elif owner is login_manager and getattr(hook, "__name__", "") == \
                    "_update_remember_cookie":
                found["remember"] += 1
            else:
                continue
            hooks[index] = _not_for_api(hook, returns_response)
    # A disabled limiter (RATELIMIT_ENABLED off, as in most tests) registers no hooks.
    expected = {"limiter": 3 if app.config.get("RATELIMIT_ENABLED", True) else 0, "remember": 1}
    if found != expected:
        raise RuntimeError(f"Flask-Limiter's and Flask-Login's hooks are not the ones expected "
                           f"({found}, not {expected}): check the extensions' new release")
