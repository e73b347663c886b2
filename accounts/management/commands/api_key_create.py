"""Issue an API key for another bureau's system; the clear key is printed once and never stored."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiKeyScope, Organisation
from accounts.services.api_keys import api_key_create


class Command(BaseCommand):
    help = "Issue an API key: api_key_create <organisation code or id> <name> --scope incidents:read ..."

    def add_arguments(self, parser):
        parser.add_argument("organisation")
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", choices=ApiKeyScope.values, required=True)

    def handle(self, *args, organisation, name, scope, **options):
        org = Organisation.objects.filter(code=organisation).first()
        if org is None and organisation.isdigit():
            org = Organisation.objects.filter(pk=int(organisation)).first()
        if org is None:
            raise CommandError(f"no organisation {organisation}")
        try:
            key, raw = api_key_create(name=name, organisation=org, scopes=scope)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{key.prefix}: {raw}")
