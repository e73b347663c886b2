from django.db import models
from django.utils.translation import gettext_lazy as _


class Transport(models.TextChoices):
    HTTP = "http", _("HTTP(S) pull")
    DIRECTORY = "directory", _("Directory drop")
    PUSH = "push", _("Push to our REST endpoint")


PULL_TRANSPORTS = frozenset({Transport.HTTP, Transport.DIRECTORY})


class DataKind(models.TextChoices):
    WARNINGS = "warnings", _("Warnings")
    RAINFALL = "rainfall", _("Rainfall")
    WATER_LEVEL = "water_level", _("Water levels")
    TIDE = "tide", _("Tide levels")
    WIND = "wind", _("Wind")
    OBSERVATIONS = "observations", _("Other observations")
    EARTHQUAKES = "earthquakes", _("Earthquakes")
    CLIMATE = "climate", _("Climate statistics")
    OTHER = "other", _("Other")


class HttpAuth(models.TextChoices):
    NONE = "none", _("None")
    BASIC = "basic", _("HTTP basic (user name and password)")
    BEARER = "bearer", _("Bearer token")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    ABANDONED = "abandoned", _("Abandoned (worker lost)")


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    MANUAL = "manual", _("Pulled by hand")
    PUSH = "push", _("Pushed to us")
    FILE = "file", _("File (ingest_file)")
    REPROCESS = "reprocess", _("Re-processing of quarantined records")


class ErrorKind(models.TextChoices):
    TRANSIENT = "transient", _("Transient (retried)")
    TRANSPORT = "transport", _("Transport refused")
    PAYLOAD = "payload", _("Payload not in the expected format")
    CONFIG = "config", _("Source settings")
    INTERNAL = "internal", _("Internal error")


class QuarantineState(models.TextChoices):
    PENDING = "pending", _("Pending")
    REPROCESSED = "reprocessed", _("Re-processed")
    DISCARDED = "discarded", _("Discarded")


class FeedState(models.TextChoices):
    OK = "ok", _("On time")
    LATE = "late", _("Late")
    DOWN = "down", _("Down")
    UNKNOWN = "unknown", _("No data yet")
    DISABLED = "disabled", _("Disabled")


class EventAction(models.TextChoices):
    """What a source's rules do with an event that matches them."""

    ALERT = "alert", _("Raise an alert")
    NONE = "none", _("Store only")
