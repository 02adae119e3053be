"""special_categories_in over every selection of fields: the rule that decides whether a share
needs a "strictly necessary" justification must hold for any subset, not a few examples.

Pure functions on unsaved items: no database, so Hypothesis can run many examples quickly.
"""

from hypothesis import given
from hypothesis import strategies as st

from mappa.agencies.models import Agency, AgencyKind
from mappa.information_sharing.attributes import DETAIL, attributes_for, shareable_fields
from mappa.information_sharing.models import InformationItem, ItemKind, SpecialCategory
from mappa.information_sharing.services import ItemSelection, proportionality_warnings, special_categories_in

RECIPIENT = Agency(name="Test Children's Services", code="TEST-CS", kind=AgencyKind.CHILDRENS_SERVICES)


@st.composite
def selections(draw: st.DrawFn) -> tuple[InformationItem, list[str]]:
    kind = draw(st.sampled_from(ItemKind.values))
    declared = draw(st.lists(st.sampled_from(SpecialCategory.values), unique=True))
    item = InformationItem(
        kind=kind, summary="Synthetic item", detail="Synthetic detail", special_categories=declared
    )
    # Any subset of the shareable fields, in any order, possibly repeated.
    fields = draw(st.lists(st.sampled_from(shareable_fields(kind)), max_size=12))
    return item, fields


def _special_attributes(kind: str, fields: list[str]) -> set[str]:
    return {a.special_category for a in attributes_for(kind) if a.name in fields and a.special_category}


@given(selections())
def test_categories_come_from_the_chosen_fields_only(selection):
    item, fields = selection
    found = special_categories_in(item, fields)
    assert found == sorted(set(found)), "sorted, without repeats"
    assert set(found) <= set(SpecialCategory.values)
    expected = _special_attributes(item.kind, fields) | (
        set(item.special_categories) if DETAIL in fields else set()
    )
    assert set(found) == expected
    # Order and repetition of the chosen fields make no difference.
    assert special_categories_in(item, sorted(set(fields))) == found


@given(selections(), st.lists(st.sampled_from(SpecialCategory.values), unique=True))
def test_declared_categories_matter_only_with_the_detail(selection, other_declared):
    item, fields = selection
    fields = [f for f in fields if f != DETAIL]
    before = special_categories_in(item, fields)
    item.special_categories = other_declared
    assert special_categories_in(item, fields) == before


@given(selections(), st.data())
def test_more_fields_never_carry_fewer_categories(selection, data):
    item, fields = selection
    more = fields + data.draw(st.lists(st.sampled_from(shareable_fields(item.kind))))
    assert set(special_categories_in(item, fields)) <= set(special_categories_in(item, more))


@given(selections())
def test_a_special_category_warning_is_shown_exactly_when_one_is_included(selection):
    item, fields = selection
    warnings = proportionality_warnings([ItemSelection(item=item, fields=fields)], RECIPIENT, "mappa")
    special = [w for w in warnings if "special category information" in w]
    assert bool(special) == bool(special_categories_in(item, fields))
    for category in special_categories_in(item, fields):
        assert str(SpecialCategory(category).label).lower() in special[0]
