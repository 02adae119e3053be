"""The people index: everyone the system knows of, as each agency recorded them.

A Person is one agency's record of a human being (`source_agency`, `source_ref`). The same
human may be recorded by several agencies; whether two records are the same person is a human
decision (PersonLink), never an automatic merge, and a search match never grants access to
anything (DESIGN.md §7).

Names, dates of birth, addresses and identifiers are rows of their own because a person has
several of each (aliases, a disputed date of birth, past addresses). Each row keeps normalised
copies of its values for matching (`*_norm`), computed by `mappa.people.normalise` when the
service writes the row, so both databases search the same strings.
"""

from django.db import models

from mappa.agencies.models import Agency
from mappa.core.models import ServiceWrittenModel, TimeStampedModel
from mappa.people.dates import PartialDate


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Another gender"
    UNKNOWN = "unknown", "Not known"


class Person(ServiceWrittenModel, TimeStampedModel):
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="persons")
    # The recording agency's own reference for the record (e.g. its case or nominal number).
    source_ref = models.CharField(max_length=64)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.UNKNOWN)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_agency", "source_ref"], name="person_source_unique"),
            models.CheckConstraint(condition=models.Q(gender__in=Gender.values), name="person_gender_valid"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def primary_name(self) -> "PersonName | None":
        """The current name if recorded, else the first name recorded."""
        names = list(self.names.all())
        for kind in (NameKind.CURRENT, NameKind.BIRTH):
            for name in names:
                if name.kind == kind:
                    return name
        return names[0] if names else None

    @property
    def display_name(self) -> str:
        name = self.primary_name
        return name.display if name is not None else f"Person {self.pk}"

    @property
    def primary_date_of_birth(self) -> "PersonDateOfBirth | None":
        dates = list(self.dates_of_birth.all())
        return dates[0] if dates else None


class NameKind(models.TextChoices):
    CURRENT = "current", "Current name"
    BIRTH = "birth", "Birth name"
    ALIAS = "alias", "Alias"
    NICKNAME = "nickname", "Nickname"
    MAIDEN = "maiden", "Maiden name"


class PersonName(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=16, choices=NameKind.choices, default=NameKind.CURRENT)
    forenames = models.CharField(max_length=150, blank=True)
    surname = models.CharField(max_length=150)
    # Lower case, accents and punctuation removed, hyphens as spaces: see normalise.name().
    forenames_norm = models.CharField(max_length=150, blank=True)
    surname_norm = models.CharField(max_length=150)
    # "surname forenames", normalised: what trigram search compares.
    full_name_norm = models.CharField(max_length=301)
    # Blocking keys for search (see mappa.people.normalise and nicknames): the phonetic keys of
    # the first and last parts of the surname (the same for a one-part surname), of the first
    # forename, and the nickname group of the first forename.
    surname_key = models.CharField(max_length=8, blank=True, default="")
    surname_key2 = models.CharField(max_length=8, blank=True, default="")
    forename_key = models.CharField(max_length=8, blank=True, default="")
    forename_group = models.CharField(max_length=40, blank=True, default="")
    # The first letter of the normalised forenames ("" when none): narrows the broad
    # "same surname within a year of birth" block while keeping forename typing errors.
    forename_initial = models.CharField(max_length=1, blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=NameKind.values), name="person_name_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["surname_norm"]),
            models.Index(fields=["forenames_norm"]),
            models.Index(fields=["surname_key", "forename_group"], name="person_name_sk_fg"),
            models.Index(fields=["surname_key2", "forename_group"], name="person_name_sk2_fg"),
            models.Index(fields=["surname_key", "forename_key"], name="person_name_sk_fk"),
            models.Index(fields=["surname_key2", "forename_key"], name="person_name_sk2_fk"),
            models.Index(fields=["surname_key", "forename_initial"], name="person_name_sk_fi"),
            models.Index(fields=["surname_key2", "forename_initial"], name="person_name_sk2_fi"),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        # SURNAME, Forenames: the criminal justice convention, unambiguous about which is which.
        return f"{self.surname.upper()}, {self.forenames}" if self.forenames else self.surname.upper()


class DatePrecision(models.TextChoices):
    DAY = "day", "Full date"
    MONTH = "month", "Month and year"
    YEAR = "year", "Year only"


class PersonDateOfBirth(models.Model):
    """A date of birth as recorded, possibly partial: the unknown parts are null."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="dates_of_birth")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["year", "month", "day"]),
            # Transposed day and month, and year off by one, look up by month and day.
            models.Index(fields=["month", "day", "year"], name="dob_month_day_year"),
            # Partial dates by year, with the person (an index-only scan on PostgreSQL): search's
            # "born within a year" blocks for a full date typed.
            models.Index(
                fields=["year"],
                include=["person"],
                condition=models.Q(day__isnull=True),
                name="dob_partial_year",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=1900, year__lte=2100), name="dob_year_range"),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12),
                name="dob_month_range",
            ),
            models.CheckConstraint(
                condition=models.Q(day__isnull=True) | models.Q(day__gte=1, day__lte=31),
                name="dob_day_range",
            ),
            # A day without a month means nothing.
            models.CheckConstraint(
                condition=models.Q(day__isnull=True) | models.Q(month__isnull=False),
                name="dob_day_needs_month",
            ),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def partial(self) -> PartialDate:
        return PartialDate(self.year, self.month, self.day)

    @property
    def precision(self) -> DatePrecision:
        if self.day is not None:
            return DatePrecision.DAY
        if self.month is not None:
            return DatePrecision.MONTH
        return DatePrecision.YEAR

    @property
    def display(self) -> str:
        months = [
            "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December",
        ]  # fmt: skip
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{months[self.month - 1]} {self.year}"
        return f"{self.day} {months[self.month - 1]} {self.year}"


class PersonAddress(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(max_length=200, blank=True)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # Upper case without spaces ("DH11AA"), for matching.
    postcode_norm = models.CharField(max_length=8, blank=True, db_index=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-from_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_date__isnull=True)
                | models.Q(to_date__isnull=True)
                | models.Q(to_date__gte=models.F("from_date")),
                name="address_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line1, self.line2, self.town, self.postcode) if part)


class IdentifierKind(models.TextChoices):
    PNC = "pnc", "PNC number"
    CRO = "cro", "CRO number"
    NDELIUS_CRN = "crn", "nDelius CRN"
    PRISON_NUMBER = "prison_number", "Prison number"
    NHS_NUMBER = "nhs_number", "NHS number"
    VISOR_REF = "visor_ref", "ViSOR reference"
    NI_NUMBER = "ni_number", "National Insurance number"


class PersonIdentifier(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices)
    # Stored in its canonical form (see mappa.people.identifiers), so equal identifiers compare equal.
    value = models.CharField(max_length=32)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "value"], name="person_identifier_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=IdentifierKind.values), name="person_identifier_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class LinkKind(models.TextChoices):
    SAME = "same", "Same person"
    NOT_SAME = "not_same", "Not the same person"


class PersonLink(ServiceWrittenModel, TimeStampedModel):
    """A human decision that two records are (or are not) the same person; reversible, never deleted.

    Stored with the lower id first, so a pair has one row at most while the decision stands.
    """

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="link_ordered_pair"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=LinkKind.values), name="link_kind_valid"),
            # Paired state: revoked_by and revoked_at are set together.
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="link_revoked_paired",
            ),
            # One standing decision per pair; revoked ones are kept as history.
            models.UniqueConstraint(
                fields=["person_a", "person_b"],
                condition=models.Q(revoked_at__isnull=True),
                name="link_one_standing_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} {self.kind} {self.person_b_id}"
