from scx_claims.config import ClaimsSettings
from scx_claims.models import metadata
from scx_persistence.migrations import run

run(metadata, ClaimsSettings().database_url)
