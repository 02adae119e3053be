import re
from datetime import date

import pytest

from mappa.agencies.forms import AgencyEditForm, AgreementForm
from mappa.agencies.models import Agency, MappaArea
from mappa.web.forms import GovukDateField, GovukForm


class DateForm(GovukForm):
    when = GovukDateField(label="Start date", error_messages={"required": "Enter the start date"})


def _clean(day, month, year):
    form = DateForm(data={"when_day": day, "when_month": month, "when_year": year})
    form.is_valid()
    return form


def test_date_field_accepts_day_month_year():
    assert _clean("27", "3", "2027").cleaned_data["when"] == date(2027, 3, 27)


def test_date_field_accepts_padding_and_spaces():
    assert _clean(" 01 ", "04", "2026").cleaned_data["when"] == date(2026, 4, 1)


def test_date_field_empty_uses_required_message():
    assert _clean("", "", "").errors["when"] == ["Enter the start date"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("27", "", "2027", "Start date must include a month"),
        ("", "", "2027", "Start date must include a day and a month"),
        ("31", "2", "2027", "Start date must be a real date"),
        ("27", "March", "2027", "Start date must be a real date"),
        ("27", "3", "27", "Year must include 4 numbers"),
    ],
)
def test_date_field_invalid_input_names_the_problem(day, month, year, message):
    assert _clean(day, month, year).errors["when"] == [message]


def test_date_widget_renders_three_labelled_inputs_with_unique_ids():
    html = str(DateForm(initial={"when": date(2027, 3, 27)}))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for part in ("id_when", "id_when_month", "id_when_year"):
        assert f'for="{part}"' in html
    assert 'name="when_day" value="27"' in html
    assert "govuk-date-input" in html
    assert "<legend" in html


def test_date_widget_marks_inputs_in_error():
    html = str(_clean("", "", ""))
    assert html.count("govuk-input--error") == 3
    assert 'aria-describedby="id_when_helptext id_when-error"' in html


@pytest.mark.django_db
def test_agency_edit_form_shows_status_as_radio_and_coerces_it():
    form = AgencyEditForm(
        MappaArea.objects.none(),
        data={"name": "North Police", "kind": "police", "is_active": "false"},
    )
    form.is_valid()
    assert form.cleaned_data["is_active"] is False
    initial = str(AgencyEditForm(MappaArea.objects.none(), initial={"is_active": True})["is_active"])
    assert re.search(r'<input type="radio" name="is_active" value="true"[^>]*checked', initial)


@pytest.mark.django_db
def test_agreement_form_labels_parties_with_their_group(north):
    north.health.is_active = False
    north.health.save(override=True)
    form = AgreementForm(Agency.objects.filter(pk__in=[north.police.pk, north.health.pk]))
    html = str(form["parties"])
    assert "North Police (Responsible Authority)" in html
    assert "North Health Trust (Duty to co-operate), inactive" in html
