from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    WARNING = "warning", _("Weather warning")
    THRESHOLD = "threshold", _("Threshold crossed")
    INCIDENT = "incident", _("Incident")
    RESPONSE = "response", _("Emergency response")
    FIRE = "fire", _("Fire point")
    HAZARD = "hazard", _("Work-safety hazard")
    FEED = "feed", _("Data feed")
    TEST = "test", _("Test")
    OTHER = "other", _("Other")


class AlertLevel(models.TextChoices):
    """Warning colours (GB/T 35965 severity order) and emergency response levels Ⅳ–Ⅰ."""

    INFO = "info", _("Information")
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")
    RESPONSE_IV = "IV", _("Level Ⅳ response")
    RESPONSE_III = "III", _("Level Ⅲ response")
    RESPONSE_II = "II", _("Level Ⅱ response")
    RESPONSE_I = "I", _("Level Ⅰ response")


# A response level shares the colour of the warning of the same rank (Ⅳ blue … Ⅰ red).
ALERT_LEVEL_COLOURS: dict[str, str] = {
    AlertLevel.INFO: "#8c9bab",
    AlertLevel.BLUE: "#1e6fd9",
    AlertLevel.YELLOW: "#f2c200",
    AlertLevel.ORANGE: "#ff7a00",
    AlertLevel.RED: "#e02020",
    AlertLevel.RESPONSE_IV: "#1e6fd9",
    AlertLevel.RESPONSE_III: "#f2c200",
    AlertLevel.RESPONSE_II: "#ff7a00",
    AlertLevel.RESPONSE_I: "#e02020",
}

# Screens flash these until someone acknowledges them.
URGENT_ALERT_LEVELS = frozenset(
    {AlertLevel.ORANGE, AlertLevel.RED, AlertLevel.RESPONSE_II, AlertLevel.RESPONSE_I}
)


# --- Incidents -----------------------------------------------------------------------------------


class IncidentCategory(models.TextChoices):
    """The four classes of the national overall emergency plan (国家突发事件总体应急预案)."""

    NATURAL = "natural", _("Natural disaster")
    ACCIDENT = "accident", _("Accident and disaster")
    PUBLIC_HEALTH = "public_health", _("Public health event")
    SOCIAL_SECURITY = "social_security", _("Social security event")


class IncidentLevel(models.TextChoices):
    """Event grades: Ⅰ 特别重大 is the most severe, Ⅳ 一般 the least."""

    I = "I", _("Ⅰ Especially major")  # noqa: E741
    II = "II", _("Ⅱ Major")
    III = "III", _("Ⅲ Large")
    IV = "IV", _("Ⅳ Ordinary")


# Severity rank: a higher number is more severe.
INCIDENT_LEVEL_RANK: dict[str, int] = {"IV": 1, "III": 2, "II": 3, "I": 4}
INCIDENT_LEVEL_COLOURS: dict[str, str] = {
    "I": "#e02020",
    "II": "#ff7a00",
    "III": "#f2c200",
    "IV": "#1e6fd9",
}
# The alert colour an incident of each level raises (Ⅲ and above raise one).
INCIDENT_ALERT_LEVEL: dict[str, str] = {"I": "red", "II": "orange", "III": "yellow"}


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", _("Verified")
    RESPONDING = "responding", _("Responding")
    CLOSED = "closed", _("Closed")
    DISMISSED = "dismissed", _("Dismissed")


# The only allowed status changes; anything else is refused.
INCIDENT_TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentStatus.REPORTED: frozenset({IncidentStatus.VERIFIED, IncidentStatus.DISMISSED}),
    IncidentStatus.VERIFIED: frozenset({IncidentStatus.RESPONDING}),
    IncidentStatus.RESPONDING: frozenset({IncidentStatus.CLOSED}),
    IncidentStatus.CLOSED: frozenset(),
    IncidentStatus.DISMISSED: frozenset(),
}
OPEN_INCIDENT_STATUSES = (IncidentStatus.REPORTED, IncidentStatus.VERIFIED, IncidentStatus.RESPONDING)


class IncidentSource(models.TextChoices):
    PHONE = "phone", _("Telephone")
    WEB = "web", _("Web form")
    API = "api", _("Another system (API)")
    ADMIN = "admin", _("Admin")
    VIDEO = "video", _("Video surveillance")
    PATROL = "patrol", _("Patrol or grid inspector")
    OTHER = "other", _("Other")


class IncidentUpdateKind(models.TextChoices):
    NOTE = "note", _("Progress note")
    STATUS = "status", _("Status change")
    LEVEL = "level", _("Level change")


# --- Resources -----------------------------------------------------------------------------------


