"""Signals of the sanfang app, for apps above it and for its own rules (issue 5).

``readings_stored`` is sent once per stored batch, after the transaction commits, with
``station_ids`` (a sorted list of ints), ``variables`` (a sorted list of codes) and ``time_min`` /
``time_max`` (aware datetimes, UTC) of the rows in the batch that were written or changed.
"""

from django.dispatch import Signal

readings_stored = Signal()
