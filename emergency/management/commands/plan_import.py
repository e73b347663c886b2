"""Import a plan document (JSON or YAML) as a new version: plan_import <file> --user <username>.

Errors name the field path and the line, one per line, and the command exits non-zero.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from accounts.audit_context import audit_context
from accounts.models import User
from emergency.services.plan_documents import FORMATS, PlanDocumentError
from emergency.services.plans import plan_import


class Command(BaseCommand):
    help = "Import a plan from a JSON or YAML file as a new version (--in-force to put it in force)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--user", required=True, help="username of the person importing (needs plan rights)"
        )
        parser.add_argument("--format", choices=FORMATS, default="", help="default: from the file name")
        parser.add_argument("--in-force", action="store_true", help="put the new version in force")

    def handle(self, *args, file, user, format, in_force, **options):
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {user}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no file {file}")
        try:
            with audit_context(actor=actor):
                version, created = plan_import(
                    user=actor,
                    text=path.read_bytes(),
                    format=format,
                    filename=path.name,
                    put_in_force=in_force,
                )
        except PlanDocumentError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path}: {problem.path or '-'}: {problem.text()}")
            raise CommandError(f"{len(exc.problems)} problem(s); nothing imported") from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        state = "new version" if created else "unchanged, no new version"
        self.stdout.write(f"{version.plan.code} v{version.number} ({state}): {version.get_status_display()}")
