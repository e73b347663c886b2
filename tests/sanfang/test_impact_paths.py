# ruff: noqa: F811  (pytest fixtures imported from the fixture modules are test arguments)
"""The fast paths of the impact lists give exactly what the plain queries give: pages read from the
(district, town) groups they span, and the totals."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import GEOSGeometry

from sanfang.selectors.impact import impact_groups, impact_queryset, impact_rows
from tests.sanfang.impact_fixtures import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

# Two districts, several towns (see impact_fixtures).
BOX = GEOSGeometry("POLYGON((113.2 22.2, 113.6 22.2, 113.6 22.3, 113.2 22.3, 113.2 22.2))", srid=4326)


@pytest.mark.parametrize("key", ["people", "hazards", "shelters"])
def test_pages_read_from_their_groups_are_the_sorted_rows(personas, world, key):
    user = personas.commander
    grouped = impact_groups(impact_queryset(user=user, key=key, zone=BOX))
    everything = [r["id"] for r in impact_rows(user=user, key=key, zone=BOX, limit=1000)]
    assert len(everything) == grouped["total"]["count"]
    if key == "people":
        assert len(everything) == 5 and len(grouped["groups"]) == 2
    for limit in (1, 2, 3, 50):
        for offset in range(len(everything) + 1):
            page = impact_rows(user=user, key=key, zone=BOX, offset=offset, limit=limit, grouped=grouped)
            assert [r["id"] for r in page] == everything[offset : offset + limit], (offset, limit)
