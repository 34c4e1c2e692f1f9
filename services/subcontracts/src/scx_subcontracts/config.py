from pydantic_settings import SettingsConfigDict

from scx_servicekit import ServiceSettings


class SubcontractsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCX_SUBCONTRACTS_", extra="ignore")

    service_name: str = "subcontracts"
    database_url: str = "sqlite+aiosqlite:///./data/subcontracts.db"
