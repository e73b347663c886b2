from django.conf import settings

from core.navigation import SECTIONS


def platform(request):
    return {
        "nav_sections": SECTIONS,
        "basemap_tile_url": settings.BASEMAP_TILE_URL,
        "login_failure_limit": settings.LOGIN_FAILURE_LIMIT,
        "login_lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
