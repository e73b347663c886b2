"""Re-processing and discarding quarantined records.

Re-processing sends the records' original text through the adapter again — the current code and the
source's current settings, so a fixed adapter, a corrected column mapping or a newly registered
station takes effect — as one new run per source. Records that pass are stored (idempotently, so
nothing is doubled); records that fail again are quarantined anew under the new run with their new
reason. The old records are marked re-processed and point at that run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.models import User
from accounts.services.audit import audit_record
from ingest.adapters import adapter_get
from ingest.choices import QuarantineState, RunStatus, RunTrigger
from ingest.models import QuarantinedRecord, Run
from ingest.services.runs import run_open, run_process


def quarantine_reprocess(*, record_ids: Iterable[int], user: User | None = None) -> list[Run]:
    """Re-process the pending records among ``record_ids``; returns the new runs."""
    records = list(
        QuarantinedRecord.objects.filter(pk__in=list(record_ids), state=QuarantineState.PENDING)
        .select_related("source", "run")
        .order_by("id")
    )
    groups: dict[tuple, list[QuarantinedRecord]] = defaultdict(list)
    for record in records:
        groups[(record.source_id, record.adapter, record.run.timezone)].append(record)
    runs = []
    for (_source_id, adapter_name, zone), group in groups.items():
        source = group[0].source
        adapter = adapter_get(adapter_name)
        settings = dict(source.settings) if source is not None else dict(group[0].run.settings)
        run = run_open(
            source=source,
            adapter=adapter_name,
            trigger=RunTrigger.REPROCESS,
            settings=adapter.reprocess_settings(adapter.clean_settings(settings)),
            zone=zone,
            origin=_("%(count)s quarantined records") % {"count": len(group)},
            user=user,
        )
        run = run_process(run=run, payload=adapter.reprocess_payload([r.raw for r in group]))
        if run.status == RunStatus.SUCCEEDED:
            with transaction.atomic():
                QuarantinedRecord.objects.filter(pk__in=[r.pk for r in group]).update(
                    state=QuarantineState.REPROCESSED, resolved_run=run, resolved_at=timezone.now()
                )
                audit_record(
                    action=AuditAction.UPDATE,
                    instance=run,
                    changes={"reprocessed": [None, [r.pk for r in group]]},
                    message=f"re-processed {len(group)} quarantined records: "
                    f"{run.rows_written} written, {run.rows_duplicate} duplicate, {run.rows_rejected} rejected again",
                    actor=user,
                )
        runs.append(run)
    return runs


@transaction.atomic
def quarantine_discard(*, record_ids: Iterable[int], user: User | None = None) -> int:
    """Mark pending records as discarded (they stay for the record); returns how many."""
    ids = list(
        QuarantinedRecord.objects.filter(pk__in=list(record_ids), state=QuarantineState.PENDING).values_list(
            "pk", flat=True
        )
    )
    if not ids:
        return 0
    QuarantinedRecord.objects.filter(pk__in=ids).update(
        state=QuarantineState.DISCARDED, resolved_at=timezone.now()
    )
    first = QuarantinedRecord.objects.get(pk=ids[0])
    audit_record(
        action=AuditAction.UPDATE,
        instance=first,
        changes={"discarded": [None, ids]},
        message=f"discarded {len(ids)} quarantined records",
        actor=user,
    )
    return len(ids)
