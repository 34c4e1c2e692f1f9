from scx_persistence.migrations import run
from scx_referral.config import ReferralSettings
from scx_referral.models import Base

run(Base.metadata, ReferralSettings().database_url)
