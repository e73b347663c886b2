"""``manage.py replay_storm --file <wztf json>``: replay a real storm as an exercise copy (动态推演)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sanfang.models import Storm
from sanfang.replay import Replay, ReplayStep, replay_code, replay_stop
from sanfang.typhoon_formats import TrackFormatError, read_wztf


class Command(BaseCommand):
    help = (
        "Replay a storm from a typhoon JSON (Wenzhou typhoon network format) faster than real time, as a "
        "synthetic copy (code R + number): fixes, forecasts, exercise CAP typhoon signals and synthetic "
        "station readings, step by step through the services."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="the storm JSON, e.g. typhoon_hato_201713_wztf121.json")
        parser.add_argument(
            "--speed",
            type=float,
            default=600.0,
            help="storm seconds per real second (600: 1 h in 6 s; 0: no waiting)",
        )
        parser.add_argument("--from-hours-before-landfall", type=float, default=48.0, dest="hours_before")
        parser.add_argument("--step-hours", type=float, default=1.0, help="storm hours per step (default 1)")
        parser.add_argument("--steps", type=int, help="stop after this many steps")
        parser.add_argument("--dry-run", action="store_true", help="print the steps, store nothing")
        parser.add_argument("--stop", metavar="CODE", help="end the replay of copy storm CODE (e.g. R201713)")
        parser.add_argument(
            "--demo-defence",
            action="store_true",
            help="also report the demo event's defence progress, rising from the first signal to landfall",
        )

    def handle(self, *args, **options):
        if options["stop"]:
            try:
                storm = replay_stop(options["stop"])
            except Storm.DoesNotExist:
                raise CommandError(f"no storm {options['stop']!r}") from None
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"replay {storm.code} stopped; its signal is cancelled"))
            return
        path: Path | None = options["file"]
        if path is None or not path.is_file():
            raise CommandError(f"--file {path} is not a file")
        if options["speed"] < 0 or options["step_hours"] <= 0:
            raise CommandError("--speed must be ≥ 0 and --step-hours > 0")
        try:
            tracks = read_wztf(path.read_bytes())
        except TrackFormatError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        track = tracks[0]
        try:
            replay = Replay(
                track=track,
                speed=options["speed"],
                hours_before_landfall=options["hours_before"],
                step_hours=options["step_hours"],
                steps=options["steps"],
                dry_run=options["dry_run"],
                report=self.report,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.demo_defence = options["demo_defence"] and not options["dry_run"]
        self.landfall = replay.landfall
        self.signal_from = None
        self.last_fraction = None
        mode = "dry run" if options["dry_run"] else f"as {replay_code(track.code)} (synthetic)"
        self.stdout.write(
            f"Replaying {track.code} {track.name} {track.name_en} {mode}: storm time "
            f"{replay.start:%Y-%m-%d %H:%M} UTC → {replay.end:%Y-%m-%d %H:%M} UTC, speed ×{options['speed']:g}"
        )
        steps = replay.run()
        self.stdout.write(self.style.SUCCESS(f"{len(steps)} steps replayed"))

    def report(self, step: ReplayStep) -> None:
        signal = f"signal {step.signal or '-'}" + (" (changed)" if step.signal_changed else "")
        self.stdout.write(
            f"{step.index:3d} {step.storm_time:%m-%d %H:%M}Z {step.lng:7.2f},{step.lat:6.2f} {step.tc_class:7s} "
            f"{step.distance_km:6.0f} km  force here {step.force_here:4.1f}  {signal}  readings {step.readings}"
        )
        self.stdout.flush()
        if self.demo_defence:
            self.defence_progress(step)

    def defence_progress(self, step: ReplayStep) -> None:
        """The demo units' running totals grow linearly from the first signal to landfall."""
        from sanfang.demo_defence import defence_demo_progress

        if step.signal and self.signal_from is None:
            self.signal_from = step.storm_time
        if self.signal_from is None:
            return
        span = max((self.landfall - self.signal_from).total_seconds(), 3600.0)
        fraction = min((step.storm_time - self.signal_from).total_seconds() / span, 1.0)
        if fraction == self.last_fraction:
            return
        self.last_fraction = fraction
        sent = defence_demo_progress(fraction=0.05 + 0.95 * fraction)
        self.stdout.write(f"    defence progress {min(fraction, 1.0):.0%} ({sent} reports)")
