"""The lean ASGI tile route gives the same answers as the Django view, for real sessions."""

from __future__ import annotations

import mapbox_vector_tile
import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client

from config.asgi import application
from gis.models import RiskZone

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

Z, X, Y = 12, 3339, 1788


async def get(path, *, cookie="", method="GET", host="localhost", extra=()):
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", host.encode()), (b"cookie", cookie.encode()), *extra],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=10)
    body = await communicator.receive_output(timeout=10)
    await communicator.wait(timeout=10)
    return start["status"], dict(start["headers"]), body["body"]


@sync_to_async
def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
def zone(personas):
    return RiskZone.objects.create(
        name="拱北高风险区",
        level="major",
        district=personas.area_a,
        geom=MultiPolygon(Polygon.from_bbox((113.52, 22.22, 113.54, 22.24)), srid=4326),
    )


async def test_tile_for_a_signed_in_user_matches_the_django_view(personas, zone):
    cookie = await session_cookie(personas.commander)
    status, headers, body = await get(f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf", cookie=cookie)
    assert status == 200
    assert headers[b"content-type"] == b"application/vnd.mapbox-vector-tile"
    assert headers[b"cache-control"] == b"private, no-cache"
    features = mapbox_vector_tile.decode(body)["risk_zones"]["features"]
    assert [f["properties"]["label"] for f in features] == ["拱北高风险区"]

    client = Client()
    await sync_to_async(client.force_login)(personas.commander)
    django_response = await sync_to_async(client.get)(f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf")
    assert django_response.content == body
    assert django_response["ETag"] == headers[b"etag"].decode()

    status, _headers, body304 = await get(
        f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf", cookie=cookie, extra=[(b"if-none-match", headers[b"etag"])]
    )
    assert (status, body304) == (304, b"")
    status, _headers, head_body = await get(
        f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf", cookie=cookie, method="HEAD"
    )
    assert (status, head_body) == (200, b"")


async def test_anonymous_forged_and_forbidden(personas, zone):
    assert (await get(f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf"))[0] == 401
    assert (await get(f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf", cookie="sessionid=forged"))[0] == 401
    cookie = await session_cookie(personas.enterprise)
    status, _h, body = await get(f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf", cookie=cookie)
    assert status == 403 and b"forbidden" in body


async def test_bad_requests_are_4xx_in_the_users_language(personas):
    cookie = await session_cookie(personas.commander)
    status, _h, body = await get("/tiles/risk_zones/30/0/0.pbf", cookie=cookie)
    assert status == 400
    status, _h, body = await get("/tiles/nothing/1/0/0.pbf", cookie=cookie)
    assert status == 404 and "没有名为 nothing 的图层" in body.decode()
    status, _h, body = await get(
        "/tiles/nothing/1/0/0.pbf", cookie=cookie, extra=[(b"accept-language", b"en-GB,en;q=0.9")]
    )
    assert status == 404 and "There is no layer called nothing" in body.decode()
    # Not a tile path: Django answers.
    assert (await get("/tiles/risk_zones/1/0/0.png", cookie=cookie))[0] == 404
    # A Host that is not allowed gets Django's 400, as everywhere else.
    assert (await get(f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf", cookie=cookie, host="evil.example"))[0] == 400


async def test_a_signed_out_session_stops_working(personas, zone, settings):
    settings.TILE_SESSION_CACHE_SECONDS = 0
    client = Client()
    await sync_to_async(client.force_login)(personas.commander)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert (await get(f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf", cookie=cookie))[0] == 200
    await sync_to_async(client.logout)()
    assert (await get(f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf", cookie=cookie))[0] == 401
