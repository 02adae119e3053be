import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mappa.audit.models import AuditEvent
from mappa.people.identifiers import pnc_check_character
from mappa.people.models import Person
from tests.factories.people import make_person

pytestmark = pytest.mark.django_db

HEADER = "source_ref,forenames,surname,date_of_birth,postcode,aliases,pnc,gender,nhs_number\n"
PNC = f"11/0000042{pnc_check_character('11', '42')}"


def _import(tmp_path, agency_code, text, encoding="utf-8", bom=False):
    path = tmp_path / "people.csv"
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    out, err = StringIO(), StringIO()
    call_command("persons", "import", str(path), "--agency", agency_code, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = HEADER + (
    f'P1,William,Smith-Jones,1980-05-17,dh1 1aa,"Bill Jones;Smith, Billy",{PNC},m,943 476 5919\n'
    "P2,Margaret,Walker,17/05/1981,,,,female,\n"
    "P3,Zoë,Núñez,1970-02,,,,,\n"
    "P4,Ann,Lee,1965,,,,,\n"
)


def test_good_file_loads_every_row_and_audits_as_system_import(tmp_path, north):
    out, _ = _import(tmp_path, "NORTH-POLICE", GOOD)
    assert "Imported 4" in out
    person = Person.objects.get(source_ref="P1")
    assert person.source_agency == north.police
    assert sorted(n.kind for n in person.names.all()) == ["alias", "alias", "current"]
    assert {i.value for i in person.identifiers.all()} == {PNC, "9434765919"}
    assert Person.objects.get(source_ref="P3").dates_of_birth.get().month == 2
    events = AuditEvent.objects.filter(object_type="person")
    assert events.count() == 4
    assert {e.actor_username for e in events} == {"system:import"}
    assert {e.object_agency_id for e in events} == {north.police.pk}


def test_bom_and_cp1252_files(tmp_path, north):
    _import(tmp_path, "NORTH-POLICE", GOOD, bom=True)
    assert Person.objects.count() == 4
    text = HEADER + "Q1,Zoë,Ångström,1970,,,,,\n"
    _, err = _import(tmp_path, "NORTH-PROBATION", text, encoding="cp1252")
    assert "cp1252" in err
    assert Person.objects.get(source_ref="Q1").names.get().surname == "Ångström"


def test_undecodable_file(tmp_path, north):
    path = tmp_path / "bad.csv"
    path.write_bytes(HEADER.encode() + b"Q1,\x81\x8d,Smith,1970,,,,,\n")
    with pytest.raises(CommandError, match="neither UTF-8 nor Windows-1252"):
        call_command("persons", "import", str(path), "--agency", "NORTH-POLICE", stderr=StringIO())


def test_bad_rows_are_all_reported_by_line_and_nothing_loads(tmp_path, north):
    make_person(north.police, source_ref="HELD")
    text = HEADER + (
        "R1,Good,Row,1980-01-01,,,,,\n"
        "R2,Bad,Date,1981-02-29,,,,,\n"
        "R3,Bad,Pnc,1980,,,12/0012345B,,\n"
        "R1,Dup,Licate,1980,,,,,\n"
        "HELD,Already,Held,1980,,,,,\n"
        "R6,Bad,Postcode,1980,NOPE,,,,\n"
        "R7,,,1980,,,,,\n"
        "R8,Bad,Gender,1980,,,,zz,\n"
        "R9,Bad,Nhs,1980,,,,,1234567890\n"
    )
    with pytest.raises(CommandError, match="8 bad row"):
        err = StringIO()
        try:
            call_command(
                "persons", "import", str(_write(tmp_path, text)), "--agency", "NORTH-POLICE", stderr=err
            )
        finally:
            lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [f"line {n}" for n in range(3, 11)]
    assert "real date" in lines[0]
    assert "check letter" in lines[1]
    assert "repeats line 2" in lines[2]
    assert "already held" in lines[3]
    assert Person.objects.count() == 1


def _write(tmp_path, text):
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_and_unknown_columns(tmp_path, north):
    with pytest.raises(CommandError, match="missing column: pnc"):
        call_command(
            "persons",
            "import",
            str(_write(tmp_path, "source_ref,forenames,surname,date_of_birth,postcode,aliases\n")),
            "--agency",
            "NORTH-POLICE",
        )
    with pytest.raises(CommandError, match="Unknown column: shoe_size"):
        call_command(
            "persons",
            "import",
            str(_write(tmp_path, HEADER.strip() + ",shoe_size\n")),
            "--agency",
            "NORTH-POLICE",
        )
    with pytest.raises(CommandError, match="No active agency"):
        call_command("persons", "import", str(_write(tmp_path, HEADER)), "--agency", "NOPE")


def test_progress_bar_on_stderr(tmp_path, north):
    err = StringIO()
    call_command(
        "persons", "import", str(_write(tmp_path, GOOD)), "--agency", "NORTH-POLICE", "--progress", stderr=err
    )
    assert "100% (4/4)" in err.getvalue()


def test_search_json_shape_and_visibility(tmp_path, north, south):
    target = make_person(
        north.police, "William", "Smith", dob=(1980, 5, 17), source_ref="W1", identifiers=[("pnc", PNC)]
    )
    make_person(south.police, "William", "Smith", dob=(1980, 5, 17), source_ref="HIDDEN")
    out = StringIO()
    call_command(
        "persons",
        "search",
        "--as",
        north.coordinator.username,
        "--name",
        "Bill Smyth",
        "--dob",
        "1980-05-17",
        "--json",
        stdout=out,
    )
    results = json.loads(out.getvalue())
    assert [r["source_ref"] for r in results] == ["W1"]
    assert set(results[0]) >= {"id", "source_ref", "name", "date_of_birth", "score", "reasons"}
    assert results[0]["id"] == target.pk
    assert results[0]["name"] == "SMITH, William"
    assert results[0]["date_of_birth"] == "17 May 1980"


def test_search_queries_file_prints_one_line_per_query(tmp_path, north):
    make_person(
        north.police, "William", "Smith", dob=(1980, 5, 17), source_ref="W1", identifiers=[("pnc", PNC)]
    )
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"name": "Will Smith", "dob": "1980"})
        + "\n"
        + json.dumps({"pnc": PNC})
        + "\n"
        + json.dumps({"name": "Nobody Atall", "dob": "1901-01-01"})
        + "\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command(
        "persons",
        "search",
        "--as",
        north.coordinator.username,
        "--queries",
        str(queries),
        "--json",
        stdout=out,
    )
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [len(line) for line in lines] == [1, 1, 0]
    assert lines[1][0]["reasons"][0] == "PNC matches"


