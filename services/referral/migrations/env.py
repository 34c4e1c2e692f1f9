from scx_persistence.migrations import run
from scx_referral.config import ReferralSettings
from scx_referral.models import metadata
from scx_registry import registry_metadata

run([metadata, registry_metadata], ReferralSettings().database_url)
