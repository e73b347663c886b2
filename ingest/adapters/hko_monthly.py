"""Hong Kong Observatory monthly climate elements (the ``stn.data[].monthData`` JSON) into readings.

The file holds one table per element (``RF`` rainfall, ``TEMP``, ``MSLP``, …): a row per year with
the twelve monthly values as padded text, ``***`` for missing and ``Trace`` for a trace. It is
reshaped into a long table and goes through the observation-table pipeline (validation, quarantine,
bulk storage). Only the elements named in the settings are read.

Settings::

    {"station_code": "HKO-HQ", "elements": {"RF": {"variable": "rain_month", "unit": "mm"}}}
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ingest.adapters import AdapterContext, PayloadError, Reject, register
from ingest.adapters.observation_table import _ROW, ObservationTableAdapter
from sanfang.choices import Variable

DEFAULT_ELEMENTS = {"RF": {"variable": Variable.RAIN_MONTH, "unit": "mm"}}


@register
class HkoMonthlyAdapter(ObservationTableAdapter):
    name = "hko_monthly"
    label = gettext_lazy("HKO monthly climate elements (JSON) → station readings")
    formats = ("hko", "json")
    default_settings = {
        **ObservationTableAdapter.default_settings,
        "format": "hko",
        "station_code": "HKO-HQ",
        "elements": DEFAULT_ELEMENTS,
        "missing": ["", "***"],
        "trace": ["Trace"],
    }

    def clean_settings(self, settings: dict) -> dict:
        merged = {**self.default_settings, **(settings or {})}
        elements = merged["elements"]
        if not isinstance(elements, dict) or not elements:
            raise ValidationError(_("“elements” must map HKO element codes to a variable and a unit."))
        if not isinstance(merged["station_code"], str) or not merged["station_code"].strip():
            raise ValidationError(_("“station_code” must name the station the readings belong to."))
        merged.update(
            station="station",
            time="time",
            time_format="%Y-%m",
            variable={
                "column": "element",
                "map": {code: spec.get("variable") for code, spec in elements.items()},
            },
            value="value",
            unit={"column": "unit"},
        )
        merged.pop("values", None)
        return super().clean_settings(merged)

    def estimate_rows(self, payload: bytes, ctx: AdapterContext) -> int | None:
        return None

    def frames(self, payload: bytes, ctx: AdapterContext) -> Iterator[tuple[pd.DataFrame, list[Reject], str]]:
        if ctx.settings["format"] == "json":  # re-processing: rows come back as JSON objects
            yield from super().frames(payload, ctx)
            return
        try:
            data = json.loads(payload.decode("utf-8-sig"))
            tables = data["stn"]["data"]
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise PayloadError(
                _("not an HKO climate-elements JSON (stn.data): %(error)s") % {"error": exc}
            ) from exc
        if not isinstance(tables, list):
            raise PayloadError(
                _("not an HKO climate-elements JSON (stn.data): %(error)s") % {"error": "not a list"}
            )
        elements = ctx.settings["elements"]
        station = ctx.settings["station_code"].strip()
        rows: list[dict] = []
        rejects: list[Reject] = []
        for table in tables:
            code = table.get("code") if isinstance(table, dict) else None
            if code not in elements:
                continue
            unit = str(elements[code].get("unit", ""))
            for line in table.get("monthData") or []:
                if not isinstance(line, list) or len(line) != 13:
                    rejects.append(
                        Reject(
                            locator=f"{code}",
                            raw=json.dumps(line, ensure_ascii=False),
                            reason=_("a year row must hold the year and 12 monthly values"),
                        )
                    )
                    continue
                year = str(line[0]).strip()
                for month in range(1, 13):
                    rows.append(
                        {
                            "station": station,
                            "time": f"{year}-{month:02d}",
                            "element": code,
                            "value": "" if line[month] is None else str(line[month]),
                            "unit": unit,
                            _ROW: f"{code} {year}-{month:02d}",
                        }
                    )
        frame = pd.DataFrame(
            rows, columns=["station", "time", "element", "value", "unit", _ROW], dtype=object
        )
        yield frame, rejects, "%(n)s"
