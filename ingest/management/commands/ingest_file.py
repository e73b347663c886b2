"""``manage.py ingest_file ADAPTER FILE``: one payload through an adapter, exactly like a pull."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ingest.adapters import AdapterNotFound, adapter_choices, adapter_get
from ingest.choices import RunStatus, RunTrigger
from ingest.models import Source
from ingest.services.runs import run_open, run_process

# Files at least this large get a progress bar.
PROGRESS_MIN_BYTES = 1024 * 1024


class ProgressBar:
    def __init__(self, stream, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int | None) -> None:
        elapsed = time.monotonic() - self.started
        rate = f"{done / elapsed:,.0f} rows/s" if elapsed > 0 else ""
        if total:
            share = min(done / total, 1.0)
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            line = f"\r[{bar}] {share:4.0%} {done:,}/{total:,} rows {rate}"
        else:
            line = f"\r{done:,} rows {rate}"
        self.stream.write(line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Run one file through an ingest adapter like a pull: a run record, quarantine, counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "adapter", help="adapter name: " + ", ".join(name for name, _l in adapter_choices())
        )
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", help="short name of the source whose settings and time zone apply")
        parser.add_argument("--adapter-settings", help="adapter settings as JSON (instead of --source)")
        parser.add_argument(
            "--timezone", help="time zone of times without one (default: the source's, else Asia/Shanghai)"
        )
        parser.add_argument(
            "--progress", action="store_true", help="show a progress bar even for a small file"
        )
        parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")

    def handle(self, *args, adapter: str, file: Path, **options):
        try:
            adapter_get(adapter)
        except AdapterNotFound:
            raise CommandError(
                f"unknown adapter {adapter!r}; known: {', '.join(n for n, _l in adapter_choices())}"
            ) from None
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        source = None
        settings = None
        if options["source"]:
            source = Source.objects.filter(slug=options["source"]).first()
            if source is None:
                raise CommandError(f"no source with short name {options['source']!r}")
            if source.adapter != adapter:
                raise CommandError(f"source {source.slug} uses adapter {source.adapter!r}, not {adapter!r}")
        if options["adapter_settings"]:
            if source is not None:
                raise CommandError("give --adapter-settings or --source, not both")
            try:
                settings = json.loads(options["adapter_settings"])
            except json.JSONDecodeError as exc:
                raise CommandError(f"--adapter-settings is not JSON: {exc}") from exc
        try:
            adapter_get(adapter).clean_settings(
                settings if settings is not None else (source.settings if source else {})
            )
        except ValidationError as exc:
            raise CommandError("adapter settings: " + "; ".join(exc.messages)) from exc

        payload = file.read_bytes()
        show = not options["no_progress"] and (options["progress"] or len(payload) >= PROGRESS_MIN_BYTES)
        bar = ProgressBar(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr) if show else None
        started = time.monotonic()
        run = run_open(
            source=source,
            adapter=adapter,
            trigger=RunTrigger.FILE,
            settings=settings,
            origin=str(file.resolve()),
            zone=options["timezone"],
        )
        try:
            run = run_process(run=run, payload=payload, progress=bar)
        finally:
            if bar is not None:
                bar.close()
        seconds = time.monotonic() - started
        summary = (
            f"run {run.pk} {run.status}: {run.rows_seen:,} seen, {run.rows_written:,} written, "
            f"{run.rows_duplicate:,} duplicate, {run.rows_rejected:,} rejected, {run.rows_skipped:,} skipped; "
            f"{run.bytes:,} bytes in {seconds:.1f} s"
        )
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"{summary}\n{run.get_error_kind_display()}: {run.error}")
        self.stdout.write(self.style.SUCCESS(summary))
        if run.rows_rejected:
            self.stdout.write(
                f"{run.rows_rejected:,} records are in the quarantine (admin: ingest → quarantined records)."
            )
