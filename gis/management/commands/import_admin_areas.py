"""Import administrative areas from a GeoJSON FeatureCollection (DataV.GeoAtlas or WGS 84)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gis.services.admin_areas import (
    CRS_GCJ02,
    SUPPORTED_CRS,
    AdminAreaImportError,
    admin_areas_import,
)


class Command(BaseCommand):
    # Translated when the parser is built: argparse cannot format gettext_lazy proxies.
    @property
    def help(self) -> str:
        return _(
            "Import administrative areas from a GeoJSON FeatureCollection; GCJ-02 is converted to WGS 84."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("GeoJSON FeatureCollection of Polygon/MultiPolygon."))
        # Required: guessing wrong shifts every boundary by ~600 m around Zhuhai without any error.
        parser.add_argument(
            "--crs",
            required=True,
            choices=SUPPORTED_CRS,
            help=_("Coordinates of the file: gcj02 (DataV, AutoNavi) or wgs84."),
        )
        parser.add_argument("--source", help=_("Where the data came from (default: the file name)."))

    def handle(self, *args, file: Path, crs: str, source: str | None, **options) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": file, "error": exc.strerror or exc}
            ) from exc
        if source is None:
            source = file.name
            if crs == CRS_GCJ02:
                source += " (GCJ-02, converted to WGS 84)"
        try:
            result = admin_areas_import(data=data, crs=crs, source=source)
        except AdminAreaImportError as exc:
            raise CommandError(str(exc)) from exc

        for repair in result.repaired:
            self.stdout.write(
                self.style.WARNING(
                    _("Repaired the invalid boundary of %(adcode)s %(name)s: %(reason)s")
                    % {"adcode": repair.adcode, "name": repair.name, "reason": repair.reason}
                )
            )
        if crs == CRS_GCJ02:
            self.stdout.write(_("Coordinates converted from GCJ-02 to WGS 84."))
        self.stdout.write(
            self.style.SUCCESS(
                _("Administrative areas: %(created)d created, %(updated)d updated, %(repaired)d repaired.")
                % {
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "repaired": len(result.repaired),
                }
            )
        )
