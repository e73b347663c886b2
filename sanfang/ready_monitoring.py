"""Wiring of the 三防 monitoring part, imported by ``SanfangConfig.ready`` (receivers, layers, panels, providers).

- After each stored batch of readings (``readings_stored``, sent after commit) the statuses of its
  stations are recomputed, here or in a Celery task (``SANFANG_STATUS_REFRESH_ASYNC``).
- A periodic task in django-celery-beat re-judges every station (created after ``migrate``).
- A station saved (its levels) or a rainfall threshold or signal rule edited re-judges at once.
- ``station_statuses_changed`` redraws the stations layer; the big-screen panel listens itself.
- The trigger facts of the stations, and the station panel script on the one map.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext as _

from gis.catalogue import layer_changed_on_commit, map_page_extra_register
from sanfang.facts import fact_provider
from sanfang.layers import STATIONS_LAYER
from sanfang.models import RainfallThreshold, RainstormSignalRule, Station
from sanfang.signals import readings_stored, station_statuses_changed


def _refresh(station_ids: list[int] | None) -> None:
    if settings.SANFANG_STATUS_REFRESH_ASYNC:
        from sanfang.tasks import sanfang_refresh_station_statuses

        sanfang_refresh_station_statuses.delay(station_ids)
        return
    from sanfang.services.monitoring import station_statuses_refresh

    station_statuses_refresh(station_ids=station_ids)


def _refresh_after_readings(sender, *, station_ids: list[int], **kwargs) -> None:
    _refresh(list(station_ids))


def _refresh_after_station_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    # New warning or danger levels judge the station again at once (after the edit commits).
    if not raw:
        transaction.on_commit(lambda: _refresh([instance.pk]))


def _refresh_after_rules_changed(sender, raw: bool = False, **kwargs) -> None:
    # A rainfall threshold or signal rule edited in the admin re-judges every station.
    if not raw:
        transaction.on_commit(lambda: _refresh(None))


def _redraw_layer(sender, *, changed_ids: list[int], **kwargs) -> None:
    if changed_ids:
        layer_changed_on_commit(STATIONS_LAYER)


def _periodic_task(sender, **kwargs) -> None:
    from sanfang.services.monitoring import monitoring_periodic_tasks_ensure

    monitoring_periodic_tasks_ensure()


@fact_provider
def station_facts(at: dt.datetime) -> dict:
    from sanfang.selectors.monitoring import monitoring_facts

    return monitoring_facts(at=at)


def _map_page(request) -> dict:
    # ECharts first: the station panel draws its chart with it. The words of the panel come from here
    # so that they are translated with the rest of the site.
    if not request.user.has_perm("sanfang.view_station"):
        return {}
    return {
        "scripts": ["vendor/echarts/echarts.min.js", "js/sanfang-stations.js"],
        "styles": ["css/sanfang-stations.css"],
        "sanfang_stations": {
            "layer": STATIONS_LAYER,
            "text": {
                "title": _("Station"),
                "close": _("Close"),
                "loading": _("Loading…"),
                "error": _("The station could not be loaded."),
                "no_readings": _("No readings in the last 24 hours."),
                "recent": _("Last 24 hours"),
                "state": _("State"),
                "reason": _("Reason"),
                "latest": _("Latest value"),
                "trend": _("Trend"),
                "signal": _("Rainstorm signal"),
                "rain": _("Rolling rainfall (mm)"),
                "warning": _("Warning level"),
                "danger": _("Danger level"),
                "none": _("None"),
            },
        },
    }


readings_stored.connect(_refresh_after_readings, dispatch_uid="sanfang-monitoring-refresh")
post_save.connect(_refresh_after_station_saved, sender=Station, dispatch_uid="sanfang-monitoring-station")
for _model in (RainfallThreshold, RainstormSignalRule):
    post_save.connect(
        _refresh_after_rules_changed, sender=_model, dispatch_uid=f"sanfang-monitoring-{_model.__name__}"
    )
    post_delete.connect(
        _refresh_after_rules_changed, sender=_model, dispatch_uid=f"sanfang-monitoring-del-{_model.__name__}"
    )
station_statuses_changed.connect(_redraw_layer, dispatch_uid="sanfang-monitoring-layer")
post_migrate.connect(
    _periodic_task, sender=apps.get_app_config("sanfang"), dispatch_uid="sanfang-monitoring-periodic"
)
map_page_extra_register(_map_page)
