"""Duty (应急值守): the roster with its checks, who is on duty now, shift handovers, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.choices import RoleCode
from accounts.services.roles import role_assign
from emergency.models import DutyShift, HandoverLog
from emergency.services.duty import duty_shift_create, handover_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_roster_and_handover_through_the_page(personas, client):
    now = timezone.now().replace(second=0, microsecond=0)
    relief = UserFactory(
        username="duty_zhao", organisation=personas.bureau, last_name="赵", first_name="接班"
    )
    role_assign(user=relief, role_code=RoleCode.DUTY_OFFICER)
    client.force_login(personas.commander)

    def add(person, start, end, org=None, **extra):
        data = {
            "action": "shift",
            "shift-organisation": (org or personas.bureau).pk,
            "shift-person": person.pk,
            "shift-post": "officer",
            "shift-starts_at": local(start),
            "shift-ends_at": local(end),
            **extra,
        }
        return client.post("/duty/", data, HTTP_ACCEPT_LANGUAGE="en")

    assert add(personas.duty, now - dt.timedelta(hours=11), now + dt.timedelta(hours=1)).status_code == 302
    assert add(relief, now + dt.timedelta(hours=1), now + dt.timedelta(hours=13)).status_code == 302
    overlap = add(personas.duty, now, now + dt.timedelta(hours=3)).content.decode()
    assert 'data-field="starts_at"' in overlap and "already on duty" in overlap
    wrong_org = add(
        personas.grid_a, now, now + dt.timedelta(hours=3), org=personas.district_b
    ).content.decode()
    assert 'data-field="person"' in wrong_org
    backwards = add(relief, now + dt.timedelta(hours=20), now + dt.timedelta(hours=19)).content.decode()
    assert 'data-field="ends_at"' in backwards
    assert DutyShift.objects.count() == 2
    page = client.get("/duty/").content.decode()
    assert 'id="on-duty"' in page and "on-duty-now" in page and 'id="handover-form"' not in page

    # The officer on duty hands over to the next shift.
    client.force_login(personas.duty)
    page = client.get("/duty/").content.decode()
    assert 'id="handover-form"' in page and "duty_zhao" in page
    missing = client.post(
        "/duty/", {"action": "handover", "handover-received_by": relief.pk}
    ).content.decode()
    assert 'data-field="summary"' in missing
    done = client.post(
        "/duty/",
        {
            "action": "handover",
            "handover-received_by": relief.pk,
            "handover-summary": "夜间接报3起，均已处置",
            "handover-open_items": "前山河水位继续关注",
        },
    )
    assert done.status_code == 302
    log = HandoverLog.objects.get()
    assert (
        log.handed_by == personas.duty and log.received_by == relief and log.organisation == personas.bureau
    )
    page = client.get("/duty/").content.decode()
    assert "夜间接报3起" in page and 'id="handover-form"' not in page  # handed over once
    with pytest.raises(ValidationError):
        handover_record(user=personas.duty, received_by=relief, summary="again")


def test_services_refuse_and_scope(personas, units):
    now = timezone.now()
    with pytest.raises(PermissionDenied):  # member units do not keep rosters
        duty_shift_create(
            user=units.staff_a,
            organisation=personas.district_a,
            person=units.staff_a,
            post="officer",
            starts_at=now,
            ends_at=now + dt.timedelta(hours=8),
        )
    shift = duty_shift_create(
        user=personas.commander,
        organisation=personas.district_a,
        person=units.staff_a,
        post="officer",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
    )
    with pytest.raises(ValidationError) as info:
        duty_shift_create(
            user=personas.commander,
            organisation=personas.district_a,
            person=units.staff_a,
            post="officer",
            starts_at=now,
            ends_at=now + dt.timedelta(hours=50),
        )
    assert "ends_at" in info.value.message_dict
    # The handover must go to someone on the same organisation's next shift.
    with pytest.raises(ValidationError) as info:
        handover_record(user=units.staff_a, received_by=units.staff_b, summary="正常")
    assert "received_by" in info.value.message_dict
    from emergency.selectors.duty import duty_shifts_visible

    assert list(duty_shifts_visible(user=units.staff_a)) == [shift]
    assert list(duty_shifts_visible(user=units.staff_b)) == []
    assert list(duty_shifts_visible(user=personas.commander)) == [shift]
    assert list(duty_shifts_visible(user=personas.grid_a)) == []


def test_admin_lists_are_read_only_and_scoped(personas, units, client):
    now = timezone.now()
    duty_shift_create(
        user=personas.commander,
        organisation=personas.district_a,
        person=units.staff_a,
        post="officer",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=8),
        note="香洲值班",
    )
    client.force_login(personas.commander)
    page = client.get("/admin/emergency/dutyshift/")
    assert page.status_code == 200 and "香洲值班" in page.content.decode()
    assert client.get("/admin/emergency/dutyshift/add/").status_code == 403
    assert client.get("/admin/emergency/handoverlog/").status_code == 200
