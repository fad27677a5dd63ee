"""Who did what to a campaign, and when: the audit trail the agreement asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditEntry:
    campaign_id: str
    at: datetime | None  # None only on rows written before times were recorded
    by: str
    action: str
    detail: str = ""
    principal: str | None = None  # on a deployed stage: who the AWS credentials said acted (STS)
