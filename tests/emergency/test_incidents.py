"""Incident intake and workflow: derived district, alerts for Ⅲ+, every allowed and forbidden step."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEntry
from emergency.models import Alert, Incident, IncidentType
from emergency.services.incidents import (
    IncidentTransitionError,
    incident_change_level,
    incident_transition,
    incident_update_add,
)
from tests.emergency.command_fixtures import IN_B, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("incident_types")]


def test_type_tree_is_seeded():
    flood = IncidentType.objects.get(code="flood")
    assert flood.parent.code == "natural" and flood.category == "natural"
    assert set(IncidentType.objects.filter(parent=None).values_list("code", flat=True)) == {
        "natural",
        "accident",
        "public_health",
        "social_security",
    }


def test_report_derives_district_and_organisation(personas):
    incident = report(personas.duty, point=IN_B)
    assert incident.district == personas.area_b
    assert incident.organisation == personas.district_b
    assert incident.reporter_organisation == personas.bureau
    assert incident.status == "reported"
    assert list(incident.updates.values_list("kind", "new_value")) == [("status", "reported")]
    assert AuditEntry.objects.filter(model="incident", object_id=str(incident.pk), action="create").exists()


def test_category_is_refused_as_type(personas):
    with pytest.raises(ValidationError) as info:
        report(personas.duty, type_code="natural")
    assert "type" in info.value.message_dict


def test_level_iii_and_above_raises_an_alert_to_the_district(personas):
    low = report(personas.duty, level="IV")
    assert not Alert.objects.filter(source_model="incident", source_id=str(low.pk)).exists()
    high = report(personas.duty, level="III", title="危化品泄漏")
    alert = Alert.objects.get(source_model="incident", source_id=str(high.pk))
    assert alert.kind == "incident" and alert.level == "yellow"
    assert "district:440402" in alert.targets
    # Escalating a low one raises its alert too; de-escalating does not.
    incident_change_level(user=personas.commander, incident_id=low.pk, level="I")
    assert Alert.objects.get(source_model="incident", source_id=str(low.pk)).level == "red"


def test_full_workflow_and_audit(personas):
    incident = report(personas.grid_a)
    for status in ("verified", "responding", "closed"):
        incident = incident_transition(user=personas.duty, incident_id=incident.pk, status=status)
        assert incident.status == status
    assert incident.verified_at and incident.closed_at
    assert list(incident.updates.values_list("new_value", flat=True)) == [
        "reported",
        "verified",
        "responding",
        "closed",
    ]
    changes = [
        e.changes["status"]
        for e in AuditEntry.objects.filter(
            model="incident", object_id=str(incident.pk), action="update"
        ).order_by("id")
        if "status" in e.changes
    ]
    assert changes == [["reported", "verified"], ["verified", "responding"], ["responding", "closed"]]
    assert all(
        e.actor_id == personas.duty.pk
        for e in AuditEntry.objects.filter(model="incident", object_id=str(incident.pk), action="update")
    )


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ((), "closed"),
        ((), "responding"),
        (("verified",), "dismissed"),
        (("verified",), "reported"),
        (("verified", "responding"), "verified"),
        (("verified", "responding", "closed"), "responding"),
        (("dismissed",), "verified"),
    ],
)
def test_forbidden_transitions_are_refused(personas, path, wanted):
    incident = report(personas.duty)
    for status in path:
        incident_transition(user=personas.duty, incident_id=incident.pk, status=status, note="重复报送")
    before = Incident.objects.get(pk=incident.pk).status
    with pytest.raises(IncidentTransitionError) as info:
        incident_transition(user=personas.duty, incident_id=incident.pk, status=wanted, note="x")
    assert [e.code for e in info.value.error_dict["status"]] == ["forbidden_transition"]
    assert Incident.objects.get(pk=incident.pk).status == before


def test_dismissal_needs_a_reason(personas):
    incident = report(personas.duty)
    with pytest.raises(ValidationError):
        incident_transition(user=personas.duty, incident_id=incident.pk, status="dismissed")
    incident_transition(user=personas.duty, incident_id=incident.pk, status="dismissed", note="误报")
    assert Incident.objects.get(pk=incident.pk).status == "dismissed"


def test_only_handlers_change_status_and_only_in_scope(personas):
    incident = report(personas.grid_a)
    with pytest.raises(PermissionDenied):
        incident_transition(user=personas.grid_a, incident_id=incident.pk, status="verified")
    # grid_b cannot even see district A's incident to add to its timeline.
    with pytest.raises(Incident.DoesNotExist):
        incident_update_add(user=personas.grid_b, incident_id=incident.pk, body="现场")
    with pytest.raises(PermissionDenied):
        report(personas.outsider)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_timeline_attachments_are_checked(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.INCIDENT_ATTACHMENT_MAX_BYTES = 1024
    incident = report(personas.grid_a)
    update = incident_update_add(
        user=personas.grid_a,
        incident_id=incident.pk,
        body="水位上涨",
        files=[SimpleUploadedFile("现场.png", PNG), SimpleUploadedFile("记录.txt", "堤坝渗水".encode())],
    )
    assert [(a.content_type, a.size) for a in update.attachments.all()] == [
        ("image/png", len(PNG)),
        ("text/plain", len("堤坝渗水".encode())),
    ]
    for bad in (
        SimpleUploadedFile("fake.png", b"MZ\x90\x00 not a png"),
        SimpleUploadedFile("run.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000),
    ):
        with pytest.raises(ValidationError) as info:
            incident_update_add(user=personas.grid_a, incident_id=incident.pk, body="x", files=[bad])
        assert "files" in info.value.message_dict
    assert incident.updates.filter(kind="note").count() == 1
