"""GOV.UK Design System rendering for every Django form (docs/adr/0003-govuk-forms.md).

Django renders each field through FORM_RENDERER's field template; ours,
templates/govuk/forms/field.html, produces the GOV.UK form-group markup (label, hint, error
message, input classes) for each widget type, and govuk/forms/error_summary.html the error
summary. Forms render with `{{ form }}` or field by field with `{{ form.name.as_field_group }}`.
"""

from datetime import date
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

_INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "radioselect": "govuk-radios__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


class GovukBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget_type = self.widget_type
        css = _INPUT_CLASSES.get(widget_type, "govuk-input")
        if self.errors and css in {"govuk-input", "govuk-textarea", "govuk-select"}:
            css += f" {css}--error"
        # Keep width and other modifier classes set on the widget itself.
        existing = attrs.get("class") or (widget or self.field.widget).attrs.get("class", "")
        attrs["class"] = f"{css} {existing}".strip()
        described = []
        if self.help_text:
            described.append(f"{self.auto_id}_helptext")
        if self.errors:
            described.append(f"{self.auto_id}-error")
        if described and widget_type not in {"checkboxselectmultiple", "radioselect"}:
            attrs["aria-describedby"] = " ".join(described)
        return attrs


class GovukForm(forms.Form):
    bound_field_class = GovukBoundField


class GovukModelForm(forms.ModelForm):  # type: ignore[type-arg]
    bound_field_class = GovukBoundField


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input: easier to get right than one box."""

    template_name = "govuk/widgets/date_input.html"
    PARTS = (
        ("day", "Day", "govuk-input--width-2"),
        ("month", "Month", "govuk-input--width-2"),
        ("year", "Year", "govuk-input--width-4"),
    )

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part, _, _ in self.PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        outer = context["widget"]["attrs"]
        error = "--error" in outer.get("class", "")
        id_ = outer.get("id")
        for (part, label, width), sub in zip(self.PARTS, context["widget"]["subwidgets"], strict=True):
            sub_attrs = dict(sub["attrs"])
            # The hint and error describe the fieldset (see date_field.html), not each box.
            sub_attrs.pop("aria-describedby", None)
            sub_attrs["class"] = f"govuk-input govuk-date-input__input {width}" + (
                " govuk-input--error" if error else ""
            )
            if id_:
                # The day box takes the field's own id, so the error summary's link lands on it.
                sub_attrs["id"] = id_ if part == "day" else f"{id_}_{part}"
            sub["attrs"] = sub_attrs
            sub["label"] = label
        return context


class GovukDateField(forms.MultiValueField):
    widget = GovukDateInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("template_name", "govuk/forms/date_field.html")
        kwargs.setdefault("help_text", "For example, 27 3 2027")
        parts = tuple(forms.CharField(required=False) for _ in GovukDateInput.PARTS)
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list:
            return None
        day, month, year = (str(value or "").strip() for value in data_list)
        # Messages follow the GOV.UK date input guidance.
        missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise forms.ValidationError(f"{self.label} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{self.label} must be a real date")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{self.label} must be a real date") from None


# Free-text answers: one limit and one wording for every form that takes a statement or a name.
TEXT_MAX = 10000


def text_field(
    label: str, hint: str = "", missing: str = "", *, required: bool = True, rows: int = 5
) -> forms.CharField:
    """A statement (a textarea): `missing` is the message when it is required and left empty."""
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing, "max_length": f"Enter {TEXT_MAX} characters or fewer"},
    )


def line_field(
    label: str, hint: str = "", missing: str = "", *, required: bool = True, max_length: int = 200
) -> forms.CharField:
    """A one-line answer, such as a name."""
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=max_length,
        error_messages={"required": missing, "max_length": f"Enter {max_length} characters or fewer"},
    )
