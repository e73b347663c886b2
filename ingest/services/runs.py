"""The ingest pipeline: one payload through one adapter, leaving a run record.

Every way in — a scheduled pull, a push, ``manage.py ingest_file``, a re-processing — opens a run with
``run_open`` and hands the payload to ``run_process``:

1. the adapter parses the payload into batches of typed records (bad records become rejects);
2. each batch is stored in **its own transaction** together with its quarantined records and the
   run's counters, so a worker killed mid-run leaves whole batches or nothing of a batch, and the run
   record says what was committed; the next run fetches the payload again and the idempotent writes
   fill in what was missing;
3. a payload that is not the expected format fails the run with the adapter's reason and is kept
   (``RunPayload``) for inspection.

``run_process`` must not be called inside a transaction: each batch must commit on its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.models import User
from accounts.services.audit import audit_record
from ingest import conf
from ingest.adapters import (
    AdapterConfigError,
    AdapterContext,
    AdapterNotFound,
    Batch,
    PayloadError,
    Reject,
    adapter_get,
)
from ingest.choices import ErrorKind, RunStatus
from ingest.models import QuarantinedRecord, Run, RunPayload, Source

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]


def run_open(
    *,
    source: Source | None,
    adapter: str,
    trigger: str,
    settings: dict | None = None,
    attempt: int = 1,
    origin: str = "",
    user: User | None = None,
    zone: str | None = None,
) -> Run:
    """Record the start of a run. ``settings`` default to the source's adapter settings."""
    if settings is None:
        settings = dict(source.settings) if source is not None else {}
    zone = zone or (source.timezone if source is not None else "") or timezone.get_default_timezone_name()
    return Run.objects.create(
        source=source,
        adapter=adapter,
        settings=settings,
        timezone=zone,
        trigger=trigger,
        attempt=attempt,
        origin=origin[:1000],
        user=user if user is not None and user.is_authenticated else None,
        started_at=timezone.now(),
    )


def _text(value: str) -> str:
    """PostgreSQL text cannot hold NUL; a payload can."""
    return value.replace("\x00", "\ufffd")


def _quarantine(run: Run, rejects: list[Reject]) -> None:
    QuarantinedRecord.objects.bulk_create(
        [
            QuarantinedRecord(
                source=run.source,
                run=run,
                adapter=run.adapter,
                locator=_text(reject.locator)[:200],
                raw=_text(reject.raw),
                reason=_text(reject.reason),
            )
            for reject in rejects
        ],
        batch_size=1000,
    )


_DONE = object()


def _parsed_ahead(batches: Iterator[Batch]) -> Iterator[Batch]:
    """Yield ``batches``, parsing the next one in a thread while the caller stores the current one.

    Parsing is CPU work in Python and numpy; storing mostly waits for PostgreSQL, so the two overlap
    (bench/README-ingest.md). At most one parsed batch waits. Storing stays in the caller's thread,
    on its connection and in its transactions. Exceptions of the parser surface in the caller.
    """
    parsed: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    language = translation.get_language()

    def parse() -> None:
        try:
            with translation.override(language):
                for batch in batches:
                    if stop.is_set():
                        return
                    parsed.put(batch)
            parsed.put(_DONE)
        except BaseException as exc:  # noqa: BLE001  (handed to the caller, who raises it)
            parsed.put(exc)
        finally:
            connections.close_all()  # this thread's connections, should an adapter have opened one

    thread = threading.Thread(target=parse, name="ingest-parse", daemon=True)
    thread.start()
    try:
        while True:
            item = parsed.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a parser waiting to hand over a batch
            with contextlib.suppress(queue.Empty):
                parsed.get(timeout=0.05)
        thread.join()


