"""The duty roster, handovers and contacts directory in the REST API, with API-key scopes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import RoleCode
from accounts.models import AuditEntry
from accounts.services.api_keys import api_key_create
from accounts.services.roles import role_assign
from emergency.models import DutyShift, HandoverLog, PlanUnit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def key_client(raw: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def test_roster_and_handover_through_the_api(personas):
    now = timezone.now().replace(microsecond=0)
    relief = UserFactory(username="relief", organisation=personas.bureau)
    role_assign(user=relief, role_code=RoleCode.DUTY_OFFICER)
    commander = client_for(personas.commander)

    def add(person, start, end, org=None):
        return commander.post(
            "/api/duty-shifts/",
            {
                "organisation": (org or personas.bureau).pk,
                "person": person.pk,
                "post": "officer",
                "starts_at": start.isoformat(),
                "ends_at": end.isoformat(),
            },
            format="json",
        )

    first = add(personas.duty, now - dt.timedelta(hours=11), now + dt.timedelta(hours=1))
    assert first.status_code == 201, first.json()
    assert first.json()["person_name"] and first.json()["post"] == "officer"
    assert add(relief, now + dt.timedelta(hours=1), now + dt.timedelta(hours=13)).status_code == 201
    overlap = add(personas.duty, now, now + dt.timedelta(hours=3))
    assert overlap.status_code == 400
    assert [e["field"] for e in overlap.json()["errors"]] == ["starts_at"]
    backwards = add(relief, now + dt.timedelta(hours=20), now + dt.timedelta(hours=19))
    assert backwards.status_code == 400 and backwards.json()["errors"][0]["field"] == "ends_at"
    # A grid inspector may not keep the roster, and sees none of the bureau's shifts.
    assert client_for(personas.grid_a).post(
        "/api/duty-shifts/", {"organisation": personas.district_a.pk}, format="json"
    ).status_code in (400, 403)
    assert DutyShift.objects.count() == 2

    roster = commander.get("/api/duty-shifts/", {"from": now.isoformat()}).json()["results"]
    assert [s["person"] for s in roster] == [personas.duty.pk, relief.pk]
    later = commander.get("/api/duty-shifts/", {"from": (now + dt.timedelta(hours=2)).isoformat()})
    assert [s["person"] for s in later.json()["results"]] == [relief.pk]
    bad = commander.get("/api/duty-shifts/", {"from": "yesterday"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "from"

    # The officer on duty hands over; a second handover of the same shift is refused.
    officer = client_for(personas.duty)
    empty = officer.post("/api/handovers/", {"received_by": relief.pk, "summary": "  "}, format="json")
    assert empty.status_code == 400
    done = officer.post(
        "/api/handovers/",
        {"received_by": relief.pk, "summary": "夜间平稳", "open_items": "跟进内涝点"},
        format="json",
    )
    assert done.status_code == 201, done.json()
    assert done.json()["received_by_name"]
    again = officer.post("/api/handovers/", {"received_by": relief.pk, "summary": "x"}, format="json")
    assert again.status_code == 400
    assert HandoverLog.objects.count() == 1
    assert [h["summary"] for h in commander.get("/api/handovers/").json()["results"]] == ["夜间平稳"]


def test_contacts_masked_reveal_audited_and_scoped(personas, units, plan):
    bureau_unit = PlanUnit.objects.get(version=plan, key="bureau")
    staff = client_for(units.staff_a)
    listed = staff.get("/api/contacts/", {"q": "组织协调"}).json()["results"]
    assert [c["id"] for c in listed] == [bureau_unit.pk]
    assert listed[0]["phone"] == "075*****0001"
    denied = staff.post(f"/api/contacts/{bureau_unit.pk}/reveal/")
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"

    duty = client_for(personas.duty)
    assert all(c["phone"] != "0756-0000001" for c in duty.get("/api/contacts/").json()["results"])
    before = AuditEntry.objects.count()
    shown = duty.post(f"/api/contacts/{bureau_unit.pk}/reveal/")
    assert shown.status_code == 200 and shown.json() == {"id": bureau_unit.pk, "phone": "0756-0000001"}
    entry = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == before + 1 and entry.action == "view"
    assert entry.actor_id == personas.duty.pk
    assert duty.post("/api/contacts/999999/reveal/").status_code == 404
    # Outsiders see no contacts at all.
    assert client_for(personas.outsider).get("/api/contacts/").json()["results"] == []


def test_api_key_scopes_for_duty_contacts_library_drills(personas, units, plan):
    now = timezone.now()
    DutyShift.objects.create(
        organisation=units.water,
        person=units.staff_water,
        post="officer",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=8),
        created_by=personas.commander,
    )
    _key, duty_key = api_key_create(
        name="值班系统", organisation=units.water, scopes=["duty:read", "contacts:read"]
    )
    system = key_client(duty_key)
    shifts = system.get("/api/duty-shifts/")
    assert shifts.status_code == 200 and len(shifts.json()["results"]) == 1
    assert system.get("/api/handovers/").status_code == 200
    contacts = system.get("/api/contacts/")
    assert contacts.status_code == 200
    assert all("*" in c["phone"] for c in contacts.json()["results"] if c["phone"])
    # Keys never see full numbers, and cannot write through read scopes.
    unit = contacts.json()["results"][0]["id"]
    assert system.post(f"/api/contacts/{unit}/reveal/").status_code == 403
    assert system.post("/api/duty-shifts/", {}, format="json").status_code == 403
    assert system.get("/api/library/").status_code == 403
    assert system.get("/api/drills/").status_code == 403

    _key, library_key = api_key_create(
        name="资料系统", organisation=units.water, scopes=["library:read", "drills:read"]
    )
    reader = key_client(library_key)
    assert reader.get("/api/library/").status_code == 200
    assert reader.get("/api/drills/").status_code == 200
    assert reader.get("/api/duty-shifts/").status_code == 403
    assert reader.get("/api/contacts/").status_code == 403


def test_openapi_documents_duty_and_contacts(client, personas):
    client.force_login(personas.commander)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/duty-shifts/",
        "/api/handovers/",
        "/api/contacts/",
        "/api/contacts/{id}/reveal/",
    ):
        assert path in schema["paths"], path
    scopes = schema["components"]["schemas"]
    assert "DutyShift" in scopes and "Contact" in scopes
