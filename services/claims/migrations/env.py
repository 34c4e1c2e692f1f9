from scx_claims.config import ClaimsSettings
from scx_claims.models import metadata
from scx_persistence.migrations import run
from scx_registry import registry_metadata

run([metadata, registry_metadata], ClaimsSettings().database_url)
