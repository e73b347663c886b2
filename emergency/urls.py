from django.urls import path

from emergency import views, views_pages

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
    path("plans/", views_pages.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views_pages.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/export/", views_pages.plan_export_view, name="plan_export"),
    path("resources/", views_pages.resources, name="resources"),
    path("library/", views_pages.library, name="library"),
    path("drills/", views_pages.drill_list, name="drill_list"),
]
