"""English and Spanish over HTTP: which language a request gets, the switch that saves a
choice (CSRF, login), the phone's JSON catalogue, and pages rendered in Spanish."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from fieldapp.auth.models import User
from tests import factories
from tests.conftest import csrf_token_from

ES = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


@pytest.fixture
def people(db):
    """vol1 (no choice made) holds turf A with a shift date; vol_es chose Spanish; vol_en English."""
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "NY race")
    turf = factories.turf(db, race, factories.households(db, race, 3), "A")
    vol1 = factories.user(db, "vol1@example.org", ny, "volunteer")
    factories.user(db, "vol_es@example.org", ny, "volunteer").language = "es"
    factories.user(db, "vol_en@example.org", ny, "volunteer").language = "en"
    factories.user(db, "org@example.org", ny, "organizer").language = "es"
    factories.assign(db, turf, vol1, shift_date=dt.date(2017, 11, 4))
    db.commit()
    return {"turf": turf.id}


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize(("who", "headers", "expected"), [
    (None, {}, "en"),
    (None, ES, "es"),
    (None, {"Accept-Language": "fr-FR,fr;q=0.9,es;q=0.5"}, "es"),
    (None, {"Accept-Language": "de, fr"}, "en"),
    ("vol1", ES, "es"),      # no choice saved: the browser decides
    ("vol1", EN, "en"),
    ("vol_es", EN, "es"),    # a saved choice beats the browser
    ("vol_en", ES, "en"),
])
def test_the_language_is_the_users_choice_else_the_browsers_else_english(
        client, auth, people, who, headers, expected):
    if who:
        auth.login(f"{who}@example.org")
    response = client.get("/my/turfs" if who else "/login", headers=headers)
    assert response.status_code == 200
    assert lang_of(response) == expected


def test_a_saved_choice_beats_the_cookie_and_the_cookie_beats_the_browser(client, auth, people):
    client.set_cookie("lang", "es")
    assert lang_of(client.get("/login", headers=EN)) == "es"
    auth.login("vol_en@example.org")
    assert lang_of(client.get("/my/turfs", headers=ES)) == "en"


def test_switching_saves_the_choice_on_the_logged_in_user(client, auth, db, people):
    auth.login("vol1@example.org")
    response = client.post("/language", data={"language": "es", "next": "/my/turfs"}, headers=EN)
    assert response.status_code == 303 and response.headers["Location"].endswith("/my/turfs")
    assert db.scalar(sa.select(User.language).where(User.email == "vol1@example.org")) == "es"
    page = client.get("/my/turfs", headers=EN).get_data(as_text=True)
    assert '<html lang="es">' in page and "<h1>Mis zonas</h1>" in page
    client.post("/language", data={"language": ""})  # back to "follow the browser"
    db.expire_all()
    assert db.scalar(sa.select(User.language).where(User.email == "vol1@example.org")) is None
    assert lang_of(client.get("/my/turfs", headers=EN)) == "en"


def test_switching_before_logging_in_keeps_the_choice_in_a_cookie(client, people):
    response = client.post("/language", data={"language": "es", "next": "/login"})
    assert response.status_code == 303
    assert "lang=es" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    page = client.get("/login", headers=EN).get_data(as_text=True)
    assert "<h1>Iniciar sesión</h1>" in page and "Correo electrónico" in page


@pytest.mark.parametrize(("data", "status"), [
    ({"language": "fr"}, 400),
    ({"language": "es", "next": "https://evil.example/"}, 303),
    ({"language": "es", "next": "//evil.example/"}, 303),
])
def test_switching_refuses_unknown_languages_and_other_sites(client, people, data, status):
    response = client.post("/language", data=data)
    assert response.status_code == status
    if status == 303:
        assert response.headers["Location"] in ("/", "http://localhost/")


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_switching_needs_the_csrf_token(csrf_client, db, people):
    assert csrf_client.post("/language", data={"language": "es"}).status_code == 400
    token = csrf_token_from(csrf_client, "/login")
    response = csrf_client.post("/language", data={"language": "es", "csrf_token": token})
    assert response.status_code == 303


def test_every_page_offers_the_switch_with_the_current_language_marked(client, people):
    page = client.get("/login", headers=ES).get_data(as_text=True)
    assert 'action="/language"' in page
    assert re.search(r'value="es"[^>]*aria-current="true"[^>]*>Español</button>', page)
    assert re.search(r'value="en"[^>]*>English</button>', page)


def test_the_phones_catalogue_is_public_json_that_caches(client, people):
    response = client.get("/i18n/es.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "public" in response.headers["Cache-Control"]
    body = response.get_json()
    assert body["language"] == "es"
    assert body["messages"]["Sending…"] == "Enviando…"
    assert body["messages"]["Tap to log this door"] == "Toque para anotar esta puerta"
    again = client.get("/i18n/es.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/i18n/en.json").get_json() == {"language": "en", "messages": {}}
    assert client.get("/i18n/fr.json").status_code == 404


def test_the_walk_page_in_spanish(client, auth, people):
    auth.login("vol1@example.org")
    client.post("/language", data={"language": "es"})
    page = client.get(f"/walk/{people['turf']}", headers=EN).get_data(as_text=True)
    assert '<html lang="es">' in page
    for text in ("← Mis zonas", "Cargando las puertas…", "Enviar ahora", "Deshacer",
                 "Todas las puertas en orden de recorrido", 'aria-label="Próxima puerta"'):
        assert text in page
    outcomes = json.loads(re.search(
        r'<script type="application/json" id="outcomes-data">(.*?)</script>', page).group(1))
    assert {o["code"]: o["label"] for o in outcomes}["not_home"] == "No contestó"
    catalogue = json.loads(re.search(
        r'<script type="application/json" id="i18n-data">(.*?)</script>', page).group(1))
    assert catalogue["language"] == "es"
    assert catalogue["messages"]["knocks waiting to sync"] == "toques esperando para enviarse"


def test_my_turfs_in_spanish_formats_dates_and_numbers(client, auth, people):
    auth.login("vol1@example.org")
    client.post("/language", data={"language": "es"})
    page = client.get("/my/turfs").get_data(as_text=True)
    assert "turno del 4 nov 2017" in page
    assert "0 / 3 puertas" in page
    client.post("/language", data={"language": "en"})
    assert "shift Nov 4, 2017" in client.get("/my/turfs", headers=ES).get_data(as_text=True)


def test_flashes_and_form_errors_a_volunteer_meets_are_spanish(client, people):
    client.set_cookie("lang", "es")
    page = client.get("/my/turfs", follow_redirects=True).get_data(as_text=True)
    assert "Inicie sesión para continuar." in page
    page = client.post("/login", data={"email": "vol1@example.org", "password": "wrong"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Correo electrónico o contraseña incorrectos." in page
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Este campo es obligatorio." in page  # WTForms' own Spanish


def test_error_pages_and_api_errors_follow_the_language(client, auth, people):
    page = client.get("/no/such/page", headers=ES)
    assert page.status_code == 404 and "Aquí no hay nada." in page.get_data(as_text=True)
    api = client.get("/api/v1/me", headers=ES)
    assert api.status_code == 401
    assert api.get_json()["error"]["message"] == "Inicie sesión o envíe un token de la API."


def test_a_wrong_turf_code_is_explained_in_spanish(client, auth, people):
    auth.login("vol_es@example.org")
    response = client.post("/my/turfs/claim", data={"code": "NOPE-0000"})
    assert response.status_code == 422
    assert "No hay ninguna zona con ese código." in response.get_data(as_text=True)


def test_the_api_reads_and_changes_the_language(client, world):
    headers = world.headers("vol1")
    assert client.get("/api/v1/me", headers=headers).get_json()["language"] is None
    response = client.patch("/api/v1/me", json={"language": "es"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["language"] == "es"
    assert client.get("/api/v1/me", headers=headers).get_json()["language"] == "es"
    bad = client.patch("/api/v1/me", json={"language": "xx"}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"] == {
        "language": "unknown language"}
    assert client.patch("/api/v1/me", json={}, headers=headers).status_code == 422
    assert client.patch("/api/v1/me", json={"language": None}, headers=headers).get_json()[
        "language"] is None


def test_the_printed_walk_sheets_in_spanish(client, auth, db, people):
    auth.login("org@example.org")
    page = client.get(f"/turfs/{people['turf']}/sheet").get_data(as_text=True)
    assert '<html lang="es">' in page and "<title>Hoja de recorrido · A</title>" in page
    assert "Códigos de resultado:" in page and "No contestó" in page and "3 puertas" in page
    race_id = db.scalar(sa.text("select race_id from turf where id = :id"), {"id": people["turf"]})
    sheets = client.get(f"/races/{race_id}/turfs/sheets?ids={people['turf']}").get_data(as_text=True)
    assert "1 hoja de recorrido, una por página impresa" in sheets
