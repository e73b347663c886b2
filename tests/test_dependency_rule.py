"""Apps depend one way: core → accounts → gis → emergency → {sanfang, forestfire, enterprise_safety} → ingest.

A lower app never imports a higher one (nor a sibling at the same level)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

LEVELS = {
    "core": 0,
    "accounts": 1,
    "gis": 2,
    "emergency": 3,
    "sanfang": 4,
    "forestfire": 4,
    "enterprise_safety": 4,
    "ingest": 5,
}


def imported_apps(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in LEVELS)
    return found


def violations(root: Path) -> list[str]:
    problems = []
    for app, level in LEVELS.items():
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for other in imported_apps(path.read_text(encoding="utf-8")):
                if other != app and LEVELS[other] >= level:
                    problems.append(f"{path.relative_to(root)} imports {other}")
    return problems


def test_no_app_imports_a_higher_app():
    assert violations(Path(settings.BASE_DIR)) == []


@pytest.mark.parametrize(
    ("app", "source", "bad"),
    [
        ("accounts", "from gis.models import AdminArea\n", True),
        ("gis", "import emergency.services\n", True),
        ("sanfang", "from forestfire import models\n", True),  # siblings stay apart
        ("ingest", "from sanfang.models import Station\nfrom core import crypto\n", False),
        ("core", "from django.contrib.gis.db import models\n", False),  # Django's gis is not ours
    ],
)
def test_the_rule_catches_an_upward_import(tmp_path, app, source, bad):
    for name in LEVELS:
        (tmp_path / name).mkdir()
    (tmp_path / app / "module.py").write_text(source, encoding="utf-8")
    assert bool(violations(tmp_path)) is bad
