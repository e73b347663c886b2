"""The live socket on the real Redis channel layer: authorisation, groups, replay, rollback."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from config.asgi import application
from emergency.consumers import LiveConsumer
from emergency.services.alerts import alert_acknowledge, alert_raise

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

TIMEOUT = 5


async def connect(user):
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = user
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator


async def sync(communicator, last_id=None, panels=False):
    await communicator.send_json_to({"type": "sync", "last_id": last_id, "panels": panels})
    reply = await communicator.receive_json_from(timeout=TIMEOUT)
    assert reply["type"] == "synced"
    return reply


async def receive(communicator, kind="alert"):
    """The next message of one type; others (layer redraws, panel updates) may come in between."""
    while True:
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        if message["type"] == kind:
            return message


async def nothing_of(communicator, kind="alert", timeout=0.7):
    """True when no message of this type arrives within the timeout (a timed-out receive would
    stop the consumer, so wait with receive_nothing and read only what has arrived)."""
    while not await communicator.receive_nothing(timeout=timeout):
        message = await communicator.receive_json_from(timeout=TIMEOUT)
        if message["type"] == kind:
            return False
    return True


@sync_to_async
def raise_alert(**kwargs):
    return alert_raise(**({"kind": "test", "level": "yellow", "title": "测试"} | kwargs))


async def test_anonymous_is_refused(personas):
    from django.contrib.auth.models import AnonymousUser

    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = AnonymousUser()
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert not connected and code == 4401


async def test_session_cookie_authenticates_through_the_asgi_stack(personas):
    client = Client()
    await sync_to_async(client.force_login)(personas.grid_a)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[(b"cookie", cookie), (b"origin", b"http://localhost")]
    )
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    await sync(communicator)
    await communicator.disconnect()

    stranger = WebsocketCommunicator(application, "/ws/live/", headers=[(b"origin", b"http://localhost")])
    connected, code = await stranger.connect(timeout=TIMEOUT)
    assert not connected and code == 4401


async def test_new_alerts_reach_only_the_groups_that_may_see_them(personas):
    screen_a = await connect(personas.grid_a)
    screen_b = await connect(personas.grid_b)
    command = await connect(personas.commander)
    for screen in (screen_a, screen_b, command):
        await sync(screen)

    alert = await raise_alert(title="斗门内涝", targets=["district:440403"])

    for screen in (screen_b, command):
        message = await receive(screen)
        assert message["new"] is True
        assert message["alert"]["id"] == alert.pk and message["alert"]["title"] == "斗门内涝"
    assert await nothing_of(screen_a)

    everyone = await raise_alert(title="全市")
    for screen in (screen_a, screen_b, command):
        assert (await receive(screen))["alert"]["id"] == everyone.pk
    for screen in (screen_a, screen_b, command):
        await screen.disconnect()


async def test_replay_after_a_given_id(personas):
    first = await raise_alert(title="一")
    second = await raise_alert(title="二")
    hidden = await raise_alert(title="斗门", targets=["district:440403"])
    third = await raise_alert(title="三")

    screen = await connect(personas.grid_a)
    reply = await sync(screen, last_id=first.pk)
    assert [a["id"] for a in reply["missed"]] == [second.pk, third.pk]
    assert hidden.pk not in [a["id"] for a in reply["snapshot"]]
    assert reply["latest_id"] == third.pk

    fresh = await sync(screen, last_id=None)
    assert fresh["missed"] == []
    assert [a["id"] for a in fresh["snapshot"]] == [first.pk, second.pk, third.pk]
    await screen.disconnect()


async def test_replay_carries_acknowledgements_made_while_away(personas):
    alert = await raise_alert(level="red")
    await sync_to_async(alert_acknowledge)(alert_id=alert.pk, user=personas.duty)
    screen = await connect(personas.commander)
    reply = await sync(screen, last_id=alert.pk)
    assert reply["snapshot"][-1]["acknowledged_by"] == "duty"
    await screen.disconnect()


async def test_acknowledgement_is_pushed_to_every_screen(personas):
    alert = await raise_alert(level="red")
    screens = [await connect(personas.commander), await connect(personas.grid_b)]
    for screen in screens:
        await sync(screen)
    await sync_to_async(alert_acknowledge)(alert_id=alert.pk, user=personas.duty)
    for screen in screens:
        message = await receive(screen)
        assert message["new"] is False and message["alert"]["acknowledged_by"] == "duty"
        # A later sync (served from the shared payload cache) shows the acknowledgement too.
        reply = await sync(screen)
        assert [a["acknowledged_by"] for a in reply["snapshot"] if a["id"] == alert.pk] == ["duty"]
        await screen.disconnect()


async def test_an_alert_raised_in_a_rolled_back_transaction_is_never_sent(personas):
    screen = await connect(personas.commander)
    await sync(screen)

    @sync_to_async
    def raise_then_fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            alert_raise(kind="test", level="red", title="不该出现")
            raise RuntimeError("the surrounding write failed")

    await raise_then_fail()
    assert await screen.receive_nothing(timeout=1.0)  # not even a layer or panel message
    kept = await raise_alert(title="该出现")
    assert (await receive(screen))["alert"]["id"] == kept.pk
    reply = await sync(screen)
    assert [a["title"] for a in reply["snapshot"]] == ["该出现"]
    await screen.disconnect()


async def test_bad_messages_get_an_error_not_a_crash(personas):
    screen = await connect(personas.commander)
    await screen.send_json_to({"type": "sync", "last_id": "yesterday"})
    assert (await screen.receive_json_from(timeout=TIMEOUT))["type"] == "error"
    await screen.send_json_to({"type": "shout"})
    assert (await screen.receive_json_from(timeout=TIMEOUT))["type"] == "error"
    await sync(screen)
    await screen.disconnect()


async def test_panels_are_sent_on_sync_and_pushed_when_warnings_change(personas):
    screen = await connect(personas.commander)
    reply = await sync(screen, panels=True)
    panel = next(p for p in reply["panels"] if p["key"] == "active_warnings")
    assert sum(s["value"] for s in panel["data"]["series"]) == 0

    await raise_alert(kind="warning", level="orange", title="台风橙色预警")
    panels = (await receive(screen, "panels"))["panels"]
    orange = next(s for s in panels[0]["data"]["series"] if s["colour"] == "#ff7a00")
    assert orange["value"] == 1
    await screen.disconnect()


async def test_live_layer_change_is_announced(personas):
    from django.contrib.gis.geos import Point

    screen = await connect(personas.commander)
    await sync(screen)
    await raise_alert(geom=Point(113.55, 22.25))
    assert (await receive(screen, "layer"))["layer"] == "alerts"
    await screen.disconnect()
