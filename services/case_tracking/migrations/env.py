from scx_case_tracking.config import CaseTrackingSettings
from scx_case_tracking.models import metadata
from scx_persistence.migrations import run

run(metadata, CaseTrackingSettings().database_url)
