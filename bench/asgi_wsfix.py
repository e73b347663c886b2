"""The platform's ASGI application with one change to the live consumer, for the "wsfix" variant of the
alert-latency bench (a proposed fix, measured side by side; the platform does not use this module).

Channels (4.2+) runs ``close_old_connections`` through ``sync_to_async`` before *every* handler it
dispatches. Those calls are thread-sensitive, so they queue on one thread: pushing an alert to N
sockets costs N hops through it, one after another, before the first frame goes out. Pushing a
ready-made payload touches no database, so this consumer skips that step for push-only events.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.consumer import get_handler_name  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from emergency.consumers import LiveConsumer  # noqa: E402

PUSH_ONLY = frozenset({"alert.new", "alert.updated", "layer.changed"})


class PushWithoutDbHopConsumer(LiveConsumer):
    async def dispatch(self, message: dict) -> None:
        if message.get("type") in PUSH_ONLY:
            await getattr(self, get_handler_name(message))(message)
            return
        await super().dispatch(message)


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([path("ws/live/", PushWithoutDbHopConsumer.as_asgi())]))
        ),
    }
)
