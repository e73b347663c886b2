"""Web pages of the 三防 defence part (included by ``sanfang.urls``)."""

urlpatterns: list = []
