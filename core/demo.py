"""A registry of demo-data loaders. Each app registers its own from AppConfig.ready(), so the
``load_demo`` command (in core, the lowest layer) never imports a domain app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class DemoContext:
    say: Callable[[str], None]
    reset_passwords: bool = False


DemoLoad = Callable[[DemoContext], None]


@dataclass(frozen=True)
class DemoLoader:
    order: int
    name: str
    load: DemoLoad


_LOADERS: dict[str, DemoLoader] = {}


def register_demo_loader(name: str, *, order: int) -> Callable[[DemoLoad], DemoLoad]:
    """Decorator for ``load(ctx)``, which must be idempotent: running it twice duplicates nothing."""

    def decorator(func: DemoLoad) -> DemoLoad:
        _LOADERS[name] = DemoLoader(order=order, name=name, load=func)
        return func

    return decorator


def demo_loaders() -> list[DemoLoader]:
    return sorted(_LOADERS.values(), key=lambda loader: (loader.order, loader.name))
