"""The layer API: catalogue, GeoJSON, popups and search (documented in the OpenAPI schema)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gis.catalogue import Layer, layer_get, layer_visible_to, layers_for_user
from gis.selectors.layers import TooManyFeatures, layer_feature, layer_geojson, layer_search, parse_bbox


def _layer_for(request, key: str) -> Layer:
    layer = layer_get(key)
    if layer is None:
        raise NotFound(_("There is no layer called %(key)s.") % {"key": key})
    if not layer_visible_to(layer, user=request.user):
        raise PermissionDenied(_("You may not see this layer."))
    return layer


def layer_catalogue_json(layer: Layer) -> dict:
    return {
        "key": layer.key,
        "name": str(layer.name),
        "group": str(layer.group),
        "geometry_type": layer.geometry_type,
        "style": layer.style.as_json(),
        "legend": layer.style.legend(),
        "min_zoom": layer.min_zoom,
        "live": layer.live,
        "visible": layer.visible,
        "searchable": bool(layer.search_fields),
        "tiles": f"/tiles/{layer.key}/{{z}}/{{x}}/{{y}}.pbf",
        "geojson": f"/api/layers/{layer.key}/geojson/",
    }


class LayerCatalogueView(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT}, summary="Layers the caller may see, with styles and legends"
    )
    def get(self, request):
        return Response(
            {"layers": [layer_catalogue_json(layer) for layer in layers_for_user(user=request.user)]}
        )


class LayerGeoJSONView(APIView):
    @extend_schema(
        summary="A layer's features as GeoJSON, within a bounding box",
        description=(
            "Built by PostGIS. At most `LAYER_GEOJSON_MAX_FEATURES` features (default 5000) per response: "
            "past that the answer is 400 with code `too_many_features` and the limit; zoom in (a smaller "
            "bbox) or use the vector tiles."
        ),
        parameters=[OpenApiParameter("bbox", str, description="west,south,east,north in WGS 84 degrees")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, key: str):
        layer = _layer_for(request, key)
        bbox = None
        if "bbox" in request.query_params:
            try:
                bbox = parse_bbox(request.query_params["bbox"])
            except ValueError as exc:
                raise ValidationError({"bbox": [str(exc)]}) from exc
        limit = settings.LAYER_GEOJSON_MAX_FEATURES
        try:
            body = layer_geojson(layer, user=request.user, bbox=bbox, limit=limit)
        except TooManyFeatures:
            return Response(
                {
                    "code": "too_many_features",
                    "limit": limit,
                    "detail": _(
                        "More than %(limit)s features match; choose a smaller bounding box or use the vector tiles."
                    )
                    % {"limit": limit},
                },
                status=400,
            )
        return HttpResponse(body, content_type="application/geo+json")


class LayerFeatureView(APIView):
    @extend_schema(summary="One feature's details for its popup", responses={200: OpenApiTypes.OBJECT})
    def get(self, request, key: str, pk: int):
        layer = _layer_for(request, key)
        try:
            return Response(layer_feature(layer, user=request.user, pk=pk))
        except layer.model.DoesNotExist as exc:
            raise NotFound(_("No such feature.")) from exc


class LayerSearchView(APIView):
    @extend_schema(
        summary="Search features by name across the caller's layers",
        parameters=[OpenApiParameter("q", str)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        text = request.query_params.get("q", "")
        if len(text) > 100:
            raise ValidationError({"q": [_("Search text is limited to 100 characters.")]})
        return Response({"results": layer_search(user=request.user, text=text)})
