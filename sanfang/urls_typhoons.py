"""Web pages of the 三防 typhoons part (included by ``sanfang.urls``)."""

urlpatterns: list = []
