from scx_persistence.migrations import run
from scx_subcontracts.config import SubcontractsSettings
from scx_subcontracts.models import metadata

run(metadata, SubcontractsSettings().database_url)
