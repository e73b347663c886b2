from django.urls import path

from sanfang.api import typhoons as views

urlpatterns: list = [
    path("typhoons/storms/", views.StormListView.as_view(), name="typhoon-storms"),
    path("typhoons/storms/<str:code>/track/", views.StormTrackView.as_view(), name="typhoon-track"),
    path(
        "typhoons/storms/<str:code>/forecasts/", views.StormForecastView.as_view(), name="typhoon-forecasts"
    ),
    path("typhoons/storms/<str:code>/circles/", views.StormCirclesView.as_view(), name="typhoon-circles"),
    path("typhoons/storms/<str:code>/cone/", views.StormConeView.as_view(), name="typhoon-cone"),
    path("typhoons/storms/<str:code>/approach/", views.StormApproachView.as_view(), name="typhoon-approach"),
    path("typhoons/storms/<str:code>/zone/", views.StormZoneView.as_view(), name="typhoon-zone"),
    path("typhoons/warning-lines/", views.WarningLinesView.as_view(), name="typhoon-warning-lines"),
]
