"""The README's production command, run for real: an idle connection does not stall it, HSTS is
sent, and a too-large body sent chunked (no Content-Length) gets 413. ProxyFix: behind
FIELDAPP_PROXY_HOPS trusted proxies the client's address is the forwarded one."""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import request

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn as the README starts it, with ONE worker (a sync worker would be frozen)."""
    folder = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {**os.environ, "FIELDAPP_CONFIG": "production", "SECRET_KEY": "x" * 64,
           "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
           "FIELDAPP_INSTANCE_PATH": str(folder / "instance")}
    log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 (gunicorn writes to it)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "python:fieldapp.gunicorn_conf", "-w", "1", "-b", f"127.0.0.1:{port}",
         "fieldapp:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError((folder / "gunicorn.log").read_text()) from None
            time.sleep(0.2)
    yield port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def get(port: int, path: str, timeout: float = 5.0):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_an_idle_connection_does_not_stall_the_server(gunicorn):
    get(gunicorn, "/healthz")  # warm
    idle = [socket.create_connection(("127.0.0.1", gunicorn)) for _ in range(3)]
    half = socket.create_connection(("127.0.0.1", gunicorn))
    half.sendall(b"POST /api/v1/knocks/batch HTTP/1.1\r\nHost: x\r\n")  # and never the rest
    try:
        time.sleep(0.5)
        started = time.monotonic()
        response = get(gunicorn, "/healthz", timeout=5)
        assert response.status == 200
        assert time.monotonic() - started < 2
    finally:
        for s in idle + [half]:
            s.close()


def test_production_sends_hsts(gunicorn):
    response = get(gunicorn, "/healthz")
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")


def test_a_too_large_chunked_body_gets_413(gunicorn):
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=10)
    chunks = (b"x" * 65536 for _ in range(48))  # 3 MB, over the 2 MB limit, no length sent
    connection.request("POST", "/api/v1/knocks/batch", body=chunks, encode_chunked=True,
                       headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    response = connection.getresponse()
    assert response.status == 413
    assert b"error" in response.read()
    connection.close()


def test_a_small_chunked_body_is_read(gunicorn):
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=10)
    connection.request("POST", "/api/v1/knocks/batch", body=iter([b'{"knocks": []}']),
                       encode_chunked=True, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 401  # read whole, then refused for want of a login (not 413/422)
    connection.close()


@pytest.fixture
def proxied(app_config):
    app_config["FIELDAPP_PROXY_HOPS"] = 1
    return app_config


def test_behind_one_proxy_the_client_address_is_the_forwarded_one(proxied, app):
    seen = []
    app.after_request(lambda response: seen.append(request.remote_addr) or response)
    client = app.test_client()
    client.get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"},
               environ_base={"REMOTE_ADDR": "10.0.0.1"})
    client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.1, 198.51.100.8"},
               environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert seen == ["198.51.100.7", "198.51.100.8"]  # one trusted hop: the last forwarded


def test_with_no_proxy_configured_forwarded_headers_are_ignored(app):
    seen = []
    app.after_request(lambda response: seen.append(request.remote_addr) or response)
    app.test_client().get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"},
                          environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert seen == ["10.0.0.1"]
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers
