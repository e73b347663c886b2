"""Getting a payload: HTTP(S) pull with headers and credentials, or files dropped in a folder.

Only http and https are opened (no file:, ftp: or data: URLs, also not through a redirect), within the
source's timeout for the whole transfer, up to ``INGEST_MAX_PAYLOAD_BYTES``. Failures say whether
trying again later can help (``transient``): timeouts, refused or dropped connections, truncated
bodies, 5xx, 408 and 429 can; 4xx and a payload that is too large cannot.
"""

from __future__ import annotations

import base64
import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from ingest import conf
from ingest.choices import HttpAuth
from ingest.models import Source

USER_AGENT = "command-centre-ingest/1.0"
TRANSIENT_HTTP = frozenset({408, 425, 429, 500, 502, 503, 504})
CHUNK = 256 * 1024


class FetchError(Exception):
    def __init__(self, message: str, *, transient: bool, http_status: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.http_status = http_status


@dataclass(frozen=True)
class Fetched:
    content: bytes
    content_type: str
    origin: str
    http_status: int | None = None


def _opener() -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def source_request_headers(source: Source) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    headers.update({str(k): str(v) for k, v in (source.headers or {}).items()})
    headers.update({str(k): str(v) for k, v in (source.secret_headers or {}).items()})
    if source.auth == HttpAuth.BASIC:
        token = base64.b64encode(f"{source.username}:{source.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    elif source.auth == HttpAuth.BEARER:
        headers["Authorization"] = f"Bearer {source.password}"
    return headers


def fetch_http(*, source: Source) -> Fetched:
    url = source.url
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError(_("Only http and https addresses can be pulled."), transient=False)
    timeout = max(int(source.timeout_seconds or 30), 1)
    limit = conf.max_payload_bytes()
    request = urllib.request.Request(url, headers=source_request_headers(source), method="GET")  # noqa: S310
    started = time.monotonic()
    try:
        with _opener().open(request, timeout=timeout) as response:
            status = response.status
            declared = response.headers.get("Content-Length")
            content_type = response.headers.get("Content-Type", "")
            chunks: list[bytes] = []
            total = 0
            while True:
                if time.monotonic() - started > timeout:
                    raise FetchError(
                        _("The transfer took longer than %(seconds)s s.") % {"seconds": timeout},
                        transient=True,
                    )
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit:
                    raise FetchError(
                        _("The payload is larger than %(limit)s bytes.") % {"limit": limit}, transient=False
                    )
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        raise FetchError(
            _("The server answered HTTP %(status)s %(reason)s.") % {"status": exc.code, "reason": exc.reason},
            transient=exc.code in TRANSIENT_HTTP,
            http_status=exc.code,
        ) from exc
    except TimeoutError as exc:
        raise FetchError(_("No answer within %(seconds)s s.") % {"seconds": timeout}, transient=True) from exc
    except urllib.error.URLError as exc:
        raise FetchError(_("Could not connect: %(reason)s") % {"reason": exc.reason}, transient=True) from exc
    except (http.client.HTTPException, ConnectionError, OSError) as exc:
        raise FetchError(
            _("The connection failed during the transfer: %(error)s")
            % {"error": f"{type(exc).__name__}: {exc}"},
            transient=True,
        ) from exc
    body = b"".join(chunks)
    if declared is not None and declared.isdigit() and int(declared) != len(body):
        raise FetchError(
            _("The body was truncated: %(got)s of %(declared)s bytes arrived.")
            % {"got": len(body), "declared": declared},
            transient=True,
            http_status=status,
        )
    return Fetched(content=body, content_type=content_type, origin=url, http_status=status)


def drop_directory(source: Source) -> Path:
    """The source's drop folder, which must lie inside the drop root (no ``..`` escapes)."""
    root = conf.drop_root().resolve()
    folder = (root / source.directory).resolve()
    if folder != root and root not in folder.parents:
        raise FetchError(_("The drop folder must be inside %(root)s.") % {"root": root}, transient=False)
    return folder


def drop_files(folder: Path) -> list[Path]:
    """Files waiting in a drop folder, oldest first (hidden files are still being written)."""
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))
