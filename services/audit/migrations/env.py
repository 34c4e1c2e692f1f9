from scx_audit.config import AuditSettings
from scx_audit.models import metadata
from scx_persistence.migrations import run

run(metadata, AuditSettings().database_url)
