"""Receivers of the ingest app (connected in ``IngestConfig.ready()``)."""


def periodic_tasks_after_migrate(sender, **kwargs) -> None:
    from ingest.services.schedules import ingest_periodic_tasks_ensure

    ingest_periodic_tasks_ensure()
