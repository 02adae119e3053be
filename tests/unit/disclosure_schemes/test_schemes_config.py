"""The schemes as configuration: every file loads and is consistent; a bad file is refused with
its message at load time, not discovered later as a wrong timer."""

from datetime import timedelta
from pathlib import Path

import pytest

from mappa.disclosure_schemes import schemes
from mappa.disclosure_schemes.schemes import RECORDS, ConfigurationError, _edition

CONFIG_FILES = sorted(schemes.CONFIG_DIR.glob("*.toml"))

VALID = """
code = "test"
name = "Test scheme"
short_name = "Test"
guidance_version = "2099"
routes = ["right_to_ask"]
protected = "child"
presumption_to_disclose = false
forums = ["mappa"]
written_outcome_allowed = false
end_to_end_days = { disclosure = 20, non_disclosure = 20 }
{stages}
"""
STAGE = """
[[stages]]
code = "{code}"
label = "{code}"
target = {target}
requires = {requires}
"""


def _write(tmp_path: Path, *stages: tuple[str, str, str]) -> Path:
    body = "".join(STAGE.format(code=c, target=t, requires=r) for c, t, r in stages)
    path = tmp_path / "test.toml"
    path.write_text(VALID.replace("{stages}", body), encoding="utf-8")
    return path


def test_there_are_config_files() -> None:
    assert len(CONFIG_FILES) >= 3


@pytest.mark.parametrize("path", CONFIG_FILES, ids=lambda p: p.name)
def test_every_file_loads(path: Path) -> None:
    edition = _edition(path)
    assert edition.stages
    assert edition.key in schemes.editions()


@pytest.mark.parametrize("path", CONFIG_FILES, ids=lambda p: p.name)
def test_targets_increase_and_records_are_known(path: Path) -> None:
    edition = _edition(path)
    targets = [stage.target for stage in edition.stages]
    assert targets == sorted(targets)
    assert all(target > timedelta(0) for target in targets)
    for stage in edition.stages:
        assert set(stage.requires) <= set(RECORDS)
    # The last stage's target is the end-to-end target of the longest outcome.
    assert targets[-1] == max(edition.end_to_end.values())


def test_exactly_one_current_edition_per_scheme() -> None:
    for code in ("csods", "dvds"):
        current = [e for e in schemes.editions().values() if e.code == code and e.current]
        assert len(current) == 1
    assert schemes.current("dvds").guidance_version == "2023"
    assert schemes.current("csods").guidance_version == "2023"


def test_dvds_2016_is_kept_for_applications_received_under_it() -> None:
    old = schemes.edition("dvds-2016")
    assert not old.current
    assert old.end_to_end["disclosure"] == timedelta(days=35)
    assert schemes.edition("dvds-2023").end_to_end["disclosure"] == timedelta(days=28)


def test_only_dvds_has_the_right_to_know_route() -> None:
    assert "right_to_know" in schemes.current("dvds").routes
    assert "right_to_know" not in schemes.current("csods").routes


def test_a_valid_test_file_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path, ("first", "{ hours = 24 }", '["safe_contact"]'), ("second", "{ days = 20 }", "[]")
    )
    edition = _edition(path)
    assert [s.code for s in edition.stages] == ["first", "second"]
    assert edition.stages[0].target == timedelta(hours=24)


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        (
            [("first", "{ days = 10 }", "[]"), ("second", "{ days = 5 }", "[]")],
            "targets must not go backwards",
        ),
        ([("first", "{ days = 0 }", "[]")], "the target must be positive"),
        ([("first", "{ weeks = 2 }", "[]")], "a target is { hours = N } or { days = N }"),
        ([("first", "{ days = 2 }", '["a_horoscope"]')], "unknown records ['a_horoscope']"),
        ([], "no stages"),
    ],
)
def test_an_invalid_file_is_refused_with_its_message(
    tmp_path: Path, stages: list[tuple[str, str, str]], message: str
) -> None:
    path = _write(tmp_path, *stages)
    with pytest.raises(ConfigurationError) as raised:
        _edition(path)
    assert message in str(raised.value)
    assert "test.toml" in str(raised.value)


def test_an_unknown_route_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, ("first", "{ days = 2 }", "[]"))
    path.write_text(path.read_text().replace('["right_to_ask"]', '["right_to_demand"]'), encoding="utf-8")
    with pytest.raises(ConfigurationError, match="unknown route or forum"):
        _edition(path)


def test_two_current_editions_of_one_scheme_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for version in ("2098", "2099"):
        path = _write(tmp_path, ("first", "{ days = 2 }", "[]"))
        path.rename(tmp_path / f"test-{version}.toml")
        moved = tmp_path / f"test-{version}.toml"
        moved.write_text(moved.read_text().replace('"2099"', f'"{version}"'), encoding="utf-8")
    monkeypatch.setattr(schemes, "CONFIG_DIR", tmp_path)
    schemes.editions.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="Scheme test needs exactly one current edition, not 2"):
            schemes.editions()
    finally:
        monkeypatch.undo()
        schemes.editions.cache_clear()
    assert "csods-2023" in schemes.editions()
