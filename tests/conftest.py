"""Shared fixtures: role personas on real PostGIS, and the shared data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = Path(os.environ.get("SHARED_DATA_DIR", settings.SHARED_DATA_DIR))
    if not path.is_dir():
        pytest.skip(f"shared data folder {path} is absent (CI always has it)")
    return path
