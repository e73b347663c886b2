"""Web pages of the 三防 defence part (included by ``sanfang.urls``)."""

from django.urls import path

from sanfang import views_defence

urlpatterns: list = [
    path("defence/", views_defence.defence_overview, name="defence"),
    path("defence/report/", views_defence.defence_report, name="defence_report"),
    path("defence/losses/", views_defence.defence_losses, name="defence_losses"),
]
