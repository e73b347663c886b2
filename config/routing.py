"""WebSocket routes. Each app that pushes live data adds its ``websocket_urlpatterns`` here."""

websocket_urlpatterns: list = []
