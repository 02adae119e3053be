"""Redaction marks: the officer wraps text in [[ ]]; parsing gives back exactly the spans, and
any change to the words, or unbalanced or nested marks, is refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappa.core.exceptions import ApplicationError
from mappa.subject_access.services_parts import REDACTED, mark, parse_marked, redacted_text

# Text without brackets: a [ in the original could touch a mark and read as one.
TEXT = st.text(alphabet=st.characters(blacklist_characters="[]\r", blacklist_categories=["Cs"]), max_size=200)


@st.composite
def text_and_spans(draw):
    text = draw(TEXT)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=10))))
    pairs = [cuts[i : i + 2] for i in range(0, len(cuts) - 1, 2)]
    return text, [[a, b] for a, b in pairs if b > a]


@given(text_and_spans())
def test_marking_then_parsing_gives_the_spans_back(case):
    text, spans = case
    assert parse_marked(text, mark(text, spans)) == spans


@given(text_and_spans())
def test_redacted_text_keeps_nothing_marked(case):
    text, spans = case
    result = redacted_text(text, spans)
    assert result.count(REDACTED) == len(spans)
    kept = "".join(
        text[a:b]
        for a, b in zip([0] + [e for _, e in spans], [s for s, _ in spans] + [len(text)], strict=True)
    )
    assert result.replace(REDACTED, "") == kept


@given(text_and_spans(), st.data())
def test_altering_a_character_is_refused(case, data):
    text, spans = case
    if not text:
        return
    marked = mark(text, spans)
    plain_positions = [i for i, ch in enumerate(marked) if ch not in "[]"]
    position = data.draw(st.sampled_from(plain_positions))
    altered = marked[:position] + ("x" if marked[position] != "x" else "y") + marked[position + 1 :]
    with pytest.raises(ApplicationError, match="do not change the words"):
        parse_marked(text, altered)


@pytest.mark.parametrize(
    "marked", ["[[one [[two]] three]]", "one [[two three", "one two]] three", "]]one[[ two three"]
)
def test_unbalanced_or_nested_marks_are_refused(marked):
    with pytest.raises(ApplicationError, match="matching"):
        parse_marked("one two three", marked)


def test_a_browser_crlf_is_the_same_text():
    assert parse_marked("line one\nline two", "line one\r\n[[line]] two") == [[9, 13]]
