from sanfang.models.stations import Reading, Station

__all__ = ["Reading", "Station"]
