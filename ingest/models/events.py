from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class SeismicEvent(models.Model):
    """An earthquake (or other seismic event) from a catalogue feed such as USGS, kept as the feed
    last described it.

    Owned by ingest because it mirrors an external catalogue: the platform acts on it through the
    source's rules (an alert now, an incident once incidents exist), and those are emergency's records.
    ``event_id`` is the catalogue's id; a newer ``updated`` revises the stored row.
    """

    event_id = models.CharField(_("event id"), max_length=40, unique=True)
    ids = models.CharField(_("all ids"), max_length=500, blank=True)
    source = models.ForeignKey(
        "ingest.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    time = models.DateTimeField(_("origin time"), db_index=True)
    updated = models.DateTimeField(_("updated by the catalogue"))
    magnitude = models.FloatField(_("magnitude"), null=True, blank=True)
    magnitude_type = models.CharField(_("magnitude type"), max_length=10, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    event_type = models.CharField(_("event type"), max_length=40, blank=True)
    status = models.CharField(_("review status"), max_length=20, blank=True)
    pager_alert = models.CharField(_("PAGER alert"), max_length=10, blank=True)
    tsunami = models.BooleanField(_("tsunami flag"), default=False)
    significance = models.IntegerField(_("significance"), null=True, blank=True)
    felt = models.IntegerField(_("felt reports"), null=True, blank=True)
    depth_km = models.FloatField(_("depth (km)"), null=True, blank=True)
    geom = models.PointField(_("epicentre"), srid=4326)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    properties = models.JSONField(_("all properties"), default=dict, blank=True)
    alert = models.ForeignKey(
        "emergency.Alert",
        verbose_name=_("alert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_seen_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("seismic event")
        verbose_name_plural = _("seismic events")
        ordering = ["-time"]

    def __str__(self) -> str:
        return self.title or self.event_id
