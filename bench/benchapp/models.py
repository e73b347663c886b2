from django.contrib.gis.db import models


class BenchPoint(models.Model):
    """One of the 1,000,000 random points around Zhuhai the tile benchmarks serve."""

    name = models.CharField(max_length=40)
    level = models.CharField(max_length=10)
    value = models.FloatField()
    geom = models.PointField(srid=4326, spatial_index=True)

    def __str__(self) -> str:
        return self.name
