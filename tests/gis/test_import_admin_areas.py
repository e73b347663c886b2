"""Importing administrative areas: the real DataV file of Zhuhai, bad files, and the demo outlines."""

from __future__ import annotations

import json
import math
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.management import CommandError, call_command, load_command_class
from django.utils import translation

from gis.choices import AreaLevel
from gis.coords import gcj02_to_wgs84
from gis.models import AdminArea
from gis.selectors import admin_area_containing, admin_areas_for_level
from gis.services.admin_areas import (
    APPROXIMATE_SOURCE,
    DEMO_DATAV_FILE,
    AdminAreaImportError,
    admin_areas_import,
    admin_areas_load_demo,
)

pytestmark = pytest.mark.django_db

DISTRICTS = {"440402": "香洲区", "440403": "斗门区", "440404": "金湾区"}

# Well-known places in WGS 84, each at least 1 km inside its district in the DataV boundary (checked
# when this test was written; the 珠海渔女 statue was dropped because it stands 90 m off the shore line).
LANDMARKS = [
    ("Zhuhai Jinwan Airport", (113.376, 22.006), "440404"),
    ("Zhuhai Municipal Government (珠海市人民政府)", (113.577, 22.271), "440402"),
    ("Doumen, Jing'an town centre (井岸镇)", (113.295, 22.210), "440403"),
]


@pytest.fixture
def datav_file(shared_data: Path) -> Path:
    return shared_data / DEMO_DATAV_FILE


@pytest.fixture
def imported(datav_file: Path) -> Path:
    call_command("import_admin_areas", str(datav_file), "--crs", "gcj02", stdout=StringIO())
    return datav_file


def run_import(path: Path, *args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("import_admin_areas", str(path), *args, stdout=out)
    return out.getvalue()


def utm_area_km2(geom: GEOSGeometry) -> float:
    return geom.transform(32649, clone=True).area / 1e6


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lat2 = math.radians(a[1]), math.radians(b[1])
    dlat, dlng = lat2 - lat1, math.radians(b[0] - a[0])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def square(lng: float, lat: float, size: float) -> list[list[list[float]]]:
    return [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]]


