"""The sanfang app's web pages (its REST API is in ``sanfang.api.urls``)."""

app_name = "sanfang"

urlpatterns: list = []
