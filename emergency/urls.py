from django.urls import path

from emergency import views

app_name = "emergency"

urlpatterns = [
    path("bigscreen/", views.bigscreen, name="bigscreen"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/losses/", views.loss_statistics, name="loss_statistics"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("duty/", views.duty, name="duty"),
    path("contacts/", views.contacts, name="contacts"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/report/", views.task_report_view, name="task_report"),
]
