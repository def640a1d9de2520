from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from engine.db import UTCDateTime


class AuditEntry(SQLModel, table=True):
    """Append-only; ``hash`` covers the entry and the previous entry's hash, so an edit breaks the chain."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    bundle_id: str | None = Field(default=None, max_length=64)
    instance_id: int | None = Field(default=None, index=True)
    task_id: int | None = Field(default=None)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row holding the chain's last hash; locking it serialises appends so the chain never forks."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_id: int = 0
    last_hash: str = Field(default="0" * 64, max_length=64)


# PostgreSQL appends a transaction's entries in one round trip: lock the head, chain each entry, insert
# it, move the head. Each hash covers the same text as ``engine.audit.service._entry_hash`` (the caller
# sends the part after the previous hash and the id as ``tail``), so ``yijian audit verify`` checks both
# paths alike. The head stays locked from this statement to the commit, not for a round trip more.
# Created by the migration and, for throwaway schemas, by ``metadata.create_all``.
APPEND_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append(entries json) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    entry json;
    head_id integer;
    head_hash varchar(64);
    next_hash varchar(64);
BEGIN
    SELECT last_id, last_hash INTO head_id, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN  -- the very first entry; two first writers meet at the primary key
        INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, repeat('0', 64))
        ON CONFLICT (id) DO NOTHING;
        SELECT last_id, last_hash INTO head_id, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
    END IF;
    FOR entry IN SELECT value FROM json_array_elements(entries) LOOP
        head_id := head_id + 1;
        next_hash := encode(
            sha256(convert_to(concat('["', head_hash, '",', head_id, ',', entry->>'tail'), 'UTF8')), 'hex'
        );
        INSERT INTO audit_entry (id, at, actor, action, bundle_id, instance_id, task_id, detail, prev_hash, hash)
        VALUES (head_id, (entry->>'at')::timestamptz, entry->>'actor', entry->>'action', entry->>'bundle_id',
                (entry->>'instance_id')::integer, (entry->>'task_id')::integer, entry->'detail', head_hash, next_hash);
        head_hash := next_hash;
    END LOOP;
    UPDATE audit_head SET last_id = head_id, last_hash = head_hash WHERE id = 1;
END
$$
"""
sa.event.listen(AuditHead.__table__, "after_create", sa.DDL(APPEND_FUNCTION).execute_if(dialect="postgresql"))
