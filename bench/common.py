"""Helpers shared by the benchmarks: free ports, servers we start and stop, CPU accounting, statistics.

Plain Python (no Django): the orchestrator only talks to servers over HTTP, WebSocket and pgbench.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_PY = ROOT / ".venv" / "bin" / "python"
TIPG_VENV = BENCH / ".venv-tipg"
POOL_VENV = BENCH / ".venv-pool"
CLK_TCK = os.sysconf("SC_CLK_TCK")

DEFAULT_DATABASE_URL = "postgis://postgres@127.0.0.1:5432/cc_bench"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def pg_args() -> list[str]:
    """psql/pgbench connection arguments for the bench database."""
    from urllib.parse import unquote, urlsplit

    url = urlsplit(database_url())
    return [
        "-h",
        url.hostname or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        unquote(url.username or "postgres"),
        "-d",
        unquote(url.path.lstrip("/")),
    ]


def psql_value(sql: str) -> str:
    out = subprocess.run(
        ["psql", *pg_args(), "-XAtqc", sql], check=True, capture_output=True, text=True, timeout=60
    )
    return out.stdout.strip()


def django_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("BENCH_DATABASE_URL", database_url())
    env.update(extra)
    return env


# --- processes we own ---------------------------------------------------------------------------
@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        # Our own process group (start_new_session), so workers it forked go too; nothing else.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def start_server(
    name: str, argv: Sequence[str], *, port: int, env: dict[str, str], log_dir: Path, ready_path: str = "/"
) -> Server:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    handle = log_path.open("w")
    proc = subprocess.Popen(
        list(argv), cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(name, port, proc, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited at start-up; see {log_path}:\n{log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(server.base + ready_path, timeout=2):  # noqa: S310  (http://127.0.0.1 only)
                return server
        except urllib.error.HTTPError:
            return server  # it answers, whatever the status
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{name} did not answer on port {port} within 60 s; see {log_path}")


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.stop()


def daphne(
    log_dir: Path,
    name: str = "daphne",
    python: Path = VENV_PY,
    app: str = "config.asgi:application",
    **env: str,
) -> Server:
    """One Daphne process serving ``app`` (the platform's own by default) with the bench settings."""
    port = free_port()
    argv = [str(python), "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]
    return start_server(name, argv, port=port, env=django_env(**env), log_dir=log_dir)


def gunicorn(log_dir: Path, name: str = "gunicorn", workers: int = 2, threads: int = 4, **env: str) -> Server:
    """The same project under gunicorn's threaded WSGI workers: threads live on, so Django's
    persistent connections (CONN_MAX_AGE) are reused, and no request hops between threads."""
    port = free_port()
    argv = [
        str(VENV_PY),
        "-m",
        "gunicorn",
        "-k",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    argv += ["--keep-alive", "30", "-b", f"127.0.0.1:{port}", "bench.wsgi:application"]
    return start_server(name, argv, port=port, env=django_env(**env), log_dir=log_dir)


# --- CPU accounting -----------------------------------------------------------------------------
def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (threads included) from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def tree_cpu_seconds(pid: int) -> float:
    """CPU of a process and all its descendants (gunicorn's workers, say)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(process_cpu_seconds(p) for p in tree)


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> tuple[float, float]:
    """(busy jiffies, total jiffies) of all CPUs, for a busy fraction over an interval."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class CpuProbe:
    """CPU used during a measurement, in cores: by a server process, by the child processes we waited
    for (the load generator) and by the whole machine (PostgreSQL and other users included).

    PostgreSQL's own share is not measured per process: backends that open and close per request
    are gone before they could be read."""

    server_pid: int | None = None
    started: float = 0.0
    marks: dict = field(default_factory=dict)

    def __enter__(self) -> CpuProbe:
        self.started = time.monotonic()
        self.marks = {
            "server": tree_cpu_seconds(self.server_pid) if self.server_pid else 0.0,
            "children": children_cpu_seconds(),
            "machine": machine_busy(),
        }
        return self

    def __exit__(self, *exc) -> None:
        wall = time.monotonic() - self.started
        busy, total = machine_busy()
        busy0, total0 = self.marks["machine"]
        self.result = {
            "wall_s": wall,
            "server_cpu": (tree_cpu_seconds(self.server_pid) - self.marks["server"]) / wall
            if self.server_pid
            else None,
            "loadgen_cpu": (children_cpu_seconds() - self.marks["children"]) / wall,
            # In cores (0–ncpu), like the others.
            "machine_cpu": (busy - busy0) / max(total - total0, 1) * (os.cpu_count() or 1),
        }


# --- statistics ---------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, default=str))
