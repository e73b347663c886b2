"""Demo plans: the flood plan written by the project (``demo_data/zhuhai-flood-plan.yaml``), imported
by the demo commander and put in force. Idempotent: an unchanged file makes no new version."""

from __future__ import annotations

from pathlib import Path

from accounts.models import User
from core.demo import DemoContext, register_demo_loader
from emergency.services.plans import plan_import

DEMO_PLANS = (
    Path(__file__).parent / "demo_data" / "zhuhai-flood-plan.yaml",
    Path(__file__).parent / "demo_data" / "zhuhai-wind-plan.yaml",
)


@register_demo_loader("plans", order=40)
def load_plans(ctx: DemoContext) -> None:
    commander = User.objects.filter(username="commander", is_active=True).first()
    if commander is None:
        ctx.say("no demo commander: plans skipped")
        return
    for path in DEMO_PLANS:
        version, created = plan_import(
            user=commander, text=path.read_bytes(), filename=path.name, put_in_force=True
        )
        state = "imported" if created else "unchanged"
        ctx.say(f"plan {version.plan.code} v{version.number} {state}, {version.get_status_display()}")


def incident_types_seed() -> None:
    """The incident type tree of migration 0004, again (idempotent): a database that was flushed
    (tests, a reset demo) has lost the rows the migration wrote."""
    from importlib import import_module

    from django.apps import apps

    import_module("emergency.migrations.0004_incident_types").seed(apps, None)


@register_demo_loader("incident types", order=35)
def load_incident_types(ctx: DemoContext) -> None:
    incident_types_seed()
    ctx.say("incident types present")
