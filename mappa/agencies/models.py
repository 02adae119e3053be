from typing import ClassVar

from django.db import models
from django.utils import timezone

from mappa.core.models import ServiceWrittenModel, TimeStampedModel


class AgencyGroup(models.TextChoices):
    RESPONSIBLE_AUTHORITY = "responsible_authority", "Responsible Authority"
    DUTY_TO_COOPERATE = "duty_to_cooperate", "Duty to co-operate"
    ASSOCIATE = "associate", "Associate"


class AgencyKind(models.TextChoices):
    # Responsible Authority (CJA 2003 s.325(1)).
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    PRISON = "prison", "Prison"
    # Duty to co-operate (CJA 2003 s.325(6)).
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HEALTH = "health", "Health"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    HOUSING_AUTHORITY = "housing_authority", "Housing authority"
    REGISTERED_SOCIAL_LANDLORD = "registered_social_landlord", "Registered social landlord"
    JOBCENTRE_PLUS = "jobcentre_plus", "Jobcentre Plus"
    EDUCATION = "education", "Education"
    IMMIGRATION_ENFORCEMENT = "immigration_enforcement", "Immigration enforcement"
    ELECTRONIC_MONITORING = "electronic_monitoring", "Electronic monitoring"
    # Agencies with no statutory duty that take part by agreement.
    ASSOCIATE = "associate", "Associate"

    @property
    def group(self) -> AgencyGroup:
        if self in (AgencyKind.POLICE, AgencyKind.PROBATION, AgencyKind.PRISON):
            return AgencyGroup.RESPONSIBLE_AUTHORITY
        if self is AgencyKind.ASSOCIATE:
            return AgencyGroup.ASSOCIATE
        return AgencyGroup.DUTY_TO_COOPERATE


class MappaArea(ServiceWrittenModel, TimeStampedModel):
    """A MAPPA area: in England and Wales, one per police force area."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=32, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(ServiceWrittenModel, TimeStampedModel):
    name = models.CharField(max_length=200, unique=True)
    # Short, stable code used in audit events, imports and the command line (e.g. DURHAM-POLICE).
    code = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)
    areas = models.ManyToManyField(MappaArea, related_name="agencies")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AgencyKind.values), name="agency_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def group(self) -> AgencyGroup:
        return AgencyKind(self.kind).group

    def get_group_display(self) -> str:
        return str(self.group.label)


class AgreementPurpose(models.TextChoices):
    MAPPA = "mappa", "MAPPA risk assessment and management (CJA 2003 ss.325 to 327)"
    SAFEGUARDING_CHILDREN = "safeguarding_children", "Safeguarding and protecting children"
    SAFEGUARDING_ADULTS = "safeguarding_adults", "Safeguarding adults at risk"
    CRIME_PREVENTION = "crime_prevention", "Preventing and detecting crime"
    DISCLOSURE_SCHEMES = "disclosure_schemes", "Child sex offender and domestic violence disclosure schemes"
    SUBJECT_ACCESS = "subject_access", "Answering subject access requests"


class LawfulBasis(models.TextChoices):
    CJA_2003_S325 = "cja2003_s325", "Criminal Justice Act 2003 s.325(4)"
    CDA_1998_S115 = "cda1998_s115", "Crime and Disorder Act 1998 s.115"
    OMA_2007_S14 = "oma2007_s14", "Offender Management Act 2007 s.14"
    COMMON_LAW_POLICE = "common_law_police", "Common law police powers"
    DPA_2018_PART_3 = "dpa2018_part3", "DPA 2018 Part 3 (law enforcement processing, s.35)"
    UK_GDPR_PUBLIC_TASK = "uk_gdpr_6_1_e", "UK GDPR Art. 6(1)(e) public task"
    UK_GDPR_SUBSTANTIAL_PUBLIC_INTEREST = "uk_gdpr_9_2_g", "UK GDPR Art. 9(2)(g) substantial public interest"
    CHILDREN_ACT_2004_S11 = "children_act2004_s11", "Children Act 2004 s.11"


class DataCategory(models.TextChoices):
    IDENTIFIERS = "identifiers", "Names, dates of birth and identifiers"
    ADDRESSES = "addresses", "Addresses and accommodation"
    OFFENDING = "offending", "Offending history"
    RISK = "risk", "Risk assessments and risk management plans"
    INTELLIGENCE = "intelligence", "Police intelligence"
    VICTIMS = "victims", "Victims and persons at risk"
    RELATIONSHIPS = "relationships", "Family and relationships"
    EMPLOYMENT = "employment", "Employment, education and benefits"
    HEALTH = "health", "Health (special category)"
    SPECIAL_OTHER = "special_other", "Other special category data"


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


class InformationSharingAgreement(ServiceWrittenModel, TimeStampedModel):
    """The agreement under which an area's agencies share information (ICO Data Sharing Code).

    Later issues refuse a share unless an *active* agreement covering its purpose names both
    agencies as parties.
    """

    area = models.ForeignKey(MappaArea, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=40, unique=True)
    parties = models.ManyToManyField(Agency, related_name="agreements")
    purposes = models.JSONField(default=list)
    lawful_bases = models.JSONField(default=list)
    data_categories = models.JSONField(default=list)
    start_date = models.DateField()
    review_date = models.DateField()
    status = models.CharField(max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    notes = models.TextField(blank=True)
    # Optimistic locking: an edit based on an older version is refused rather than lost.
    version = models.PositiveIntegerField(default=1)

    LIST_FIELDS: ClassVar[dict[str, type[models.TextChoices]]] = {
        "purposes": AgreementPurpose,
        "lawful_bases": LawfulBasis,
        "data_categories": DataCategory,
    }

    class Meta:
        ordering = ["area__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AgreementStatus.values), name="agreement_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(review_date__gt=models.F("start_date")),
                name="agreement_review_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})"

    @property
    def review_overdue(self) -> bool:
        # An ended agreement is never reviewed again, so its past review date is no warning.
        return self.status != AgreementStatus.ENDED and self.review_date < timezone.localdate()

    def labels(self, field: str) -> list[str]:
        choices = self.LIST_FIELDS[field]
        values: list[str] = getattr(self, field)
        return [str(choices(v).label) for v in values if v in choices.values]
