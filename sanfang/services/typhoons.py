"""Storing storms, their fixes and forecasts, idempotently.

A fix is keyed on (storm, source, time), a forecast on (storm, agency, issued_at, valid_time): the
same track again writes nothing (all duplicates), a changed value replaces the stored one (a
source's correction) and counts as written. The class is derived from the maximum wind by
GB/T 19201-2006 (DOMAIN.md §2.2); the source's own class is kept only where it gives no wind, or
says extratropical. ``storm_track_stored`` is sent after the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.geos import Point
from django.db import transaction

from gis.catalogue import layer_changed_on_commit
from sanfang.choices import TcClass, TrackSource
from sanfang.models import Storm, StormFix, StormForecast
from sanfang.signals import storm_track_stored
from sanfang.typhoon_formats import FixRecord, ForecastRecord, StormTrack

STORM_FIXES_LAYER = "storm_fixes"
# Lower bounds of maximum 2-min mean wind (m/s) per class, GB/T 19201-2006 [V], strongest first.
TC_CLASS_MIN_WIND: tuple[tuple[float, str], ...] = (
    (51.0, TcClass.SUPER_TY),
    (41.5, TcClass.STY),
    (32.7, TcClass.TY),
    (24.5, TcClass.STS),
    (17.2, TcClass.TS),
    (10.8, TcClass.TD),
)
# Beaufort force → lower bound of its mean wind (m/s), for forces the signals name.
BEAUFORT_MIN_MS = {6: 10.8, 7: 13.9, 8: 17.2, 9: 20.8, 10: 24.5, 11: 28.5, 12: 32.7}


def tc_class_for(wind_ms: float | None, source_class: str = "") -> str:
    """The class of a storm from its maximum wind; the source's class when no wind is given."""
    if source_class == TcClass.EXTRATROPICAL:
        return TcClass.EXTRATROPICAL
    if wind_ms is None:
        return source_class or TcClass.UNKNOWN
    for minimum, tc_class in TC_CLASS_MIN_WIND:
        if wind_ms >= minimum:
            return tc_class
    return TcClass.UNKNOWN


def beaufort_from_ms(speed: float) -> int:
    """Beaufort force of a mean wind speed (m/s), 0–17 (China's extension above 12)."""
    bounds = [0.3, 1.6, 3.4, 5.5, 8.0, 10.8, 13.9, 17.2, 20.8, 24.5, 28.5, 32.7, 37.0, 41.5, 46.2, 51.0, 56.1]
    return sum(1 for b in bounds if speed >= b)


@dataclass(frozen=True)
class TrackStoreResult:
    storm: Storm
    written: int
    duplicate: int


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (a is not None and b is not None and abs(a - b) < 1e-6) or a is b is None
    return a == b


def storm_upsert(
    *,
    code: str,
    year: int,
    name: str = "",
    name_en: str = "",
    active: bool | None = None,
    synthetic: bool | None = None,
    landfall=None,
) -> Storm:
    """The storm of ``code``, created or completed: names a source leaves blank never erase names
    another source gave."""
    storm, _created = Storm.objects.get_or_create(code=code, defaults={"year": year})
    changed: list[str] = []
    for attr, value in (("name", name), ("name_en", name_en)):
        if value and getattr(storm, attr) != value:
            setattr(storm, attr, value)
            changed.append(attr)
    for attr, value in (("active", active), ("synthetic", synthetic)):
        if value is not None and getattr(storm, attr) != value:
            setattr(storm, attr, value)
            changed.append(attr)
    if landfall is not None and storm.landfall_time != landfall.time:
        storm.landfall_time = landfall.time
        storm.landfall_geom = Point(landfall.lng, landfall.lat, srid=4326)
        storm.landfall_place = landfall.place[:100]
        changed += ["landfall_time", "landfall_geom", "landfall_place"]
    if changed:
        storm.save(update_fields=[*changed, "updated_at"])
    return storm


def _fix_values(fix: FixRecord) -> dict:
    return {
        "geom": Point(fix.lng, fix.lat, srid=4326),
        "pressure_hpa": fix.pressure_hpa,
        "wind_ms": fix.wind_ms,
        "tc_class": tc_class_for(fix.wind_ms, fix.source_class),
        "move_dir": fix.move_dir,
        "move_speed_kmh": fix.move_speed_kmh,
        "radii": fix.radii,
    }


def _differs(row, values: dict) -> bool:
    for attr, value in values.items():
        old = getattr(row, attr)
        if attr == "geom":
            if abs(old.x - value.x) > 1e-7 or abs(old.y - value.y) > 1e-7:
                return True
        elif not _same(old, value):
            return True
    return False


