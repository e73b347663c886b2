"""Web pages of the 三防 monitoring part (included by ``sanfang.urls``)."""

urlpatterns: list = []
