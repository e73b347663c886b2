"""Signals of the sanfang app, for apps above it and for its own rules (issue 5).

``readings_stored`` is sent once per stored batch, after the transaction commits, with
``station_ids`` (a sorted list of ints), ``variables`` (a sorted list of codes) and ``time_min`` /
``time_max`` (aware datetimes, UTC) of the rows in the batch that were written or changed.
"""

from django.dispatch import Signal

readings_stored = Signal()

# Sent after commit when station statuses (rolling rainfall, state, signal) were recomputed, with
# ``station_ids`` (list of ints) and ``changed_ids`` (those whose state or signal changed).
station_statuses_changed = Signal()

# Sent after commit when a storm's fixes or forecasts were stored, with ``storm_ids`` (list of ints).
storm_track_stored = Signal()
