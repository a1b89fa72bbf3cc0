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
    ACCREDITATION_APPLIED = "accreditation_applied"
    ACCREDITATION_EVIDENCE_ADDED = "accreditation_evidence_added"
    ACCREDITED = "accredited"
    ACCREDITATION_MORE_INFO = "accreditation_more_info"
    ACCREDITATION_REFUSED = "accreditation_refused"
    ACCREDITATION_SUSPENDED = "accreditation_suspended"
    ACCREDITATION_REVOKED = "accreditation_revoked"
    ACCREDITATION_REINSTATED = "accreditation_reinstated"
    ACCREDITATION_EXPIRY_WARNED = "accreditation_expiry_warned"
    ACCREDITATION_EXPIRED = "accreditation_expired"
    EVIDENCE_EXPIRING = "accreditation_evidence_expiring"
    EVIDENCE_EXPIRED = "accreditation_evidence_expired"
    PROVIDER_JOINED = "provider_joined"
    STORE_CHANGED = "store_changed"
    TEAM_MEMBER_REMOVED = "team_member_removed"
    DIRECTORY_IMPORT_REQUESTED = "directory_import_requested"
    DIRECTORY_IMPORTED = "directory_imported"
    SERVICE_CHANGED = "service_changed"
    CATEGORY_ADDED = "category_added"
    ORDER_PLACED = "order_placed"
    ORDER_ACCEPTED = "order_accepted"
    ORDER_DECLINED = "order_declined"
    ORDER_EXPIRED = "order_expired"
    SESSION_CANCELLED = "session_cancelled"
    BOOKING_CANCELLED = "booking_cancelled"
    CHANGE_PROPOSED = "change_proposed"
    CHANGE_ACCEPTED = "change_accepted"
    CHANGE_REJECTED = "change_rejected"
    DELIVERY_RECORDED = "delivery_recorded"
    DELIVERY_CONFIRMED = "delivery_confirmed"
    DELIVERY_DISPUTED = "delivery_disputed"
    DELIVERY_AUTO_CONFIRMED = "delivery_auto_confirmed"
    BULK_SCHEDULED = "bulk_scheduled"
    REVIEW_WRITTEN = "review_written"
    REVIEW_REPLIED = "review_replied"
    REVIEW_HIDDEN = "review_hidden"


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
    AuditAction.ACCREDITATION_APPLIED: "Applied for accreditation",
    AuditAction.ACCREDITATION_EVIDENCE_ADDED: "Accreditation evidence added",
    AuditAction.ACCREDITED: "Provider accredited",
    AuditAction.ACCREDITATION_MORE_INFO: "More accreditation evidence asked for",
    AuditAction.ACCREDITATION_REFUSED: "Accreditation refused",
    AuditAction.ACCREDITATION_SUSPENDED: "Accreditation suspended",
    AuditAction.ACCREDITATION_REVOKED: "Accreditation revoked",
    AuditAction.ACCREDITATION_REINSTATED: "Accreditation reinstated",
    AuditAction.ACCREDITATION_EXPIRY_WARNED: "Accreditation expiry warning sent",
    AuditAction.ACCREDITATION_EXPIRED: "Accreditation expired",
    AuditAction.EVIDENCE_EXPIRING: "Accreditation evidence expiring",
    AuditAction.EVIDENCE_EXPIRED: "Accreditation evidence expired",
    AuditAction.PROVIDER_JOINED: "Provider joined the marketplace",
    AuditAction.STORE_CHANGED: "Provider's store changed",
    AuditAction.TEAM_MEMBER_REMOVED: "Removed from a provider's team",
    AuditAction.DIRECTORY_IMPORT_REQUESTED: "Directory import queued",
    AuditAction.DIRECTORY_IMPORTED: "Directory imported",
    AuditAction.SERVICE_CHANGED: "Service added or changed",
    AuditAction.CATEGORY_ADDED: "Service category added",
    AuditAction.ORDER_PLACED: "Order placed",
    AuditAction.ORDER_ACCEPTED: "Order accepted by the provider",
    AuditAction.ORDER_DECLINED: "Order declined by the provider",
    AuditAction.ORDER_EXPIRED: "Order lapsed unanswered",
    AuditAction.SESSION_CANCELLED: "Visit cancelled",
    AuditAction.BOOKING_CANCELLED: "Booking cancelled",
    AuditAction.CHANGE_PROPOSED: "Change to a booking proposed by the provider",
    AuditAction.CHANGE_ACCEPTED: "Proposed change accepted",
    AuditAction.CHANGE_REJECTED: "Proposed change turned down",
    AuditAction.DELIVERY_RECORDED: "Delivery recorded (timesheet)",
    AuditAction.DELIVERY_CONFIRMED: "Delivery confirmed",
    AuditAction.DELIVERY_DISPUTED: "Delivery disputed",
    AuditAction.DELIVERY_AUTO_CONFIRMED: "Delivery confirmed automatically",
    AuditAction.BULK_SCHEDULED: "Service scheduled for many people",
    AuditAction.REVIEW_WRITTEN: "Review written",
    AuditAction.REVIEW_REPLIED: "Provider replied to a review",
    AuditAction.REVIEW_HIDDEN: "Review hidden by the council",
}
