"""Shared fixtures: role personas on real PostGIS, and the shared data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = Path(os.environ.get("SHARED_DATA_DIR", settings.SHARED_DATA_DIR))
    if not path.is_dir():
        pytest.skip(f"shared data folder {path} is absent (CI always has it)")
    return path


@pytest.fixture(autouse=True)
def _incident_types(request):
    """The incident types are seeded by a data migration; transactional tests flush them, so put
    them back for every test that uses the database."""
    if not {"db", "transactional_db"} & set(request.fixturenames) and not request.node.get_closest_marker(
        "django_db"
    ):
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from django.db import connection

    from emergency.demo import incident_types_seed
    from emergency.models import IncidentType

    if IncidentType.objects.exists():
        return
    incident_types_seed()
    if connection.in_atomic_block:
        # Check the new rows' deferred constraints now, so a test that truncates (flush) can.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def personas(db):
    """The bureau with two districts, a town and an enterprise in district A, and one user each.

    - ``commander``: the bureau's commander, sees the whole city; ``duty``: a duty officer there;
    - ``grid_a`` / ``grid_b``: grid inspectors in district A (香洲) / district B (斗门);
    - ``enterprise``: an enterprise administrator in district A's town;
    - ``outsider``: an active user with no organisation and no role.

    The districts have square boundaries (``area_a`` 440402, ``area_b`` 440403).
    """
    from types import SimpleNamespace

    from django.contrib.gis.geos import MultiPolygon, Polygon

    from accounts.choices import OrganisationKind as K
    from accounts.choices import RoleCode as R
    from accounts.services.roles import role_assign
    from gis.choices import AreaLevel
    from gis.models import AdminArea
    from tests.factories import OrganisationFactory, UserFactory

    def area(adcode, name, bbox):
        return AdminArea.objects.create(
            adcode=adcode,
            name=name,
            level=AreaLevel.DISTRICT,
            geom=MultiPolygon(Polygon.from_bbox(bbox), srid=4326),
        )

    # Two square "districts" side by side, far enough apart that tiles and boxes can tell them apart.
    area_a = area("440402", "香洲区", (113.50, 22.20, 113.60, 22.30))
    area_b = area("440403", "斗门区", (113.20, 22.20, 113.30, 22.30))
    bureau = OrganisationFactory(name="珠海市应急管理局", kind=K.BUREAU)
    district_a = OrganisationFactory(name="香洲区", kind=K.DISTRICT, parent=bureau, admin_area=area_a)
    district_b = OrganisationFactory(name="斗门区", kind=K.DISTRICT, parent=bureau, admin_area=area_b)
    town_a = OrganisationFactory(name="拱北街道", kind=K.TOWN, parent=district_a)
    company = OrganisationFactory(name="示范化工", kind=K.ENTERPRISE, parent=town_a)

    def user(username, org, role=None):
        u = UserFactory(username=username, organisation=org)
        if role:
            role_assign(user=u, role_code=role)
        return u

    return SimpleNamespace(
        bureau=bureau,
        area_a=area_a,
        area_b=area_b,
        district_a=district_a,
        district_b=district_b,
        town_a=town_a,
        company=company,
        commander=user("commander", bureau, R.COMMANDER),
        grid_a=user("grid_a", district_a, R.GRID_INSPECTOR),
        grid_b=user("grid_b", district_b, R.GRID_INSPECTOR),
        enterprise=user("ent_admin", company, R.ENTERPRISE_ADMIN),
        outsider=user("outsider", None),
        duty=user("duty", bureau, R.DUTY_OFFICER),
    )
