"""The admin of sources, runs and quarantine, and the feed-health page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ingest.models import QuarantinedRecord, Run, Source
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RAIN = {"format": "csv", "station": "站码", "time": "时间", "variable": "rain", "value": "雨量", "unit": "mm"}


@pytest.fixture
def admin_client_(db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def form_data(source: Source, **changes) -> dict:
    data = {
        "name": source.name,
        "slug": source.slug,
        "department": source.department_id,
        "data_kind": source.data_kind,
        "enabled": "on",
        "adapter": source.adapter,
        "settings": '{"format": "csv", "station": "站码", "time": "时间", "variable": "rain", "value": "雨量", "unit": "mm"}',
        "timezone": source.timezone,
        "transport": source.transport,
        "url": source.url,
        "headers": "{}",
        "auth": source.auth,
        "username": source.username,
        "password": "",
        "secret_headers": '{"X-Api-Key": ""}',
        "timeout_seconds": 30,
        "directory": "",
        "interval": "",
        "crontab": "",
        "late_after_minutes": 30,
        "max_retries": 3,
        "runs-TOTAL_FORMS": 0,
        "runs-INITIAL_FORMS": 0,
        "runs-MIN_NUM_FORMS": 0,
        "runs-MAX_NUM_FORMS": 0,
    }
    return data | changes


def test_source_pages_render_and_keep_secrets_when_left_blank(admin_client_, make_source):
    source = make_source(
        settings=RAIN, auth="basic", username="u", password="old-secret", secret_headers={"X-Api-Key": "k1"}
    )
    assert admin_client_.get(reverse("admin:ingest_source_changelist")).status_code == 200
    page = admin_client_.get(reverse("admin:ingest_source_change", args=[source.pk]))
    assert page.status_code == 200
    assert b"old-secret" not in page.content and b"k1" not in page.content
    response = admin_client_.post(reverse("admin:ingest_source_change", args=[source.pk]), form_data(source))
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    source.refresh_from_db()
    assert source.password == "old-secret" and source.secret_headers == {"X-Api-Key": "k1"}
    response = admin_client_.post(
        reverse("admin:ingest_source_change", args=[source.pk]),
        form_data(source, password="new-secret", secret_headers='{"X-Api-Key": "k2"}'),
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.password == "new-secret" and source.secret_headers == {"X-Api-Key": "k2"}


def test_bad_settings_are_shown_in_the_form(admin_client_, make_source):
    source = make_source(settings=RAIN)
    response = admin_client_.post(
        reverse("admin:ingest_source_change", args=[source.pk]),
        form_data(source, settings='{"format": "pdf"}'),
    )
    assert response.status_code == 200
    # Chinese is the default language of the admin.
    assert "format 必须是 csv, json, excel 之一。" in str(response.context["adminform"].form.errors)


def test_issue_a_push_token_from_the_admin(admin_client_, make_source):
    source = make_source(settings=RAIN, transport="push", url="")
    response = admin_client_.post(
        reverse("admin:ingest_source_changelist"),
        {"action": "issue_push_token", "_selected_action": [source.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any(source.push_token_hint in m for m in messages)
    source.refresh_from_db()
    assert len(source.push_token_hash) == 64


def test_pull_now_queues_a_pull_after_commit(admin_client_, make_source, django_capture_on_commit_callbacks):
    source = make_source(settings=RAIN)
    with django_capture_on_commit_callbacks() as queued:
        admin_client_.post(
            reverse("admin:ingest_source_changelist"), {"action": "pull_now", "_selected_action": [source.pk]}
        )
    assert len(queued) == 1


def test_runs_quarantine_and_kept_payloads(admin_client_, ingest, stations):
    ingest("observation_table", "站码,时间,雨量\nZH-XX,2026-07-01 08:00,1\n".encode(), settings=RAIN)
    failed = ingest("observation_table", b"<html>", settings=RAIN)
    assert admin_client_.get(reverse("admin:ingest_run_changelist")).status_code == 200
    assert admin_client_.get(reverse("admin:ingest_run_change", args=[failed.pk])).status_code == 200
    download = admin_client_.get(reverse("admin:ingest_run_payload", args=[failed.pk]))
    assert download.status_code == 200 and download.content == b"<html>"
    assert admin_client_.get(reverse("admin:ingest_quarantinedrecord_changelist")).status_code == 200
    record = QuarantinedRecord.objects.get()
    response = admin_client_.post(
        reverse("admin:ingest_quarantinedrecord_changelist"),
        {"action": "reprocess", "_selected_action": [record.pk]},
        follow=True,
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.state == "reprocessed" and Run.objects.filter(trigger="reprocess").exists()


def test_the_feed_health_page(make_source, personas):
    make_source(settings=RAIN, name="水务局雨量")
    outsider = Client()
    outsider.login(username="grid_a", password=PASSWORD)
    assert outsider.get("/ingest/").status_code == 403
    # Duty officers see feed health through their role.
    client = Client()
    client.login(username="duty", password=PASSWORD)
    page = client.get("/ingest/")
    assert page.status_code == 200 and "水务局雨量" in page.content.decode()
