from emergency.models.alerts import Alert

__all__ = ["Alert"]
