"""The plan document: parsing JSON or YAML, validating it with errors that name the field path (and
the line), and writing a version back out as a document.

A document looks like this (YAML; the same keys in JSON)::

    code: zhuhai-flood                 # the plan's identity; a new import of the same code is a new version
    name: 珠海市防汛应急预案
    kind: special                       # overall | special | department | enterprise
    response_type: flood                # flood | waterlogging | wind | drought | freeze | general
    organisation: demo-bureau           # issuing organisation, by its code
    approved_at: 2025-04-01             # optional; filing_number and note too
    scope: {incident_types: [flood, rainstorm], districts: ["440402"]}   # empty districts = whole city
    units:                              # member units (成员单位)
      - {key: water, organisation: demo-water, duties: …, responsible: 张三, phone: "0756-1234567"}
    groups:                             # functional groups (工作组), led by a unit
      - {key: rescue, name: 抢险救援组, lead: fire, members: [water, police], duties: …}
    levels:
      - level: IV
        name: 防汛Ⅳ级应急响应
        trigger: {any: [{fact: rainstorm_warning_colour, op: ">=", value: yellow}]}   # see emergency.triggers
        actions:
          - {key: patrol, unit: water, text: 巡查水库山塘, deadline: 2h}        # or group: rescue

Deadlines are offsets from the moment the level starts: minutes as a number, or ``30m``, ``2h``,
``1d``, ``1h30m``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Organisation
from emergency.choices import PlanKind, ResponseLevel, ResponseType
from emergency.models import IncidentType
from emergency.triggers import rule_errors
from gis.models import AdminArea

MAX_DOCUMENT_BYTES = 512 * 1024
FORMATS = ("json", "yaml")
TOP_LEVEL_KEYS = (
    "code",
    "name",
    "kind",
    "response_type",
    "organisation",
    "approved_at",
    "filing_number",
    "note",
    "scope",
    "units",
    "groups",
    "levels",
)
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,24}$")
_OFFSET = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
MAX_DEADLINE_MINUTES = 30 * 24 * 60


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None
    code: str = "invalid"

    def text(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class PlanDocumentError(ValidationError):
    """The document cannot be read or is not a valid plan. ``problems`` lists each one with its field
    path (dotted, ``levels.0.actions.2.unit``) and line; as a ``ValidationError`` the paths are the
    field names, so the API reports them in its one error shape."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors: dict[str, list[ValidationError]] = {}
        for problem in problems:
            errors.setdefault(problem.path or "document", []).append(
                ValidationError(problem.text(), code=problem.code)
            )
        super().__init__(errors)


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases: ``*name`` could multiply a small file into a huge structure."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in plan files", event.start_mark
            )
        return super().compose_node(parent, index)


