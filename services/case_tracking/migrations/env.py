from scx_case_tracking.config import CaseTrackingSettings
from scx_case_tracking.models import metadata
from scx_persistence.migrations import run
from scx_registry import registry_metadata

run([metadata, registry_metadata], CaseTrackingSettings().database_url)
