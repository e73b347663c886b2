"""alert_raise / alert_acknowledge / alert_clear: the outbox rules."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import AuditEntry
from emergency.models import Alert
from emergency.selectors.alerts import alert_targets_for_user, alerts_visible
from emergency.services.alerts import AlertAlreadyAcknowledged, alert_acknowledge, alert_clear, alert_raise

pytestmark = pytest.mark.django_db


def raise_alert(**kwargs):
    defaults = {"kind": "test", "level": "yellow", "title": "测试"}
    return alert_raise(**(defaults | kwargs))


def test_raise_writes_the_row_and_broadcasts_after_commit(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        alert = raise_alert(geom=Point(113.55, 22.25))
    assert Alert.objects.filter(pk=alert.pk).exists()
    assert alert.targets == ["all"]
    # The alert push and the map layer's redraw wait for the commit.
    assert len(callbacks) == 2


def test_district_targets_also_reach_city_wide_roles(personas):
    alert = raise_alert(targets=["district:440403"])
    assert alert.targets == ["citywide", "district:440403"]
    assert alert in alerts_visible(user=personas.commander)
    assert alert in alerts_visible(user=personas.grid_b)
    assert alert not in alerts_visible(user=personas.grid_a)
    # The enterprise in district A's town belongs to district A.
    assert "district:440402" in alert_targets_for_user(user=personas.enterprise)
    assert alert not in alerts_visible(user=personas.enterprise)


def test_role_targets(personas):
    alert = raise_alert(targets=["role:commander"])
    assert alert in alerts_visible(user=personas.commander)
    assert alert not in alerts_visible(user=personas.duty)
    assert alert not in alerts_visible(user=personas.outsider)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "nonsense"}, "Unknown alert kind"),
        ({"level": "purple"}, "Unknown alert level"),
        ({"title": "  "}, "needs a title"),
        ({"targets": ["district:999999"]}, "Unknown district"),
        ({"targets": ["role:king"]}, "Unknown role"),
        ({"targets": ["everyone"]}, "Unknown alert target"),
        ({"targets": []}, "at least one target"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(personas, kwargs, message):
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        raise_alert(**kwargs)
    assert not Alert.objects.exists()


def test_dedup_key_raises_once_until_cleared(personas, django_capture_on_commit_callbacks):
    first = raise_alert(dedup_key="feed.late.7")
    with django_capture_on_commit_callbacks() as callbacks:
        again = raise_alert(dedup_key="feed.late.7")
    assert again.pk == first.pk
    assert callbacks == []
    cleared = alert_clear(dedup_key="feed.late.7")
    assert cleared.pk == first.pk and cleared.cleared_at is not None
    assert alert_clear(dedup_key="feed.late.7") is None
    assert raise_alert(dedup_key="feed.late.7").pk != first.pk


def test_acknowledge_is_audited_and_only_once(personas, django_capture_on_commit_callbacks):
    alert = raise_alert(level="red")
    with django_capture_on_commit_callbacks() as callbacks:
        acked = alert_acknowledge(alert_id=alert.pk, user=personas.duty)
    assert acked.acknowledged_by == personas.duty and acked.acknowledged_at is not None
    assert len(callbacks) == 1  # every screen is told
    entry = AuditEntry.objects.filter(
        app_label="emergency", model="alert", object_id=str(alert.pk), action="update"
    ).last()
    assert entry is not None and entry.actor_id == personas.duty.pk
    assert set(entry.changes) == {"acknowledged_by", "acknowledged_at"}
    with pytest.raises(AlertAlreadyAcknowledged):
        alert_acknowledge(alert_id=alert.pk, user=personas.commander)


def test_only_duty_officers_and_commanders_acknowledge(personas):
    alert = raise_alert()
    for user in (personas.grid_a, personas.enterprise, personas.outsider):
        with pytest.raises(PermissionDenied):
            alert_acknowledge(alert_id=alert.pk, user=user)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_cannot_acknowledge_an_alert_one_cannot_see(personas):
    # A commander sees everything, so narrow the target to a role the duty officer lacks.
    alert = raise_alert(targets=["role:commander"])
    with pytest.raises(Alert.DoesNotExist):
        alert_acknowledge(alert_id=alert.pk, user=personas.duty)
