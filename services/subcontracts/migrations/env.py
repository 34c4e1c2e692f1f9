from scx_persistence.migrations import run
from scx_subcontracts.config import SubcontractsSettings
from scx_subcontracts.models import Base

run(Base.metadata, SubcontractsSettings().database_url)
