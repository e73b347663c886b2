"""Temporary minimal version; the full hash-chained implementation replaces it."""

from __future__ import annotations

from typing import Any


def audit_record(**kwargs: Any) -> None:
    return None
