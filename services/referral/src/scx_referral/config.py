from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from scx_servicekit import ServiceSettings


class ReferralSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCX_REFERRAL_", extra="ignore")

    service_name: str = "referral"
    database_url: str = "sqlite+aiosqlite:///./data/referral.db"
    # Development defaults only: production sets both from its secret store. Changing claimant_ref_key
    # changes every pseudonym, so it is rotated only with a re-keying of the journeys.
    claimant_ref_key: SecretStr = SecretStr("scx-dev-claimant-ref-key-change-me")
    nino_encryption_key: SecretStr = SecretStr("eLkxG6Dg74vWiUBTaXrW8hrdGkVE1vQ6_HOD-JosTsY=")
