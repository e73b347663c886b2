"""The Wenzhou typhoon network's per-storm JSON (``typhoon_<name>_<number>_wztf*.json``) into a
storm, its fixes with wind radii per quadrant, its landfall and its forecasts.

Times without an offset are read in the source's time zone (the network publishes Beijing time;
``ingest_file`` defaults to Asia/Shanghai). Reading is ``sanfang.typhoon_formats.read_wztf``;
storing is ``sanfang.services.typhoons.storm_track_store``. A point that cannot be read is
quarantined with its storm's number and names. No settings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.utils.translation import gettext_lazy

from ingest.adapters import Adapter, AdapterContext, Batch, PayloadError, Stored, register
from ingest.adapters.typhoon_cma import track_batch, tracks_store
from sanfang.choices import TrackSource
from sanfang.typhoon_formats import StormTrack, TrackFormatError, read_wztf


@register
class WztfTyphoonAdapter(Adapter):
    name = "typhoon_wztf"
    label = gettext_lazy(
        "Typhoon track JSON with wind radii (Wenzhou typhoon network) → storms, fixes, forecasts"
    )

    def batches(self, payload: bytes, ctx: AdapterContext) -> Iterator[Batch]:
        try:
            tracks = read_wztf(payload, zone=ctx.timezone)
        except TrackFormatError as exc:
            raise PayloadError(str(exc)) from exc
        yield track_batch(tracks)

    def store(self, records: list[StormTrack], ctx: AdapterContext) -> Stored:
        return tracks_store(records, TrackSource.WZTF)

    def reprocess_payload(self, raws: list[str]) -> bytes:
        storms: dict[str, dict] = {}
        for raw in raws:
            try:
                item = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict) and "tfbh" in item:
                storm = storms.setdefault(str(item["tfbh"]), {**item, "points": []})
                storm["points"].extend(item.get("points") or [])
        return json.dumps(list(storms.values()), ensure_ascii=False).encode()