def run_process(
    *,
    run: Run,
    payload: bytes,
    content_type: str = "",
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Run:
    """Parse and store ``payload`` for an open run; return the finished run.

    Unexpected errors (a bug, the database gone) fail the run, keep the payload and are re-raised.
    """
    now = now or timezone.now()
    Run.objects.filter(pk=run.pk).update(bytes=len(payload))
    run.bytes = len(payload)
    try:
        adapter = adapter_get(run.adapter)
    except AdapterNotFound:
        return run_fail(
            run=run, kind=ErrorKind.CONFIG, error=_("Unknown adapter %(name)s.") % {"name": run.adapter}
        )
    try:
        settings = adapter.clean_settings(run.settings)
    except ValidationError as exc:
        return run_fail(
            run=run,
            kind=ErrorKind.CONFIG,
            error=_("The adapter settings are not valid: %(errors)s") % {"errors": "; ".join(exc.messages)},
            payload=payload,
            content_type=content_type,
        )
    try:
        zone = ZoneInfo(run.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return run_fail(
            run=run, kind=ErrorKind.CONFIG, error=_("Unknown time zone %(zone)s.") % {"zone": run.timezone}
        )
    ctx = AdapterContext(settings=settings, timezone=zone, source=run.source, run=run, now=now)
    expected = adapter.estimate_rows(payload, ctx)
    done = 0
    try:
        for batch in _parsed_ahead(adapter.batches(payload, ctx)):
            with transaction.atomic():
                stored = adapter.store(batch.records, ctx)
                rejects = [*batch.rejects, *stored.rejects]
                _quarantine(run, rejects)
                Run.objects.filter(pk=run.pk).update(
                    rows_seen=F("rows_seen") + batch.seen,
                    rows_written=F("rows_written") + stored.written,
                    rows_duplicate=F("rows_duplicate") + stored.duplicate,
                    rows_rejected=F("rows_rejected") + len(rejects),
                    rows_skipped=F("rows_skipped") + batch.skipped,
                )
            done += batch.seen
            if progress is not None:
                progress(done, expected)
    except PayloadError as exc:
        return run_fail(
            run=run, kind=ErrorKind.PAYLOAD, error=str(exc), payload=payload, content_type=content_type
        )
    except AdapterConfigError as exc:
        return run_fail(
            run=run, kind=ErrorKind.CONFIG, error=str(exc), payload=payload, content_type=content_type
        )
    except Exception as exc:
        logger.exception("ingest run %s failed", run.pk)
        run_fail(
            run=run,
            kind=ErrorKind.INTERNAL,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            payload=payload,
            content_type=content_type,
        )
        raise
    return run_finish(run=run)


def _keep_payload(run: Run, payload: bytes, content_type: str) -> None:
    limit = conf.keep_payload_max_bytes()
    RunPayload.objects.update_or_create(
        run=run,
        defaults={
            "content": payload[:limit],
            "content_type": content_type[:200],
            "size": len(payload),
            "truncated": len(payload) > limit,
            "sha256": hashlib.sha256(payload).hexdigest(),
        },
    )


def run_fail(
    *,
    run: Run,
    kind: str,
    error: str,
    payload: bytes | None = None,
    content_type: str = "",
    http_status: int | None = None,
    retry_at: datetime | None = None,
) -> Run:
    """Finish a run as failed, keep its payload if given, and update the source's health."""
    with transaction.atomic():
        if payload is not None:
            _keep_payload(run, payload, content_type)
        run.refresh_from_db()
        run.status = RunStatus.FAILED
        run.error_kind = kind
        run.error = _text(error)
        run.http_status = http_status
        run.retry_at = retry_at
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error_kind", "error", "http_status", "retry_at", "finished_at"])
        _after_run(run)
    return run


def run_finish(*, run: Run) -> Run:
    with transaction.atomic():
        run.refresh_from_db()
        run.status = RunStatus.SUCCEEDED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        _after_run(run)
    return run


def _after_run(run: Run) -> None:
    from ingest.services.health import feed_health_refresh

    audit_record(
        action=AuditAction.CREATE,
        instance=run,
        changes={
            "status": [None, run.status],
            "rows_seen": [None, run.rows_seen],
            "rows_written": [None, run.rows_written],
            "rows_duplicate": [None, run.rows_duplicate],
            "rows_rejected": [None, run.rows_rejected],
            "bytes": [None, run.bytes],
        },
        message=f"ingest run {run.status}: {run.source or run.adapter}"[:500],
    )
    source = run.source
    if source is None:
        return
    source = Source.objects.select_for_update().get(pk=source.pk)
    source.last_run_at = run.finished_at
    if run.status == RunStatus.SUCCEEDED:
        source.last_success_at = run.finished_at
        source.consecutive_failures = 0
        source.last_error = ""
    else:
        source.consecutive_failures += 1
        source.last_error = run.error[:2000]
    Source.objects.filter(pk=source.pk).update(
        last_run_at=source.last_run_at,
        last_success_at=source.last_success_at,
        consecutive_failures=source.consecutive_failures,
        last_error=source.last_error,
    )
    feed_health_refresh(source=source, now=run.finished_at)


@transaction.atomic
def runs_reap_stale(*, now: datetime | None = None) -> int:
    """Mark runs whose worker vanished (killed, out of memory, host restarted) as abandoned.

    Their committed batches stay stored; the next pull of the source fetches the payload again.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=conf.run_stale_minutes())
    stale = list(
        Run.objects.select_for_update(skip_locked=True).filter(
            status=RunStatus.RUNNING, started_at__lt=cutoff
        )
    )
    for run in stale:
        run.status = RunStatus.ABANDONED
        run.finished_at = now
        run.error_kind = ErrorKind.INTERNAL
        run.error = _(
            "The worker stopped during the run. Batches committed before that are stored; the next run fetches the payload again."
        )
        run.save(update_fields=["status", "finished_at", "error_kind", "error"])
        audit_record(
            action=AuditAction.UPDATE, instance=run, changes={"status": [RunStatus.RUNNING, run.status]}
        )
    return len(stale)
