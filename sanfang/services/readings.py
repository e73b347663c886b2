"""Storing readings in bulk: binary COPY into a temporary table, then one upsert per batch.

Never one INSERT (let alone one ``save()``) per reading: a day of minute readings from 2,000
stations is 2.88 million rows (PERFORMANCE.md §0.3, bench/README-ingest.md).

The upsert is idempotent on the natural key (station, variable, time): a row already stored with the
same value and quality is a duplicate and changes nothing; a row with a new value or quality
replaces the stored one (a bureau's correction) and counts as written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC

import numpy as np
import pandas as pd
from django.db import connection, transaction

from sanfang.choices import Variable
from sanfang.models import Reading
from sanfang.signals import readings_stored

# PostgreSQL's binary timestamps count microseconds from 2000-01-01 00:00 UTC.
_PG_EPOCH_US = 946_684_800 * 1_000_000
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
_COPY_TRAILER = b"\xff\xff"
_STAGE = "sanfang_reading_stage"


@dataclass
class ReadingBatch:
    """Readings as columns (numpy arrays of equal length), the shape bulk storage wants.

    ``variable`` holds indexes into ``variables`` (the variable codes), so that millions of rows carry
    no per-row strings; ``ReadingBatch.of`` builds one from plain columns. ``time`` is
    ``datetime64[us]`` in UTC (no zone attached); ``value`` is in the variable's canonical unit
    (``sanfang.choices.VARIABLE_SPECS``).
    """

    station_id: np.ndarray  # int64
    variable: np.ndarray  # int, index into variables
    variables: list[str]
    time: np.ndarray  # datetime64[us], UTC
    value: np.ndarray  # float64
    quality: np.ndarray  # int16

    @classmethod
    def of(cls, *, station_id, variable, time, value, quality=None) -> ReadingBatch:
        """From plain columns; ``variable`` may be one code for every row."""
        station_id = np.asarray(station_id, dtype=np.int64)
        n = len(station_id)
        if isinstance(variable, str):
            codes, names = np.zeros(n, dtype=np.int16), [variable]
        else:
            codes, uniques = pd.factorize(np.asarray(variable, dtype=object))
            names = [str(u) for u in uniques]
        return cls(
            station_id=station_id,
            variable=codes,
            variables=names,
            time=np.asarray(time, dtype="datetime64[us]"),
            value=np.asarray(value, dtype=np.float64),
            quality=np.zeros(n, dtype=np.int16) if quality is None else np.asarray(quality, dtype=np.int16),
        )

    def __len__(self) -> int:
        return len(self.station_id)

    def check(self) -> None:
        n = len(self.station_id)
        if not all(len(col) == n for col in (self.variable, self.time, self.value, self.quality)):
            raise ValueError("reading columns differ in length")
        if self.time.dtype != np.dtype("datetime64[us]"):
            raise ValueError("time must be datetime64[us] in UTC")
        if np.isnat(self.time).any() or not np.isfinite(self.value).all():
            raise ValueError("readings need a time and a finite value")
        used = {self.variables[i] for i in np.unique(self.variable).tolist()} if n else set()
        unknown = used - set(Variable.values)
        if unknown:
            raise ValueError(f"unknown variables {sorted(unknown)}")


@dataclass(frozen=True)
class ReadingUpsertResult:
    written: int
    duplicate: int


def _sorted_unique(batch: ReadingBatch) -> tuple[ReadingBatch, int]:
    """The batch in key order with one row per key (the last one given wins), and how many were dropped.

    Key order also makes the upsert walk the primary key's index in order instead of at random.
    """
    # Two codes may name the same variable (a feed's "RR" and "P" both mapped to rain): merge them.
    names, remap = np.unique(np.asarray(batch.variables, dtype=object), return_inverse=True)
    variable = remap.astype(np.int16)[batch.variable]
    times = batch.time.astype(np.int64)
    # lexsort sorts by the last key first; the row number keeps the given order among equal keys.
    order = np.lexsort((np.arange(len(batch)), times, variable, batch.station_id))
    sid, var, tim = batch.station_id[order], variable[order], times[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = (sid[1:] != sid[:-1]) | (var[1:] != var[:-1]) | (tim[1:] != tim[:-1])
    keep = order[last]
    result = ReadingBatch(
        station_id=batch.station_id[keep],
        variable=variable[keep],
        variables=[str(name) for name in names],
        time=batch.time[keep],
        value=batch.value[keep],
        quality=batch.quality[keep],
    )
    return result, len(batch) - len(keep)


def _copy_payload(batch: ReadingBatch) -> bytes:
    """PostgreSQL binary COPY rows for (station_id, variable, time, value, quality).

    Every field but ``variable`` has a fixed width, so one numpy record type per variable code builds
    the rows of that code in a single pass, without a Python loop over readings.
    """
    parts = [_COPY_HEADER]
    micros = batch.time.astype(np.int64) - _PG_EPOCH_US
    for index in np.unique(batch.variable).tolist():
        mask = batch.variable == index
        encoded = batch.variables[index].encode()
        rows = np.empty(
            int(mask.sum()),
            dtype=np.dtype(
                [
                    ("fields", ">i2"),
                    ("l_station", ">i4"),
                    ("station", ">i8"),
                    ("l_variable", ">i4"),
                    ("variable", f"S{len(encoded)}"),
                    ("l_time", ">i4"),
                    ("time", ">i8"),
                    ("l_value", ">i4"),
                    ("value", ">f8"),
                    ("l_quality", ">i4"),
                    ("quality", ">i2"),
                ]
            ),
        )
        rows["fields"] = 5
        rows["l_station"], rows["station"] = 8, batch.station_id[mask]
        rows["l_variable"], rows["variable"] = len(encoded), encoded
        rows["l_time"], rows["time"] = 8, micros[mask]
        rows["l_value"], rows["value"] = 8, batch.value[mask]
        rows["l_quality"], rows["quality"] = 2, batch.quality[mask]
        parts.append(rows.tobytes())
    parts.append(_COPY_TRAILER)
    return b"".join(parts)


@transaction.atomic
def readings_upsert(*, batch: ReadingBatch) -> ReadingUpsertResult:
    """Store a batch of readings in one transaction and return how many were written and how many
    were duplicates (already stored unchanged, or repeated within the batch).

    Station ids must exist (the caller resolves codes with ``sanfang.selectors.stations``).
    """
    batch.check()
    if len(batch) == 0:
        return ReadingUpsertResult(written=0, duplicate=0)
    unique, _repeated = _sorted_unique(batch)
    table = Reading._meta.db_table
    with connection.cursor() as cursor:
        # A temporary table lives in this session only and writes no WAL; ON COMMIT DROP removes it.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} ("
            "station_id bigint, variable varchar(20), time timestamptz, value double precision, "
            "quality smallint) ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {_STAGE}")
        cursor.copy_expert(
            f"COPY {_STAGE} FROM STDIN WITH (FORMAT binary)", io.BytesIO(_copy_payload(unique))
        )
        # Only constant identifiers are spliced in.
        cursor.execute(
            f"INSERT INTO {table} AS r (station_id, variable, time, value, quality) "  # noqa: S608
            f"SELECT station_id, variable, time, value, quality FROM {_STAGE} "
            "ON CONFLICT (station_id, variable, time) DO UPDATE "
            "SET value = EXCLUDED.value, quality = EXCLUDED.quality "
            "WHERE (r.value, r.quality) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.quality)"
        )
        written = cursor.rowcount
    if written:
        station_ids = np.unique(unique.station_id).tolist()
        variables = sorted({unique.variables[i] for i in np.unique(unique.variable).tolist()})
        time_min = unique.time.min().item()
        time_max = unique.time.max().item()

        def announce() -> None:
            readings_stored.send(
                sender=Reading,
                station_ids=station_ids,
                variables=variables,
                time_min=time_min.replace(tzinfo=UTC),
                time_max=time_max.replace(tzinfo=UTC),
            )

        transaction.on_commit(announce)
    return ReadingUpsertResult(written=written, duplicate=len(batch) - written)
