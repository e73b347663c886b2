from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emergency.choices import AlertKind, AlertLevel
from emergency.services.alerts import alert_raise


class Command(BaseCommand):
    help = gettext_lazy("Raise a test alert and push it to every screen that may see it.")

    def add_arguments(self, parser):
        parser.add_argument("--level", default=AlertLevel.YELLOW, choices=AlertLevel.values)
        parser.add_argument("--kind", default=AlertKind.TEST, choices=AlertKind.values)
        parser.add_argument("--title", default="")
        parser.add_argument("--body", default="")
        parser.add_argument("--district", action="append", default=[], metavar="ADCODE")
        parser.add_argument("--role", action="append", default=[], metavar="ROLE")
        parser.add_argument("--point", metavar="LON,LAT", help="where it happened, in WGS 84")

    def handle(self, *args, **options):
        geom = None
        if options["point"]:
            from django.contrib.gis.geos import Point

            try:
                lon, lat = (float(v) for v in options["point"].split(","))
            except ValueError:
                raise CommandError(_("--point must be LON,LAT, for example 113.55,22.27")) from None
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise CommandError(_("--point is outside WGS 84."))
            geom = Point(lon, lat, srid=4326)
        targets = [f"district:{a}" for a in options["district"]] + [f"role:{r}" for r in options["role"]]
        try:
            alert = alert_raise(
                kind=options["kind"],
                level=options["level"],
                title=options["title"] or "测试预警：请忽略",
                body=options["body"] or "这是平台发出的测试预警。",
                geom=geom,
                targets=targets or None,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(str(alert.pk))
