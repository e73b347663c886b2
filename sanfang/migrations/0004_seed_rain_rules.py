"""Default rainstorm signal rules and rain-gauge thresholds; both are editable in the admin.

Signals follow DOMAIN.md §2.2 for Guangdong (yellow, orange, red; no blue): yellow uses the national
"6 h ≥ 50 mm", orange and red the commonly cited "3 h ≥ 50 / ≥ 100 mm". The per-window thresholds for
every rain gauge are starting values for the 三防 office to tune; no national numbers exist.
"""

from django.db import migrations

SIGNALS = [("yellow", 6, 50.0), ("orange", 3, 50.0), ("red", 3, 100.0)]
THRESHOLDS = [(1, 30.0, 50.0), (3, 50.0, 100.0), (6, 70.0, 120.0), (12, 100.0, 150.0), (24, 150.0, 250.0)]


def seed(apps, schema_editor):
    Signal = apps.get_model("sanfang", "RainstormSignalRule")
    Threshold = apps.get_model("sanfang", "RainfallThreshold")
    for colour, window, mm in SIGNALS:
        Signal.objects.get_or_create(colour=colour, window_hours=window, defaults={"threshold_mm": mm})
    for window, warning, danger in THRESHOLDS:
        Threshold.objects.get_or_create(
            station=None, window_hours=window, defaults={"warning_mm": warning, "danger_mm": danger}
        )


class Migration(migrations.Migration):
    dependencies = [("sanfang", "0003_issue5_models")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
