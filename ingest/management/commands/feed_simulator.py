"""``manage.py feed_simulator``: serve the simulated departmental feeds on localhost (see ingest.simulator)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.simulator import FAULTS, FeedSimulator


class Command(BaseCommand):
    help = "Serve recorded and generated feeds over HTTP on localhost, at the present time, with optional faults."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--faults",
            default="",
            help=f"comma-separated faults to inject at random: {', '.join(FAULTS)} (default: none)",
        )
        parser.add_argument(
            "--fault-rate", type=float, default=0.0, help="share of requests that get a fault (0–1)"
        )
        parser.add_argument("--seed", type=int, default=None, help="seed for the random faults")
        parser.add_argument(
            "--stall-seconds", type=float, default=60.0, help="how long a 'timeout' fault waits"
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        faults: str,
        fault_rate: float,
        seed,
        stall_seconds: float,
        **options,
    ):
        chosen = tuple(f.strip() for f in faults.split(",") if f.strip())
        if not 0 <= fault_rate <= 1:
            raise CommandError("--fault-rate must be between 0 and 1")
        if fault_rate and not chosen:
            chosen = FAULTS
        try:
            simulator = FeedSimulator(
                shared_data_dir=settings.SHARED_DATA_DIR,
                faults=chosen,
                fault_rate=fault_rate,
                seed=seed,
                stall_seconds=stall_seconds,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        server = simulator.server(host, port)
        logging.getLogger("ingest.simulator").setLevel(logging.WARNING)
        self.stdout.write(f"Feed simulator on http://{host}:{server.server_address[1]}/")
        for feed in simulator.feeds.values():
            self.stdout.write(f"  {feed.path:<24} {feed.description}")
        if chosen and fault_rate:
            self.stdout.write(f"  faults {', '.join(chosen)} on {fault_rate:.0%} of requests")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
