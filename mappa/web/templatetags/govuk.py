from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def govuk_date(value: Any) -> str:
    """'25 November 2026', the GOV.UK way; datetimes are shown in Europe/London."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def govuk_datetime(value: Any) -> str:
    """'25 November 2026 at 2:05pm' in Europe/London."""
    if not value:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{suffix}"


@register.inclusion_tag("govuk/forms/error_summary.html")
def error_summary(*forms: Any) -> dict[str, Any]:
    """The GOV.UK error summary for one or more forms: each error links to its field."""
    errors: list[tuple[str, str]] = []
    for form in forms:
        if form is None or not form.errors:
            continue
        for message in form.non_field_errors():
            errors.append(("", message))
        for name, field_errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            anchor = bound.auto_id
            if bound.widget_type in {"checkboxselectmultiple", "radioselect"}:
                anchor = f"{bound.auto_id}_0"
            errors.extend((anchor, message) for message in field_errors)
    return {"errors": errors}
