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


@pytest.mark.parametrize("key", ["people", "hazards", "targets", "officers"])
def test_whole_cells_from_the_index_and_the_edge_tested_give_the_plain_totals(
    personas, world, key, monkeypatch
):
    from django.contrib.gis.geos import Point

    from sanfang.models import PersonToMove
    from sanfang.selectors import impact

    # A grid of households every 0.01° (on cell corners of the 1/50° grid and halfway between), some
    # exactly on the zone's edge, one inactive; the big-zone path is forced on for the small tables.
    PersonToMove.objects.bulk_create(
        PersonToMove(
            name=f"格{i}-{j}",
            geom=Point(113.18 + 0.01 * i, 22.19 + 0.01 * j, srid=4326),
            district=personas.area_a if i < 20 else personas.area_b,
            town=f"镇{i // 7}",
            category="low_lying",
            people=1 + (i + j) % 4,
            active=(i, j) != (10, 5),
        )
        for i in range(45)
        for j in range(13)
    )
    # (A table never analysed has the row estimate -1.)
    monkeypatch.setattr(impact, "IMPACT_CELLS_MIN_ROWS", float("-inf"))
    parts = []
    cell_filter = impact._cell_filter
    monkeypatch.setattr(
        impact, "_cell_filter", lambda qs, cells: parts.append(cells) or cell_filter(qs, cells)
    )
    monkeypatch.setattr(impact, "IMPACT_CELLS_MIN_SPAN", 0)
    impact._zone_cells.cache_clear()
    user = personas.commander
    plain = impact.impact_groups(impact.impact_queryset(user=user, key=key, zone=BOX))
    inside, edge = impact._zone_cells(bytes(BOX.ewkb))
    assert inside and edge  # both parts are exercised
    assert impact.impact_list_groups(user=user, key=key, zone=BOX) == plain
    assert parts == [inside, edge]  # the big-zone path was taken
    if key == "people":
        # Up to 41 × 11 grid points inside or on the edge (113.2–113.6, 22.2–22.3; 113.18 + 0.01·i
        # lands a rounding error either side of the edge), less the inactive one, plus the fixture's 5.
        assert 39 * 9 + 4 <= plain["total"]["count"] <= 41 * 11 - 1 + 5
