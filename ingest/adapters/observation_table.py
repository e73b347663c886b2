"""Observation tables (CSV, JSON or Excel) with a column mapping, into sanfang station readings.

Settings (all but ``station``, ``time`` and the values are optional)::

    {
      "format": "csv",                      # csv | json | excel
      "station": "站码",                     # column holding the station code
      "time": "时间",                        # column holding the observation time
      "time_format": "",                    # strptime format; "" = ISO 8601; "epoch_s" | "epoch_ms"
      # a long table: one value column, the variable and unit fixed or in columns
      "variable": "rain" | {"column": "要素", "map": {"RR": "rain", "WL": "water_level"}},
      "value": "值",
      "unit": "mm" | {"column": "单位"},
      # or a wide table: one column per variable (instead of variable/value/unit)
      "values": {"雨量": {"variable": "rain", "unit": "mm"}, "水位": {"variable": "water_level", "unit": "cm"}},
      "missing": ["", "-", "--", "***", "-999", "9999"],   # cells meaning "no value": skipped
      "trace": ["T", "Trace", "微量"],                      # a trace of rain: 0 with quality "trace"
      "ranges": {"rain": [0, 300]},                        # narrow or widen plausibility ranges
      "csv": {"delimiter": ",", "encoding": "utf-8-sig", "skip_rows": 0},
      "json": {"records": "data.rows"},                    # where the list of row objects is
      "excel": {"sheet": 0, "header_row": 1}
    }

Times without a zone are read in the source's time zone; times with one keep it. Every cell is
judged on its own: a row with a bad cell is quarantined with the reason, and the rows around it are
stored. A table that cannot be read at all (not CSV, no such column) fails the run.

Speed: every column is factorised first, so each distinct station code, time text or value text is
parsed once, not once per row (a day of minute data has 1,440 distinct times for 2.88 million rows).
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ingest import conf
from ingest.adapters import Adapter, AdapterContext, Batch, PayloadError, Reject, Stored, register
from sanfang.choices import VARIABLE_SPECS, ReadingQuality, Variable
from sanfang.selectors.stations import station_ids_by_code
from sanfang.services.readings import ReadingBatch, readings_upsert
from sanfang.units import UnknownUnit, unit_factor

DEFAULT_MISSING = ["", "-", "--", "***", "NA", "N/A", "null", "-999", "-9999", "9999", "99999"]
DEFAULT_TRACE = ["T", "Trace", "微量"]
_ROW = "__row__"  # the row's position in the payload (line, record or sheet row)
_RAW = "__raw__"  # a quarantined line that never became a table row


@dataclass
class ObservationRecords:
    """Typed readings of one batch, with station codes still to resolve, and where each came from.

    Stations and variables are codes into small lists of names (a day of minute data has 2.88 million
    rows but only a few thousand distinct stations), so no per-row Python objects are built.
    """

    station: np.ndarray  # int, index into station_names
    station_names: np.ndarray  # str
    variable: np.ndarray  # int16, index into variable_names
    variable_names: list[str]
    time: np.ndarray  # datetime64[us], UTC
    value: np.ndarray  # float64, canonical unit
    quality: np.ndarray  # int16
    row: np.ndarray  # index into frame
    frame: pd.DataFrame
    locator_label: str

    def __len__(self) -> int:
        return len(self.station)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def row_raw(frame: pd.DataFrame, index: int) -> str:
    """A row as a JSON object of its cells: readable, and enough to re-process it."""
    cells = {col: _text(frame.iat[index, i]) for i, col in enumerate(frame.columns) if col != _ROW}
    return json.dumps(cells, ensure_ascii=False)


def parse_times(texts: np.ndarray, *, fmt: str, zone) -> tuple[np.ndarray, np.ndarray]:
    """Parse distinct time texts into datetime64[us] UTC (NaT where a text is not a time), and say
    which texts are wall times that occur twice in ``zone`` (a daylight-saving fall-back hour).

    A text with a zone (``+08:00``, ``Z``) keeps it; one without is read in ``zone``. A wall time
    that does not exist in the zone (the hour skipped in spring) is taken as the first instant after
    the gap, which is what a clock there showed.
    """
    series = pd.Series(texts, dtype=object).map(_text).str.strip()
    no_double = np.zeros(len(series), dtype=bool)
    if fmt in ("epoch_s", "epoch_ms"):
        numbers = pd.to_numeric(series, errors="coerce")
        parsed = pd.to_datetime(numbers, unit="s" if fmt == "epoch_s" else "ms", utc=True, errors="coerce")
        return parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[us]"), no_double
    kwargs = {"format": fmt} if fmt else {"format": "ISO8601"}
    try:
        parsed = pd.to_datetime(series, errors="coerce", **kwargs)
    except (ValueError, TypeError):
        # Texts with and without zones, or several offsets: read each kind on its own.
        aware = series.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True, na=False).to_numpy()
        result = np.full(len(series), np.datetime64("NaT"), dtype="datetime64[us]")
        doubled = np.zeros(len(series), dtype=bool)
        if aware.any():
            zoned = pd.to_datetime(series[aware], errors="coerce", utc=True, **kwargs)
            result[aware] = zoned.dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
        if (~aware).any():
            result[~aware], doubled[~aware] = parse_times(series[~aware].to_numpy(), fmt=fmt, zone=zone)
        return result, doubled
    if getattr(parsed.dt, "tz", None) is not None:
        return parsed.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]"), no_double
    local = parsed.dt.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
    doubled = (local.isna() & parsed.notna()).to_numpy()
    return local.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]"), doubled


class _Checks:
    """The first failing reason of each reading of a batch, as small integer codes (0: none yet).

    A reason is a fixed text or a function of the row that builds it; it is built only for the rows
    that are rejected.
    """

    def __init__(self, size: int) -> None:
        self.code = np.zeros(size, dtype=np.int32)
        self.items: list[tuple[str | None, object]] = []

    def fail(self, mask: np.ndarray, text: str | None = None, build=None) -> None:
        target = mask & (self.code == 0)
        if target.any():
            self.items.append((text, build))
            self.code[target] = len(self.items)

    @property
    def ok(self) -> np.ndarray:
        return self.code == 0

    def reason(self, i: int) -> str:
        text, build = self.items[self.code[i] - 1]
        return text if text is not None else build(i)


@register
class ObservationTableAdapter(Adapter):
    name = "observation_table"
    label = gettext_lazy("Observation table (CSV, JSON, Excel) → station readings")
    default_settings = {
        "format": "csv",
        "time_format": "",
        "missing": DEFAULT_MISSING,
        "trace": DEFAULT_TRACE,
        "ranges": {},
        "csv": {"delimiter": ",", "encoding": "utf-8-sig", "skip_rows": 0},
        "json": {"records": ""},
        "excel": {"sheet": 0, "header_row": 1},
    }
    formats: tuple[str, ...] = ("csv", "json", "excel")

    # --- settings -------------------------------------------------------------------------------

    def clean_settings(self, settings: dict) -> dict:
        merged = {**self.default_settings, **(settings or {})}
        for part in ("csv", "json", "excel"):
            merged[part] = {**self.default_settings[part], **(merged.get(part) or {})}
        errors: list[str] = []
        if merged["format"] not in self.formats:
            errors.append(_("format must be one of %(formats)s.") % {"formats": ", ".join(self.formats)})
        for key in ("station", "time"):
            if not isinstance(merged.get(key), str) or not merged.get(key):
                errors.append(_("“%(key)s” must name a column.") % {"key": key})
        if merged.get("values"):
            if not isinstance(merged["values"], dict):
                errors.append(_("“values” must map column names to a variable and a unit."))
            else:
                for column, spec in merged["values"].items():
                    if not isinstance(spec, dict) or spec.get("variable") not in Variable.values:
                        errors.append(
                            _("Column “%(column)s”: “variable” must be one of %(variables)s.")
                            % {"column": column, "variables": ", ".join(Variable.values)}
                        )
                        continue
                    try:
                        unit_factor(variable=spec["variable"], unit=str(spec.get("unit", "")))
                    except UnknownUnit as exc:
                        errors.append(f"{column}: {exc}")
        else:
            if not isinstance(merged.get("value"), str) or not merged.get("value"):
                errors.append(_("Give “value” (a long table) or “values” (a wide table)."))
            variable = merged.get("variable")
            if isinstance(variable, str):
                if variable not in Variable.values:
                    errors.append(
                        _("“variable” must be one of %(variables)s.")
                        % {"variables": ", ".join(Variable.values)}
                    )
            elif isinstance(variable, dict) and variable.get("column"):
                bad = [v for v in (variable.get("map") or {}).values() if v not in Variable.values]
                if bad:
                    errors.append(
                        _("Unknown variables in the map: %(bad)s.") % {"bad": ", ".join(map(str, bad))}
                    )
            else:
                errors.append(_('“variable” must be a variable code or {"column": …, "map": {…}}.'))
            unit = merged.get("unit", "")
            if isinstance(unit, str) and isinstance(variable, str) and variable in Variable.values:
                try:
                    unit_factor(variable=variable, unit=unit)
                except UnknownUnit as exc:
                    errors.append(str(exc))
            elif not isinstance(unit, str | dict):
                errors.append(_('“unit” must be a unit or {"column": …}.'))
        for variable, bounds in (merged.get("ranges") or {}).items():
            if variable not in Variable.values or not (
                isinstance(bounds, list | tuple)
                and len(bounds) == 2
                and all(isinstance(b, int | float) for b in bounds)
            ):
                errors.append(_("“ranges” must map variables to [minimum, maximum]."))
        if errors:
            raise ValidationError(errors)
        return merged

    # --- reading the table --------------------------------------------------------------------

    def estimate_rows(self, payload: bytes, ctx: AdapterContext) -> int | None:
        if ctx.settings["format"] == "csv":
            return max(payload.count(b"\n") - 1 - int(ctx.settings["csv"].get("skip_rows") or 0), 0)
        return None

    def frames(self, payload: bytes, ctx: AdapterContext) -> Iterator[tuple[pd.DataFrame, list[Reject], str]]:
        """Yield (frame of text cells with a ``__row__`` column, rejects of unreadable lines, locator label)."""
        fmt = ctx.settings["format"]
        if fmt == "csv":
            yield from self._csv_frames(payload, ctx)
        elif fmt == "json":
            yield self._json_frame(payload, ctx), [], _("record %(n)s")
        else:
            yield self._excel_frame(payload, ctx), [], _("row %(n)s")

    def _csv_frames(self, payload: bytes, ctx: AdapterContext):
        options = ctx.settings["csv"]
        skip = int(options.get("skip_rows") or 0)
        encoding = options.get("encoding") or "utf-8-sig"
        first_data_line = skip + 2  # 1-based; the header line comes first
        bad_lines: list[int] = []
        lines: list[bytes] | None = None
        try:
            reader = pd.read_csv(
                io.BytesIO(payload),
                sep=options.get("delimiter") or ",",
                encoding=encoding,
                skiprows=skip,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                on_bad_lines="warn",
                chunksize=conf.batch_rows(),
                engine="c",
            )
            offset = 0
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                for chunk in reader:
                    new_bad = [_bad_line_number(w.message) for w in caught]
                    caught.clear()
                    new_bad = [n for n in new_bad if n is not None]
                    bad_lines.extend(new_bad)
                    bad_lines.sort()
                    line_numbers = first_data_line + offset + np.arange(len(chunk))
                    for bad in bad_lines:
                        line_numbers[line_numbers >= bad] += 1
                    offset += len(chunk)
                    chunk[_ROW] = line_numbers
                    rejects = []
                    if new_bad:
                        lines = lines if lines is not None else payload.splitlines()
                        rejects = [
                            Reject(
                                locator=_("line %(n)s") % {"n": n},
                                raw=lines[n - 1].decode(encoding, errors="replace")
                                if n <= len(lines)
                                else "",
                                reason=_("the line has a different number of fields from the header"),
                            )
                            for n in new_bad
                        ]
                    self._check_columns(chunk, ctx)
                    yield chunk, rejects, _("line %(n)s")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
            raise PayloadError(
                _("not a readable CSV table: %(error)s") % {"error": _first_line(exc)}
            ) from exc

    def _json_frame(self, payload: bytes, ctx: AdapterContext) -> pd.DataFrame:
        try:
            data = json.loads(payload.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PayloadError(_("not JSON: %(error)s") % {"error": _first_line(exc)}) from exc
        path = ctx.settings["json"].get("records") or ""
        records = data
        for part in [p for p in path.split(".") if p]:
            if not isinstance(records, dict) or part not in records:
                raise PayloadError(_("the JSON has no “%(path)s”") % {"path": path})
            records = records[part]
        if not isinstance(records, list):
            raise PayloadError(_("the JSON records are not a list"))
        rows = []
        for record in records:
            if isinstance(record, dict):
                rows.append({str(k): _cell(v) for k, v in record.items()})
            else:
                rows.append({_RAW: json.dumps(record, ensure_ascii=False)})
        frame = pd.DataFrame(rows, dtype=object).fillna("")
        frame[_ROW] = np.arange(1, len(frame) + 1)
        self._check_columns(frame, ctx)
        return frame

    def _excel_frame(self, payload: bytes, ctx: AdapterContext) -> pd.DataFrame:
        options = ctx.settings["excel"]
        header_row = int(options.get("header_row") or 1)
        try:
            frame = pd.read_excel(
                io.BytesIO(payload),
                sheet_name=options.get("sheet", 0),
                header=header_row - 1,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                engine="openpyxl",
            )
        except Exception as exc:
            raise PayloadError(
                _("not a readable Excel workbook: %(error)s") % {"error": _first_line(exc)}
            ) from exc
        frame = frame.astype(object)
        frame.columns = [str(c) for c in frame.columns]
        frame[_ROW] = header_row + 1 + np.arange(len(frame))
        self._check_columns(frame, ctx)
        return frame

    def _check_columns(self, frame: pd.DataFrame, ctx: AdapterContext) -> None:
        settings = ctx.settings
        needed = [settings["station"], settings["time"]]
        if settings.get("values"):
            needed.extend(settings["values"].keys())
        else:
            needed.append(settings["value"])
            if isinstance(settings.get("variable"), dict):
                needed.append(settings["variable"]["column"])
            if isinstance(settings.get("unit"), dict):
                needed.append(settings["unit"]["column"])
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise PayloadError(
                _("the table has no column %(columns)s (it has %(present)s)")
                % {
                    "columns": ", ".join(f"“{c}”" for c in missing),
                    "present": ", ".join(f"“{c}”" for c in frame.columns if c not in (_ROW, _RAW)),
                }
            )

    # --- validating -----------------------------------------------------------------------------

    def batches(self, payload: bytes, ctx: AdapterContext) -> Iterator[Batch]:
        for frame, line_rejects, label in self.frames(payload, ctx):
            yield self.validate(frame, ctx, label=label, extra_rejects=line_rejects)

    def validate(
        self, frame: pd.DataFrame, ctx: AdapterContext, *, label: str, extra_rejects: list[Reject] = ()
    ) -> Batch:
        """Turn a frame of text cells into typed readings, rejecting bad cells and skipping empty ones."""
        settings = ctx.settings
        rejects = list(extra_rejects)
        if _RAW in frame.columns:
            raw_rows = frame[_RAW].map(_text) != ""
            for index in np.flatnonzero(raw_rows.to_numpy()):
                rejects.append(
                    Reject(
                        locator=label % {"n": frame[_ROW].iat[index]},
                        raw=frame[_RAW].iat[index],
                        reason=_("the record is not an object of named cells"),
                    )
                )
            frame = frame[~raw_rows.to_numpy()].reset_index(drop=True)
        n_rows = len(frame)
        seen_extra = len(rejects)
        if n_rows == 0:
            return Batch(records=None, seen=seen_extra, rejects=rejects)

        # One reading per (row, value column): a wide table is melted into a long one. Variables,
        # units and value columns are codes into short lists of names.
        if settings.get("values"):
            columns = list(settings["values"].items())
            value_columns = [column for column, _spec in columns]
            row = np.tile(np.arange(n_rows), len(columns))
            column_index = np.repeat(np.arange(len(columns), dtype=np.int16), n_rows)
            value_text = np.concatenate([frame[column].to_numpy(dtype=object) for column in value_columns])
            variable_names = [spec["variable"] for _c, spec in columns]
            variable = column_index
            unit_names = [str(spec.get("unit", "")) for _c, spec in columns]
            unit = column_index
        else:
            value_columns = [settings["value"]]
            row = np.arange(n_rows)
            column_index = np.zeros(n_rows, dtype=np.int16)
            value_text = frame[settings["value"]].to_numpy(dtype=object)
            variable_setting = settings["variable"]
            if isinstance(variable_setting, dict):
                mapping = variable_setting.get("map") or {}
                codes, uniques = pd.factorize(
                    frame[variable_setting["column"]].to_numpy(dtype=object), use_na_sentinel=False
                )
                variable_names = [mapping.get(_text(u).strip(), _text(u).strip()) for u in uniques]
                variable = codes.astype(np.int16)
            else:
                variable_names = [variable_setting]
                variable = np.zeros(n_rows, dtype=np.int16)
            unit_setting = settings.get("unit", "")
            if isinstance(unit_setting, dict):
                codes, uniques = pd.factorize(
                    frame[unit_setting["column"]].to_numpy(dtype=object), use_na_sentinel=False
                )
                unit_names = [_text(u).strip() for u in uniques]
                unit = codes.astype(np.int16)
            else:
                unit_names = [str(unit_setting)]
                unit = np.zeros(n_rows, dtype=np.int16)
        size = len(row)
        checks = _Checks(size)

        # Station codes (each distinct code once).
        codes, uniques = pd.factorize(
            frame[settings["station"]].to_numpy(dtype=object), use_na_sentinel=False
        )
        station_names = np.array([_text(u).strip() for u in uniques], dtype=object)
        station = codes[row]
        checks.fail((station_names == "")[station], _("the station code is empty"))

        # Values: missing markers are skipped, trace markers are 0 with quality "trace".
        missing = {m.strip() for m in settings.get("missing") or []}
        trace = {t.strip().casefold() for t in settings.get("trace") or []}
        codes, uniques = pd.factorize(value_text, use_na_sentinel=False)
        texts = [_text(u).strip() for u in uniques]
        numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(
            dtype=np.float64, copy=True
        )
        is_missing = np.array([t in missing for t in texts], dtype=bool)
        is_trace = np.array([t.casefold() in trace for t in texts], dtype=bool)
        numbers[is_trace] = 0.0
        value = numbers[codes]
        skipped = is_missing[codes]
        quality = np.where(is_trace[codes], ReadingQuality.TRACE, ReadingQuality.GOOD).astype(np.int16)
        checks.fail(
            ~skipped & ~np.isfinite(value),
            build=lambda i: (
                _("value “%(value)s” in column “%(column)s” is not a number")
                % {"value": _text(value_text[i]), "column": value_columns[column_index[i]]}
            ),
        )

        # Variables and units: each distinct (variable, unit) pair is checked once.
        known = set(Variable.values)
        factors = np.ones((len(variable_names), len(unit_names)))
        pair = variable.astype(np.int32) * len(unit_names) + unit
        for code in np.unique(pair).tolist():
            v, u = divmod(code, len(unit_names))
            mask = pair == code
            name = variable_names[v]
            if name not in known:
                checks.fail(
                    mask, _("variable “%(variable)s” is not mapped to a known variable") % {"variable": name}
                )
                continue
            try:
                factors[v, u] = unit_factor(variable=name, unit=unit_names[u])
            except UnknownUnit as exc:
                checks.fail(mask, str(exc))
        value = value * factors[variable, unit]

        # Plausibility.
        ranges = settings.get("ranges") or {}
        for v, name in enumerate(variable_names):
            if name not in known:
                continue
            spec = VARIABLE_SPECS[name]
            low, high = ranges.get(name, (spec.minimum, spec.maximum))
            checks.fail(
                (variable == v) & ~skipped & np.isfinite(value) & ((value < low) | (value > high)),
                build=lambda i, name=name, spec=spec, low=low, high=high: (
                    _("%(variable)s %(value)s %(unit)s is outside the plausible range %(low)s–%(high)s")
                    % {
                        "variable": name,
                        "value": f"{value[i]:g}",
                        "unit": spec.unit,
                        "low": low,
                        "high": high,
                    }
                ),
            )

        # Times (parsed once per distinct text).
        time_column = frame[settings["time"]].to_numpy(dtype=object)
        codes, uniques = pd.factorize(time_column, use_na_sentinel=False)
        parsed, doubled = parse_times(uniques, fmt=settings.get("time_format") or "", zone=ctx.timezone)
        time = parsed[codes][row]
        checks.fail(
            doubled[codes][row],
            build=lambda i: (
                _("time “%(time)s” occurs twice in time zone %(zone)s (clocks went back); give its offset")
                % {"time": _text(time_column[row[i]]), "zone": ctx.timezone.key}
            ),
        )
        checks.fail(
            np.isnat(time),
            build=lambda i: (
                _("time “%(time)s” is not a date and time in the expected form")
                % {"time": _text(time_column[row[i]])}
            ),
        )

        # A reading skipped as empty is not rejected for its other cells.
        failed = ~checks.ok & ~skipped
        wide = bool(settings.get("values"))
        for i in np.flatnonzero(failed).tolist():
            rejects.append(
                Reject(
                    locator=label % {"n": frame[_ROW].iat[row[i]]}
                    + (f" · {value_columns[column_index[i]]}" if wide else ""),
                    raw=row_raw(frame, int(row[i])),
                    reason=checks.reason(i),
                )
            )
        good = checks.ok & ~skipped
        records = ObservationRecords(
            station=station[good],
            station_names=station_names,
            variable=variable[good],
            variable_names=variable_names,
            time=time[good],
            value=value[good],
            quality=quality[good],
            row=row[good],
            frame=frame,
            locator_label=label,
        )
        return Batch(records=records, seen=size + seen_extra, rejects=rejects, skipped=int(skipped.sum()))

    # --- storing ------------------------------------------------------------------------------

    def store(self, records: ObservationRecords | None, ctx: AdapterContext) -> Stored:
        if records is None or len(records) == 0:
            return Stored(written=0, duplicate=0)
        ids = station_ids_by_code(codes=records.station_names.tolist())
        lookup = np.array([ids.get(code, -1) for code in records.station_names], dtype=np.int64)
        station_id = lookup[records.station]
        unknown = station_id < 0
        rejects = [
            Reject(
                locator=records.locator_label % {"n": records.frame[_ROW].iat[records.row[i]]},
                raw=row_raw(records.frame, int(records.row[i])),
                reason=_("unknown or inactive station “%(code)s” (register it, then re-process)")
                % {"code": records.station_names[records.station[i]]},
            )
            for i in np.flatnonzero(unknown).tolist()
        ]
        known = ~unknown
        result = readings_upsert(
            batch=ReadingBatch(
                station_id=station_id[known],
                variable=records.variable[known],
                variables=records.variable_names,
                time=records.time[known],
                value=records.value[known],
                quality=records.quality[known],
            )
        )
        return Stored(written=result.written, duplicate=result.duplicate, rejects=rejects)

    def reprocess_payload(self, raws: list[str]) -> bytes:
        return json.dumps([_as_record(raw) for raw in raws], ensure_ascii=False).encode()

    def reprocess_settings(self, settings: dict) -> dict:
        """Quarantined rows come back as JSON objects whatever the source's format was."""
        return {**settings, "format": "json", "json": {"records": ""}}


def _as_record(raw: str):
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    return value if isinstance(value, dict) else raw


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _bad_line_number(message) -> int | None:
    text = str(message)
    if text.startswith("Skipping line "):
        number = text[len("Skipping line ") :].split(":", 1)[0]
        if number.isdigit():
            return int(number)
    return None


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
