from django.urls import path

from emergency import views

app_name = "emergency"

urlpatterns = [
    path("bigscreen/", views.bigscreen, name="bigscreen"),
]
