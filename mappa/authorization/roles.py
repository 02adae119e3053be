"""Roles a user holds within one agency, with the basis for what each may do.

A role is a class, not a database row, so that what a role may do is reviewed as code (by
information governance: see .github/CODEOWNERS) and cannot drift silently in production data.
"""

from typing import ClassVar

from mappa.authorization.permissions import Permission

# Agency kinds by group, repeated here as plain strings (agencies.models.AgencyKind holds the
# same values) because authorization sits below agencies in the dependency order.
RESPONSIBLE_AUTHORITY = frozenset({"police", "probation", "prison"})
ANY_KIND: frozenset[str] = frozenset()  # empty means "no restriction"

_EVERYONE = frozenset({Permission.AGENCY_VIEW, Permission.AGREEMENT_VIEW})


class Role:
    code: ClassVar[str]
    display_name: ClassVar[str]
    description: ClassVar[str]
    permissions: ClassVar[frozenset[Permission]]
    # Agency kinds in which the role may be held; empty means any kind.
    agency_kinds: ClassVar[frozenset[str]] = ANY_KIND

    @classmethod
    def allowed_in(cls, agency_kind: str) -> bool:
        return not cls.agency_kinds or agency_kind in cls.agency_kinds


class Practitioner(Role):
    code = "practitioner"
    display_name = "Practitioner"
    description = (
        "Manages, or contributes to managing, the risk posed by nominals on behalf of their agency: "
        "police public protection officers, probation practitioners, social workers, housing and "
        "health staff. Sees what their agency owns and what is lawfully shared with it."
    )
    # Nominals: in a Responsible Authority agency, the area's register; changes only to the
    # nominals their own agency leads (mappa/nominals/services.py). Elsewhere, only the nominals
    # their agency is involved with.
    permissions = _EVERYONE | {
        Permission.NOMINAL_VIEW,
        Permission.NOMINAL_MANAGE,
        Permission.NOMINAL_TRANSFER,
        # People index: their own agency's person records (and, in a Responsible Authority
        # agency, the area's: mappa/people/selectors.py); records and links them.
        Permission.PERSON_VIEW,
        Permission.PERSON_CREATE,
        Permission.PERSON_LINK,
        # Information items: sees what their agency owns and what is shared with it; records
        # their agency's items, shares them under the four tests, decides requests to their
        # agency, and asks other agencies for access (mappa/information_sharing/).
        Permission.ITEM_VIEW,
        Permission.ITEM_RECORD,
        Permission.SHARE_CREATE,
        Permission.SHARE_REQUEST,
        # Who has looked at the cases their agency leads or holds information on.
        Permission.CASE_ACCESS_LOG_VIEW,
        # Referring a nominal to level 2 or 3 (MAPPA A), attending meetings they are invited to,
        # and updating the actions they or their agency own (mappa/meetings/).
        Permission.REFERRAL_CREATE,
        Permission.MEETING_VIEW,
        Permission.ACTION_UPDATE,
        # Risk assessments and persons at risk their agency records; the plan of the cases their
        # agency leads (mappa/risk_management/). Proposing, preparing and delivering disclosures to
        # third parties; the decision is a chair's (mappa/disclosures/).
        Permission.RISK_VIEW,
        Permission.RISK_RECORD,
        Permission.PLAN_WRITE,
        Permission.DISCLOSURE_VIEW,
        Permission.DISCLOSURE_RECORD,
    }


class MappaCoordinator(Role):
    code = "mappa_coordinator"
    display_name = "MAPPA co-ordinator"
    description = (
        "Runs the MAPPA unit for the area on behalf of the Responsible Authority (MAPPA Guidance "
        "ch. 2): keeps the register of agencies and information sharing agreements, screens "
        "referrals and organises meetings."
    )
    permissions = _EVERYONE | {
        Permission.AGENCY_MANAGE,
        Permission.AGREEMENT_MANAGE,
        # The area's whole nominal register, and acknowledging transfers into the area.
        Permission.NOMINAL_VIEW,
        Permission.NOMINAL_MANAGE,
        Permission.NOMINAL_TRANSFER,
        # The area's people index: searching, recording and linking person records.
        Permission.PERSON_VIEW,
        Permission.PERSON_CREATE,
        Permission.PERSON_LINK,
        # Information items, as for a practitioner.
        Permission.ITEM_VIEW,
        Permission.ITEM_RECORD,
        Permission.SHARE_CREATE,
        Permission.SHARE_REQUEST,
        Permission.CASE_ACCESS_LOG_VIEW,
        # Screening referrals, scheduling meetings, inviting agencies and recording attendance;
        # the area's meetings and their actions.
        Permission.REFERRAL_CREATE,
        Permission.REFERRAL_SCREEN,
        Permission.MEETING_VIEW,
        Permission.MEETING_MANAGE,
        Permission.ACTION_UPDATE,
        # Risk work and disclosures, as for a practitioner: the co-ordinator brings plans and
        # emergency disclosures to the next meeting.
        Permission.RISK_VIEW,
        Permission.RISK_RECORD,
        Permission.PLAN_WRITE,
        Permission.DISCLOSURE_VIEW,
        Permission.DISCLOSURE_RECORD,
    }
    agency_kinds = RESPONSIBLE_AUTHORITY


