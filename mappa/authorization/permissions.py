from enum import StrEnum


class Permission(StrEnum):
    """Every action a role can be granted, named NOUN_VERB.

    Adding one here means adding it to the roles that hold it (roles.py) and regenerating
    docs/permissions.md with `make docs`; a test fails until both agree.
    """

    AGENCY_VIEW = "agency_view"
    AGENCY_MANAGE = "agency_manage"
    AGREEMENT_VIEW = "agreement_view"
    AGREEMENT_MANAGE = "agreement_manage"
    MEMBERSHIP_MANAGE = "membership_manage"
    AUDIT_VIEW = "audit_view"
    PERSON_VIEW = "person_view"
    PERSON_CREATE = "person_create"
    PERSON_LINK = "person_link"
    NOMINAL_VIEW = "nominal_view"
    NOMINAL_MANAGE = "nominal_manage"
    NOMINAL_TRANSFER = "nominal_transfer"
    ITEM_VIEW = "item_view"
    ITEM_RECORD = "item_record"
    SHARE_CREATE = "share_create"
    SHARE_REQUEST = "share_request"
    CASE_ACCESS_LOG_VIEW = "case_access_log_view"
    REFERRAL_CREATE = "referral_create"
    REFERRAL_SCREEN = "referral_screen"
    MEETING_VIEW = "meeting_view"
    MEETING_MANAGE = "meeting_manage"
    MINUTES_WRITE = "minutes_write"
    MINUTES_APPROVE = "minutes_approve"
    ACTION_UPDATE = "action_update"
    RISK_VIEW = "risk_view"
    RISK_RECORD = "risk_record"
    PLAN_WRITE = "plan_write"
    PLAN_APPROVE = "plan_approve"
    DISCLOSURE_VIEW = "disclosure_view"
    DISCLOSURE_RECORD = "disclosure_record"
    DISCLOSURE_DECIDE = "disclosure_decide"
    SCHEME_APPLICATION_VIEW = "scheme_application_view"
    SCHEME_APPLICATION_MANAGE = "scheme_application_manage"
    SAR_MANAGE = "sar_manage"
    SAR_RESPOND = "sar_respond"
