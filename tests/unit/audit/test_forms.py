from datetime import date

from mappa.audit.forms import EventFilterForm

AGENCIES = [(1, "Agency A (A)"), (2, "Agency B (B)")]


def form(**data: str) -> EventFilterForm:
    return EventFilterForm(AGENCIES, data=data)


def test_no_filters_is_valid():
    f = form()
    assert f.is_valid()
    assert f.filters() == {}
    assert f.selector_kwargs() == {}


def test_filters_are_cleaned_and_mapped_to_the_selector():
    f = form(username="alice", agency="2", action="disclosure", date_from="27/3/2026", date_to="2026-03-28")
    assert f.is_valid(), f.errors
    assert f.filters() == {
        "username": "alice",
        "agency": 2,
        "action": "disclosure",
        "date_from": date(2026, 3, 27),
        "date_to": date(2026, 3, 28),
    }
    assert f.selector_kwargs()["agency_id"] == 2
    assert "agency" not in f.selector_kwargs()


def test_date_from_after_date_to_is_an_error_on_date_to():
    f = form(date_from="28/3/2026", date_to="27/3/2026")
    assert not f.is_valid()
    assert f.errors["date_to"] == ["Date to must be the same as or after date from"]
    assert f.filters() == {}


def test_the_same_day_is_a_valid_range():
    assert form(date_from="27/3/2026", date_to="27/3/2026").is_valid()


def test_an_unreal_date_is_an_error():
    f = form(date_from="31/2/2026")
    assert not f.is_valid()
    assert f.errors["date_from"] == ["Date from must be a real date, like 27/3/2026"]


def test_unknown_agency_and_action_are_errors():
    f = form(agency="99", action="made_up")
    assert not f.is_valid()
    assert set(f.errors) == {"agency", "action"}


def test_break_glass_ticked_is_a_filter_and_unticked_is_none():
    ticked = form(break_glass="on")
    assert ticked.is_valid(), ticked.errors
    assert ticked.filters() == {"break_glass": True}
    assert ticked.selector_kwargs() == {"break_glass": True}
    unticked = form(username="alice")
    assert unticked.is_valid(), unticked.errors
    assert unticked.filters() == {"username": "alice"}
