from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone

from ingest.selectors.sources import quarantine_pending, runs_recent, sources_health
from ingest.services.health import lag_text


@login_required
@permission_required("ingest.view_source", raise_exception=True)
def health(request):
    now = timezone.now()
    rows = [(row, lag_text(row.lag)) for row in sources_health(now=now)]
    return render(
        request,
        "ingest/health.html",
        {
            "rows": rows,
            "runs": runs_recent(limit=30),
            "pending": quarantine_pending().count(),
            "now": now,
        },
    )
