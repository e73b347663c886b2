"""The knowledge, case and document library: substring search in Chinese, filters, scoping and
permissions, the file check, the audit, the API and the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEntry
from emergency.choices import LibraryKind
from emergency.models import IncidentType, LibraryEntry, LibraryFile
from emergency.selectors.library import library_entries_visible, library_search
from emergency.services.library import library_entry_create, library_entry_update
from tests.emergency.command_fixtures import client_for, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("incident_types")]

PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def entries(personas):
    flood = IncidentType.objects.get(code="flood")
    return {
        "case": library_entry_create(
            user=personas.commander,
            kind=LibraryKind.CASE,
            title="2018年超强台风山竹应对复盘",
            summary="全市转移群众五万余人",
            body="台风登陆前十二小时启动一级响应。",
            tags=["台风", "复盘"],
        ),
        "knowledge": library_entry_create(
            user=personas.duty,
            kind=LibraryKind.KNOWLEDGE,
            title="城市内涝防范要点",
            body="低洼地段设置警示标志，地下车库提前封堵。",
            tags=["内涝"],
            incident_type=flood,
        ),
        # Owned by district B: district A does not see it.
        "district_b": library_entry_create(
            user=personas.commander,
            kind=LibraryKind.DOCUMENT,
            title="斗门区防汛值班手册",
            organisation=personas.district_b,
        ),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_search_finds_chinese_substrings(personas, entries):
    visible = library_entries_visible(user=personas.commander)
    assert list(library_search(visible, q="山竹")) == [entries["case"]]  # inside the title
    assert list(library_search(visible, q="车库")) == [entries["knowledge"]]  # inside the text
    assert list(library_search(visible, q="五万")) == [entries["case"]]  # inside the summary
    assert list(library_search(visible, q="台风 转移")) == [entries["case"]]  # every term must occur
    assert list(library_search(visible, q="地震")) == []
    client = client_for(personas.duty)
    assert ids(client.get("/api/library/", {"q": "防汛"})) == [entries["district_b"].pk]
    assert ids(client.get("/api/library/", {"q": "内涝"})) == [entries["knowledge"].pk]


def test_filters(personas, entries):
    client = client_for(personas.commander)
    assert ids(client.get("/api/library/", {"kind": "case"})) == [entries["case"].pk]
    assert ids(client.get("/api/library/", {"tag": "台风"})) == [entries["case"].pk]
    # A category code takes in its subtypes.
    category = IncidentType.objects.get(code="flood").parent.code
    assert ids(client.get("/api/library/", {"type": category})) == [entries["knowledge"].pk]
    assert ids(client.get("/api/library/", {"type": "flood", "q": "内涝"})) == [entries["knowledge"].pk]
    bad = client.get("/api/library/", {"kind": "rumour"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "kind"


def test_scoping_and_permissions(personas, entries):
    every = sorted(e.pk for e in entries.values())
    assert ids(client_for(personas.commander).get("/api/library/")) == every
    # District A's grid inspector reads the bureau's entries (above it) but not district B's.
    grid_a = client_for(personas.grid_a)
    assert ids(grid_a.get("/api/library/")) == sorted([entries["case"].pk, entries["knowledge"].pk])
    assert grid_a.get(f"/api/library/{entries['district_b'].pk}/").status_code == 404
    assert ids(client_for(personas.grid_b).get("/api/library/")) == every
    assert ids(client_for(personas.enterprise).get("/api/library/")) == sorted(
        [entries["case"].pk, entries["knowledge"].pk]
    )
    # An active user with no role reads nothing.
    outsider = client_for(personas.outsider)
    assert outsider.get("/api/library/").json()["results"] == []
    assert outsider.get(f"/api/library/{entries['case'].pk}/").status_code in (403, 404)
    assert list(library_entries_visible(user=personas.outsider)) == []

    # Grid inspectors and enterprise users cannot write.
    payload = {"kind": "knowledge", "title": "化工泄漏处置"}
    for user in (personas.grid_a, personas.enterprise, personas.outsider):
        response = client_for(user).post("/api/library/", payload, format="json")
        assert response.status_code == 403, (user, response.content)
        patch = client_for(user).patch(f"/api/library/{entries['case'].pk}/", {"title": "改"}, format="json")
        assert patch.status_code in (403, 404)
        with pytest.raises(PermissionDenied):
            library_entry_create(user=user, **payload)
    assert LibraryEntry.objects.count() == 3
    entries["case"].refresh_from_db()
    assert entries["case"].title.startswith("2018")


def test_create_and_update_through_the_api(personas, entries):
    client = client_for(personas.duty)
    incident = report(personas.duty, title="前山河水位超警")
    response = client.post(
        "/api/library/",
        {
            "kind": "case",
            "title": "前山河水位超警处置案例",
            "summary": "提前转移沿河群众",
            "tags": "防汛，前山河",
            "incident_type": "flood",
            "incident": incident.pk,
            "file": SimpleUploadedFile("报告.pdf", PDF),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tags"] == ["防汛", "前山河"] and body["incident"] == incident.pk
    assert body["incident_type"] == "flood" and body["organisation"] == personas.bureau.name
    assert body["file"]["name"] == "报告.pdf" and body["file"]["content_type"] == "application/pdf"
    assert body["created_by"] == str(personas.duty)
    entry = LibraryEntry.objects.get(pk=body["id"])
    assert entry.file.size == len(PDF)

    response = client_for(personas.commander).patch(
        f"/api/library/{entry.pk}/", {"summary": "提前转移沿河群众三千人", "tags": ["防汛"]}, format="json"
    )
    assert response.status_code == 200, response.content
    entry.refresh_from_db()
    assert entry.summary.endswith("三千人") and entry.tags == ["防汛"] and entry.title.startswith("前山河")
    assert entry.updated_by == personas.commander and entry.created_by == personas.duty
    assert ids(client.get("/api/library/", {"q": "三千"})) == [entry.pk]

    missing = client.post("/api/library/", {"kind": "case"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} == {"title"}


def test_bad_file_is_refused(personas):
    fake = SimpleUploadedFile("规程.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError):
        library_entry_create(user=personas.commander, kind="document", title="规程", file=fake)
    response = client_for(personas.commander).post(
        "/api/library/",
        {"kind": "document", "title": "规程", "file": SimpleUploadedFile("run.exe", b"MZ\x90\x00")},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == "files"
    assert not LibraryEntry.objects.exists() and not LibraryFile.objects.exists()


def test_writes_are_audited(personas):
    entry = library_entry_create(
        user=personas.commander,
        kind="regulation",
        title="珠海市突发事件应急预案管理办法",
        file=SimpleUploadedFile("办法.pdf", PDF),
    )
    library_entry_update(user=personas.duty, entry_id=entry.pk, summary="修订")
    created = AuditEntry.objects.get(model="libraryentry", object_id=str(entry.pk), action="create")
    assert created.actor_id == personas.commander.pk
    updated = AuditEntry.objects.get(model="libraryentry", object_id=str(entry.pk), action="update")
    assert updated.actor_id == personas.duty.pk and "summary" in updated.changes
    assert AuditEntry.objects.filter(model="libraryfile", action="create").exists()


def test_owner_must_be_in_scope(personas):
    from accounts.choices import RoleCode
    from accounts.services.roles import role_assign
    from tests.factories import UserFactory

    # A member-unit user reads but cannot write.
    unit = UserFactory(username="unit_a", organisation=personas.district_a)
    role_assign(user=unit, role_code=RoleCode.MEMBER_UNIT_STAFF)
    with pytest.raises(PermissionDenied):
        library_entry_create(user=unit, kind="knowledge", title="x")


def test_admin_add_goes_through_the_service(personas, client):
    client.force_login(personas.commander)
    assert client.get("/admin/emergency/libraryentry/").status_code == 200
    response = client.post(
        "/admin/emergency/libraryentry/add/",
        {
            "kind": "knowledge",
            "title": "地质灾害隐患点巡查要点",
            "summary": "",
            "body": "雨后重点巡查边坡。",
            "tags_text": "地灾, 巡查",
            "organisation": personas.bureau.pk,
            "upload": SimpleUploadedFile("巡查.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LibraryEntry.objects.get(title="地质灾害隐患点巡查要点")
    assert entry.tags == ["地灾", "巡查"] and entry.created_by == personas.commander
    assert entry.file.name == "巡查.pdf"
    assert AuditEntry.objects.filter(model="libraryentry", object_id=str(entry.pk), action="create").exists()
    bad = client.post(
        "/admin/emergency/libraryentry/add/",
        {
            "kind": "knowledge",
            "title": "坏文件",
            "organisation": personas.bureau.pk,
            "upload": SimpleUploadedFile("x.png", b"not a png"),
        },
    )
    assert bad.status_code == 200 and not LibraryEntry.objects.filter(title="坏文件").exists()
