"""The store of received CAP warnings: natural keys, supersession, expiry, alerts, map layer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from emergency.bigscreen import panels_render
from emergency.models import Alert, ReceivedWarning, WarningArea
from emergency.models.warnings import WarningState
from emergency.selectors.warnings import warning_areas_active, warnings_active, warnings_visible
from emergency.services.warnings import (
    CapArea,
    CapInfo,
    CapMessage,
    CapReference,
    area_geometry,
    info_colour,
    warning_receive,
    warnings_expire_due,
)
from gis.catalogue import layer_get
from gis.selectors.layers import layer_geojson

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
# A square over district B (斗门, 113.20–113.30 E, 22.20–22.30 N in the personas fixture), as CAP lat,lon.
SQUARE_B = ((22.21, 113.21), (22.21, 113.29), (22.29, 113.29), (22.29, 113.21), (22.21, 113.21))


def info(severity="Moderate", expires=NOW + timedelta(hours=6), areas=(), **kwargs):
    return CapInfo(
        event="暴雨",
        urgency="Expected",
        severity=severity,
        certainty="Likely",
        categories=("Met",),
        headline=kwargs.pop("headline", "斗门区暴雨黄色预警"),
        expires=expires,
        areas=areas,
        **kwargs,
    )


def message(
    identifier="w1", sent=NOW - timedelta(minutes=5), msg_type="Alert", references=(), infos=None, **kw
):
    return CapMessage(
        identifier=identifier,
        sender="44040041600000",
        sent=sent,
        status=kw.pop("status", "Actual"),
        msg_type=msg_type,
        scope=kw.pop("scope", "Public"),
        xml="<alert/>",
        references=references,
        infos=infos if infos is not None else (info(areas=(CapArea("斗门区", polygons=(SQUARE_B,)),)),),
        **kw,
    )


def test_a_message_is_stored_once_by_its_natural_key(personas):
    first = warning_receive(message=message(), now=NOW)
    again = warning_receive(message=message(), now=NOW)
    assert first.created and not again.created
    assert again.warning.pk == first.warning.pk
    assert ReceivedWarning.objects.count() == 1
    assert Alert.objects.filter(kind="warning").count() == 1
    # Another sent time is another message.
    warning_receive(message=message(sent=NOW - timedelta(minutes=1)), now=NOW)
    assert ReceivedWarning.objects.count() == 2


def test_a_warning_in_force_raises_a_warning_alert_for_the_districts_it_covers(personas):
    warning = warning_receive(message=message(), now=NOW).warning
    assert warning.state == WarningState.ACTIVE
    assert warning.colour == "yellow" and warning.severity == "Moderate"
    alert = warning.alert
    assert (alert.kind, alert.level, alert.title) == ("warning", "yellow", "斗门区暴雨黄色预警")
    assert alert.targets == ["citywide", "district:440403"]
    assert alert.source_model == "receivedwarning" and alert.source_id == str(warning.pk)
    # The big screen's "active warnings by colour" counts it.
    pie = next(p for p in panels_render(user=personas.commander) if p["key"] == "active_warnings")
    assert {s["name"]: s["value"] for s in pie["data"]["series"]}["黄色"] == 1


def test_an_update_supersedes_what_it_references_and_moves_the_alert(personas):
    first = warning_receive(message=message(), now=NOW).warning
    ref = CapReference("44040041600000", "w1", first.sent)
    update = warning_receive(
        message=message(
            identifier="w2",
            sent=NOW,
            msg_type="Update",
            references=(ref,),
            infos=(
                info(
                    severity="Severe",
                    headline="斗门区暴雨橙色预警",
                    areas=(CapArea("斗门区", polygons=(SQUARE_B,)),),
                ),
            ),
        ),
        now=NOW,
    ).warning
    first.refresh_from_db()
    assert first.state == WarningState.SUPERSEDED and first.superseded_by == update
    assert first.alert.cleared_at is not None
    assert update.state == WarningState.ACTIVE and update.alert.level == "orange"
    assert list(warnings_active(now=NOW)) == [update]


def test_a_cancel_ends_the_warning_and_raises_nothing(personas):
    first = warning_receive(message=message(), now=NOW).warning
    cancel = warning_receive(
        message=message(
            identifier="w-cancel",
            sent=NOW,
            msg_type="Cancel",
            references=(CapReference("44040041600000", "w1", first.sent),),
            infos=(),
        ),
        now=NOW,
    ).warning
    first.refresh_from_db()
    assert first.state == WarningState.CANCELLED and first.superseded_by == cancel
    assert cancel.state == WarningState.INACTIVE and cancel.alert is None
    assert not Alert.objects.filter(kind="warning", cleared_at__isnull=True).exists()
    assert not warnings_active(now=NOW).exists()


def test_a_referenced_message_that_arrives_late_is_superseded_at_once(personas):
    original_sent = NOW - timedelta(minutes=30)
    warning_receive(
        message=message(
            identifier="w2",
            sent=NOW,
            msg_type="Update",
            references=(CapReference("44040041600000", "w1", original_sent),),
        ),
        now=NOW,
    )
    late = warning_receive(message=message(sent=original_sent), now=NOW).warning
    assert late.state == WarningState.SUPERSEDED and late.superseded_by.identifier == "w2"
    assert late.alert is None
    assert Alert.objects.filter(kind="warning", cleared_at__isnull=True).count() == 1


def test_expiry_clears_the_alert(personas):
    warning = warning_receive(message=message(), now=NOW).warning
    assert warnings_expire_due(now=NOW + timedelta(hours=5)) == 0
    assert warnings_expire_due(now=NOW + timedelta(hours=7)) == 1
    warning.refresh_from_db()
    assert warning.state == WarningState.EXPIRED and warning.alert.cleared_at is not None
    assert warnings_expire_due(now=NOW + timedelta(hours=8)) == 0


def test_a_warning_without_expiry_ends_after_the_default_lifetime(personas, settings):
    settings.WARNINGS_DEFAULT_LIFETIME_HOURS = 2
    warning = warning_receive(message=message(infos=(info(expires=None),)), now=NOW).warning
    assert warning.expires is None and warning.ends_at == warning.sent + timedelta(hours=2)


def test_old_tests_and_all_clears_are_stored_but_not_in_force(personas):
    three_days_ago = NOW - timedelta(days=3)
    old = warning_receive(
        message=message(
            identifier="old", sent=three_days_ago, infos=(info(expires=three_days_ago + timedelta(hours=6)),)
        ),
        now=NOW,
    ).warning
    test = warning_receive(message=message(identifier="t", status="Test"), now=NOW).warning
    clear = warning_receive(
        message=message(identifier="c", infos=(info(response_types=("AllClear",)),)), now=NOW
    ).warning
    exercise = warning_receive(message=message(identifier="x", status="Exercise"), now=NOW).warning
    assert old.state == WarningState.EXPIRED and old.alert is None
    assert test.state == clear.state == WarningState.INACTIVE
    assert exercise.state == WarningState.ACTIVE and exercise.alert.drill


def test_warnings_outside_the_city_raise_no_alert_unless_asked(personas):
    far = (CapArea("悉尼", circles=((-33.86, 151.21, 20.0),)),)
    stored = warning_receive(message=message(identifier="far", infos=(info(areas=far),)), now=NOW).warning
    assert stored.state == WarningState.ACTIVE and stored.alert is None
    asked = warning_receive(
        message=message(identifier="far2", infos=(info(areas=far),)), now=NOW, alert_outside_city=True
    ).warning
    assert asked.alert.targets == ["all"]
    # No geometry at all: everyone is told.
    nowhere = warning_receive(
        message=message(identifier="n", infos=(info(areas=(CapArea("全国"),)),)), now=NOW
    )
    assert nowhere.warning.alert.targets == ["all"]


def test_a_circle_becomes_a_polygon_of_its_radius(db):
    geom = area_geometry(CapArea("圆", circles=((22.25, 113.55, 10.0),)))
    assert geom.geom_type == "MultiPolygon"
    # 10 km radius: about 0.09° of latitude north and south of the centre.
    _west, south, _east, north = geom.extent
    assert north - 22.25 == pytest.approx(10 / 110.6, rel=0.02)
    assert 22.25 - south == pytest.approx(10 / 110.6, rel=0.02)


def test_a_colour_parameter_wins_over_severity():
    assert info_colour(info(severity="Minor", parameters=(("预警颜色", "橙色"),))) == "orange"
    assert info_colour(info(severity="Extreme")) == "red"
    assert info_colour(info(severity="Unknown")) == "info"


def test_the_active_warnings_layer(personas):
    warning_receive(message=message(), now=NOW)
    layer = layer_get("cap_warnings")
    assert layer is not None and layer.live and layer.geometry_type == "polygon"
    assert warning_areas_active(now=NOW).count() == 1
    assert warning_areas_active(now=NOW + timedelta(days=1)).count() == 0
    WarningArea.objects.update(warning=ReceivedWarning.objects.get())  # layer reads the current time
    ReceivedWarning.objects.update(ends_at=datetime.now(UTC) + timedelta(hours=1))
    collection = json.loads(layer_geojson(layer, user=personas.commander, bbox=None, limit=10))
    assert [f["properties"]["colour"] for f in collection["features"]] == ["yellow"]
    assert collection["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_restricted_warnings_are_for_city_wide_roles(personas):
    warning_receive(message=message(identifier="r", scope="Restricted", restriction="内部"), now=NOW)
    assert warnings_visible(user=personas.commander).count() == 1
    assert warnings_visible(user=personas.grid_b).count() == 0
