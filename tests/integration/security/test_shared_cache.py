"""The public form's rate limits hold across workers when the cache is shared (MAPPA_CACHE_URL).

Each worker is a separate process here, as gunicorn's are: a limit counted in each process's
own memory would let every worker allow the full limit.
"""

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("MAPPA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

WORKER = """
import sys, django
django.setup()
from mappa.disclosure_schemes.services_public import within_rate_limit
print(",".join(str(within_rate_limit(client_address=sys.argv[1], kind="submit", now=1_800_000_000.0))
               for _ in range(int(sys.argv[2]))))
"""


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _worker(address: str, requests: int, cache_url: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAPPA_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="mappa.settings",
        MAPPA_APPLY_RATE_PER_HOUR="5",
        MAPPA_APPLY_RATE_PER_DAY="20",
        **({"MAPPA_CACHE_URL": cache_url} if cache_url else {}),
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", WORKER, address, str(requests)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().split(",")


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_two_workers_share_one_count_through_redis():
    address = f"203.0.113.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"
    first = _worker(address, 3, REDIS_URL)
    second = _worker(address, 3, REDIS_URL)
    assert first == ["True", "True", "True"]
    # Five an hour across both workers: the second worker's third request is the sixth.
    assert second == ["True", "True", "False"]


def test_without_a_shared_cache_each_worker_counts_alone():
    # The failure the setting exists to prevent, shown so the test above means something.
    address = f"198.51.100.7-{uuid.uuid4().hex}"
    assert _worker(address, 3, "") == ["True", "True", "True"]
    assert _worker(address, 3, "") == ["True", "True", "True"]
