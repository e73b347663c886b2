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


@pytest.fixture
def personas(db):
    """The bureau with two districts, a town and an enterprise in district A, and one user each.

    - ``commander``: the bureau's commander, sees the whole city;
    - ``grid_a`` / ``grid_b``: grid inspectors in district A (香洲) / district B (斗门);
    - ``enterprise``: an enterprise administrator in district A's town;
    - ``outsider``: an active user with no organisation and no role.
    """
    from types import SimpleNamespace

    from accounts.choices import OrganisationKind as K
    from accounts.choices import RoleCode as R
    from accounts.services.roles import role_assign
    from tests.factories import OrganisationFactory, UserFactory

    bureau = OrganisationFactory(name="珠海市应急管理局", kind=K.BUREAU)
    district_a = OrganisationFactory(name="香洲区", kind=K.DISTRICT, parent=bureau)
    district_b = OrganisationFactory(name="斗门区", kind=K.DISTRICT, parent=bureau)
    town_a = OrganisationFactory(name="拱北街道", kind=K.TOWN, parent=district_a)
    company = OrganisationFactory(name="示范化工", kind=K.ENTERPRISE, parent=town_a)

    def user(username, org, role=None):
        u = UserFactory(username=username, organisation=org)
        if role:
            role_assign(user=u, role_code=role)
        return u

    return SimpleNamespace(
        bureau=bureau,
        district_a=district_a,
        district_b=district_b,
        town_a=town_a,
        company=company,
        commander=user("commander", bureau, R.COMMANDER),
        grid_a=user("grid_a", district_a, R.GRID_INSPECTOR),
        grid_b=user("grid_b", district_b, R.GRID_INSPECTOR),
        enterprise=user("ent_admin", company, R.ENTERPRISE_ADMIN),
        outsider=user("outsider", None),
    )
