"""Checking the audit log's hash chain (see accounts.services.audit for how it is built).

One pass in id order, streamed, so the cost is O(n) time and constant memory (plus the problems).
Each entry is checked twice: its stored hash against a recomputation from its fields (catches a changed
entry or a forged one, without the key), and its ``prev_hash`` against the hash of the entry before it
(catches an entry deleted from, or inserted into, the chain).

What the chain alone cannot show: entries cut off the end, or the whole log replaced. Pass a
previously noted tip (``anchor``) to catch truncation back past that point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import AuditEntry
from accounts.services.audit import GENESIS_HASH, HASHED_FIELDS, entry_hash

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class AuditProblem:
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.entry_id}: {self.reason}"


@dataclass
class AuditVerification:
    count: int = 0
    last_id: int | None = None
    last_hash: str = GENESIS_HASH
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify_report(*, anchor: tuple[int, str] | None = None) -> AuditVerification:
    """Verify the whole chain. ``anchor`` is an (id, hash) noted earlier, e.g. from a previous run's
    output kept off the server: the entry must still be there with that hash."""
    report = AuditVerification()
    expected_prev = GENESIS_HASH
    anchor_seen = False
    rows = AuditEntry.objects.order_by("id").values(*HASHED_FIELDS, "hash").iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        report.count += 1
        if entry_hash(row) != row["hash"]:
            report.problems.append(AuditProblem(row["id"], _("hash mismatch (entry changed or forged)")))
        if row["prev_hash"] != expected_prev:
            if expected_prev == GENESIS_HASH:
                reason = _("first entry does not start the chain (earlier entries deleted)")
            else:
                reason = _("chain broken before this entry (entry inserted or deleted)")
            report.problems.append(AuditProblem(row["id"], reason))
        if anchor is not None and row["id"] == anchor[0]:
            anchor_seen = True
            if row["hash"] != anchor[1]:
                report.problems.append(AuditProblem(row["id"], _("hash differs from the anchor")))
        # Follow the stored hash, so one changed entry is reported once and not again at its successor.
        expected_prev = row["hash"]
        report.last_id, report.last_hash = row["id"], row["hash"]
    if anchor is not None and not anchor_seen:
        report.problems.append(
            AuditProblem(anchor[0], _("anchor entry is missing (log truncated or rewritten)"))
        )
    return report


def audit_verify() -> list[AuditProblem]:
    """Every problem in the chain; an empty list means it is intact."""
    return audit_verify_report().problems
