from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from scx_servicekit import ServiceSettings

# Development only, and public (it is in this repository): production sets SCX_AUDIT_SIGNING_KEY from its secret
# store. Go's golang.org/x/mod/sumdb/note signer-key form; its verifier key is served at /public-key.
DEV_SIGNING_KEY = "PRIVATE+KEY+scx.example/audit+a11e543c+AasP10FGQEWhBdUHJOGF6jcZPBFbGHR0smzLQSAABZde"


class AuditSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCX_AUDIT_", extra="ignore")

    service_name: str = "audit"
    database_url: str = "sqlite+aiosqlite:///./data/audit.db"
    # The same key as the referral service's, so that an NI number gives the same pseudonym here.
    claimant_ref_key: SecretStr = SecretStr("scx-dev-claimant-ref-key-change-me")
    signing_key: SecretStr = SecretStr(DEV_SIGNING_KEY)
    # The checkpoints' origin: the log's name, unique to one log (C2SP tlog-checkpoint).
    log_origin: str = "scx.example/audit"
    checkpoint_every: int = Field(1000, ge=1)  # leaves
    checkpoint_seconds: float = Field(2.0, gt=0)  # how long a leaf may wait for a checkpoint
    # Stream messages appended per transaction: on SQLite a batch's random index pages are written once per commit,
    # so thousands a transaction cost half what hundreds do (docs/benchmarks.md).
    ledger_batch: int = Field(5000, ge=1, le=10_000)
