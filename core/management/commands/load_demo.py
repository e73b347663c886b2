from django.core.management.base import BaseCommand
from django.db import transaction

from core.demo import DemoContext, demo_loaders


class Command(BaseCommand):
    help = "Load the demo data of every app. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the existing demo users new passwords (printed once).",
        )

    def handle(self, *args, reset_passwords: bool = False, **options):
        ctx = DemoContext(say=lambda line: self.stdout.write(f"  {line}"), reset_passwords=reset_passwords)
        for loader in demo_loaders():
            self.stdout.write(self.style.MIGRATE_HEADING(f"Demo data: {loader.name}"))
            with transaction.atomic():
                loader.load(ctx)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
