"""Live facts for the trigger rules (``emergency.triggers``), gathered from the 三防 data.

Each part of the app (monitoring, typhoons, hazard points, warnings) registers a provider: a function
``(at) -> dict`` returning the facts it knows, by the names of ``emergency.triggers.FACTS``. A fact
nobody can give is simply absent, and a rule over an absent fact is false.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from emergency.triggers import facts_clean

logger = logging.getLogger(__name__)

FactProvider = Callable[[dt.datetime], dict[str, Any]]
_PROVIDERS: list[FactProvider] = []


def fact_provider(provider: FactProvider) -> FactProvider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def live_facts(*, at: dt.datetime | None = None) -> dict[str, Any]:
    """Every provider's facts at ``at`` (now by default), checked against the vocabulary."""
    at = at or timezone.now()
    facts: dict[str, Any] = {}
    for provider in _PROVIDERS:
        facts.update(provider(at))
    return facts_clean(facts)
