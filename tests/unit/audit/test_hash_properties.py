"""Property tests of the canonical hash: any change to any hashed value changes the hash."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from mappa.audit.services import GENESIS_HASH, HASHED_FIELDS, compute_hash

_text = st.text(max_size=60)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_text, children, max_size=4),
    max_leaves=10,
)


def _row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(HASHED_FIELDS, "")
    row.update(
        sequence=1,
        occurred_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        actor_roles=[],
        recipients=[],
        changed_fields=[],
        detail={},
        ip_address=None,
        prev_hash=GENESIS_HASH,
    )
    row.update(overrides)
    return row


@given(summary=_text, justification=_text, detail=st.dictionaries(_text, _json, max_size=5))
def test_hash_is_deterministic(summary, justification, detail):
    row = _row(summary=summary, justification=justification, detail=detail)
    assert compute_hash(row) == compute_hash(dict(row))


@given(field=st.sampled_from(["summary", "justification", "object_id", "actor_username"]), a=_text, b=_text)
def test_changing_a_text_field_changes_the_hash(field, a, b):
    if a == b:
        return
    assert compute_hash(_row(**{field: a})) != compute_hash(_row(**{field: b}))


@given(a=st.dictionaries(_text, _json, max_size=5), b=st.dictionaries(_text, _json, max_size=5))
def test_changing_detail_changes_the_hash(a, b):
    if a == b:
        return
    assert compute_hash(_row(detail=a)) != compute_hash(_row(detail=b))


@given(micros=st.integers(min_value=1, max_value=999_999))
def test_changing_the_time_even_by_a_microsecond_changes_the_hash(micros):
    base = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    later = base.replace(microsecond=micros)
    assert compute_hash(_row(occurred_at=base)) != compute_hash(_row(occurred_at=later))


@given(prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_the_previous_hash_is_part_of_the_hash(prev):
    if prev == GENESIS_HASH:
        return
    assert compute_hash(_row(prev_hash=prev)) != compute_hash(_row())