def test_search_errors(north):
    with pytest.raises(CommandError, match="No such active user"):
        call_command("persons", "search", "--as", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="Enter a date of birth"):
        call_command("persons", "search", "--as", north.coordinator.username, "--dob", "yesterday")
    with pytest.raises(CommandError, match="Enter a name"):
        call_command("persons", "search", "--as", north.coordinator.username)


def test_each_command_line_search_is_recorded_as_a_consultation(tmp_path, north):
    target = make_person(north.police, "William", "Smith", dob=(1980, 5, 17), identifiers=[("pnc", PNC)])
    call_command(
        "persons", "search", "--as", north.coordinator.username, "--pnc", PNC, "--json", stdout=StringIO()
    )
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"name": "Will Smith", "dob": "1980"}) + "\n" + json.dumps({"postcode": "NE1 1AA"}) + "\n",
        encoding="utf-8",
    )
    call_command(
        "persons", "search", "--as", north.coordinator.username, "--queries", str(queries), stdout=StringIO()
    )
    events = list(AuditEvent.objects.filter(object_type="person_search").order_by("sequence"))
    assert [e.summary for e in events] == [
        "Person search by PNC number",
        "Person search by name and date of birth",
        "Person search by postcode",
    ]
    assert [e.detail["person_ids"] for e in events] == [[target.pk], [target.pk], []]
    assert {e.detail["via"] for e in events} == {"command"}
    assert {(e.action, e.actor_username, e.justification) for e in events} == {
        ("consultation", north.coordinator.username, "Person search")
    }
    assert PNC not in str([e.detail for e in events])


def test_a_refused_command_line_search_is_not_recorded(north):
    with pytest.raises(CommandError):
        call_command("persons", "search", "--as", north.coordinator.username, "--dob", "yesterday")
    assert not AuditEvent.objects.filter(object_type="person_search").exists()
