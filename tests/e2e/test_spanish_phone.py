"""A volunteer who chose Spanish walks on a 360-px phone: the server's words and the scripts'
words (walk list, sync bar, toast, offline outbox) are Spanish, and the pages stay accessible.

The script's own Spanish and the switch at the door are tested in the script's Chromium test;
this one is the app around it.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldapp.auth.models import User
from tests.e2e.a11y import axe_violations, low_contrast, small_targets
from tests.e2e.conftest import login, set_offline
from tests.e2e.test_phone_walk import VOLUNTEER, app_config, turf  # noqa: F401 (fixtures)


@pytest.fixture
def spanish(db, turf):  # noqa: F811
    """The walk tests' volunteer, whose account now says Spanish."""
    volunteer = db.scalar(sa.select(User).where(User.email == VOLUNTEER))
    volunteer.language = "es"
    db.commit()
    return turf


def test_walk_list_and_sync_bar_in_spanish_offline_and_back(db, phone, spanish):
    page = phone.new_page()
    login(page, VOLUNTEER)  # the browser says English (Playwright's default en-US): the account wins
    assert page.evaluate("document.documentElement.lang") == "es"
    page.wait_for_function("() => window.fieldapp && window.fieldapp.offlineReady", timeout=10_000)
    assert "0 / 8 puertas" in page.inner_text("#turf-list")  # drawn by turfs.js
    assert page.inner_text("h1") == "Mis zonas"

    page.goto(f"/walk/{spanish['id']}")
    page.wait_for_function("() => window.fieldapp && window.fieldapp.offlineReady", timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.inner_text("#turf-progress").startswith("0 de 8 puertas tocadas")  # walk.js
    assert page.text_content("#next-door-button .next-label") == "Próxima puerta · #1"
    assert page.inner_text("#next-door-button .next-action") == "Toque para anotar esta puerta"
    assert page.inner_text("#sync-now") == "Enviar ahora"
    assert page.inner_text("#outbox-label") == "toques esperando para enviarse"
    assert page.locator(".door-status").first.inner_text() == "Pendiente"

    page.click("#next-door-button")
    assert page.inner_text("#outcome-grid [data-outcome=not_home]") == "No contestó"
    assert page.inner_text("#outcome-grid [data-outcome=contact]") == "Habló con"
    assert axe_violations(page) == []  # the open door sheet, in Spanish

    set_offline(phone, True)
    page.click("#outcome-grid [data-outcome=not_home]")
    page.wait_for_function("() => document.getElementById('outbox-count').textContent === '1'")
    assert page.inner_text("#toast-text").startswith("Guardado: No contestó en ")
    assert page.inner_text("#undo") == "Deshacer"
    assert page.inner_text("#outbox-label") == "toque esperando para enviarse"  # tn(): one
    assert page.inner_text("#sync-status") == "Sin conexión: los toques se guardan en este teléfono."
    assert page.locator(".door-status").first.inner_text() == "No contestó"

    set_offline(phone, False)
    page.click("#sync-now")
    page.wait_for_function("() => document.getElementById('outbox-count').textContent === '0'",
                           timeout=10_000)
    assert page.inner_text("#sync-status").startswith("Todo enviado a las ")


def test_spanish_phone_pages_meet_wcag_and_the_phone_rules(db, phone, spanish):
    page = phone.new_page()
    page.set_extra_http_headers({"Accept-Language": "es-MX,es;q=0.9"})
    page.goto("/login")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.inner_text("h1") == "Iniciar sesión"
    failures = {"login": axe_violations(page) + low_contrast(page) + small_targets(page)}
    login(page, VOLUNTEER)
    page.goto(f"/walk/{spanish['id']}")
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    failures["walk"] = axe_violations(page) + low_contrast(page) + small_targets(page)
    assert {k: v for k, v in failures.items() if v} == {}
