"""Pulling a source: fetch its payload (HTTP or the drop folder) and run it through its adapter."""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ingest import conf
from ingest.choices import ErrorKind, RunStatus, RunTrigger, Transport
from ingest.models import Run, Source
from ingest.services.fetch import FetchError, drop_directory, drop_files, fetch_http
from ingest.services.runs import run_fail, run_finish, run_open, run_process


class TransientPullError(Exception):
    """The pull failed in a way that may pass; the task retries it after ``retry_in`` seconds."""

    def __init__(self, message: str, *, retry_in: int, run_id: int) -> None:
        super().__init__(message)
        self.retry_in = retry_in
        self.run_id = run_id


def pull_retry_delay(attempt: int, *, jitter: float = 0.1) -> int:
    """Back-off after failed attempt number ``attempt`` (1-based): base × 2^(attempt-1), capped, ±jitter
    so that sources that failed together do not retry together."""
    delay = min(conf.retry_base_seconds() * 2 ** max(attempt - 1, 0), conf.retry_max_seconds())
    return max(1, round(delay * (1 + random.uniform(-jitter, jitter))))  # noqa: S311  (not security)


def source_pull(
    *,
    source_id: int,
    attempt: int = 1,
    trigger: str = RunTrigger.SCHEDULE,
    user: User | None = None,
    now: datetime | None = None,
) -> list[Run]:
    """Pull one source now and return its runs (one per HTTP pull, one per dropped file).

    Raises TransientPullError when an HTTP pull failed transiently and retries remain.
    """
    source = Source.objects.select_related("department").get(pk=source_id)
    if trigger == RunTrigger.SCHEDULE and not source.enabled:
        return []
    if source.transport == Transport.HTTP:
        return [_pull_http(source, attempt=attempt, trigger=trigger, user=user, now=now)]
    if source.transport == Transport.DIRECTORY:
        return _pull_directory(source, trigger=trigger, user=user, now=now)
    raise ValueError(f"source {source.pk} is fed by push, not pulled")


def _pull_http(source: Source, *, attempt: int, trigger: str, user: User | None, now: datetime | None) -> Run:
    run = run_open(
        source=source, adapter=source.adapter, trigger=trigger, attempt=attempt, origin=source.url, user=user
    )
    try:
        fetched = fetch_http(source=source)
    except FetchError as exc:
        retries_left = exc.transient and attempt <= source.max_retries
        delay = pull_retry_delay(attempt) if retries_left else None
        message = str(exc)
        if retries_left:
            message += " " + _("Retry %(n)s of %(max)s in %(seconds)s s.") % {
                "n": attempt,
                "max": source.max_retries,
                "seconds": delay,
            }
        run_fail(
            run=run,
            kind=ErrorKind.TRANSIENT if exc.transient else ErrorKind.TRANSPORT,
            error=message,
            http_status=exc.http_status,
            retry_at=timezone.now() + timedelta(seconds=delay) if delay else None,
        )
        if retries_left:
            raise TransientPullError(message, retry_in=delay, run_id=run.pk) from exc
        return run
    if fetched.http_status:
        Run.objects.filter(pk=run.pk).update(http_status=fetched.http_status)
    return run_process(run=run, payload=fetched.content, content_type=fetched.content_type, now=now)


def _move(path: Path, folder: str) -> None:
    target = path.parent / folder
    target.mkdir(exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    # FileNotFoundError: another worker took the file, and its run records it.
    with contextlib.suppress(FileNotFoundError):
        path.rename(target / f"{stamp}-{path.name}")


def _pull_directory(source: Source, *, trigger: str, user: User | None, now: datetime | None) -> list[Run]:
    try:
        folder = drop_directory(source)
    except FetchError as exc:
        run = run_open(
            source=source, adapter=source.adapter, trigger=trigger, origin=source.directory, user=user
        )
        return [run_fail(run=run, kind=ErrorKind.TRANSPORT, error=str(exc))]
    files = drop_files(folder)
    if not files:
        # An empty folder is a successful look: the feed is reachable, there is just nothing new.
        run = run_open(source=source, adapter=source.adapter, trigger=trigger, origin=str(folder), user=user)
        return [run_finish(run=run)]
    runs = []
    for path in files:
        run = run_open(source=source, adapter=source.adapter, trigger=trigger, origin=str(path), user=user)
        try:
            payload = path.read_bytes()
        except OSError as exc:
            runs.append(run_fail(run=run, kind=ErrorKind.TRANSPORT, error=f"{type(exc).__name__}: {exc}"))
            continue
        # A worker killed here leaves the file in place: the next pull processes it again.
        run = run_process(run=run, payload=payload, now=now)
        _move(path, "done" if run.status == RunStatus.SUCCEEDED else "failed")
        runs.append(run)
    return runs
