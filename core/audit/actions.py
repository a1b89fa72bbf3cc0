"""The things the audit log records. Stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    PERMISSION_REFUSED = "permission_refused"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    PASSWORD_CHANGED = "password_changed"
    MEMBER_ADDED = "member_added"
    ROLE_CHANGED = "role_changed"
    BARRED = "barred"
    UNBARRED = "unbarred"
    INVITATION_SENT = "invitation_sent"
    INVITATION_ACCEPTED = "invitation_accepted"
    INVITATION_REVOKED = "invitation_revoked"
    ACCESS_GRANTED = "access_granted"
    ACCESS_REMOVED = "access_removed"
    COUNCIL_SWITCHED = "council_switched"
    COUNCIL_STATUS_CHANGED = "council_status_changed"
    API_CLIENT_CREATED = "api_client_created"
    API_CLIENT_REVOKED = "api_client_revoked"
    API_TOKEN_ISSUED = "api_token_issued"
    API_TOKEN_REFUSED = "api_token_refused"
    DATA_EXPORTED = "data_exported"
    PERSON_REGISTERED = "person_registered"
    PROFILE_CHANGED = "profile_changed"
    BUDGET_ALLOCATED = "budget_allocated"
    BUDGET_ADJUSTED = "budget_adjusted"
    BUDGET_ENDED = "budget_ended"
    TOPPED_UP = "topped_up"


ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.SIGN_IN: "Signed in",
    AuditAction.SIGN_IN_FAILED: "Failed sign-in",
    AuditAction.SIGN_OUT: "Signed out",
    AuditAction.PERMISSION_REFUSED: "Permission refused",
    AuditAction.PASSWORD_RESET_REQUESTED: "Password reset requested",
    AuditAction.PASSWORD_CHANGED: "Password changed",
    AuditAction.MEMBER_ADDED: "Member added",
    AuditAction.ROLE_CHANGED: "Roles changed",
    AuditAction.BARRED: "Account barred",
    AuditAction.UNBARRED: "Bar lifted",
    AuditAction.INVITATION_SENT: "Invitation sent",
    AuditAction.INVITATION_ACCEPTED: "Invitation accepted",
    AuditAction.INVITATION_REVOKED: "Invitation withdrawn",
    AuditAction.ACCESS_GRANTED: "Access given",
    AuditAction.ACCESS_REMOVED: "Access removed",
    AuditAction.COUNCIL_SWITCHED: "Switched council",
    AuditAction.COUNCIL_STATUS_CHANGED: "Council suspended or reopened",
    AuditAction.API_CLIENT_CREATED: "API client created",
    AuditAction.API_CLIENT_REVOKED: "API client revoked",
    AuditAction.API_TOKEN_ISSUED: "API token issued",
    AuditAction.API_TOKEN_REFUSED: "API token refused",
    AuditAction.DATA_EXPORTED: "Data exported",
    AuditAction.PERSON_REGISTERED: "Person registered",
    AuditAction.PROFILE_CHANGED: "Person's details changed",
    AuditAction.BUDGET_ALLOCATED: "Budget allocated",
    AuditAction.BUDGET_ADJUSTED: "Budget adjusted",
    AuditAction.BUDGET_ENDED: "Budget ended early",
    AuditAction.TOPPED_UP: "Money added",
}
