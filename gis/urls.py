from django.urls import path

from gis import views

app_name = "gis"

urlpatterns = [
    path("map/", views.onemap, name="onemap"),
]
