from gis.selectors.admin_areas import admin_area_containing, admin_areas_for_level

__all__ = ["admin_area_containing", "admin_areas_for_level"]
