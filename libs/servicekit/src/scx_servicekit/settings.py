from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from scx_messaging import BusSettings
from scx_servicekit.tokens import DEV_JWT_SECRET

__all__ = ["DEV_JWT_SECRET", "ServiceSettings"]


class ServiceSettings(BaseSettings):
    """What every service is configured with. Each service subclasses it with its own env prefix,
    e.g. `SCX_REFERRAL_DATABASE_URL`; list values are JSON (`SCX_REFERRAL_NATS_SERVERS='["nats://a:4222"]'`)."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "scx"
    database_url: str = "sqlite+aiosqlite:///./data/scx.db"
    nats_servers: list[str] = Field(default_factory=lambda: ["nats://127.0.0.1:4222"])
    nats_stream: str = "SCX"
    nats_stream_replicas: int = Field(default=1, ge=1, le=5)
    nats_duplicate_window_seconds: float = 120.0
    consumer_ack_wait_seconds: float = 30.0
    consumer_max_deliver: int = 10
    consumer_retry_delay_seconds: float = 1.0
    outbox_poll_interval_seconds: float = 1.0
    # How long a POST's first answer is kept for retries with its Idempotency-Key. Past that the key is free again
    # and the answer (for a referral, a sealed NI number) is deleted: it is a copy, kept no longer than needed.
    idempotency_retention_hours: float = Field(default=24.0, gt=0)

    # Development signs and verifies with one shared secret (HS256); production verifies with the
    # identity provider's public key (RS256/ES256) and holds no signing secret at all.
    jwt_secret: SecretStr | None = SecretStr(DEV_JWT_SECRET)
    jwt_public_key: str | None = None
    jwt_algorithms: list[str] = Field(default_factory=lambda: ["HS256"])
    jwt_issuer: str = "scx-dev"
    jwt_audience: str = "scx"

    log_level: str = "INFO"
    log_json: bool = True

    def bus_settings(self) -> BusSettings:
        return BusSettings(
            servers=self.nats_servers,
            stream=self.nats_stream,
            replicas=self.nats_stream_replicas,
            duplicate_window_seconds=self.nats_duplicate_window_seconds,
            name=self.service_name,
        )
