from django.conf import settings

from core.navigation import SECTIONS


def platform(request):
    return {
        "nav_sections": SECTIONS,
        "basemap_tile_url": settings.BASEMAP_TILE_URL,
    }
