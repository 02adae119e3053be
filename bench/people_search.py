"""Person search quality and speed on a synthetic population with a known truth (DESIGN.md §7).

Generates `--persons` records (synthetic names: Faker en_GB's name lists and the nickname
table's given names, never a real person), some of them duplicate records of the same human
held by another agency with typing errors, phonetic spellings, nicknames, swapped names,
transposed or shifted dates of birth. Bulk-loads them with the services' row builders (so the
search keys are the ones the services write), then runs `--queries` searches of each kind and
prints one JSON object: backend, n_persons, p50_ms, p95_ms, recall_at_10, precision_at_1, load_s
(and the same per kind), with the machine's load averages while searching.

A query is correct when it returns a record of the searched-for human: recall@10 counts one in
the first ten, precision@1 one first.

Runs on a throwaway database: a temporary SQLite file by default, or, when DATABASE_URL names a
PostgreSQL server, a database created for the run (`mappa_bench_people`) and dropped afterwards.

    .venv/bin/python bench/people_search.py [--persons 20000] [--queries 200] [--seed 1]
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_append import log, throwaway_database

KINDS = (
    "exact",
    "typo",
    "phonetic",
    "nickname",
    "swapped",
    "hyphen_part",
    "alias",
    "transposed",
    "year_off",
    "partial_dob",
    "pnc",
)
_SOUNDS = (("ph", "f"), ("f", "ph"), ("y", "i"), ("i", "y"), ("ck", "k"), ("son", "sen"), ("ll", "l"),
           ("tt", "t"), ("ee", "ea"), ("c", "k"), ("ou", "ow"), ("ai", "ay"), ("s", "z"))  # fmt: skip


def name_pools(rng: random.Random) -> tuple[list[str], list[str], dict[str, str]]:
    from faker import Faker

    from mappa.people.nicknames import _GROUPS

    faker = Faker("en_GB")
    faker.seed_instance(rng.randint(0, 10**6))
    heads = [line.split()[0] for line in _GROUPS.strip().splitlines()]
    nick = {line.split()[0]: line.split()[1] for line in _GROUPS.strip().splitlines()}
    forenames = sorted({*(h.title() for h in heads), *(faker.first_name() for _ in range(3000))})
    surnames = sorted({faker.last_name() for _ in range(20000)})
    return forenames, surnames, {k.title(): v.title() for k, v in nick.items()}


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word + rng.choice("aeiou")
    i = rng.randrange(2, len(word) - 1)
    op = rng.random()
    if op < 0.4:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op < 0.7:
        return word[:i] + rng.choice("aeiounrst") + word[i + 1 :]
    return word[:i] + word[i + 1 :]


def sound_alike(word: str, rng: random.Random) -> str:
    lower = word.lower()
    options = [(a, b) for a, b in _SOUNDS if a in lower[1:]]
    if not options:
        return typo(word, rng)
    a, b = rng.choice(options)
    at = lower.index(a, 1)
    return (word[:at] + b + word[at + len(a) :]).title()


def postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    area = rng.choice(["DH", "NE", "SR", "TS", "DL"])
    return f"{area}{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def pnc_for(serial: int) -> str:
    from mappa.people.identifiers import pnc_check_character

    year = f"{serial % 100:02d}"
    number = serial // 100 + 1
    return f"{year}/{number:07d}{pnc_check_character(year, str(number))}"


class Population:
    def __init__(self, n: int, rng: random.Random) -> None:
        self.rng = rng
        self.forenames, self.surnames, self.nicknames = name_pools(rng)
        self.humans: list[dict[str, Any]] = []
        n_humans = int(n / 1.05)
        for index in range(n_humans):
            surname = rng.choice(self.surnames)
            if rng.random() < 0.05:
                surname = f"{surname}-{rng.choice(self.surnames)}"
            self.humans.append(
                {
                    "forenames": rng.choice(self.forenames),
                    "surname": surname,
                    "dob": (rng.randint(1940, 2008), rng.randint(1, 12), rng.randint(1, 28)),
                    "postcode": postcode(rng),
                    "alias": rng.choice(self.surnames) if rng.random() < 0.1 else "",
                    "pnc": pnc_for(index) if rng.random() < 0.6 else "",
                    "partial": rng.random() < 0.03,
                }
            )
        # Records: one per human, plus duplicate records (another agency, with variations).
        self.records: list[tuple[int, dict[str, Any]]] = [
            (h, dict(human)) for h, human in enumerate(self.humans)
        ]
        while len(self.records) < n:
            h = rng.randrange(n_humans)
            dup = dict(self.humans[h])
            change = rng.choice(("typo", "nickname", "transposed", "year_off", "swapped"))
            if change == "typo":
                dup["surname"] = typo(dup["surname"], rng)
            elif change == "nickname":
                dup["forenames"] = self.nicknames.get(dup["forenames"], dup["forenames"])
            elif change == "transposed":
                y, m, d = dup["dob"]
                dup["dob"] = (y, d, m) if d <= 12 else (y, m, d)
            elif change == "year_off":
                y, m, d = dup["dob"]
                dup["dob"] = (y + 1, m, d)
            else:
                dup["forenames"], dup["surname"] = dup["surname"], dup["forenames"]
            dup["pnc"] = ""
            self.records.append((h, dup))

    def query(self, kind: str) -> tuple[int, dict[str, Any]]:
        rng = self.rng
        while True:
            h = rng.randrange(len(self.humans))
            human = self.humans[h]
            y, m, d = human["dob"]
            full = f"{y:04d}-{m:02d}-{d:02d}"
            forename, surname = human["forenames"], human["surname"]
            if kind == "exact":
                return h, {"name": f"{forename} {surname}", "dob": full}
            if kind == "typo":
                return h, {"name": f"{typo(forename, rng)} {typo(surname, rng)}", "dob": full}
            if kind == "phonetic":
                return h, {"name": f"{forename} {sound_alike(surname, rng)}", "dob": full}
            if kind == "nickname" and forename in self.nicknames:
                return h, {"name": f"{self.nicknames[forename]} {surname}", "dob": full}
            if kind == "swapped":
                return h, {"name": f"{surname} {forename}", "dob": full}
            if kind == "hyphen_part" and "-" in surname:
                return h, {"name": f"{forename} {surname.split('-')[rng.randrange(2)]}", "dob": full}
            if kind == "alias" and human["alias"]:
                return h, {"name": f"{forename} {human['alias']}", "dob": full}
            if kind == "transposed" and d <= 12 and d != m:
                return h, {"name": f"{forename} {surname}", "dob": f"{y:04d}-{d:02d}-{m:02d}"}
            if kind == "year_off":
                return h, {
                    "name": f"{forename} {surname}",
                    "dob": f"{y + rng.choice([-1, 1]):04d}-{m:02d}-{d:02d}",
                }
            if kind == "partial_dob":
                return h, {"name": f"{forename} {surname}", "dob": f"{y:04d}"}
            if kind == "pnc" and human["pnc"]:
                return h, {"pnc": human["pnc"]}


def load(population: Population) -> tuple[Any, dict[int, int]]:
    """Bulk-load the records; return the searching user and record id -> human index."""
    from django.db import transaction
    from django.utils import timezone

    from mappa.accounts.models import AgencyMembership, User
    from mappa.agencies.models import Agency, MappaArea
    from mappa.people.dates import PartialDate
    from mappa.people.models import (
        NameKind,
        Person,
        PersonAddress,
        PersonDateOfBirth,
        PersonIdentifier,
        PersonName,
    )
    from mappa.people.services import AddressData, NameData, address_row, dob_row, name_row

    area = MappaArea(name="Bench area", code="bench")
    area.save(override=True)
    agencies = []
    for code, kind in (("BENCH-POLICE", "police"), ("BENCH-PROBATION", "probation")):
        agency = Agency(name=code, code=code, kind=kind)
        agency.save(override=True)
        agency.areas.set([area])
        agencies.append(agency)
    user = User.objects.create(username="bench", email="bench@example.invalid", date_joined=timezone.now())
    membership = AgencyMembership(user=user, agency=agencies[0], roles=["mappa_coordinator"])
    membership.save(override=True)
    user.acting_membership = membership

    truth: dict[int, int] = {}
    chunk = 20000
    for start in range(0, len(population.records), chunk):
        batch = population.records[start : start + chunk]
        with transaction.atomic():
            persons = Person.objects.bulk_create(
                [
                    Person(source_agency=agencies[(start + i) % 2 if i else 0], source_ref=f"B{start + i}")
                    for i, _ in enumerate(batch)
                ]
            )
            names, dobs, addresses, idents = [], [], [], []
            for person, (h, record) in zip(persons, batch, strict=True):
                truth[person.pk] = h
                names.append(name_row(person, NameData(record["surname"], record["forenames"])))
                if record["alias"]:
                    names.append(
                        name_row(person, NameData(record["alias"], record["forenames"], NameKind.ALIAS))
                    )
                y, m, d = record["dob"]
                dobs.append(dob_row(person, PartialDate(y) if record["partial"] else PartialDate(y, m, d)))
                addresses.append(address_row(person, AddressData(postcode=record["postcode"])))
                if record["pnc"]:
                    idents.append(PersonIdentifier(person=person, kind="pnc", value=record["pnc"]))
            PersonName.objects.bulk_create(names, batch_size=5000)
            PersonDateOfBirth.objects.bulk_create(dobs, batch_size=5000)
            PersonAddress.objects.bulk_create(addresses, batch_size=5000)
            PersonIdentifier.objects.bulk_create(idents, batch_size=5000)
        log(f"loaded {start + len(batch)}/{len(population.records)}")
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: statistics, and the visibility map that
        # index-only scans need.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return user, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mappa.settings")
    os.environ.setdefault("MAPPA_BENCH_DATABASE", "mappa_bench_people")
    with throwaway_database() as description:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from mappa.people.search import person_search

        call_command("migrate", verbosity=0, interactive=False)
        rng = random.Random(args.seed)
        population = Population(args.persons, rng)
        started = time.perf_counter()
        user, truth = load(population)
        load_s = time.perf_counter() - started
        log(f"loaded {len(truth)} records in {load_s:.1f} s; searching")
        load_before = os.getloadavg()
        timings: list[float] = []
        per_kind: dict[str, dict[str, Any]] = {}
        hits10 = hits1 = total = 0
        for kind in KINDS:
            k_times, k10, k1 = [], 0, 0
            for _ in range(args.queries):
                h, query = population.query(kind)
                t0 = time.perf_counter()
                results = person_search(fetched_by=user, limit=10, **query)
                elapsed = (time.perf_counter() - t0) * 1000
                k_times.append(elapsed)
                found = [
                    truth.get(c.id) == h or any(truth.get(r.id) == h for r in c.records) for c in results
                ]
                k10 += any(found)
                k1 += bool(found and found[0])
            timings += k_times
            hits10, hits1, total = hits10 + k10, hits1 + k1, total + args.queries
            per_kind[kind] = {
                "p95_ms": round(statistics.quantiles(k_times, n=20)[18], 1),
                "recall_at_10": round(k10 / args.queries, 3),
                "precision_at_1": round(k1 / args.queries, 3),
            }
            log(f"{kind}: {per_kind[kind]}")
        print(
            json.dumps(
                {
                    "backend": connection.vendor,
                    "database": description,
                    "n_persons": len(truth),
                    "queries": total,
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(statistics.quantiles(timings, n=20)[18], 1),
                    "recall_at_10": round(hits10 / total, 4),
                    "precision_at_1": round(hits1 / total, 4),
                    "load_s": round(load_s, 1),
                    # The machine's 1-, 5- and 15-minute load averages as the searches began and
                    # ended: on a shared machine, high figures mean the times are pessimistic.
                    "load_average": [
                        [round(x, 2) for x in load_before],
                        [round(x, 2) for x in os.getloadavg()],
                    ],
                    "by_kind": per_kind,
                }
            )
        )


if __name__ == "__main__":
    main()
