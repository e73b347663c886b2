from django.urls import include, path

app_name = "sanfang-api"

# One module per part, so the parts never edit the same file.
urlpatterns: list = [
    path("", include("sanfang.api.urls_monitoring")),
    path("", include("sanfang.api.urls_typhoons")),
    path("", include("sanfang.api.urls_impact")),
    path("", include("sanfang.api.urls_decisions")),
    path("", include("sanfang.api.urls_defence")),
]
