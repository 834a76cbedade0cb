from __future__ import annotations

from typing import Any

from core.write_batch import insert_in_batch
from modules.audit.context import AuditContext
from modules.audit.models import AuditLog


def audit_entry_create(
    *,
    ctx: AuditContext,
    action: str,
    object_type: str,
    object_id: Any,
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    actor=None,
) -> AuditLog:
    """Append one entry. Written in the caller's transaction, so a rolled-back write leaves none;
    inside a write batch (core.write_batch) with the request's other entries in one INSERT."""
    actor = actor if actor is not None else ctx.actor
    entry = AuditLog(
        actor=actor,
        actor_repr=(str(actor) if actor is not None else "")[:200],
        action=action[:64],
        object_type=object_type[:100],
        object_id="" if object_id is None else str(object_id)[:64],
        object_repr=object_repr[:200],
        changes=changes or {},
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        request_id=ctx.request_id,
        source=ctx.source,
    )
    insert_in_batch(entry)
    return entry
