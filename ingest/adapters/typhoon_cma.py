"""CMA tropical-cyclone best track (``CHyyyyBST.txt``) into storms and their fixes.

The text holds a header line per storm (``66666 YYNN CCC DDDD EEEE F G NAME DATE``) and its track
lines (``YYYYMMDDHH I LAT LONG PRES WND [OWD]``, UTC, 0.1°). Reading is ``sanfang.typhoon_formats``;
storing, idempotent per (storm, source, time), is ``sanfang.services.typhoons.storm_track_store``.
A line that cannot be read is quarantined with its storm's header line. No settings.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ingest.adapters import Adapter, AdapterContext, Batch, PayloadError, Reject, Stored, register
from sanfang.choices import TrackSource
from sanfang.services.typhoons import storm_track_store
from sanfang.typhoon_formats import StormTrack, TrackFormatError, read_cma_bst


def track_batch(tracks: list[StormTrack]) -> Batch:
    """One batch of storm tracks: the storms with a code, every problem as a rejected record."""
    rejects = [Reject(locator=p.locator, raw=p.raw, reason=p.reason) for t in tracks for p in t.problems]
    return Batch(records=[t for t in tracks if t.code], seen=sum(t.seen for t in tracks), rejects=rejects)


def tracks_store(tracks: list[StormTrack], source: str) -> Stored:
    written = duplicate = 0
    for track in tracks:
        result = storm_track_store(track=track, source=source)
        written += result.written
        duplicate += result.duplicate
    return Stored(written=written, duplicate=duplicate)


@register
class CmaBestTrackAdapter(Adapter):
    name = "typhoon_cma_bst"
    label = gettext_lazy("CMA tropical-cyclone best track (CHyyyyBST.txt) → storms and fixes")

    def batches(self, payload: bytes, ctx: AdapterContext) -> Iterator[Batch]:
        try:
            text = payload.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PayloadError(_("not a text file: %(error)s") % {"error": exc}) from exc
        try:
            tracks = read_cma_bst(text)
        except TrackFormatError as exc:
            raise PayloadError(str(exc)) from exc
        yield track_batch(tracks)

    def store(self, records: list[StormTrack], ctx: AdapterContext) -> Stored:
        return tracks_store(records, TrackSource.CMA_BST)

    def reprocess_payload(self, raws: list[str]) -> bytes:
        return "\n".join(raws).encode()
