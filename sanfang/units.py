"""Units the feeds use, converted to each variable's canonical unit (``VARIABLE_SPECS``).

Unit names are matched without regard to case or spaces, so ``km/h``, ``KM/H`` and ``km / h`` agree.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanfang.choices import VARIABLE_SPECS

# canonical unit -> {unit as written: factor to multiply by}
_FACTORS: dict[str, dict[str, float]] = {
    "mm": {"mm": 1.0, "毫米": 1.0, "0.1mm": 0.1, "cm": 10.0, "厘米": 10.0, "in": 25.4},
    "m": {"m": 1.0, "米": 1.0, "cm": 0.01, "厘米": 0.01, "mm": 0.001, "毫米": 0.001, "ft": 0.3048},
    "m3/s": {"m3/s": 1.0, "m³/s": 1.0, "立方米/秒": 1.0, "l/s": 0.001},
    "10^4 m3": {"10^4 m3": 1.0, "10^4m3": 1.0, "万立方米": 1.0, "万m3": 1.0, "m3": 1e-4, "10^6 m3": 100.0},
    "m/s": {
        "m/s": 1.0,
        "米/秒": 1.0,
        "km/h": 1 / 3.6,
        "公里/小时": 1 / 3.6,
        "kt": 0.514444,
        "kn": 0.514444,
        "knot": 0.514444,
        "knots": 0.514444,
        "mph": 0.44704,
    },
    "deg": {"deg": 1.0, "°": 1.0, "degree": 1.0, "degrees": 1.0, "度": 1.0},
    "hPa": {"hpa": 1.0, "mb": 1.0, "mbar": 1.0, "百帕": 1.0, "kpa": 10.0, "pa": 0.01},
    "°C": {"°c": 1.0, "c": 1.0, "℃": 1.0, "degc": 1.0, "摄氏度": 1.0},
    "%": {"%": 1.0, "percent": 1.0},
}


class UnknownUnit(ValueError):
    pass


def _key(unit: str) -> str:
    return "".join(unit.split()).casefold()


_LOOKUP = {canonical: {_key(name): f for name, f in table.items()} for canonical, table in _FACTORS.items()}


def unit_factor(*, variable: str, unit: str) -> float:
    """The factor that turns a value in ``unit`` into ``variable``'s canonical unit.

    A blank unit means the canonical one. Raises UnknownUnit (with a readable message) otherwise.
    """
    canonical = VARIABLE_SPECS[variable].unit
    if not unit.strip() or _key(unit) == _key(canonical):
        return 1.0
    factor = _LOOKUP[canonical].get(_key(unit))
    if factor is None:
        raise UnknownUnit(
            _("unit “%(unit)s” is not known for %(variable)s (expected %(canonical)s)")
            % {"unit": unit, "variable": variable, "canonical": canonical}
        )
    return factor