def feature(adcode, name, coordinates, *, geom_type="Polygon", **props) -> dict:
    return {
        "type": "Feature",
        "properties": {"adcode": adcode, "name": name, **props},
        "geometry": {"type": geom_type, "coordinates": coordinates},
    }


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def write_json(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


# --- the real file --------------------------------------------------------------------------------


def test_real_file_gives_the_three_districts(datav_file):
    out = run_import(datav_file, "--crs", "gcj02")

    assert dict(AdminArea.objects.values_list("adcode", "name")) == DISTRICTS
    assert set(AdminArea.objects.values_list("level", flat=True)) == {AreaLevel.DISTRICT}
    assert not AdminArea.objects.filter(approximate=True).exists()
    # The parent (珠海市 440400) is in neither the file nor the database.
    assert not AdminArea.objects.filter(parent__isnull=False).exists()
    assert "3 created, 0 updated" in out
    assert "GCJ-02 to WGS 84" in out
    # DataV's 香洲区 has a self-intersection among its islands: repaired and said so.
    assert "Repaired the invalid boundary of 440402 香洲区" in out
    assert not AdminArea.objects.filter(geom__isvalid=False).exists()
    assert AdminArea.objects.get(adcode="440403").source.startswith(datav_file.name)


def test_areas_are_plausible(imported):
    # Measured in UTM 49N: 香洲 577, 斗门 628, 金湾 751 km² (DataV includes tidal flats and sea lanes).
    bands = {"440402": (500, 650), "440403": (560, 700), "440404": (660, 840)}
    for area in AdminArea.objects.all():
        low, high = bands[area.adcode]
        assert low < utm_area_km2(area.geom) < high, area.name


@pytest.mark.parametrize(("label", "lng_lat", "adcode"), LANDMARKS, ids=[lm[0] for lm in LANDMARKS])
def test_landmarks_fall_in_the_right_district(imported, label, lng_lat, adcode):
    point = Point(*lng_lat, srid=4326)
    area = admin_area_containing(point=point)
    assert area is not None, label
    assert area.adcode == adcode
    inside_m = area.geom.transform(32649, clone=True).boundary.distance(point.transform(32649, clone=True))
    assert inside_m > 1000, f"{label} is only {inside_m:.0f} m from the border"


def test_stored_boundary_is_shifted_from_the_raw_gcj02(imported):
    raw = json.loads(imported.read_text(encoding="utf-8-sig"))
    doumen = next(f for f in raw["features"] if str(f["properties"]["adcode"]) == "440403")
    first_gcj = tuple(doumen["geometry"]["coordinates"][0][0][0])
    stored = AdminArea.objects.get(adcode="440403").geom
    # 斗门区 is valid as published, so its vertices are stored in order, each one converted.
    first_stored = stored[0][0][0]

    assert first_stored == pytest.approx(gcj02_to_wgs84(*first_gcj), abs=1e-9)
    assert 400 < metres(first_gcj, first_stored) < 800
    raw_centroid = GEOSGeometry(json.dumps(doumen["geometry"])).centroid
    assert 400 < metres(raw_centroid.coords, stored.centroid.coords) < 800
    # WGS 84 lies west (and a little north) of GCJ-02 here.
    assert stored.centroid.x < raw_centroid.x


def test_rerun_updates_instead_of_duplicating(imported):
    ids = dict(AdminArea.objects.values_list("adcode", "pk"))
    AdminArea.objects.filter(adcode="440403").update(name="旧名", approximate=True, source="old")

    out = run_import(imported, "--crs", "gcj02", "--source", "DataV 2025")

    assert "0 created, 3 updated" in out
    assert dict(AdminArea.objects.values_list("adcode", "pk")) == ids
    doumen = AdminArea.objects.get(adcode="440403")
    assert (doumen.name, doumen.approximate, doumen.source) == ("斗门区", False, "DataV 2025")


def test_parent_is_linked_when_it_exists_in_the_database(imported):
    city = collection(
        feature(440400, "珠海市", square(113.0, 21.7, 1.4), level="city", parent={"adcode": 440000})
    )
    admin_areas_import(data=json.dumps(city), crs="wgs84", source="test")
    run_import(imported, "--crs", "gcj02")

    zhuhai = AdminArea.objects.get(adcode="440400")
    assert zhuhai.parent is None
    assert set(zhuhai.children.values_list("adcode", flat=True)) == set(DISTRICTS)
    assert list(admin_areas_for_level(level=AreaLevel.DISTRICT, parent=zhuhai)) == list(
        AdminArea.objects.filter(adcode__in=DISTRICTS).order_by("adcode")
    )
    # Most specific level wins when a district and its city both contain the point.
    assert admin_area_containing(point=Point(113.376, 22.006, srid=4326)).adcode == "440404"
    assert admin_area_containing(point=Point(113.376, 22.006), level=AreaLevel.CITY) == zhuhai


# --- the importer on small files --------------------------------------------------------------------


def test_parent_later_in_the_same_file_and_levels(tmp_path):
    doc = collection(
        feature(
            "440499001", "某街道", square(113.51, 22.21, 0.02), level="street", parent={"adcode": "440499"}
        ),
        feature(440499, "某区", square(113.5, 22.2, 0.1), parent={"adcode": 440400}),
        feature(440400, "珠海市", square(113.4, 22.1, 0.5), level="city"),
    )
    out = run_import(write_json(tmp_path / "areas.geojson", doc), "--crs", "wgs84")

    assert "3 created" in out
    areas = {a.adcode: a for a in AdminArea.objects.all()}
    assert areas["440499001"].level == AreaLevel.TOWN  # DataV's "street"
    assert areas["440499"].level == AreaLevel.DISTRICT  # no level: told from the adcode
    assert areas["440499001"].parent == areas["440499"]
    assert areas["440499"].parent == areas["440400"]
    assert areas["440400"].parent is None
    assert areas["440499"].source == "areas.geojson"
    # wgs84 is stored as given.
    assert areas["440499"].geom[0][0][0] == pytest.approx((113.5, 22.2), abs=1e-12)
    assert admin_area_containing(point=Point(113.52, 22.22, srid=4326)) == areas["440499001"]
    assert admin_area_containing(point=Point(113.58, 22.28, srid=4326)) == areas["440499"]
    assert admin_area_containing(point=Point(100.0, 30.0, srid=4326)) is None


def test_utf8_bom_is_accepted(tmp_path):
    text = json.dumps(collection(feature(440499, "某区", square(113.5, 22.2, 0.1))), ensure_ascii=False)
    path = tmp_path / "bom.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    run_import(path, "--crs", "wgs84")
    admin_areas_import(data="\ufeff" + text, crs="wgs84", source="str")

    assert AdminArea.objects.get(adcode="440499").source == "str"


def test_bow_tie_polygon_is_repaired_and_reported(tmp_path):
    # Drawn as one ring that crosses itself at (113.55, 22.25): two triangles.
    bow_tie = [[[113.5, 22.2], [113.6, 22.3], [113.6, 22.2], [113.5, 22.3], [113.5, 22.2]]]
    path = write_json(tmp_path / "bowtie.geojson", collection(feature(440499, "某区", bow_tie)))

    out = run_import(path, "--crs", "wgs84")

    assert "Repaired the invalid boundary of 440499 某区: Self-intersection" in out
    assert "1 created, 0 updated, 1 repaired" in out
    area = AdminArea.objects.get(adcode="440499")
    assert area.geom.valid
    assert len(area.geom) == 2
    # Two triangles of half the box each way: a quarter of 0.1° x 0.1° apiece.
    assert area.geom.area == pytest.approx(0.005, rel=1e-6)
    result = admin_areas_import(data=path.read_bytes(), crs="wgs84", source="again")
    assert [(r.adcode, r.name) for r in result.repaired] == [("440499", "某区")]
    assert result.updated == ["440499"]


# (name, file contents, the English words the one-line message must contain)
BAD_FILES = [
    ("not JSON", b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
    ("not UTF-8", b"\xff\xfe{}", "not UTF-8"),
    (
        "a Feature, not a collection",
        feature(440499, "某区", square(113.5, 22.2, 0.1)),
        "not a GeoJSON FeatureCollection",
    ),
    ("a JSON list", [], "not a GeoJSON FeatureCollection"),
    ("empty collection", collection(), "has no features"),
    (
        "missing adcode",
        collection(
            # A good feature first: it must not be written either.
            feature(440403, "改名区", square(113.2, 22.2, 0.1)),
            feature(None, "无代码", square(113.5, 22.2, 0.1)),
        ),
        "Feature 2 (无代码): the adcode property is missing",
    ),
    (
        "empty name",
        collection(feature(440499, " ", square(113.5, 22.2, 0.1))),
        "the name property is missing",
    ),
    (
        "no geometry",
        collection({"type": "Feature", "properties": {"adcode": 440499, "name": "某区"}, "geometry": None}),
        "has no geometry",
    ),
    (
        "geometry not an object",
        collection(
            {"type": "Feature", "properties": {"adcode": 440499, "name": "某区"}, "geometry": "POLYGON"}
        ),
        "not a GeoJSON geometry object",
    ),
    (
        "a point",
        collection(feature(440499, "某区", [113.5, 22.2], geom_type="Point")),
        "the geometry is a Point",
    ),
    (
        "unclosed ring",
        collection(feature(440499, "某区", [[[113.5, 22.2], [113.6, 22.2], [113.6, 22.3]]])),
        "the coordinates are malformed",
    ),
    (
        "polygon collapsed to a line",
        collection(feature(440499, "某区", [[[113.5, 22.2], [113.6, 22.3], [113.6, 22.3], [113.5, 22.2]]])),
        "cannot be repaired into a polygon",
    ),
    (
        "duplicate adcode",
        collection(
            feature(440499, "某区", square(113.5, 22.2, 0.1)),
            feature(440499, "某区", square(113.7, 22.2, 0.1)),
        ),
        "already appears in feature 1",
    ),
    (
        "unknown level",
        collection(feature(100000, "中华人民共和国", square(113.5, 22.2, 0.1), level="country")),
        "not supported",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_rejected_in_one_line_and_changes_nothing(imported, tmp_path, name, content, expected):
    path = tmp_path / "bad.geojson"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        write_json(path, content)
    before = list(AdminArea.objects.order_by("adcode").values_list("adcode", "name", "updated_at", "source"))
    doumen_wkb = bytes(AdminArea.objects.get(adcode="440403").geom.wkb)

    with pytest.raises(CommandError) as excinfo, translation.override("en"):
        call_command("import_admin_areas", str(path), "--crs", "gcj02", stdout=StringIO())

    message = str(excinfo.value)
    assert "\n" not in message
    assert expected in message
    after = list(AdminArea.objects.order_by("adcode").values_list("adcode", "name", "updated_at", "source"))
    assert after == before
    assert bytes(AdminArea.objects.get(adcode="440403").geom.wkb) == doumen_wkb


def test_a_failure_while_writing_rolls_back_every_row(imported, monkeypatch):
    before = list(AdminArea.objects.order_by("adcode").values_list("adcode", "name", "updated_at"))
    real_save = AdminArea.save

    def save_failing_on_jinwan(self, *args, **kwargs):
        if self.adcode == "440404":
            raise RuntimeError("disk full")
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(AdminArea, "save", save_failing_on_jinwan)
    with pytest.raises(RuntimeError):
        admin_areas_import(data=imported.read_bytes(), crs="gcj02", source="half")

    assert list(AdminArea.objects.order_by("adcode").values_list("adcode", "name", "updated_at")) == before
    assert not AdminArea.objects.filter(source="half").exists()


def test_unknown_crs_is_rejected(imported, tmp_path):
    path = write_json(
        tmp_path / "ok.geojson", collection(feature(440403, "改名区", square(113.5, 22.2, 0.1)))
    )
    before = list(AdminArea.objects.values_list("adcode", "name", "updated_at"))

    with pytest.raises(CommandError) as excinfo:
        call_command("import_admin_areas", str(path), "--crs", "bd09", stdout=StringIO())
    assert "\n" not in str(excinfo.value)
    assert "bd09" in str(excinfo.value)
    with pytest.raises(AdminAreaImportError) as service_exc, translation.override("en"):
        admin_areas_import(data=path.read_bytes(), crs="bd09", source="x")
    assert str(service_exc.value) == "Unknown coordinate system “bd09”; use gcj02 or wgs84."

    assert list(AdminArea.objects.values_list("adcode", "name", "updated_at")) == before


def test_crs_is_required(tmp_path):
    path = write_json(tmp_path / "ok.geojson", collection(feature(440499, "某区", square(113.5, 22.2, 0.1))))
    with pytest.raises(CommandError, match="--crs"):
        call_command("import_admin_areas", str(path), stdout=StringIO())
    assert not AdminArea.objects.exists()


@pytest.mark.parametrize(("language", "words"), [("en", "converted to WGS 84"), ("zh-hans", "转换为 WGS 84")])
def test_help_renders_in_each_language(language, words):
    # argparse cannot format lazy translations; building the parser is where that would break.
    with translation.override(language):
        text = (
            load_command_class("gis", "import_admin_areas")
            .create_parser("manage.py", "import_admin_areas")
            .format_help()
        )
    assert words in text
    assert "--crs {gcj02,wgs84}" in text


def test_unreadable_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError) as excinfo, translation.override("en"):
        call_command("import_admin_areas", str(tmp_path / "missing.geojson"), "--crs", "wgs84")
    assert str(excinfo.value).startswith("Cannot read ")
    assert "\n" not in str(excinfo.value)


def test_messages_are_translated_to_chinese():
    with translation.override("zh-hans"), pytest.raises(AdminAreaImportError) as zh:
        admin_areas_import(data="[]", crs="wgs84", source="x")
    with translation.override("en"), pytest.raises(AdminAreaImportError) as en:
        admin_areas_import(data="[]", crs="wgs84", source="x")
    assert str(en.value) == "The file is not a GeoJSON FeatureCollection."
    assert str(zh.value) != str(en.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(zh.value))


# --- demo -----------------------------------------------------------------------------------------


def test_demo_without_shared_data_draws_approximate_districts(tmp_path):
    message = admin_areas_load_demo(shared_data_dir=tmp_path)

    assert "approximate" in message or "近似" in message
    areas = {a.adcode: a for a in AdminArea.objects.all()}
    assert {code: a.name for code, a in areas.items()} == DISTRICTS
    for area in areas.values():
        assert area.approximate
        assert area.source == APPROXIMATE_SOURCE
        assert area.level == AreaLevel.DISTRICT
        assert area.geom.valid
        assert 300 < utm_area_km2(area.geom) < 1500
    # Drawn to share edges: no district overlaps another.
    codes = sorted(areas)
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            assert areas[a].geom.intersection(areas[b].geom).area == pytest.approx(0, abs=1e-12)
    for label, lng_lat, adcode in LANDMARKS:
        assert admin_area_containing(point=Point(*lng_lat, srid=4326)).adcode == adcode, label

    ids = dict(AdminArea.objects.values_list("adcode", "pk"))
    admin_areas_load_demo(shared_data_dir=tmp_path)
    assert dict(AdminArea.objects.values_list("adcode", "pk")) == ids
    assert AdminArea.objects.count() == 3


def test_demo_never_replaces_official_boundaries(imported, tmp_path):
    before = {a.adcode: bytes(a.geom.wkb) for a in AdminArea.objects.all()}

    admin_areas_load_demo(shared_data_dir=tmp_path)

    assert not AdminArea.objects.filter(approximate=True).exists()
    assert {a.adcode: bytes(a.geom.wkb) for a in AdminArea.objects.all()} == before


def test_demo_with_shared_data_imports_the_real_file(shared_data, tmp_path):
    admin_areas_load_demo(shared_data_dir=tmp_path)  # approximate first
    message = admin_areas_load_demo(shared_data_dir=shared_data)

    assert DEMO_DATAV_FILE.name in message
    assert AdminArea.objects.count() == 3
    assert not AdminArea.objects.filter(approximate=True).exists()
    assert admin_area_containing(point=Point(113.376, 22.006, srid=4326)).adcode == "440404"


# --- admin ------------------------------------------------------------------------------------------


def test_admin_lists_searches_and_shows_the_map(client, django_user_model, imported):
    superuser = django_user_model.objects.create_superuser("root", password="Root-pass-2026")
    client.force_login(superuser)

    listing = client.get("/admin/geo/adminarea/", {"q": "斗门"})
    assert listing.status_code == 200
    assert "斗门区" in listing.content.decode()
    assert "香洲区" not in listing.content.decode()

    doumen = AdminArea.objects.get(adcode="440403")
    change = client.get(f"/admin/geo/adminarea/{doumen.pk}/change/")
    assert change.status_code == 200
    assert "leaflet" in change.content.decode().lower()


def test_multipolygon_and_polygon_inputs_are_both_stored_as_multipolygon(tmp_path):
    multi = [square(113.5, 22.2, 0.05), square(113.7, 22.2, 0.05)]
    doc = collection(
        feature(440498, "单面", square(113.3, 22.2, 0.05)),
        feature(440499, "多面", multi, geom_type="MultiPolygon"),
    )
    run_import(write_json(tmp_path / "mixed.geojson", doc), "--crs", "wgs84")
    single, double = AdminArea.objects.order_by("adcode")
    assert isinstance(single.geom, MultiPolygon) and len(single.geom) == 1
    assert isinstance(double.geom, MultiPolygon) and len(double.geom) == 2
    assert isinstance(double.geom[1], Polygon)
