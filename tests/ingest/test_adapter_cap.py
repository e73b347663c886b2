"""The CAP 1.2 adapter on the real OASIS and NSW examples, and on broken documents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import translation
from lxml import etree

from emergency.models import ReceivedWarning, WarningArea
from emergency.models.warnings import WarningState
from ingest.choices import ErrorKind, RunStatus
from ingest.models import QuarantinedRecord, RunPayload
from ingest.simulator import shift_cap_document

pytestmark = pytest.mark.django_db

NS = "urn:oasis:names:tc:emergency:cap:1.2"


@pytest.fixture
def nsw(shared_data):
    return (shared_data / "cap" / "example_au_nsw_rfs_fire.cap.xml").read_bytes()


@pytest.fixture
def hsas(shared_data):
    return (shared_data / "cap" / "example_oasis_spec_hsas_43b080713727.cap.xml").read_bytes()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_prefixed_nsw_example(ingest, nsw):
    run = ingest("cap", nsw)
    assert (run.status, run.rows_seen, run.rows_written, run.rows_rejected) == (RunStatus.SUCCEEDED, 1, 1, 0)
    warning = ReceivedWarning.objects.get()
    assert warning.sender == "webmaster@rfs.nsw.gov.au"
    assert warning.identifier == "tag:www.rfs.nsw.gov.au2011-10-06:40184"
    assert warning.sent == datetime(2011, 10, 5, 13, 4, tzinfo=UTC)
    assert (warning.status, warning.msg_type, warning.scope) == ("Actual", "Alert", "Public")
    assert warning.codes == ["urn:oasis:names:tc:emergency:cap:1.2:profile:CAP-AU:1.0"]
    assert warning.infos.count() == 2
    first = warning.infos.order_by("position").first()
    assert first.categories == ["Fire", "Met"] and first.event == "Fire" and first.severity == "Minor"
    assert ["FuelType", "Forest"] in first.parameters
    assert first.resources == [
        {
            "resourceDesc": "map",
            "mimeType": "text/html",
            "uri": "http://www.rfs.nsw.gov.au/dsp_content.cfm?CAT_ID=683",
        }
    ]
    # The 25 km circle around Yerong Creek became a polygon there (lat,lon swapped to lon,lat).
    area = WarningArea.objects.filter(warning=warning).first()
    assert area.circles == ["-35.3888,147.0598 25.0"]
    assert area.geom.contains(area.geom.centroid)
    assert area.geom.centroid.x == pytest.approx(147.0598, abs=0.01)
    assert area.geom.centroid.y == pytest.approx(-35.3888, abs=0.01)
    assert ["http://www.iso.org/iso/country_codes.html", "AU-NSW"] in area.geocodes
    # Sent in 2011: stored as history, not in force.
    assert warning.state == WarningState.EXPIRED and warning.alert is None


def test_the_default_namespace_oasis_example(ingest, hsas):
    run = ingest("cap", hsas)
    assert (run.status, run.rows_written) == (RunStatus.SUCCEEDED, 1)
    warning = ReceivedWarning.objects.get()
    assert (warning.identifier, warning.sender) == ("43b080713727", "hsas@dhs.gov")
    assert warning.severity == "Severe" and warning.colour == "orange"
    assert warning.headline == "Homeland Security Sets Code ORANGE"
    assert warning.area is None  # an areaDesc only


def test_the_same_documents_twice_change_nothing(ingest, nsw, hsas):
    ingest("cap", nsw)
    ingest("cap", hsas)
    again = [ingest("cap", nsw), ingest("cap", hsas)]
    assert [(r.rows_written, r.rows_duplicate) for r in again] == [(0, 1), (0, 1)]
    # NSW has two infos with an area each.
    assert ReceivedWarning.objects.count() == 2 and WarningArea.objects.count() == 3


def test_a_moved_example_is_in_force_on_the_map(ingest, nsw, personas):
    moved = etree.tostring(shift_cap_document(nsw, datetime.now(UTC)))
    run = ingest("cap", moved, settings={"alerts_outside_city": True})
    warning = ReceivedWarning.objects.get()
    assert run.rows_written == 1 and warning.state == WarningState.ACTIVE
    assert warning.alert.kind == "warning" and warning.alert.level == "blue"


def test_a_schema_invalid_alert_is_quarantined_and_its_neighbours_stored(ingest, nsw, hsas):
    broken = etree.fromstring(hsas)
    broken.remove(broken.find(f"{{{NS}}}scope"))
    broken.find(f"{{{NS}}}sent").text = "2003-04-02T14:39:01Z"
    bundle = b"<alerts>" + etree.tostring(etree.fromstring(nsw)) + etree.tostring(broken) + b"</alerts>"
    run = ingest("cap", bundle)
    assert (run.status, run.rows_seen, run.rows_written, run.rows_rejected) == (RunStatus.SUCCEEDED, 2, 1, 1)
    record = QuarantinedRecord.objects.get()
    assert record.locator == "alert 2 (43b080713727)"
    assert "not valid CAP 1.2" in record.reason
    assert "'2003-04-02T14:39:01Z' is not accepted by the pattern" in record.reason
    assert "<identifier>43b080713727</identifier>" in record.raw
    assert ReceivedWarning.objects.get().sender == "webmaster@rfs.nsw.gov.au"


def test_a_malformed_polygon_is_quarantined_with_where_it_is(ingest, hsas):
    doc = etree.fromstring(hsas)
    area = doc.find(f".//{{{NS}}}area")
    polygon = etree.SubElement(area, f"{{{NS}}}polygon")
    polygon.text = "38.47,-120.14 38.34,-119.95 38.52,-119.74"  # 3 points, not closed
    run = ingest("cap", etree.tostring(doc))
    assert run.rows_rejected == 1 and run.rows_written == 0
    assert (
        QuarantinedRecord.objects.get().reason
        == "info 1 area 1 polygon 1: a polygon needs at least 4 points, it has 3"
    )


def test_a_document_that_is_not_xml_fails_the_run_and_is_kept(ingest):
    run = ingest("cap", b"<html><body>502 Bad Gateway")
    assert run.status == RunStatus.FAILED and run.error_kind == ErrorKind.PAYLOAD
    assert run.error.startswith("not well-formed XML")
    kept = RunPayload.objects.get(run=run)
    assert bytes(kept.content) == b"<html><body>502 Bad Gateway" and not kept.truncated


def test_xml_without_cap_alerts_fails_the_run(ingest):
    run = ingest("cap", b"<feed xmlns='http://www.w3.org/2005/Atom'><title>empty</title></feed>")
    assert run.status == RunStatus.FAILED
    assert "no CAP 1.2 <alert> element" in run.error and "<feed>" in run.error


def test_entities_are_not_expanded(ingest, hsas):
    declaration = b'<?xml version = "1.0" encoding = "UTF-8"?>'
    doctype = b'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    evil = (
        hsas.replace(declaration, doctype)
        .replace(b"<note>", b"")
        .replace(b"<sender>hsas@dhs.gov</sender>", b"<sender>hsas@dhs.gov&x;</sender>")
    )
    run = ingest("cap", evil)
    assert run.status == RunStatus.FAILED and "DTD" in run.error
    assert not ReceivedWarning.objects.exists()


def test_the_schema_must_be_configured(ingest, hsas, settings, tmp_path):
    settings.INGEST_CAP_XSD = tmp_path / "missing.xsd"
    run = ingest("cap", hsas)
    assert run.status == RunStatus.FAILED and run.error_kind == ErrorKind.CONFIG
    assert "INGEST_CAP_XSD" in run.error
