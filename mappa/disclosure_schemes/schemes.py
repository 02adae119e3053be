"""The two disclosure schemes as configuration, not code branches (issue 7; disclosure_dp.md §2.5).

Each file in config/ describes one scheme under one edition of its guidance: its entry routes,
who it protects, whether a presumption to disclose applies, its decision forums, and its stages,
each with a target measured from the application's receipt and the records it needs before the
application may leave it. The workflow engine (services.py) reads only this: adding a guidance
edition is a new file, and an application keeps the edition it was received under, so its
targets never move under it.

Files are read once and checked when first used: a stage with no target, an unknown required
record, or two current editions of one scheme is an error at start-up, not a wrong timer later.
"""

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

CONFIG_DIR = Path(__file__).parent / "config"

# What a stage can require before the application leaves it; services.py knows how to check each.
RECORDS = {
    "safe_contact": "Safe ways and times to contact the applicant",
    "identity_verified": "The applicant's identity verified in person",
    "checks_recorded": "The checks made and what they found",
    "decision_recorded": "The decision and its rationale",
    "outcome_recorded": "The disclosure made, or the non-disclosure communicated",
}
ROUTES = {"right_to_ask": "Right to ask", "right_to_know": "Right to know"}
FORUMS = {
    "police_and_partners": "Police with partner agencies",
    "mappa": "MAPPA level 2 or 3 meeting",
    "marac": "MARAC",
}


class ConfigurationError(Exception):
    pass


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    target: timedelta  # from the application's receipt
    requires: tuple[str, ...]


@dataclass(frozen=True)
class SchemeEdition:
    code: str
    name: str
    short_name: str
    guidance_version: str
    routes: tuple[str, ...]
    protected: str
    presumption_to_disclose: bool
    forums: tuple[str, ...]
    written_outcome_allowed: bool
    end_to_end: dict[str, timedelta]
    stages: tuple[Stage, ...]
    current: bool

    @property
    def key(self) -> str:
        return f"{self.code}-{self.guidance_version}"

    @property
    def title(self) -> str:
        return f"{self.name} ({self.short_name})"

    def stage(self, code: str) -> Stage:
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise KeyError(f"{self.key} has no stage {code!r}")

    def next_stage(self, code: str) -> Stage | None:
        codes = [stage.code for stage in self.stages]
        position = codes.index(code)
        return self.stages[position + 1] if position + 1 < len(self.stages) else None


def _target(raw: dict[str, Any], where: str) -> timedelta:
    if set(raw) - {"hours", "days"} or not raw:
        raise ConfigurationError(f"{where}: a target is {{ hours = N }} or {{ days = N }}")
    target = timedelta(hours=int(raw.get("hours", 0)), days=int(raw.get("days", 0)))
    if target <= timedelta(0):
        raise ConfigurationError(f"{where}: the target must be positive")
    return target


def _edition(path: Path) -> SchemeEdition:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    where = path.name
    stages = []
    previous = timedelta(0)
    for index, item in enumerate(raw.get("stages", [])):
        unknown = set(item.get("requires", [])) - set(RECORDS)
        if unknown:
            raise ConfigurationError(f"{where} stage {index + 1}: unknown records {sorted(unknown)}")
        target = _target(item.get("target", {}), f"{where} stage {item.get('code')}")
        if target < previous:
            raise ConfigurationError(f"{where} stage {item['code']}: targets must not go backwards")
        previous = target
        stages.append(Stage(item["code"], item["label"], target, tuple(item.get("requires", []))))
    if not stages:
        raise ConfigurationError(f"{where}: no stages")
    routes = tuple(raw["routes"])
    if set(routes) - set(ROUTES) or set(raw["forums"]) - set(FORUMS):
        raise ConfigurationError(f"{where}: unknown route or forum")
    return SchemeEdition(
        code=raw["code"],
        name=raw["name"],
        short_name=raw["short_name"],
        guidance_version=str(raw["guidance_version"]),
        routes=routes,
        protected=raw["protected"],
        presumption_to_disclose=bool(raw["presumption_to_disclose"]),
        forums=tuple(raw["forums"]),
        written_outcome_allowed=bool(raw["written_outcome_allowed"]),
        end_to_end={outcome: timedelta(days=int(days)) for outcome, days in raw["end_to_end_days"].items()},
        stages=tuple(stages),
        current=bool(raw.get("current", True)),
    )


@cache
def editions() -> dict[str, SchemeEdition]:
    """Every scheme edition, by key ("csods-2023"), read from config/ and checked."""
    found = {edition.key: edition for edition in map(_edition, sorted(CONFIG_DIR.glob("*.toml")))}
    for code in {edition.code for edition in found.values()}:
        current = [e for e in found.values() if e.code == code and e.current]
        if len(current) != 1:
            raise ConfigurationError(f"Scheme {code} needs exactly one current edition, not {len(current)}")
    return found


def edition(key: str) -> SchemeEdition:
    return editions()[key]


def current(code: str) -> SchemeEdition:
    """The edition new applications to the scheme are received under."""
    return next(e for e in editions().values() if e.code == code and e.current)


SCHEME_CHOICES = [
    ("csods", "Child Sex Offender Disclosure Scheme (Sarah's Law)"),
    ("dvds", "Domestic Violence Disclosure Scheme (Clare's Law)"),
]
