"""The layer catalogue: every map layer is declared here once, by the app that owns its data.

Apps call ``layer_register(Layer(...))`` from ``AppConfig.ready()``. The one map and the big screen
build their layer tree and legend from ``layers_for_user``; tiles and GeoJSON are served from the same
declaration (``gis.selectors.layers``), so nothing about a layer lives in JavaScript.

A live layer is redrawn on every screen when its data changes: saves and deletes of its model are
noticed automatically, and services that write in bulk call ``layer_changed_on_commit(key)``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.contrib.admin.utils import quote
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from accounts.models import User
from accounts.selectors.organisations import user_role_codes
from core.realtime import broadcast_now

LAYERS_GROUP = "map.layers"
GEOMETRY_TYPES = ("point", "line", "polygon", "mixed")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


@dataclass(frozen=True)
class Style:
    """A fixed colour, or a colour chosen by the value of ``field`` (for example a warning level)."""

    colour: str = "#3388ff"
    field: str | None = None
    colours: Mapping[str, str] = dataclasses.field(default_factory=dict)
    labels: Mapping[str, Promise | str] = dataclasses.field(default_factory=dict)
    fill_opacity: float = 0.3
    weight: float = 2
    radius: float = 6
    icon: str = ""

    def as_json(self) -> dict:
        return {
            "colour": self.colour,
            "field": self.field,
            "colours": dict(self.colours),
            "fill_opacity": self.fill_opacity,
            "weight": self.weight,
            "radius": self.radius,
            "icon": self.icon,
        }

    def legend(self) -> list[dict]:
        if not self.field:
            return []
        return [
            {"value": value, "label": str(self.labels.get(value, value)), "colour": colour}
            for value, colour in self.colours.items()
        ]


@dataclass(frozen=True)
class Layer:
    key: str
    name: Promise | str
    group: Promise | str
    queryset: Callable[[], QuerySet]
    geometry_type: str
    style: Style = Style()
    geom_field: str = "geom"
    label_field: str = "name"
    # Extra attributes carried in tiles and GeoJSON (keep them few: they are paid for per feature).
    tile_fields: tuple[str, ...] = ()
    # Shown in a feature's popup.
    detail_fields: tuple[str, ...] = ()
    # Role codes that may see the layer; None means every signed-in user.
    roles: frozenset[str] | None = None
    # Narrows the queryset to what the user may see (organisation scope); None means no narrowing.
    scope: Callable[[QuerySet, User], QuerySet] | None = None
    min_zoom: int = 0
    live: bool = False
    visible: bool = True
    search_fields: tuple[str, ...] = ("name",)
    order: int = 100
    detail_url: Callable[[models.Model], str | None] | None = None

    @property
    def model(self) -> type[models.Model]:
        return self.queryset().model

    def attribute_fields(self) -> list[str]:
        """The fields carried per feature besides id, label and geometry."""
        names = [self.style.field, *self.tile_fields] if self.style.field else list(self.tile_fields)
        return list(dict.fromkeys(n for n in names if n))

    def url_for(self, obj: models.Model) -> str | None:
        if self.detail_url is not None:
            return self.detail_url(obj)
        opts = obj._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
        except NoReverseMatch:
            return None


_LAYERS: dict[str, Layer] = {}


def layer_register(layer: Layer) -> Layer:
    if not _KEY.match(layer.key):
        raise ValueError(f"layer key {layer.key!r} must be lower-case letters, digits and _")
    if layer.geometry_type not in GEOMETRY_TYPES:
        raise ValueError(f"layer {layer.key}: geometry_type must be one of {GEOMETRY_TYPES}")
    _LAYERS[layer.key] = layer
    if layer.live:
        receiver = _make_receiver(layer.key)
        post_save.connect(
            receiver, sender=layer.model, weak=False, dispatch_uid=f"layer-live-save-{layer.key}"
        )
        post_delete.connect(
            receiver, sender=layer.model, weak=False, dispatch_uid=f"layer-live-del-{layer.key}"
        )
    return layer


def _make_receiver(key: str) -> Callable[..., None]:
    def receiver(sender, **kwargs) -> None:
        layer_changed_on_commit(key)

    return receiver


def layer_get(key: str) -> Layer | None:
    return _LAYERS.get(key)


def layers_all() -> list[Layer]:
    return sorted(_LAYERS.values(), key=lambda layer: (layer.order, layer.key))


def layer_visible_to(layer: Layer, *, user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if layer.roles is None or user.is_superuser:
        return True
    return bool(user_role_codes(user=user) & set(layer.roles))


def layers_for_user(*, user: User) -> list[Layer]:
    return [layer for layer in layers_all() if layer_visible_to(layer, user=user)]


def layer_changed_on_commit(key: str) -> None:
    """Tell every map that layer ``key`` changed, once per transaction, after it commits."""
    connection = transaction.get_connection()
    # One message per layer and transaction, however many rows changed. Django drops pending
    # callbacks on rollback, so a rolled-back change announces nothing.
    if connection.in_atomic_block and any(
        getattr(func, "layer_key", None) == key for _sids, func, _robust in connection.run_on_commit
    ):
        return

    def announce() -> None:
        broadcast_now([LAYERS_GROUP], {"type": "layer.changed", "layer": key})

    announce.layer_key = key  # type: ignore[attr-defined]
    transaction.on_commit(announce)


# Higher apps add to the map pages' configuration (the live socket, its labels) without gis
# importing them: each provider takes the request and returns a dict merged into the page config.
# ``scripts`` and ``styles`` (lists of static paths) are concatenated rather than replaced, so each
# app can add its own panel script to the one map.
_MERGED_LISTS = ("scripts", "styles")
_PAGE_EXTRAS: list[Callable[[object], dict]] = []


def map_page_extra_register(provider: Callable[[object], dict]) -> Callable[[object], dict]:
    if provider not in _PAGE_EXTRAS:
        _PAGE_EXTRAS.append(provider)
    return provider


def map_page_extras(request) -> dict:
    extras: dict = {key: [] for key in _MERGED_LISTS}
    for provider in _PAGE_EXTRAS:
        extra = dict(provider(request))
        for key in _MERGED_LISTS:
            for item in extra.pop(key, ()):
                if item not in extras[key]:
                    extras[key].append(item)
        extras.update(extra)
    return extras
