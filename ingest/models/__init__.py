from ingest.models.events import SeismicEvent
from ingest.models.quarantine import QuarantinedRecord
from ingest.models.runs import Run, RunPayload
from ingest.models.sources import Source

__all__ = ["QuarantinedRecord", "Run", "RunPayload", "SeismicEvent", "Source"]
