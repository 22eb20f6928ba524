"""On a 360 px phone with no signal, a volunteer talks to a person who is not on the list at a
unit missing from the list; after a reload and back online, the unit, the person and the knock
each reach the server exactly once (real Chromium)."""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.voters.models import Household, Voter
from tests.e2e.conftest import set_offline
from tests.e2e.test_phone_walk import app_config, open_walk, turf, wait_for_knocks, wait_queued  # noqa: F401


def test_offline_person_and_unit_sync_once(db, phone, turf):  # noqa: F811
    page = open_walk(phone, turf["id"], offline_ready=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    set_offline(phone, True)
    page.click("#next-door-button")
    page.click("#outcome-grid [data-outcome=contact]")
    page.click("#talk-voters .talk-add")
    page.fill(".talk-new-person input[type=text] >> nth=0", "Rosa")
    page.fill(".talk-new-person input[type=tel]", "555-0100")
    page.click(".talk-new-person .choice:text-is('4')")
    page.click(".talk-new-door summary")
    page.fill(".talk-new-door input >> nth=0", "2F")
    page.click("#talk-voters .talk-voter >> nth=0")  # a listed voter: not at a new unit
    page.click("#talk-save")
    assert "add the people you met" in page.inner_text("#talk-problem")
    page.click("#talk-voters .talk-voter >> nth=0")  # unpicked again
    page.click("#talk-save")
    wait_queued(page, 1)
    page.reload()
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    wait_queued(page, 1)
    set_offline(phone, False)
    wait_queued(page, 0, timeout=15_000)
    [knock] = wait_for_knocks(db, 1)
    db.expire_all()
    [unit] = db.scalars(sa.select(Household).where(Household.added_by_id.is_not(None))).all()
    [rosa] = db.scalars(sa.select(Voter).where(Voter.added_by_id.is_not(None))).all()
    assert unit.unit == "2F" and knock.household_id == unit.id
    assert (rosa.first_name, rosa.phone, rosa.household_id) == ("Rosa", "555-0100", unit.id)
    assert knock.talked_to == [{"voter_id": rosa.id, "answers": knock.talked_to[0]["answers"],
                                "added": True}]
    assert list(knock.talked_to[0]["answers"].values()) != []
    assert errors == []
