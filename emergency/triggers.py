"""Trigger conditions as data: a small rule language evaluated against a dict of facts.

A rule is JSON (or the same structure in YAML)::

    {"all": [{"fact": "typhoon_warning_colour", "op": ">=", "value": "orange"},
             {"fact": "rain_3h_mm", "op": ">=", "value": 50}]}

- ``{"all": [rule, …]}`` – every rule holds; ``{"any": [rule, …]}`` – at least one; ``{"not": rule}``.
- ``{"fact": name, "op": op, "value": v}`` with ``op`` one of ``== != > >= < <=`` and, for lists,
  ``in`` / ``not_in``. Facts on an ordered scale (warning colours, response levels, tropical-cyclone
  classes) compare by their rank on that scale, so ``"orange" >= "yellow"`` holds.
- A fact that is not given makes its condition false (no reading is not a reading over the threshold).

Nothing is executed: rules are walked as data, with limits on depth and size. ``FACTS`` is the
vocabulary: a rule may only name these facts, and the facts handed in are checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Ordered scales, least severe first.
SCALES: dict[str, tuple[str, ...]] = {
    # Guangdong adds white below blue (typhoon); a missing warning is simply an absent fact.
    "colour": ("white", "blue", "yellow", "orange", "red"),
    "response_level": ("IV", "III", "II", "I"),
    # GB/T 19201-2006 tropical-cyclone classes.
    "tc_class": ("TD", "TS", "STS", "TY", "STY", "SuperTY"),
}
NUMBER = "number"
BOOLEAN = "boolean"
COMPARISONS = ("==", "!=", ">", ">=", "<", "<=")
MEMBERSHIP = ("in", "not_in")
OPERATORS = COMPARISONS + MEMBERSHIP
MAX_DEPTH = 8
MAX_NODES = 200
_SYMBOLS = {"==": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤", "in": "∈", "not_in": "∉"}


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str  # NUMBER, BOOLEAN or a key of SCALES
    label: Promise
    unit: str = ""
    minimum: float | None = None


FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact("typhoon_warning_colour", "colour", gettext_lazy("Typhoon warning signal colour")),
        Fact("rainstorm_warning_colour", "colour", gettext_lazy("Rainstorm warning signal colour")),
        Fact("geohazard_warning_colour", "colour", gettext_lazy("Geological hazard warning colour")),
        Fact("storm_surge_warning_colour", "colour", gettext_lazy("Storm surge warning colour")),
        Fact("tc_class", "tc_class", gettext_lazy("Tropical cyclone class")),
        Fact("landfall_hours", NUMBER, gettext_lazy("Forecast hours to landfall"), "h", 0),
        Fact(
            "typhoon_distance_km",
            NUMBER,
            gettext_lazy("Distance from the storm centre to the city"),
            "km",
            0,
        ),
        Fact(
            "approach_hours",
            NUMBER,
            gettext_lazy("Forecast hours to the storm's nearest approach or landfall"),
            "h",
            0,
        ),
        Fact(
            "typhoon_wind_force_here",
            NUMBER,
            gettext_lazy("Wind force the storm's wind circles bring to the city (Beaufort)"),
            "",
            0,
        ),
        Fact("rain_1h_mm", NUMBER, gettext_lazy("Rainfall in 1 h"), "mm", 0),
        Fact("rain_3h_mm", NUMBER, gettext_lazy("Rainfall in 3 h"), "mm", 0),
        Fact("rain_6h_mm", NUMBER, gettext_lazy("Rainfall in 6 h"), "mm", 0),
        Fact("rain_12h_mm", NUMBER, gettext_lazy("Rainfall in 12 h"), "mm", 0),
        Fact("rain_24h_mm", NUMBER, gettext_lazy("Rainfall in 24 h"), "mm", 0),
        Fact(
            "water_level_over_warning_m",
            NUMBER,
            gettext_lazy("Highest water level above its warning level"),
            "m",
        ),
        Fact(
            "reservoirs_over_flood_limit", NUMBER, gettext_lazy("Reservoirs above flood limit level"), "", 0
        ),
        Fact("waterlogging_points", NUMBER, gettext_lazy("Waterlogging points reported"), "", 0),
        Fact("stations_over_warning", NUMBER, gettext_lazy("Stations over their warning level"), "", 0),
        Fact("stations_over_danger", NUMBER, gettext_lazy("Stations over their danger level"), "", 0),
        Fact(
            "geohazard_points_orange_or_red",
            NUMBER,
            gettext_lazy("Hazard points at orange or red landslide warning"),
            "",
            0,
        ),
        Fact("drought_days", NUMBER, gettext_lazy("Days without effective rainfall"), "d", 0),
        Fact("min_temperature_c", NUMBER, gettext_lazy("Lowest forecast temperature"), "°C"),
        Fact(
            "districts_with_red_rainstorm",
            NUMBER,
            gettext_lazy("Districts under a red rainstorm warning"),
            "",
            0,
        ),
        Fact("deaths", NUMBER, gettext_lazy("Deaths"), "", 0),
        Fact("incident_level", "response_level", gettext_lazy("Incident level")),
        Fact("dam_danger", BOOLEAN, gettext_lazy("A dam or dike is in danger")),
    )
}


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _value_error(fact: Fact, value: Any) -> str | None:
    """Why ``value`` is not a valid value of ``fact`` (None when it is)."""
    if fact.kind == NUMBER:
        if not _is_number(value):
            return _("%(fact)s needs a number.") % {"fact": fact.name}
        if fact.minimum is not None and value < fact.minimum:
            return _("%(fact)s cannot be below %(minimum)s.") % {"fact": fact.name, "minimum": fact.minimum}
        return None
    if fact.kind == BOOLEAN:
        return None if isinstance(value, bool) else _("%(fact)s needs true or false.") % {"fact": fact.name}
    scale = SCALES[fact.kind]
    if value not in scale:
        return _("%(fact)s must be one of: %(values)s.") % {"fact": fact.name, "values": ", ".join(scale)}
    return None


def rule_errors(rule: Any, path: str = "trigger") -> list[tuple[str, str]]:
    """Every problem of a rule as ``(field path, message)``; an empty list means the rule is valid."""
    errors: list[tuple[str, str]] = []
    count = [0]

    def walk(node: Any, where: str, depth: int) -> None:
        count[0] += 1
        if count[0] > MAX_NODES:
            if count[0] == MAX_NODES + 1:
                errors.append((where, _("A rule may have at most %(n)d conditions.") % {"n": MAX_NODES}))
            return
        if depth > MAX_DEPTH:
            errors.append((where, _("A rule may be nested at most %(n)d deep.") % {"n": MAX_DEPTH}))
            return
        if not isinstance(node, dict):
            errors.append((where, _("A rule must be an object with all, any, not or fact.")))
            return
        keys = set(node)
        if keys & {"all", "any", "not"} and len(keys) != 1:
            errors.append((where, _("Use either all, any, not or fact in one rule, alone.")))
            return
        if keys & {"all", "any"}:
            (name,) = keys
            children = node[name]
            if not isinstance(children, list) or not children:
                errors.append(
                    (f"{where}.{name}", _("%(name)s needs a non-empty list of rules.") % {"name": name})
                )
                return
            for index, child in enumerate(children):
                walk(child, f"{where}.{name}.{index}", depth + 1)
            return
        if keys == {"not"}:
            walk(node["not"], f"{where}.not", depth + 1)
            return
        if "fact" not in keys:
            errors.append((where, _("A rule must be an object with all, any, not or fact.")))
            return
        unknown = keys - {"fact", "op", "value"}
        if unknown:
            errors.append(
                (where, _("Unknown keys in a condition: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
            )
        fact = FACTS.get(node["fact"]) if isinstance(node["fact"], str) else None
        if fact is None:
            errors.append((f"{where}.fact", _("Unknown fact %(fact)s.") % {"fact": node["fact"]}))
            return
        op = node.get("op")
        if op not in OPERATORS:
            errors.append(
                (f"{where}.op", _("The operator must be one of: %(ops)s.") % {"ops": " ".join(OPERATORS)})
            )
            return
        if op in (">", ">=", "<", "<=") and fact.kind == BOOLEAN:
            errors.append((f"{where}.op", _("true/false facts only compare with == or !=.")))
            return
        if "value" not in node:
            errors.append((f"{where}.value", _("A condition needs a value.")))
            return
        value = node["value"]
        if op in MEMBERSHIP:
            if not isinstance(value, list) or not value:
                errors.append((f"{where}.value", _("in and not_in need a non-empty list.")))
                return
            for index, item in enumerate(value):
                message = _value_error(fact, item)
                if message:
                    errors.append((f"{where}.value.{index}", message))
            return
        message = _value_error(fact, value)
        if message:
            errors.append((f"{where}.value", message))

    walk(rule, path, 0)
    return errors


def facts_clean(facts: Any) -> dict[str, Any]:
    """Check facts handed in against the vocabulary; raises ``ValidationError`` naming each bad fact."""
    if not isinstance(facts, dict):
        raise ValidationError({"facts": _("Facts must be an object of name: value.")})
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, value in facts.items():
        fact = FACTS.get(name)
        if fact is None:
            errors[f"facts.{name}"] = _("Unknown fact %(fact)s.") % {"fact": name}
            continue
        if value is None:
            continue  # "no reading" is the same as leaving the fact out
        message = _value_error(fact, value)
        if message:
            errors[f"facts.{name}"] = message
        else:
            clean[name] = value
    if errors:
        raise ValidationError(errors)
    return clean


def _rank(fact: Fact, value: Any) -> Any:
    return SCALES[fact.kind].index(value) if fact.kind in SCALES else value


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    if op == "<":
        return left < right
    return left <= right


def _describe(fact: Fact, given: Any, op: str, value: Any) -> str:
    """ "Rainfall in 3 h: 62 mm ≥ 50 mm"."""
    unit = f" {fact.unit}" if fact.unit else ""
    if isinstance(value, list):
        return f"{fact.label}: {given} {_SYMBOLS[op]} [{', '.join(str(v) for v in value)}]"
    return f"{fact.label}: {given}{unit} {_SYMBOLS[op]} {value}{unit}"


def rule_evaluate(rule: dict, facts: dict[str, Any]) -> tuple[bool, list[str]]:
    """Whether a valid rule holds for the facts, and the conditions that made it hold (or, for
    ``not``, the negated condition that did not)."""
    if "all" in rule:
        reasons: list[str] = []
        for child in rule["all"]:
            ok, why = rule_evaluate(child, facts)
            if not ok:
                return False, []
            reasons.extend(why)
        return True, reasons
    if "any" in rule:
        reasons = []
        for child in rule["any"]:
            ok, why = rule_evaluate(child, facts)
            if ok:
                reasons.extend(why)
        # Every condition that holds gives a reason, so no reason means none held.
        return bool(reasons), reasons
    if "not" in rule:
        ok, _why = rule_evaluate(rule["not"], facts)
        if ok:
            return False, []
        return True, [_("not (%(rule)s)") % {"rule": rule_text(rule["not"])}]
    fact = FACTS[rule["fact"]]
    if rule["fact"] not in facts:
        return False, []
    given, op, value = facts[rule["fact"]], rule["op"], rule["value"]
    if op in MEMBERSHIP:
        inside = given in value
        ok = inside if op == "in" else not inside
    else:
        ok = _compare(op, _rank(fact, given), _rank(fact, value))
    return ok, [_describe(fact, given, op, value)] if ok else []


def rule_text(rule: dict) -> str:
    """A readable one-line form of a rule, in the active language."""
    if "all" in rule or "any" in rule:
        joiner, children = (" ∧ ", rule["all"]) if "all" in rule else (" ∨ ", rule["any"])
        return joiner.join(
            f"({rule_text(c)})" if ("all" in c or "any" in c) else rule_text(c) for c in children
        )
    if "not" in rule:
        return f"¬({rule_text(rule['not'])})"
    fact = FACTS[rule["fact"]]
    value = rule["value"]
    if isinstance(value, list):
        return f"{fact.label} {_SYMBOLS[rule['op']]} [{', '.join(str(v) for v in value)}]"
    unit = f" {fact.unit}" if fact.unit else ""
    return f"{fact.label} {_SYMBOLS[rule['op']]} {value}{unit}"


def facts_vocabulary() -> list[dict[str, Any]]:
    """The facts a rule may use, for the API and the docs."""
    return [
        {
            "name": f.name,
            "label": str(f.label),
            "type": f.kind if f.kind in (NUMBER, BOOLEAN) else "scale",
            "scale": list(SCALES[f.kind]) if f.kind in SCALES else None,
            "unit": f.unit,
            "minimum": f.minimum,
        }
        for f in FACTS.values()
    ]
