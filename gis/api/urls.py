from django.urls import path

from gis.api import views

urlpatterns = [
    path("layers/", views.LayerCatalogueView.as_view(), name="layer-catalogue"),
    path("layers/search/", views.LayerSearchView.as_view(), name="layer-search"),
    path("layers/<str:key>/geojson/", views.LayerGeoJSONView.as_view(), name="layer-geojson"),
    path("layers/<str:key>/features/<int:pk>/", views.LayerFeatureView.as_view(), name="layer-feature"),
]