def fixes_store(*, storm: Storm, source: str, fixes: list[FixRecord]) -> tuple[int, int]:
    """Store fixes of one source; returns (written, duplicate)."""
    if source not in TrackSource.values:
        raise ValueError(f"unknown track source {source!r}")
    by_time: dict[datetime, FixRecord] = {f.time: f for f in fixes}  # the last one given wins
    existing = {
        row.time: row
        for row in StormFix.objects.filter(
            storm=storm, source=source, time__in=list(by_time)
        ).select_for_update()
    }
    new, changed = [], []
    for time, fix in sorted(by_time.items()):
        values = _fix_values(fix)
        row = existing.get(time)
        if row is None:
            new.append(StormFix(storm=storm, source=source, time=time, **values))
        elif _differs(row, values):
            for attr, value in values.items():
                setattr(row, attr, value)
            changed.append(row)
    StormFix.objects.bulk_create(new)
    if changed:
        StormFix.objects.bulk_update(changed, list(_fix_values(fixes[0]).keys()))
    written = len(new) + len(changed)
    return written, len(fixes) - written


def _forecast_values(fc: ForecastRecord, synthetic: bool) -> dict:
    return {
        "geom": Point(fc.lng, fc.lat, srid=4326),
        "pressure_hpa": fc.pressure_hpa,
        "wind_ms": fc.wind_ms,
        "tc_class": tc_class_for(fc.wind_ms, fc.source_class),
        "synthetic": synthetic,
    }


def forecasts_store(
    *, storm: Storm, forecasts: list[ForecastRecord], synthetic: bool = False
) -> tuple[int, int]:
    """Store forecast positions; returns (written, duplicate)."""
    keyed = {(f.agency, f.issued_at, f.valid_time): f for f in forecasts}
    existing = {
        (row.agency, row.issued_at, row.valid_time): row
        for row in StormForecast.objects.filter(
            storm=storm, issued_at__in={k[1] for k in keyed}
        ).select_for_update()
    }
    new, changed = [], []
    for key, fc in keyed.items():
        values = _forecast_values(fc, synthetic)
        row = existing.get(key)
        if row is None:
            new.append(
                StormForecast(storm=storm, agency=key[0], issued_at=key[1], valid_time=key[2], **values)
            )
        elif _differs(row, values):
            for attr, value in values.items():
                setattr(row, attr, value)
            changed.append(row)
    StormForecast.objects.bulk_create(new)
    if changed:
        StormForecast.objects.bulk_update(
            changed, ["geom", "pressure_hpa", "wind_ms", "tc_class", "synthetic"]
        )
    written = len(new) + len(changed)
    return written, len(forecasts) - written


def _announce(storm_ids: list[int]) -> None:
    transaction.on_commit(lambda: storm_track_stored.send(sender=Storm, storm_ids=sorted(storm_ids)))
    layer_changed_on_commit(STORM_FIXES_LAYER)


@transaction.atomic
def storm_track_store(
    *, track: StormTrack, source: str, synthetic: bool | None = None, code: str | None = None
) -> TrackStoreResult:
    """Store one storm's track (the storm, its fixes, its forecasts) from one source.

    ``code`` stores the track under another storm code (the replay's copy storm).
    """
    storm = storm_upsert(
        code=code or track.code,
        year=track.year,
        name=track.name,
        name_en=track.name_en,
        active=track.active,
        synthetic=synthetic,
        landfall=track.landfall,
    )
    fw, fd = fixes_store(storm=storm, source=source, fixes=track.fixes)
    cw, cd = forecasts_store(storm=storm, forecasts=track.forecasts, synthetic=bool(synthetic))
    if fw or cw:
        _announce([storm.pk])
    return TrackStoreResult(storm=storm, written=fw + cw, duplicate=fd + cd)


@transaction.atomic
def storm_set_active(*, storm: Storm, active: bool) -> Storm:
    if storm.active != active:
        storm.active = active
        storm.save(update_fields=["active", "updated_at"])
        _announce([storm.pk])
    return storm


@transaction.atomic
def storm_replay_reset(*, storm: Storm) -> None:
    """Forget a replay copy's fixes and forecasts (only for synthetic storms: never a real track)."""
    if not storm.synthetic:
        raise ValueError(f"storm {storm.code} is not synthetic; its track is never deleted")
    StormFix.objects.filter(storm=storm).delete()
    StormForecast.objects.filter(storm=storm).delete()
    _announce([storm.pk])
