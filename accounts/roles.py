"""The platform's roles, declared once.

The rows are created by migration 0002; their permissions are synced from this table after every
``migrate`` (permissions themselves only exist after migrations have run), so changing a role's
rights is a one-line change here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.choices import ExclusiveGroup, RoleCode


@dataclass(frozen=True)
class RoleSpec:
    code: RoleCode
    city_wide: bool = False
    staff: bool = False
    exclusive_group: str = ExclusiveGroup.NONE
    permissions: tuple[str, ...] = field(default_factory=tuple)


def _crud(app_label: str, model: str) -> tuple[str, ...]:
    return tuple(f"{app_label}.{action}_{model}" for action in ("add", "change", "delete", "view"))


ADMIN = ExclusiveGroup.ADMINISTRATION

# --- Command core (emergency: incidents and resources) ---
_RESOURCE_MODELS = ("rescueteam", "teammember", "depot", "stockitem", "expert", "shelter", "medicalfacility")
_VIEW_RESOURCES = tuple(f"emergency.view_{m}" for m in (*_RESOURCE_MODELS, "stockmovement", "dispatch"))
# Anyone who may report an incident may also add to its timeline (within their scope).
_REPORT_INCIDENTS = (
    "emergency.view_incidenttype",
    "emergency.view_incident",
    "emergency.add_incident",
    "emergency.view_incidentupdate",
    "emergency.add_incidentupdate",
)
_COMMAND = (
    *_REPORT_INCIDENTS,
    "emergency.change_incident",
    "emergency.handle_incident",
    *(p for m in _RESOURCE_MODELS for p in _crud("emergency", m)),
    "emergency.view_stockmovement",
    "emergency.add_stockmovement",
    "emergency.view_dispatch",
    "emergency.add_dispatch",
    "emergency.change_dispatch",
)

# --- Plans and responses: commanders import plans and command responses; units handle their tasks ---
_VIEW_PLANS = tuple(
    f"emergency.view_{m}" for m in ("plan", "planversion", "planunit", "plangroup", "planlevel", "planaction")
)
_VIEW_RESPONSES = (
    "emergency.view_emergencyresponse",
    "emergency.view_responselogentry",
    "emergency.view_responsetask",
    "emergency.view_taskreport",
)
_HANDLE_TASKS = (*_VIEW_PLANS, *_VIEW_RESPONSES, "emergency.report_task", "emergency.add_taskreport")
_COMMAND_RESPONSES = (*_HANDLE_TASKS, "emergency.manage_plan", "emergency.command_response")

# --- Duty (应急值守): commanders and duty officers keep the roster; whoever is on duty hands over ---
_KEEP_DUTY = (*_crud("emergency", "dutyshift"), "emergency.view_handoverlog", "emergency.add_handoverlog")
_DO_DUTY = ("emergency.view_dutyshift", "emergency.view_handoverlog", "emergency.add_handoverlog")

# --- Knowledge, case and document library: staff read it; commanders, duty officers and admins keep it ---
_READ_LIBRARY = ("emergency.view_libraryentry", "emergency.view_libraryfile")
_KEEP_LIBRARY = (
    *_READ_LIBRARY,
    "emergency.add_libraryentry",
    "emergency.change_libraryentry",
    "emergency.add_libraryfile",
    "emergency.change_libraryfile",
)
# --- Drills (演练): commanders and duty officers plan, run, evaluate and file them; member units see theirs ---
_RUN_DRILLS = ("emergency.view_drill", "emergency.add_drill", "emergency.change_drill")

# --- 三防 (sanfang): monitoring, typhoons, registries, rules, defence progress ---
_SANFANG_REGISTRIES = ("persontomove", "hazardpoint", "protectedtarget", "infoofficer")
_VIEW_SANFANG = (
    "sanfang.view_station",
    "sanfang.view_stationstatus",
    "sanfang.view_rainfallthreshold",
    "sanfang.view_rainstormsignalrule",
    "sanfang.view_storm",
    "sanfang.view_stormfix",
    "sanfang.view_stormforecast",
    "sanfang.view_hazardpoint",
    "sanfang.view_protectedtarget",
    "sanfang.view_infoofficer",
    "sanfang.view_responserule",
    "sanfang.view_responserecommendation",
    "sanfang.view_defencetarget",
    "sanfang.view_defencereport",
    "sanfang.view_disasterreport",
)
# The named evacuation lists (people to move, with contacts) are personal data: only the command
# roles and the units that move people see them, and every view is audited.
_EVACUATION_LISTS = ("sanfang.view_persontomove", "sanfang.view_evacuation_list")
_REPORT_DEFENCE = ("sanfang.add_defencereport", "sanfang.add_disasterreport")
_KEEP_SANFANG = (
    *_VIEW_SANFANG,
    *_EVACUATION_LISTS,
    *_REPORT_DEFENCE,
    *(p for m in _SANFANG_REGISTRIES for p in _crud("sanfang", m)),
    *_crud("sanfang", "rainfallthreshold"),
    *_crud("sanfang", "rainstormsignalrule"),
    *_crud("sanfang", "responserule"),
    *_crud("sanfang", "defencetarget"),
    *_crud("sanfang", "storm"),
    "sanfang.decide_recommendation",
)

ROLE_SPECS: tuple[RoleSpec, ...] = (
    # 三权分立: the system administrator runs users and configuration but cannot read the audit log;
    # the security administrator sets roles and permissions; the audit administrator only reads the log.
    RoleSpec(
        RoleCode.SYSTEM_ADMIN,
        city_wide=True,
        staff=True,
        exclusive_group=ADMIN,
        permissions=(
            *_crud("accounts", "user"),
            *_crud("accounts", "organisation"),
            *_crud("geo", "adminarea"),
            *_crud("geo", "riskzone"),
            *_crud("ingest", "source"),
            *_crud("sanfang", "station"),
            "ingest.view_run",
            "ingest.view_runpayload",
            "ingest.view_quarantinedrecord",
            "ingest.reprocess_quarantinedrecord",
            "ingest.pull_source",
            "ingest.view_seismicevent",
            "emergency.view_receivedwarning",
            *_crud("django_celery_beat", "periodictask"),
            *_crud("django_celery_beat", "intervalschedule"),
            *_crud("django_celery_beat", "crontabschedule"),
            *_crud("accounts", "apikey"),
            *_crud("emergency", "incidenttype"),
            *_KEEP_LIBRARY,
        ),
    ),
    RoleSpec(
        RoleCode.SECURITY_ADMIN,
        city_wide=True,
        staff=True,
        exclusive_group=ADMIN,
        permissions=(
            "accounts.view_user",
            "accounts.view_organisation",
            "accounts.view_role",
            "accounts.change_role",
            *_crud("accounts", "roleassignment"),
        ),
    ),
    RoleSpec(
        RoleCode.AUDIT_ADMIN,
        city_wide=True,
        staff=True,
        exclusive_group=ADMIN,
        permissions=("accounts.view_auditentry",),
    ),
    RoleSpec(
        RoleCode.COMMANDER,
        city_wide=True,
        staff=True,
        permissions=(
            "geo.view_adminarea",
            "geo.view_riskzone",
            "accounts.view_organisation",
            "emergency.view_alert",
            "emergency.acknowledge_alert",
            "emergency.view_receivedwarning",
            "ingest.view_source",
            "ingest.view_run",
            "ingest.view_quarantinedrecord",
            "ingest.view_seismicevent",
            *_KEEP_SANFANG,
            *_COMMAND,
            *_COMMAND_RESPONSES,
            *_KEEP_DUTY,
            *_KEEP_LIBRARY,
            *_RUN_DRILLS,
        ),
    ),
    RoleSpec(
        RoleCode.DUTY_OFFICER,
        city_wide=True,
        staff=True,
        permissions=(
            "geo.view_adminarea",
            "geo.view_riskzone",
            "accounts.view_organisation",
            "emergency.view_alert",
            "emergency.acknowledge_alert",
            "emergency.view_receivedwarning",
            "ingest.view_source",
            "ingest.view_run",
            "ingest.view_quarantinedrecord",
            "ingest.view_seismicevent",
            "ingest.pull_source",
            "ingest.reprocess_quarantinedrecord",
            *_VIEW_SANFANG,
            *_EVACUATION_LISTS,
            *_REPORT_DEFENCE,
            *_COMMAND,
            *_VIEW_PLANS,
            *_VIEW_RESPONSES,
            *_KEEP_DUTY,
            *_KEEP_LIBRARY,
            *_RUN_DRILLS,
        ),
    ),
    RoleSpec(
        RoleCode.MEMBER_UNIT_STAFF,
        permissions=(
            *_REPORT_INCIDENTS,
            *_VIEW_RESOURCES,
            *_HANDLE_TASKS,
            *_DO_DUTY,
            *_READ_LIBRARY,
            "emergency.view_drill",
            *_VIEW_SANFANG,
            *_EVACUATION_LISTS,
            *_REPORT_DEFENCE,
        ),
    ),
    RoleSpec(RoleCode.GRID_INSPECTOR, permissions=(*_REPORT_INCIDENTS, *_READ_LIBRARY)),
    RoleSpec(RoleCode.ENTERPRISE_ADMIN, permissions=(*_REPORT_INCIDENTS, *_READ_LIBRARY)),
    RoleSpec(RoleCode.ENTERPRISE_STAFF),
    RoleSpec(RoleCode.THIRD_PARTY_INSPECTOR),
    RoleSpec(RoleCode.ENFORCEMENT_OFFICER),
    # Other bureaus' systems (API keys); each key's scopes narrow this further.
    RoleSpec(
        RoleCode.API_CLIENT,
        permissions=(
            *_REPORT_INCIDENTS,
            *_VIEW_RESOURCES,
            "emergency.add_dispatch",
            "emergency.view_alert",
            *_HANDLE_TASKS,
            *_READ_LIBRARY,
            # Read-only duty roster, handovers and drills; each key's scopes decide whether it may.
            "emergency.view_dutyshift",
            "emergency.view_handoverlog",
            "emergency.view_drill",
            # The 三防 situation (stations with their state, typhoon tracks), for bureaus' systems.
            "sanfang.view_station",
            "sanfang.view_stationstatus",
            "sanfang.view_storm",
            "sanfang.view_stormfix",
            "sanfang.view_stormforecast",
            "ingest.push_to_source",
        ),
    ),
)

ROLE_SPECS_BY_CODE = {spec.code.value: spec for spec in ROLE_SPECS}