class ResourceKind(models.TextChoices):
    TEAM = "team", _("Rescue team")
    DEPOT = "depot", _("Material depot")
    EXPERT = "expert", _("Expert")
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical facility")


class TeamStatus(models.TextChoices):
    READY = "ready", _("Ready")
    DISPATCHED = "dispatched", _("Dispatched")
    RESTING = "resting", _("Resting")
    UNAVAILABLE = "unavailable", _("Unavailable")


TEAM_STATUS_COLOURS: dict[str, str] = {
    "ready": "#2e7d32",
    "dispatched": "#ff7a00",
    "resting": "#8c9bab",
    "unavailable": "#e02020",
}


class StockMovementKind(models.TextChoices):
    IN = "in", _("Stock in")
    OUT = "out", _("Stock out")
    DISPATCH = "dispatch", _("Dispatched to an incident")
    RETURN = "return", _("Returned from an incident")
    ADJUST = "adjust", _("Stocktaking adjustment")


class DispatchStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ON_SCENE = "on_scene", _("On scene")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


DISPATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    DispatchStatus.ASSIGNED: frozenset(
        {DispatchStatus.ON_SCENE, DispatchStatus.RETURNED, DispatchStatus.CANCELLED}
    ),
    DispatchStatus.ON_SCENE: frozenset({DispatchStatus.RETURNED}),
    DispatchStatus.RETURNED: frozenset(),
    DispatchStatus.CANCELLED: frozenset(),
}


# --- Digital plans (数字预案) and response activation (启动响应) ------------------------------------


class PlanKind(models.TextChoices):
    """The government plan system: overall, special and department plans; enterprises have their own."""

    OVERALL = "overall", _("Overall plan")
    SPECIAL = "special", _("Special plan")
    DEPARTMENT = "department", _("Department plan")
    ENTERPRISE = "enterprise", _("Enterprise plan")


class ResponseType(models.TextChoices):
    """Guangdong 三防 response types (DOMAIN.md §2.3), plus a general type for other plans."""

    FLOOD = "flood", _("Flood control")
    WATERLOGGING = "waterlogging", _("Rainstorm waterlogging")
    WIND = "wind", _("Wind (typhoon) defence")
    DROUGHT = "drought", _("Drought")
    FREEZE = "freeze", _("Freezing")
    GENERAL = "general", _("General emergency")


class PlanVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")


class ResponseLevel(models.TextChoices):
    """Response levels: Ⅰ is the most severe, Ⅳ the least (DOMAIN.md §2.1)."""

    IV = "IV", _("Level Ⅳ")
    III = "III", _("Level Ⅲ")
    II = "II", _("Level Ⅱ")
    I = "I", _("Level Ⅰ")  # noqa: E741


# Severity rank: a higher number is more severe (the same order as incident levels).
RESPONSE_LEVEL_RANK: dict[str, int] = {"IV": 1, "III": 2, "II": 3, "I": 4}
RESPONSE_LEVELS_SEVERE_FIRST = ("I", "II", "III", "IV")


class ResponseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class ResponseChange(models.TextChoices):
    START = "start", _("Started")
    RAISE = "raise", _("Raised")
    LOWER = "lower", _("Lowered")
    END = "end", _("Ended")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# What a unit may report next; "in progress" may be reported again (a progress note).
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.PENDING: frozenset({TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE}),
    TaskStatus.ACCEPTED: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.DONE}),
    TaskStatus.IN_PROGRESS: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.DONE}),
    TaskStatus.DONE: frozenset(),
    TaskStatus.CANCELLED: frozenset(),
}
OPEN_TASK_STATUSES = (TaskStatus.PENDING, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)


# --- Duty (应急值守) ------------------------------------------------------------------------------


class DutyPost(models.TextChoices):
    LEADER = "leader", _("Leader on duty")
    OFFICER = "officer", _("Duty officer")
    ASSISTANT = "assistant", _("Duty assistant")


# --- Knowledge, case and document library (知识库/案例库/文档) -------------------------------------


class LibraryKind(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge")
    CASE = "case", _("Case")
    DOCUMENT = "document", _("Document")
    REGULATION = "regulation", _("Regulation")


# --- Drills (演练) --------------------------------------------------------------------------------


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    EVALUATED = "evaluated", _("Evaluated")
    FILED = "filed", _("Filed")


# Each step leads to the next one only.
DRILL_TRANSITIONS: dict[str, frozenset[str]] = {
    DrillStatus.PLANNED: frozenset({DrillStatus.RUNNING}),
    DrillStatus.RUNNING: frozenset({DrillStatus.EVALUATED}),
    DrillStatus.EVALUATED: frozenset({DrillStatus.FILED}),
    DrillStatus.FILED: frozenset(),
}
