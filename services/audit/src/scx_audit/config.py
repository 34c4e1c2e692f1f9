from pydantic_settings import SettingsConfigDict

from scx_servicekit import ServiceSettings


class AuditSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCX_AUDIT_", extra="ignore")

    service_name: str = "audit"
    database_url: str = "sqlite+aiosqlite:///./data/audit.db"
