"""Web pages of the 三防 decisions part (included by ``sanfang.urls``)."""

urlpatterns: list = []
