"""Web pages of the 三防 impact part (included by ``sanfang.urls``)."""

urlpatterns: list = []
