from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from gis import views as gis_views

admin.site.site_header = _("Emergency Command Centre administration")
admin.site.site_title = _("Emergency Command Centre")
admin.site.index_title = _("System administration")

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("gis.urls")),
    path("", include("emergency.urls")),
    path("tiles/<str:key>/<int:z>/<int:x>/<int:y>.pbf", gis_views.tile, name="tile"),
    path("api/", include("gis.api.urls")),
    path("api/", include("emergency.api.urls")),
    path("sanfang/", include("sanfang.urls")),
    path("api/sanfang/", include("sanfang.api.urls")),
    path("ingest/", include("ingest.urls")),
    path("api/ingest/", include("ingest.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