def _line_map(node: yaml.Node | None, path: str = "", out: dict[str, int] | None = None) -> dict[str, int]:
    """Field path → line (1-based) for every node of a composed YAML (or JSON) document."""
    out = {} if out is None else out
    if node is None:
        return out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            out[child] = key.start_mark.line + 1
            _line_map(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            child = f"{path}.{index}" if path else str(index)
            out[child] = value.start_mark.line + 1
            _line_map(value, child, out)
    return out


def _compose(text: str) -> tuple[Any, dict[str, int]]:
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, _line_map(node)


def plan_document_format(*, name: str = "", content_type: str = "", text: str = "") -> str:
    """Guess the format from a file name, a content type or, failing both, the first character."""
    name, content_type = name.lower(), content_type.lower()
    if name.endswith(".json") or "json" in content_type:
        return "json"
    if name.endswith((".yaml", ".yml")) or "yaml" in content_type:
        return "yaml"
    return "json" if text.lstrip().startswith("{") else "yaml"


def plan_document_parse(*, text: str | bytes, format: str) -> tuple[Any, dict[str, int]]:
    """Read a document; returns the data and a field path → line map. Syntax errors raise a
    ``PlanDocumentError`` whose problem carries the line (and the column in the message)."""
    if format not in FORMATS:
        raise PlanDocumentError(
            [Problem("format", _("Choose one of: %(values)s.") % {"values": ", ".join(FORMATS)})]
        )
    if isinstance(text, bytes):
        if len(text) > MAX_DOCUMENT_BYTES:
            raise PlanDocumentError([_too_large()])
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PlanDocumentError([Problem("", _("The file is not UTF-8 text."), code="syntax")]) from None
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise PlanDocumentError([_too_large()])
    if format == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            message = _("JSON syntax error: %(error)s (column %(column)d).") % {
                "error": exc.msg,
                "column": exc.colno,
            }
            raise PlanDocumentError([Problem("", message, exc.lineno, "syntax")]) from None
        try:
            _data, lines = _compose(text)  # JSON is YAML: the same composer finds the lines
        except yaml.YAMLError:
            lines = {}
        return data, lines
    try:
        return _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = _("YAML syntax error: %(error)s (column %(column)d).") % {
            "error": exc.problem or exc.context,
            "column": (mark.column + 1) if mark else 0,
        }
        raise PlanDocumentError([Problem("", message, mark.line + 1 if mark else None, "syntax")]) from None
    except yaml.YAMLError as exc:
        raise PlanDocumentError(
            [Problem("", _("YAML syntax error: %(error)s") % {"error": exc}, None, "syntax")]
        ) from None


def _too_large() -> Problem:
    return Problem(
        "", _("A plan file may be at most %(kb)d KB.") % {"kb": MAX_DOCUMENT_BYTES // 1024}, code="too_large"
    )


def deadline_minutes(value: Any) -> int | None:
    """Minutes from ``90``, ``"90"``, ``"30m"``, ``"2h"``, ``"1d"`` or ``"1h30m"``; None if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().lower().replace(" ", "")
    if text.isdigit():
        return int(text)
    match = _OFFSET.match(text)
    if not text or not match:
        return None
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return days * 1440 + hours * 60 + minutes


def deadline_text(minutes: int) -> str:
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    text = (f"{days}d" if days else "") + (f"{hours}h" if hours else "") + (f"{mins}m" if mins else "")
    return text or "0m"


class _Checker:
    def __init__(self, lines: dict[str, int]):
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: str) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if "." not in path:
                return self.lines.get("")
            path = path.rsplit(".", 1)[0]

    def add(self, path: str, message: str, code: str = "invalid") -> None:
        self.problems.append(Problem(path, message, self.line(path), code))

    def text(self, data: dict, key: str, path: str, *, required: bool = False, max_length: int = 0) -> str:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None or value == "":
            if required:
                self.add(where, _("This field is required."), "required")
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.add(where, _("Enter text."))
            return ""
        value = value.strip()
        if max_length and len(value) > max_length:
            self.add(where, _("At most %(n)d characters.") % {"n": max_length})
        return value

    def slug(self, data: dict, key: str, path: str) -> str:
        value = self.text(data, key, path, required=True)
        if value and not _SLUG.match(value):
            self.add(f"{path}.{key}" if path else key, _("Use letters, digits, - and _ only (at most 50)."))
        return value

    def choice(self, data: dict, key: str, path: str, choices: type) -> str:
        value = self.text(data, key, path, required=True)
        if value and value not in choices.values:
            self.add(
                f"{path}.{key}" if path else key,
                _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)},
                "invalid_choice",
            )
        return value

    def items(self, data: dict, key: str, path: str, *, required: bool = False) -> list:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                self.add(where, _("This field is required."), "required")
            return []
        if not isinstance(value, list):
            self.add(where, _("Enter a list."))
            return []
        if required and not value:
            self.add(where, _("Enter at least one entry."), "required")
        return value

    def mapping(self, value: Any, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, _("Enter an object (key: value)."))
            return None
        return value

    def unknown_keys(self, data: dict, path: str, allowed: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.add(
                    where,
                    _("Unknown field; expected one of: %(keys)s.") % {"keys": ", ".join(allowed)},
                    "unknown_field",
                )


def plan_document_validate(data: Any, *, lines: dict[str, int] | None = None) -> dict[str, Any]:
    """Check a parsed document and return its normal form (the shape ``plan_version_document``
    writes). Every problem is collected before ``PlanDocumentError`` is raised."""
    check = _Checker(lines or {})
    doc = check.mapping(data, "")
    if doc is None:
        raise PlanDocumentError(check.problems)
    check.unknown_keys(doc, "", TOP_LEVEL_KEYS)
    out: dict[str, Any] = {
        "code": check.slug(doc, "code", ""),
        "name": check.text(doc, "name", "", required=True, max_length=200),
        "kind": check.choice(doc, "kind", "", PlanKind),
        "response_type": check.choice(doc, "response_type", "", ResponseType),
        "organisation": check.text(doc, "organisation", "", required=True),
        "approved_at": None,
        "filing_number": check.text(doc, "filing_number", "", max_length=100),
        "note": check.text(doc, "note", ""),
    }
    if out["organisation"] and not Organisation.objects.filter(code=out["organisation"]).exists():
        check.add("organisation", _("No organisation has the code %(code)s.") % {"code": out["organisation"]})
    approved = doc.get("approved_at")
    if isinstance(approved, dt.datetime):
        approved = approved.date()
    if isinstance(approved, str) and approved:
        try:
            approved = dt.date.fromisoformat(approved)
        except ValueError:
            check.add("approved_at", _("Enter a date as YYYY-MM-DD."))
            approved = None
    if approved is not None and not isinstance(approved, dt.date):
        check.add("approved_at", _("Enter a date as YYYY-MM-DD."))
        approved = None
    out["approved_at"] = approved.isoformat() if approved else None

    out["scope"] = _scope(check, doc.get("scope"))
    out["units"] = units = _units(check, doc)
    unit_keys = {u["key"] for u in units}
    out["groups"] = groups = _groups(check, doc, unit_keys)
    out["levels"] = _levels(check, doc, unit_keys, {g["key"] for g in groups})
    if check.problems:
        raise PlanDocumentError(check.problems)
    return out


def _scope(check: _Checker, scope: Any) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {"incident_types": [], "districts": []}
    if scope is None:
        return result
    scope = check.mapping(scope, "scope")
    if scope is None:
        return result
    check.unknown_keys(scope, "scope", ("incident_types", "districts"))
    types = [str(t) for t in check.items(scope, "incident_types", "scope")]
    known = dict(IncidentType.objects.filter(code__in=types).values_list("code", "parent_id"))
    for index, code in enumerate(types):
        if code not in known:
            check.add(f"scope.incident_types.{index}", _("Unknown incident type %(code)s.") % {"code": code})
    districts = [str(d) for d in check.items(scope, "districts", "scope")]
    found = set(AdminArea.objects.filter(adcode__in=districts).values_list("adcode", flat=True))
    for index, adcode in enumerate(districts):
        if adcode not in found:
            check.add(f"scope.districts.{index}", _("Unknown district %(adcode)s.") % {"adcode": adcode})
    result["incident_types"] = list(dict.fromkeys(types))
    result["districts"] = list(dict.fromkeys(districts))
    return result


def _units(check: _Checker, doc: dict) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = []
    codes = [u.get("organisation") for u in doc.get("units") or [] if isinstance(u, dict)]
    organisations = dict(
        Organisation.objects.filter(code__in=[str(c) for c in codes if c]).values_list("code", "name")
    )
    seen: set[str] = set()
    for index, raw in enumerate(check.items(doc, "units", "", required=True)):
        path = f"units.{index}"
        unit = check.mapping(raw, path)
        if unit is None:
            continue
        check.unknown_keys(unit, path, ("key", "organisation", "name", "duties", "responsible", "phone"))
        key = check.slug(unit, "key", path)
        if key in seen:
            check.add(f"{path}.key", _("The key %(key)s is used twice.") % {"key": key}, "duplicate")
        seen.add(key)
        code = check.text(unit, "organisation", path, required=True)
        if code and code not in organisations:
            check.add(f"{path}.organisation", _("No organisation has the code %(code)s.") % {"code": code})
        phone = check.text(unit, "phone", path, max_length=30)
        if phone and not _PHONE.match(phone):
            check.add(f"{path}.phone", _("Enter a phone number (digits, spaces, - and a leading +)."))
        units.append(
            {
                "key": key,
                "organisation": code,
                "name": check.text(unit, "name", path, max_length=200) or organisations.get(code, ""),
                "duties": check.text(unit, "duties", path),
                "responsible": check.text(unit, "responsible", path, max_length=100),
                "phone": phone,
            }
        )
    return units


def _groups(check: _Checker, doc: dict, unit_keys: set[str]) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, raw in enumerate(check.items(doc, "groups", "")):
        path = f"groups.{index}"
        group = check.mapping(raw, path)
        if group is None:
            continue
        check.unknown_keys(group, path, ("key", "name", "lead", "members", "duties"))
        key = check.slug(group, "key", path)
        if key in seen:
            check.add(f"{path}.key", _("The key %(key)s is used twice.") % {"key": key}, "duplicate")
        seen.add(key)
        lead = check.text(group, "lead", path, required=True)
        if lead and lead not in unit_keys:
            check.add(f"{path}.lead", _("No member unit has the key %(key)s.") % {"key": lead})
        members = [str(m) for m in check.items(group, "members", path)]
        for m_index, member in enumerate(members):
            if member not in unit_keys:
                check.add(
                    f"{path}.members.{m_index}", _("No member unit has the key %(key)s.") % {"key": member}
                )
        groups.append(
            {
                "key": key,
                "name": check.text(group, "name", path, required=True, max_length=100),
                "lead": lead,
                "members": list(dict.fromkeys(members)),
                "duties": check.text(group, "duties", path),
            }
        )
    return groups


def _levels(check: _Checker, doc: dict, unit_keys: set[str], group_keys: set[str]) -> list[dict[str, Any]]:
    levels: list[dict[str, Any]] = []
    seen: set[str] = set()
    # The same action key at several levels is the same action: it must have the same assignee.
    assignee_of: dict[str, tuple[str, str]] = {}
    for index, raw in enumerate(check.items(doc, "levels", "", required=True)):
        path = f"levels.{index}"
        level = check.mapping(raw, path)
        if level is None:
            continue
        check.unknown_keys(level, path, ("level", "name", "description", "trigger", "actions"))
        code = check.choice(level, "level", path, ResponseLevel)
        if code in seen:
            check.add(
                f"{path}.level", _("Level %(level)s is described twice.") % {"level": code}, "duplicate"
            )
        seen.add(code)
        trigger = level.get("trigger")
        if trigger is not None:
            for where, message in rule_errors(trigger, f"{path}.trigger"):
                check.add(where, message)
        actions: list[dict[str, Any]] = []
        action_keys: set[str] = set()
        for a_index, raw_action in enumerate(check.items(level, "actions", path, required=True)):
            a_path = f"{path}.actions.{a_index}"
            action = check.mapping(raw_action, a_path)
            if action is None:
                continue
            check.unknown_keys(action, a_path, ("key", "unit", "group", "text", "deadline"))
            key = check.slug(action, "key", a_path)
            if key in action_keys:
                check.add(f"{a_path}.key", _("The key %(key)s is used twice.") % {"key": key}, "duplicate")
            action_keys.add(key)
            unit = check.text(action, "unit", a_path)
            group = check.text(action, "group", a_path)
            if bool(unit) == bool(group):
                check.add(a_path, _("Give either a unit or a group, not both or neither."))
            elif unit and unit not in unit_keys:
                check.add(f"{a_path}.unit", _("No member unit has the key %(key)s.") % {"key": unit})
            elif group and group not in group_keys:
                check.add(f"{a_path}.group", _("No group has the key %(key)s.") % {"key": group})
            elif key:
                assignee = ("unit", unit) if unit else ("group", group)
                if assignee_of.setdefault(key, assignee) != assignee:
                    check.add(
                        a_path,
                        _("Action %(key)s has another unit or group at another level; use a new key.")
                        % {"key": key},
                    )
            minutes = deadline_minutes(action.get("deadline"))
            if minutes is None or not 0 <= minutes <= MAX_DEADLINE_MINUTES:
                check.add(
                    f"{a_path}.deadline",
                    _("Enter a deadline such as 30m, 2h, 1d or a number of minutes (at most 30 days)."),
                )
            entry: dict[str, Any] = {"key": key}
            entry["unit" if unit else "group"] = unit or group
            entry["text"] = check.text(action, "text", a_path, required=True)
            entry["deadline"] = minutes or 0
            actions.append(entry)
        levels.append(
            {
                "level": code,
                "name": check.text(level, "name", path, required=True, max_length=200),
                "description": check.text(level, "description", path),
                "trigger": trigger,
                "actions": actions,
            }
        )
    levels.sort(
        key=lambda lv: ResponseLevel.values.index(lv["level"]) if lv["level"] in ResponseLevel.values else 9
    )
    return levels


def plan_document_dump(document: dict[str, Any], *, format: str) -> str:
    """Write a normal-form document as JSON or YAML, with deadlines in the ``2h`` form."""
    out = json.loads(json.dumps(document))
    for level in out.get("levels", []):
        for action in level.get("actions", []):
            action["deadline"] = deadline_text(action["deadline"])
    if format == "json":
        return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=100)
