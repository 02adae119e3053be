"""GOV.UK Design System rendering for every Django form (docs/adr/0003-govuk-forms.md).

Django renders each field through FORM_RENDERER's field template; ours,
templates/govuk/forms/field.html, produces the GOV.UK form-group markup (label, hint, error
message, input classes) for each widget type, and govuk/forms/error_summary.html the error
summary. Forms render with `{{ form }}` or field by field with `{{ form.name.as_field_group }}`.
"""

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
