"""Factories for disclosure records, written directly (services are under test)."""

from typing import TYPE_CHECKING, Any

import factory

from mappa.disclosures.models import Disclosure, DisclosureRecipient, RecipientKind
from tests.factories.agencies import ServiceWrittenFactory
from tests.factories.nominals import NominalFactory


def _proposer(agency: Any) -> Any:
    from tests.factories.accounts import member

    return member(["practitioner"], agency=agency)


class DisclosureFactory(ServiceWrittenFactory):
    """A proposal with nothing else recorded yet."""

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> Disclosure: ...

    class Meta:
        model = Disclosure

    nominal = factory.SubFactory(NominalFactory)
    subject = factory.LazyAttribute(lambda d: d.nominal.person)
    proposing_agency = factory.LazyAttribute(lambda d: d.nominal.lead_agency)
    proposed_by = factory.LazyAttribute(lambda d: _proposer(d.proposing_agency))
    purpose = "Synthetic: to protect the children of a new partner."
    risk_addressed = "Synthetic: risk of sexual harm to children in the household."


class RecipientFactory(ServiceWrittenFactory):
    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> DisclosureRecipient: ...

    class Meta:
        model = DisclosureRecipient

    disclosure = factory.SubFactory(DisclosureFactory)
    kind = RecipientKind.NEW_PARTNER
    name = factory.Faker("name")
    relationship = "New partner of the nominal, mother of two children"
    identity_confirmed_how = "Synthetic: passport seen at the police station"
    why_right_person = "Synthetic: best placed to protect her children"


__all__ = ["DisclosureFactory", "RecipientFactory"]


def prepared(
    disclosure: Disclosure,
    *,
    deliverer: Any,
    planned: Any = None,
    involvement: str = "informed_before",
    mark: bool = True,
    **fields: Any,
) -> Disclosure:
    """A disclosure decided to disclose, with its whole preparation recorded directly: every
    question answered, one key trigger, the offender's involvement and the delivery planned
    (for `planned`, a week from today by default). `mark=False` leaves it decided, ready to be
    marked as prepared; `fields` override any of the record's fields."""
    from datetime import timedelta

    from django.utils import timezone

    from mappa.disclosures.models import DisclosureTrigger

    values: dict[str, Any] = {
        "recipient_already_knows": "Synthetic: knows of a conviction, not its nature.",
        "confidentiality_understood": True,
        "how_to_use": "Synthetic: only to keep her children safe.",
        "what_to_report": "Synthetic: any contact with the children, to the police at once.",
        "contact_and_support": "Synthetic: the public protection unit, and the local victims' service.",
        "breakdown_support": "Synthetic: refuge places and the offender manager's plan.",
        "offender_involvement": involvement,
        "planned_deliverer": deliverer,
        "planned_delivery_date": planned or timezone.localdate() + timedelta(days=7),
    }
    if involvement == "not_informed":
        values["not_informed_reason"] = "increase_risk"
        values["not_informed_detail"] = "Synthetic: he has threatened her before when challenged."
    values.update(fields)
    for name, value in values.items():
        setattr(disclosure, name, value)
    if mark:
        disclosure.status = "prepared"
        disclosure.prepared_by = deliverer
        disclosure.prepared_at = timezone.now()
    disclosure.save(override=True)
    DisclosureTrigger(
        disclosure=disclosure,
        if_you_see="Synthetic: him near the school gates",
        you_need_to="Synthetic: call 999, then the offender manager",
    ).save(override=True)
    return disclosure


__all__ += ["prepared"]


def ready_to_decide(nominal: Any = None, **fields: Any) -> Disclosure:
    """A proposal with every condition a decision needs recorded, for either outcome: what will
    be said, one recipient fully identified, one alternative, one item of the proposing agency's
    own (its summary only, so no agreement is needed), the risk to the offender considered and
    confirmed not to outweigh the risk to others, the four tests and joint disclosure. No youth
    consultation is needed (the factories' nominals and recipients are adults); the forum is the
    decision's. `fields` override any of the record's fields (nominal, proposing_agency and
    proposed_by included)."""
    from django.utils import timezone

    from mappa.disclosures.models import DisclosureAlternative, DisclosureItem, DisclosureStep
    from tests.factories.information_sharing import ItemFactory

    values: dict[str, Any] = {
        "information_summary": "Synthetic: he has a conviction for sexual offences against children.",
        "offender_risk": "Synthetic: risk of reprisals from her family; police will visit him.",
        "offender_risk_outweighed": True,
        "gateway": "common_law_police",
        "necessary": "Synthetic: she lets him stay overnight with her children.",
        "proportionate": "Synthetic: supervision alone cannot cover the evenings.",
        "relevant": "Synthetic: only the conviction, which shows the risk to her children.",
        "joint_disclosure": "joint",
        "joint_disclosure_reason": "Synthetic: police and probation together, so she can ask both.",
    }
    if nominal is not None:
        values["nominal"] = nominal
    values.update(fields)
    disclosure = DisclosureFactory(**values)
    RecipientFactory(disclosure=disclosure)
    DisclosureAlternative(
        disclosure=disclosure,
        alternative="Synthetic: a licence condition not to live with children",
        why_rejected="Synthetic: he is not on licence any more",
    ).save(override=True)
    item = ItemFactory(
        nominal=disclosure.nominal, owner_agency=disclosure.proposing_agency, author=disclosure.proposed_by
    )
    DisclosureItem(disclosure=disclosure, item=item, fields=["summary"]).save(override=True)
    DisclosureStep(disclosure=disclosure, step="proposed", at=timezone.now(), by=disclosure.proposed_by).save(
        override=True
    )
    return disclosure


