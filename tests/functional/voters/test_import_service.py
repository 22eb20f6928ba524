"""import_voters on a real database: column sets, households, re-import, every row accounted for."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.errors import DomainError
from fieldapp.voters.imports import writer as writer_module
from fieldapp.voters.imports.census import apply_census_results
from fieldapp.voters.imports.service import BUCKETS, import_voters
from fieldapp.voters.models import Household, ImportRejection, ImportRun, Voter
from tests import factories

DATA = Path(__file__).resolve().parents[2] / "data" / "voters"
PLAIN = "first_name,last_name,address,unit,city,state,zip,lat,lon,external_id,phone,email\n"


@pytest.fixture
def race(db):
    """A race centred on (40.68, -73.45) with a district box of ±0.02°."""
    contest = factories.race(db, factories.org(db), with_script=False)
    db.commit()
    return contest


def run(db, race, data: bytes | str | Path, **kwargs):
    """Import bytes, text or a sample file."""
    if isinstance(data, Path):
        data = data.read_bytes()
    if isinstance(data, str):
        data = data.encode()
    return import_voters(db, race, io.BytesIO(data), "voters.csv", **kwargs)


def count(db, model) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(model))


def buckets(report) -> dict[str, int]:
    return {bucket: n for bucket, n in report.counts.items() if bucket in BUCKETS and n}


def test_van_export_groups_spellings_of_one_door(db, race):
    report = run(db, race, DATA / "van.csv")
    assert report.column_set == "van"
    assert buckets(report) == {"imported": 3, "merged": 2}
    assert report.rows == 5 and report.counts["households_created"] == 3
    door = db.scalar(sa.select(Household).where(Household.address_line == "12 North Main Street"))
    assert [v.name for v in door.voters] == ["Ana Lopez", "Ben Lopez"]
    assert (door.zip5, door.precinct, door.geocode_source) == ("11758", "ED 12", "voter_file")
    assert (door.building_key, door.street_key) == ("12 N MAIN ST|TESTVILLE|NY|11758", "N MAIN ST")
    assert {v.external_id: v.phone for v in door.voters} == {"100001": "555-0101", "100002": None}
    flat = db.scalar(sa.select(Household).where(Household.unit == "2"))
    assert flat.address_line == "14 Main Street" and flat.full_address == "14 Main Street #2"
    oak = db.scalar(sa.select(Household).where(Household.street_key == "OAK AVE"))
    assert oak.lat == pytest.approx(40.681)  # the first voter had none: the second brought them
    run_row = db.get(ImportRun, report.run_id)
    assert (run_row.status, run_row.column_set, run_row.counts["imported"]) == ("finished", "van", 3)
    assert run_row.finished_at is not None


def test_van_street_parts(db, race):
    report = run(db, race, DATA / "van_street_parts.csv")
    assert buckets(report) == {"imported": 2, "merged": 1}
    keys = set(db.scalars(sa.select(Household.household_key)))
    assert keys == {"20 W ELM ST|TESTVILLE|NY|11758|", "22 W ELM ST|TESTVILLE|NY|11758|3B"}


def test_action_network_export_without_coordinates_or_ids(db, race):
    report = run(db, race, DATA / "action_network.csv")
    assert report.column_set == "action_network"
    assert buckets(report) == {"not_geocoded": 3}
    doors = db.scalars(sa.select(Household).order_by(Household.id)).all()
    assert [(d.address_line, d.state, d.lat) for d in doors] == [
        ("30 Pine Road", "NY", None), ("32 Pine Road", "NY", None)]
    assert all(v.external_id.startswith("~") for v in db.scalars(sa.select(Voter)))
    again = run(db, race, DATA / "action_network.csv")
    assert buckets(again) == {"unchanged": 3}  # synthetic ids are stable
    assert count(db, Voter) == 3


def test_plain_shape_with_units(db, race):
    report = run(db, race, DATA / "plain.csv")
    assert report.column_set == "plain"
    assert buckets(report) == {"imported": 3, "merged": 1}
    assert sorted(db.scalars(sa.select(Household.unit))) == ["", "1", "2"]


def test_explicit_mapping(db, race):
    mapping = {"first_name": "Given", "last_name": "Family", "address": "Home Street",
               "city": "Town", "zip": "Postcode", "external_id": "Voter Number"}
    report = run(db, race, DATA / "custom.csv", mapping=mapping)
    assert report.column_set == "mapping"
    assert buckets(report) == {"not_geocoded": 2}
    assert count(db, Household) == 1
    assert set(db.scalars(sa.select(Voter.external_id))) == {"C-1", "C-2"}


def test_reimporting_the_same_file_adds_nothing(db, race):
    first = run(db, race, DATA / "van.csv")
    doors, voters = count(db, Household), count(db, Voter)
    again = run(db, race, DATA / "van.csv")
    assert buckets(again) == {"unchanged": 5}
    assert again.counts["households_created"] == 0
    assert (count(db, Household), count(db, Voter)) == (doors, voters)
    assert again.run_id != first.run_id


def test_an_updated_file_updates_in_place_by_external_id(db, race):
    run(db, race, DATA / "van.csv")
    ben = db.scalar(sa.select(Voter).where(Voter.external_id == "100002"))
    ben_id, old_door = ben.id, ben.household_id
    updated = (DATA / "van.csv").read_text().replace(
        "100002,Ben,Lopez,12 N. Main St.,Testville,NY,11758-1234,40.6801,-73.4501,ED 12,,",
        "100002,Benjamin,Lopez,99 Elm Street,Testville,NY,11758,40.6850,-73.4550,ED 12,555-0199,"
    ).replace("100003,Chen,Okafor,14 Main Street Apt 2,Testville,NY,11758,40.6803,-73.4503,ED 12,"
              "555-0103,", "100003,Chen,Okafor,14 Main Street Apt 2,Testville,NY,11758,40.6803,"
                          "-73.4503,ED 12,555-0103,chen@example.org")
    assert "Benjamin" in updated and "chen@example.org" in updated
    report = run(db, race, updated)
    assert buckets(report) == {"updated": 2, "unchanged": 3}
    assert report.counts["households_created"] == 1
    db.expire_all()
    ben = db.get(Voter, ben_id)
    assert (ben.first_name, ben.phone) == ("Benjamin", "555-0199")
    assert ben.household_id != old_door and ben.household.address_line == "99 Elm Street"
    assert count(db, Voter) == 5


def test_rows_outside_the_district_are_counted_and_not_imported(db, race):
    data = (PLAIN + "Ana,In,1 Elm St,,Testville,NY,11758,40.681,-73.451,X1,,\n"
            "Ben,Out,2 Far Rd,,Testville,NY,11758,40.75,-73.45,X2,,\n"
            "Cy,Edge,3 Edge Rd,,Testville,NY,11758,40.70,-73.45,X3,,\n")
    report = run(db, race, data)
    assert buckets(report) == {"imported": 2, "outside_district": 1}
    [out] = db.scalars(sa.select(ImportRejection)).all()
    assert (out.line_number, out.category) == (3, "outside_district")
    assert "Ben,Out" in out.raw
    assert set(db.scalars(sa.select(Voter.external_id))) == {"X1", "X3"}  # the boundary is in


def test_bad_rows_are_rejected_with_their_line_number(db, race):
    data = (PLAIN + "Ana,Ok,1 Elm St,,Testville,NY,11758,40.681,-73.451,X1,,\n"
            "Ben,Zip,2 Elm St,,Testville,NY,ABCDE,,,X2,,\n"
            "Cy,Empty,,,Testville,NY,11758,,,X3,,\n"
            "Di,Range,4 Elm St,,Testville,NY,11758,140.0,-73.45,X4,,\n"
            "Ed,Paris,5 Elm St,,Testville,NY,11758,48.85,2.35,X5,,\n"
            'Fay,"Quote,6 Elm St,,Testville,NY,11758,,,X6,,\n'
            "Gil,Nocoords,7 Elm St,,Testville,NY,11758,,,X7,,\n")
    report = run(db, race, data)
    assert buckets(report) == {"imported": 1, "not_geocoded": 1, "rejected": 5}
    rejected = db.execute(sa.select(ImportRejection.line_number, ImportRejection.category)
                          .order_by(ImportRejection.line_number)).all()
    assert rejected == [(3, "bad_zip"), (4, "empty_address"), (5, "bad_coordinates"),
                        (6, "bad_coordinates"), (7, "malformed")]
    assert [r.line_number for r in report.rejections] == [3, 4, 5, 6, 7]
    gil = db.scalar(sa.select(Household).where(Household.address_line == "7 Elm St"))
    assert gil.lat is None and gil.voters[0].external_id == "X7"


def test_every_row_is_in_exactly_one_bucket(db, race):
    lines = [PLAIN.strip()]
    for i in range(40):
        lat = "" if i % 5 == 0 else ("40.9" if i % 7 == 0 else f"{40.67 + i * 0.0004:.4f}")
        zip_code = "1175" if i % 11 == 0 else "11758"  # spreadsheets drop leading zeros: fine
        zip_code = "ZIP" if i % 13 == 0 else zip_code
        address = "" if i % 17 == 0 else f"{i // 2 * 2 + 1} Oak Ave"
        lon = "" if not lat else "-73.45"
        lines.append(f"V{i},N{i},{address},,Testville,NY,{zip_code},{lat},{lon},E{i % 37},,")
    lines.append('broken,"row,,,,,,,,,,')
    data = "\n".join(lines) + "\n"
    run(db, race, data[:200])  # a first import, so the second meets known doors and voters
    voters_before = count(db, Voter)
    report = run(db, race, data, batch_size=7)
    assert report.rows == 41
    assert sum(report.counts[b] for b in BUCKETS) == 41
    assert all(report.counts[b] for b in ("imported", "not_geocoded", "unchanged",
                                          "outside_district", "rejected"))
    stored = db.scalar(sa.select(sa.func.count()).select_from(ImportRejection)
                       .where(ImportRejection.import_run_id == report.run_id))
    assert stored == report.counts["rejected"] + report.counts["outside_district"]
    new_voters = report.counts["imported"] + report.counts["merged"] + \
        report.counts["not_geocoded"]
    assert count(db, Voter) - voters_before == new_voters == report.counts["voters_created"]


def test_missing_columns_are_refused_before_anything_is_written(db, race):
    with pytest.raises(DomainError) as error:
        run(db, race, "FirstName,LastName,Email\nAna,Lopez,ana@example.org\n")
    assert error.value.fields["columns found"] == "FirstName, LastName, Email"
    assert (count(db, ImportRun), count(db, Household), count(db, Voter)) == (0, 0, 0)


def test_a_file_that_is_not_csv_is_refused_before_anything_is_written(db, race):
    with pytest.raises(DomainError, match="binary data"):
        run(db, race, b"\x00\x01\x02garbage" * 100)
    assert count(db, ImportRun) == 0


def test_latin1_file_end_to_end(db, race):
    data = (PLAIN + "José,Núñez,8 Peña Street,,Testville,NY,11758,,,L1,,\n").encode("latin-1")
    report = run(db, race, data)
    assert report.encoding == "latin-1"
    assert db.scalar(sa.select(Voter.last_name)) == "Núñez"
    assert db.scalar(sa.select(Household.address_line)) == "8 Peña Street"


def test_households_spanning_batches_merge_and_a_failed_batch_leaves_no_half_door(
        db, race, monkeypatch):
    data = (PLAIN + "".join(f"V{i},Lopez,{10 + i // 3 * 2} Elm St,,Testville,NY,11758,,,"
                            f"X{i},,\n" for i in range(9)))
    calls = {"n": 0}
    original = writer_module.BatchWriter._write_voters

    def fail_second(self, people, door_ids):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, people, door_ids)

    monkeypatch.setattr(writer_module.BatchWriter, "_write_voters", fail_second)
    with pytest.raises(RuntimeError):
        run(db, race, data, batch_size=4)
    db.expire_all()
    assert db.scalar(sa.select(ImportRun.status)) == "failed"
    # batch 1 (rows 0-3: doors 10 and 12) is kept whole; batch 2 left nothing behind
    assert sorted(db.scalars(sa.select(Household.address_line))) == ["10 Elm St", "12 Elm St"]
    assert count(db, Voter) == 4
    monkeypatch.undo()
    report = run(db, race, data, batch_size=4)
    assert buckets(report) == {"unchanged": 4, "not_geocoded": 5}  # no coordinates in this file
    assert count(db, Household) == 3 and count(db, Voter) == 9


def test_geocode_callable_runs_at_the_end_and_is_counted(db, race):
    seen = []

    def geocode(session, contest):
        seen.append(contest.id)
        return 2

    report = run(db, race, DATA / "action_network.csv", geocode=geocode)
    assert seen == [race.id] and report.counts["geocoded"] == 2
    assert db.get(ImportRun, report.run_id).counts["geocoded"] == 2


def test_census_answers_place_doors_without_coordinates(db, race):
    run(db, race, PLAIN + "Ana,L,12 North Main Street,,Testville,NY,11758,,,C1,,\n"
                          "Ben,L,16 Oak Avenue,,Testville,NY,11758,40.6801,-73.4501,C2,,\n"
                          "Cy,L,18 Oak Ave,,Testville,NY,11758,,,C3,,\n")
    report = apply_census_results(db, race, io.BytesIO((DATA / "census_answers.csv").read_bytes()))
    db.commit()
    assert {k: v for k, v in report.counts.items() if v} == {
        "lines": 4, "matched": 1, "households_geocoded": 1, "no_match": 1, "tie": 1,
        "already_geocoded": 1}
    assert [(p.line_number, p.category) for p in report.problems] == [(2, "no_match"), (4, "tie")]
    main = db.scalar(sa.select(Household).where(Household.street_key == "N MAIN ST"))
    assert (main.lat, main.lon) == (pytest.approx(40.68011), pytest.approx(-73.45012))
    assert (main.geocode_source, main.geocode_accuracy) == ("census", "Exact")
    oak = db.scalar(sa.select(Household).where(Household.address_line == "16 Oak Avenue"))
    assert oak.geocode_source == "voter_file"  # the file's own coordinates are kept


def mixed_file(path: Path) -> Path:
    """A file with every kind of row: new, merged, refused, outside the district, broken."""
    lines = [PLAIN.strip()]
    for i in range(60):
        lat = "" if i % 5 == 0 else ("40.9" if i % 7 == 0 else f"{40.67 + i * 0.0004:.4f}")
        address = "" if i % 17 == 0 else f"{i // 2 * 2 + 1} Oak Ave"
        lines.append(f"V{i},N{i},{address},,Testville,NY,11758,{lat},"
                     f"{'-73.45' if lat else ''},,,")
    lines.append('broken,"row,,,,,,,,,,')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(db, run_id: int) -> tuple:
    """What an import left: doors, voters and refused rows (line, category)."""
    doors = sorted(db.execute(sa.select(Household.household_key, Household.lat)).all())
    voters = sorted(db.execute(sa.select(Voter.external_id, Voter.first_name)).all())
    refused = sorted(db.execute(sa.select(ImportRejection.line_number, ImportRejection.category)
                                .where(ImportRejection.import_run_id == run_id)).all())
    return doors, voters, refused


def test_a_helper_process_prepares_exactly_what_the_thread_prepares(db, race, tmp_path):
    path = mixed_file(tmp_path / "mixed.csv")
    with path.open("rb") as stream:
        by_thread = import_voters(db, race, stream, "mixed.csv", batch_size=8,
                                  helper_process=False)
    thread_result = stored(db, by_thread.run_id)
    other = factories.race(db, factories.org(db, "other-wfp"), "Other race", with_script=False)
    db.commit()
    db.execute(sa.delete(Voter))
    db.execute(sa.delete(Household))
    db.commit()
    with path.open("rb") as stream:
        by_process = import_voters(db, race, stream, "mixed.csv", batch_size=8,
                                   helper_process=True)
    assert (by_thread.prepared_in, by_process.prepared_in) == ("thread", "process")
    assert by_process.counts == by_thread.counts
    assert by_process.rejections == by_thread.rejections
    assert stored(db, by_process.run_id) == thread_result
    assert by_thread.counts["outside_district"] and by_thread.counts["rejected"]
    assert other.id  # the second chapter's race is untouched by either import
    assert count(db, Voter) == by_process.counts["voters_created"]


def test_large_files_on_disk_go_to_a_helper_process_uploads_do_not(db, race, tmp_path,
                                                                   monkeypatch):
    from fieldapp.voters.imports import service

    path = mixed_file(tmp_path / "mixed.csv")
    monkeypatch.setattr(service, "HELPER_PROCESS_BYTES", 100)
    with path.open("rb") as stream:
        assert import_voters(db, race, stream, "mixed.csv").prepared_in == "process"
    assert run(db, race, path).prepared_in == "thread"  # in memory: no path to hand over
    with pytest.raises(ValueError, match="path"):
        run(db, race, path, helper_process=True)


def test_a_failing_helper_process_fails_the_import_with_its_error(db, race, tmp_path):
    changed = tmp_path / "changed.csv"  # what the helper finds at the path: no address column
    changed.write_text("first_name,last_name,email\nAna,Lopez,ana@example.org\n")

    class ChangedOnDisk(io.BytesIO):
        name = str(changed)

    stream = ChangedOnDisk(mixed_file(tmp_path / "mixed.csv").read_bytes())
    with pytest.raises(DomainError, match="columns were not recognised") as error:
        import_voters(db, race, stream, "mixed.csv", helper_process=True)
    assert error.value.fields["columns found"] == "first_name, last_name, email"
    db.expire_all()
    assert db.scalar(sa.select(ImportRun.status)) == "failed"
    assert count(db, Voter) == 0
