"""WebSocket routes, collected from the apps that push live data."""

from emergency.routing import websocket_urlpatterns as emergency_routes

websocket_urlpatterns: list = [*emergency_routes]