def decided_to_disclose(
    nominal: Any = None,
    *,
    chair: Any = None,
    outcome: str = "disclose",
    forum: str = "meeting",
    **fields: Any,
) -> Disclosure:
    """ready_to_decide, then decided as the decision service would record it: by `chair` (a
    meeting chair of the nominal's lead agency by default) at a level 2 meeting they chaired,
    with its minutes (`forum="meeting"`), or in an emergency with two agencies, awaiting
    ratification (`forum="emergency"`). `outcome="do_not_disclose"` for a decision not to."""
    from django.utils import timezone

    from mappa.disclosures.models import DisclosureConsultation, DisclosureStep
    from tests.factories.accounts import member
    from tests.factories.agencies import AgencyFactory
    from tests.factories.meetings import held_minutes

    disclosure = ready_to_decide(nominal, **fields)
    nominal = disclosure.nominal
    chair = chair or member(["meeting_chair"], agency=nominal.lead_agency)
    now = timezone.now()
    if forum == "meeting":
        disclosure.decision_minutes = held_minutes(nominal, chair=chair)
    else:
        other = AgencyFactory(kind="probation", areas=[nominal.area])
        DisclosureConsultation(
            disclosure=disclosure,
            agency=other,
            person_name="Synthetic Officer",
            person_role="Senior probation officer",
            consulted_at=now,
            view="Synthetic: agrees it cannot wait.",
        ).save(override=True)
        disclosure.emergency_reason = "Synthetic: he moves in with her tonight."
        disclosure.ratification = "pending"
    disclosure.outcome = outcome
    disclosure.forum = forum
    disclosure.decision_rationale = "Synthetic: the risk to her children outweighs his privacy."
    disclosure.decided_by = chair
    disclosure.decided_at = now
    disclosure.status = "decided"
    disclosure.version += 1
    disclosure.save(override=True)
    DisclosureStep(disclosure=disclosure, step="decided", at=now, by=chair).save(override=True)
    return disclosure


__all__ += ["decided_to_disclose", "ready_to_decide"]


class DecisionWorld:
    """NominalSetup (North and South) for the decision phase's tests, with more of North: a youth
    justice service and a children's services department (duty-to-co-operate agencies) with a
    practitioner each, a probation meeting chair, South's meeting chair, and a North Police user
    without DISCLOSURE_VIEW (a senior manager). `proposal()` is a bare proposal about
    `police_nominal` by its case manager (North Police practitioner)."""

    def __init__(self) -> None:
        from tests.factories.accounts import member
        from tests.factories.agencies import AgencyFactory
        from tests.factories.nominals import NominalSetup

        self.setup = NominalSetup()
        north = self.setup.north
        self.youth_justice = AgencyFactory(
            name="North Youth Justice Service", code="NORTH-YJS", kind="youth_justice", areas=[north.area]
        )
        self.childrens = AgencyFactory(
            name="North Children's Services", code="NORTH-CS", kind="childrens_services", areas=[north.area]
        )
        self.youth_practitioner = member(["practitioner"], agency=self.youth_justice)
        self.childrens_practitioner = member(["practitioner"], agency=self.childrens)
        self.probation_chair = member(["meeting_chair"], agency=north.probation)
        self.south_chair = member(["meeting_chair"], agency=self.setup.south.police)
        self.no_view = member(["senior_manager"], agency=north.police)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.setup, name)

    def user(self, who: str) -> Any:
        return getattr(self, who)

    def proposal(self, **fields: Any) -> Disclosure:
        values: dict[str, Any] = {
            "nominal": self.setup.police_nominal,
            "proposing_agency": self.setup.north.police,
            "proposed_by": self.setup.practitioner,
        }
        values.update(fields)
        return DisclosureFactory(**values)

    def ready(self, **fields: Any) -> Disclosure:
        values: dict[str, Any] = {
            "nominal": self.setup.police_nominal,
            "proposing_agency": self.setup.north.police,
            "proposed_by": self.setup.practitioner,
        }
        values.update(fields)
        return ready_to_decide(**values)


__all__ += ["DecisionWorld"]
