"""Web pages of the 三防 impact part (included by ``sanfang.urls``)."""

from django.urls import path

from sanfang.views_impact import impact_page

urlpatterns: list = [
    path("impact/", impact_page, name="impact"),
]
