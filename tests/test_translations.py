"""Chinese is the default language and the catalogue is complete: every string a user sees is
translated, and the catalogue is up to date with the code (English is the source language)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP = {".venv", "node_modules", "staticfiles", ".var", ".git", "tests", "bench", "test-artifacts"}


def catalogues(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("locale/zh_Hans/LC_MESSAGES/django.po")
        if not SKIP & set(p.relative_to(root).parts)
    )


def msgids(paths: list[Path]) -> set[str]:
    return {entry.msgid for path in paths for entry in polib.pofile(str(path)) if not entry.obsolete}


def test_catalogues_exist():
    assert ROOT / "locale/zh_Hans/LC_MESSAGES/django.po" in catalogues(ROOT)


@pytest.mark.parametrize("path", catalogues(ROOT), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {path}"
    assert fuzzy == [], f"fuzzy in {path}"


def test_catalogues_are_up_to_date(tmp_path):
    """Extract the strings afresh from a copy of the code: none may be missing from the catalogues."""

    def ignore(directory, names):
        return [n for n in names if n in SKIP or n.endswith((".pyc", ".mo"))]

    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=ignore)
    for po in catalogues(copy):
        po.unlink()  # start from nothing: what makemessages finds is what the code needs
    env = {**os.environ, "PYTHONPATH": str(copy), "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    needed = msgids(catalogues(copy))
    missing = sorted(needed - msgids(catalogues(ROOT)))
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing[:20])
