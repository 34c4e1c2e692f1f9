from pydantic_settings import SettingsConfigDict

from scx_servicekit import ServiceSettings


class ClaimsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCX_CLAIMS_", extra="ignore")

    service_name: str = "claims"
    database_url: str = "sqlite+aiosqlite:///./data/claims.db"
