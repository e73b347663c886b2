from accounts.models.api_keys import ApiKey, ApiKeyScope
from accounts.models.audit import AuditEntry
from accounts.models.organisations import Organisation
from accounts.models.users import Role, RoleAssignment, User

__all__ = ["ApiKey", "ApiKeyScope", "AuditEntry", "Organisation", "Role", "RoleAssignment", "User"]
