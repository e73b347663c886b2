import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_postgis_version(client):
    response = client.get("/healthz")
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["database"]["postgis"].startswith("3.")
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["channels"]["ok"] is True
