"""The adapter registry: adapters register themselves by name; a new adapter is one new module here.

Every module of this package is imported by ``autodiscover()`` (from ``IngestConfig.ready()``) and
registers its class with ``@register``.
"""

from __future__ import annotations

import importlib
import pkgutil

from ingest.adapters.base import (
    Adapter,
    AdapterConfigError,
    AdapterContext,
    Batch,
    PayloadError,
    Reject,
    Stored,
)

__all__ = [
    "Adapter",
    "AdapterConfigError",
    "AdapterContext",
    "AdapterNotFound",
    "Batch",
    "PayloadError",
    "Reject",
    "Stored",
    "adapter_choices",
    "adapter_get",
    "autodiscover",
    "register",
]

_ADAPTERS: dict[str, Adapter] = {}


class AdapterNotFound(KeyError):
    pass


def register(cls: type[Adapter]) -> type[Adapter]:
    if cls.name in _ADAPTERS and type(_ADAPTERS[cls.name]) is not cls:
        raise ValueError(f"adapter {cls.name!r} is registered twice")
    _ADAPTERS[cls.name] = cls()
    return cls


def adapter_get(name: str) -> Adapter:
    try:
        return _ADAPTERS[name]
    except KeyError:
        raise AdapterNotFound(name) from None


def adapter_choices() -> list[tuple[str, str]]:
    return sorted(((name, str(a.label)) for name, a in _ADAPTERS.items()), key=lambda c: c[0])


def autodiscover() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
