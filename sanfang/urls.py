"""The sanfang app's web pages (its REST API is in ``sanfang.api.urls``)."""

from django.urls import include, path

app_name = "sanfang"

# One module per part, so the parts never edit the same file.
urlpatterns: list = [
    path("", include("sanfang.urls_monitoring")),
    path("", include("sanfang.urls_typhoons")),
    path("", include("sanfang.urls_impact")),
    path("", include("sanfang.urls_decisions")),
    path("", include("sanfang.urls_defence")),
]
