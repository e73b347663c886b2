from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    BUREAU = "bureau", _("Emergency management bureau")
    MEMBER_UNIT = "member_unit", _("Member unit")
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town or subdistrict")
    ENTERPRISE = "enterprise", _("Enterprise")
    THIRD_PARTY = "third_party", _("Third-party agency")


class RoleCode(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")
    COMMANDER = "commander", _("Commander")
    DUTY_OFFICER = "duty_officer", _("Duty officer")
    MEMBER_UNIT_STAFF = "member_unit_staff", _("Member-unit staff")
    GRID_INSPECTOR = "grid_inspector", _("Grid inspector")
    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise administrator")
    ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise staff")
    THIRD_PARTY_INSPECTOR = "third_party_inspector", _("Third-party inspector")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("Enforcement officer")
    API_CLIENT = "api_client", _("API client")


class ExclusiveGroup(models.TextChoices):
    """Roles in one group are mutually exclusive: no user may hold two of them (三权分立)."""

    NONE = "", _("None")
    ADMINISTRATION = "administration", _("Separation of administrative powers")


class AuditInterface(models.TextChoices):
    WEB = "web", _("Web page")
    ADMIN = "admin", _("Admin")
    API = "api", _("API")
    COMMAND = "command", _("Management command")
    TASK = "task", _("Background task")
    SYSTEM = "system", _("System")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    LOGIN = "login", _("Login succeeded")
    LOGIN_FAILED = "login_failed", _("Login failed")
    LOGOUT = "logout", _("Logout")
    LOCKED = "locked", _("Account locked")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    VIEW = "view", _("Viewed sensitive data")
    API_KEY_USED = "api_key_used", _("API key used")
