"""Shared helpers for the command-core tests (incidents, resources, API keys)."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from rest_framework.test import APIClient

from emergency.models import IncidentType
from emergency.services.incidents import incident_report

# Inside district A (香洲, 113.50–113.60) and district B (斗门, 113.20–113.30) of the personas.
IN_A = Point(113.55, 22.25, srid=4326)
IN_B = Point(113.25, 22.25, srid=4326)


def client_for(user, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def report(user, *, title="白石水库出现管涌", type_code="flood", level="IV", point=IN_A, **extra):
    return incident_report(
        user=user,
        title=title,
        type=IncidentType.objects.get(code=type_code),
        level=level,
        geom=point,
        source="phone",
        **extra,
    )


def seed_incident_types() -> None:
    """Re-seed the type tree from migration 0004: transactional tests elsewhere flush the database,
    which removes data that migrations created."""
    import importlib

    from django.apps import apps

    importlib.import_module("emergency.migrations.0004_incident_types").seed(apps, None)
