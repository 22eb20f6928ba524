"""Every page carries a strict CSP and privacy headers; the browser tests check nothing breaks."""
from __future__ import annotations


def test_login_page_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_scripts_or_handlers_in_templates():
    """A strict CSP would block them; everything goes through files in static/."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "fieldapp" / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text), template
        assert not re.search(r"\son(click|load|submit|change)=", text), template
        assert "style=" not in text, template
