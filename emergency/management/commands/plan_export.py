"""Export a plan version as JSON or YAML: plan_export <plan code> --user <username> [--number n]."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.audit_context import audit_context
from accounts.models import User
from emergency.choices import PlanVersionStatus
from emergency.selectors.plans import plan_versions_visible
from emergency.services.plan_documents import FORMATS
from emergency.services.plans import plan_export


class Command(BaseCommand):
    help = "Export a plan version (default: the one in force, else the latest) as YAML or JSON."

    def add_arguments(self, parser):
        parser.add_argument("plan")
        parser.add_argument("--user", required=True)
        parser.add_argument("--number", type=int, help="version number")
        parser.add_argument("--format", choices=FORMATS, default="yaml")
        parser.add_argument("--with-phones", action="store_true", help="full phone numbers (audited)")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, plan, user, number, format, with_phones, output, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {user}")
        versions = plan_versions_visible(user=actor).filter(plan__code=plan)
        if number:
            version = versions.filter(number=number).first()
        else:
            version = (
                versions.filter(status=PlanVersionStatus.IN_FORCE).first()
                or versions.order_by("-number").first()
            )
        if version is None:
            raise CommandError(f"no plan {plan}" + (f" version {number}" if number else ""))
        try:
            with audit_context(actor=actor):
                text = plan_export(user=actor, version_id=version.pk, format=format, with_phones=with_phones)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
