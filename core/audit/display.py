"""How an audit event reads to a person: UK time, plain labels, a short details line.

Shared by the console page, the CSV export and the command line so the three
never describe the same event differently.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.audit.actions import ACTION_LABELS, AuditAction
from core.audit.models import AuditEvent
from core.settings import UK_TIMEZONE

DETAILS_SUMMARY_LENGTH = 120


def uk_time(moment: datetime) -> datetime:
    return moment.astimezone(UK_TIMEZONE)


def when_text(moment: datetime) -> str:
    """``23 November 2026, 2:40pm`` in UK time (GOV.UK style: no leading zero, am/pm)."""
    local = uk_time(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y}, {hour}:{local:%M}{suffix}"


def action_label(action: str) -> str:
    """The plain-English name; an action this release does not know keeps its code."""
    try:
        return ACTION_LABELS[AuditAction(action)]
    except (ValueError, KeyError):
        return action


def target_text(event: AuditEvent) -> str:
    if event.target_label:
        return event.target_label
    parts = [part for part in (event.target_type, event.target_id) if part]
    return " ".join(parts)


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def details_summary(details: Any, length: int = DETAILS_SUMMARY_LENGTH) -> str:
    """``reason: throttled; rows: 12``, cut to ``length`` characters."""
    if not details:
        return ""
    if not isinstance(details, dict):
        text = _value_text(details)
    else:
        text = "; ".join(f"{key}: {_value_text(value)}" for key, value in details.items())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
