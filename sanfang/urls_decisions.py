"""Web pages of the 三防 decisions part (included by ``sanfang.urls``)."""

from django.urls import path

from sanfang import views_decisions

urlpatterns: list = [
    path("decisions/", views_decisions.decisions, name="decisions"),
    path(
        "decisions/<int:pk>/confirm/",
        views_decisions.decide,
        {"verdict": "confirm"},
        name="decision_confirm",
    ),
    path(
        "decisions/<int:pk>/reject/",
        views_decisions.decide,
        {"verdict": "reject"},
        name="decision_reject",
    ),
]
