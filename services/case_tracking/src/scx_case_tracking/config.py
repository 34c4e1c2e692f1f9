from pydantic_settings import SettingsConfigDict

from scx_servicekit import ServiceSettings


class CaseTrackingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCX_CASE_TRACKING_", extra="ignore")

    service_name: str = "case_tracking"
    database_url: str = "sqlite+aiosqlite:///./data/case_tracking.db"
