from scx_persistence.engine import create_engine, is_postgres
from scx_persistence.tables import NAMING_CONVENTION, messaging_metadata, new_metadata
from scx_persistence.uow import UncommittedWork, UnitOfWork, UnitOfWorkFactory

__all__ = [
    "NAMING_CONVENTION",
    "UncommittedWork",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "create_engine",
    "is_postgres",
    "messaging_metadata",
    "new_metadata",
]
