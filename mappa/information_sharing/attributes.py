"""The structured fields each kind of information item has, and which are special category.

Structured fields let a share carry exactly the fields the recipient needs (field-level
minimisation, disclosure_dp.md §5.3 rule 31): a housing officer may need a partner's name and
address, never their ethnicity or religion. A field marked with a special category is special
category data (UK GDPR Art. 9, DPA 2018 s.35(8) "sensitive processing") and is left out of a
share unless a "strictly necessary" justification is recorded for it.

Kinds are code, not data, for the same reason roles are: what a field means for sharing is
reviewed as code by information governance. All values are short text; dates are written as the
practitioner knows them ("March 2019", "2019-03-04"), since history is often only partly known.
"""

from dataclasses import dataclass

from mappa.information_sharing.models import ItemKind, SpecialCategory

# The item's free text is shared as this field; the summary is always shared.
DETAIL = "detail"
SUMMARY = "summary"
MAX_VALUE_LENGTH = 500


@dataclass(frozen=True)
class Attribute:
    name: str
    label: str
    hint: str = ""
    special_category: SpecialCategory | None = None


_S = SpecialCategory

ATTRIBUTES: dict[str, tuple[Attribute, ...]] = {
    ItemKind.OFFENDING_HISTORY: (
        Attribute("offence", "Offence"),
        Attribute("offence_date", "Date of offence"),
        Attribute("court", "Court"),
        Attribute("outcome", "Sentence or outcome"),
        Attribute("victim_profile", "Victim profile", "For example, female child aged 10 to 13"),
    ),
    ItemKind.RELATIONSHIPS: (
        Attribute("person_name", "Name of the other person"),
        Attribute("relationship", "Relationship to the nominal"),
        Attribute("address", "Their address"),
        Attribute("children", "Children in the household", "Names and ages"),
        Attribute("ethnicity", "Their ethnic origin", special_category=_S.RACE_ETHNIC_ORIGIN),
        Attribute("religion", "Their religion or belief", special_category=_S.RELIGION_BELIEF),
    ),
    ItemKind.ACCOMMODATION: (
        Attribute("address", "Address"),
        Attribute("accommodation_type", "Type", "For example, approved premises or private rented"),
        Attribute("from_date", "Living there since"),
        Attribute("household", "Others in the household"),
        Attribute("landlord", "Landlord or provider"),
    ),
    ItemKind.EMPLOYMENT_EDUCATION: (
        Attribute("employer", "Employer, college or training provider"),
        Attribute("role", "Role or course"),
        Attribute("address", "Address of the workplace or college"),
        Attribute("hours", "Working or study hours"),
        Attribute("contact_with_children", "Contact with children or adults at risk"),
    ),
    ItemKind.HEALTH: (
        Attribute("condition", "Condition or diagnosis", special_category=_S.HEALTH),
        Attribute("treatment", "Treatment or medication", special_category=_S.HEALTH),
        Attribute("provider", "Health provider or clinician"),
        Attribute("risk_relevance", "Relevance to risk", "What others need to know, in plain words"),
    ),
    ItemKind.VICTIM_INFORMATION: (
        Attribute("victim_name", "Victim's name"),
        Attribute("relationship", "Relationship to the nominal"),
        Attribute("address", "Victim's address", "Never share without a clear need"),
        Attribute("exclusion_zone", "Exclusion zone or no-contact condition"),
        Attribute("victim_contact_scheme", "Victim contact scheme officer"),
    ),
    ItemKind.COMPLIANCE: (
        Attribute("requirement", "Licence condition, order or requirement"),
        Attribute("event", "What happened"),
        Attribute("event_date", "Date"),
        Attribute("outcome", "Outcome", "For example, warning, recall or breach proceedings"),
    ),
    ItemKind.INTELLIGENCE: (),
    ItemKind.RISK_FACTOR: (),
    ItemKind.PROTECTIVE_FACTOR: (),
    ItemKind.OTHER: (),
}


def attributes_for(kind: str) -> tuple[Attribute, ...]:
    return ATTRIBUTES.get(kind, ())


def attribute(kind: str, name: str) -> Attribute | None:
    return next((a for a in attributes_for(kind) if a.name == name), None)


def shareable_fields(kind: str) -> tuple[str, ...]:
    """Fields a share may include beyond the summary: the detail text and the kind's fields."""
    return (DETAIL, *(a.name for a in attributes_for(kind)))


def field_label(kind: str, name: str) -> str:
    if name == SUMMARY:
        return "Summary"
    if name == DETAIL:
        return "Detail"
    found = attribute(kind, name)
    return found.label if found else name
