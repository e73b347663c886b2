"""Wiring of the 三防 defence part, imported by ``SanfangConfig.ready`` (receivers, layers, panels, providers)."""

from accounts.audit import audit_register
from sanfang import bigscreen_defence, demo_defence  # noqa: F401  (the defence-progress panel, the demo loader)
from sanfang.models import DefenceReport, DefenceTarget, DisasterReport

# Every defence figure, target and loss report is a write that matters: who said what, and when.
audit_register(DefenceTarget)
audit_register(DefenceReport)
audit_register(DisasterReport)