class MeetingChair(Role):
    code = "meeting_chair"
    display_name = "Meeting chair"
    description = (
        "Chairs level 2 and 3 MAPPA meetings: a senior manager of a Responsible Authority agency "
        "(MAPPA Guidance ch. 13), accountable for the meeting's minutes and decisions."
    )
    # Reads the cases and the items their agency holds to chair well; approves the minutes of the
    # meetings they chair and decides requests to copy or disclose them. Records and shares nothing.
    permissions = _EVERYONE | {
        Permission.NOMINAL_VIEW,
        Permission.PERSON_VIEW,
        Permission.ITEM_VIEW,
        Permission.MEETING_VIEW,
        Permission.MINUTES_APPROVE,
        # Approves risk management plans at the meetings they chair (or, for a level 1 case their
        # agency leads, as its manager), and decides third-party disclosures: at their meeting,
        # or in an emergency outside one, which the next meeting must ratify.
        Permission.RISK_VIEW,
        Permission.PLAN_APPROVE,
        Permission.DISCLOSURE_VIEW,
        Permission.DISCLOSURE_DECIDE,
    }
    agency_kinds = RESPONSIBLE_AUTHORITY


class MinuteTaker(Role):
    code = "minute_taker"
    display_name = "Minute-taker"
    description = (
        "Takes and drafts the minutes of the level 2 and 3 meetings they are named for, usually a "
        "MAPPA unit administrator, and submits them to the chair. Sees the area's meetings, but "
        "their papers only after signing the confidentiality statement for each."
    )
    permissions = _EVERYONE | {Permission.MEETING_VIEW, Permission.MINUTES_WRITE}
    agency_kinds = RESPONSIBLE_AUTHORITY


class SeniorManager(Role):
    code = "senior_manager"
    display_name = "Senior manager"
    description = (
        "Represents their agency at the Strategic Management Board and signs information sharing "
        "agreements on its behalf; oversees their agency's MAPPA work."
    )
    permissions = _EVERYONE | {Permission.AGREEMENT_MANAGE}


class DisclosureSchemeOfficer(Role):
    code = "disclosure_scheme_officer"
    display_name = "Disclosure scheme officer"
    description = (
        "Handles Child Sex Offender Disclosure Scheme and Domestic Violence Disclosure Scheme "
        "applications: a police role under the Home Office guidance."
    )
    # The applications sent to their own police agency: the queue, triage, identity
    # verification and the stages of each application (mappa/disclosure_schemes/). The checks
    # review everything the police agency holds on the subject: the people index, the nominal
    # register and the information items it can read, linking records that are the same person.
    permissions = _EVERYONE | {
        Permission.SCHEME_APPLICATION_VIEW,
        Permission.SCHEME_APPLICATION_MANAGE,
        Permission.PERSON_VIEW,
        Permission.PERSON_LINK,
        Permission.NOMINAL_VIEW,
        Permission.ITEM_VIEW,
    }
    agency_kinds = frozenset({"police"})


class SarOfficer(Role):
    code = "sar_officer"
    display_name = "Subject access request officer"
    description = (
        "Decides subject access requests for the information their own agency owns, as that "
        "agency's controller duty under the UK GDPR and DPA 2018 Part 3."
    )
    # SAR_MANAGE: record requests their agency receives, find the subject's records across the
    # whole system (a search with a recorded data-protection purpose that returns references
    # only) and route them to the owners, seeing each part's status but not its content.
    # SAR_RESPOND: decide, item by item, the parts routed to their own agency, and answer them.
    permissions = _EVERYONE | {Permission.SAR_MANAGE, Permission.SAR_RESPOND}


class Auditor(Role):
    code = "auditor"
    display_name = "Auditor"
    description = (
        "Reads the audit log of their agency's information to verify lawfulness and for "
        "self-monitoring, the only uses DPA 2018 s.62(4) allows. Reading the log is itself logged."
    )
    permissions = _EVERYONE | {Permission.AUDIT_VIEW}


class AgencyAdministrator(Role):
    code = "agency_administrator"
    display_name = "Agency administrator"
    description = (
        "Creates and deactivates their own agency's accounts and sets their roles; cannot touch "
        "another agency's users. Grants no access to case information by itself."
    )
    permissions = _EVERYONE | {Permission.MEMBERSHIP_MANAGE}


class LayAdviser(Role):
    code = "lay_adviser"
    display_name = "Lay adviser"
    description = (
        "A member of the public appointed to the Strategic Management Board (CJA 2003 s.326). "
        "Takes part in strategic oversight; never sees information about individual nominals. "
        "Held in the area's Strategic Management Board, an associate agency."
    )
    permissions = _EVERYONE
    agency_kinds = frozenset({"associate"})


ROLES: dict[str, type[Role]] = {
    role.code: role
    for role in (
        Practitioner,
        MappaCoordinator,
        MeetingChair,
        MinuteTaker,
        SeniorManager,
        DisclosureSchemeOfficer,
        SarOfficer,
        Auditor,
        AgencyAdministrator,
        LayAdviser,
    )
}
ROLE_CHOICES = [(code, role.display_name) for code, role in ROLES.items()]


def get_role(code: str) -> type[Role]:
    try:
        return ROLES[code]
    except KeyError:
        raise ValueError(f"unknown role {code!r}") from None
