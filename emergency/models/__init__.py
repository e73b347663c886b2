from emergency.models.alerts import Alert
from emergency.models.warnings import ReceivedWarning, WarningArea, WarningInfo

__all__ = ["Alert", "ReceivedWarning", "WarningArea", "WarningInfo"]
