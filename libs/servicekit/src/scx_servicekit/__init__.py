from scx_servicekit.app import ServiceRuntime, create_service_app
from scx_servicekit.auth import Principal, TokenIssuer, current_principal
from scx_servicekit.problems import Problem
from scx_servicekit.settings import ServiceSettings

__all__ = [
    "Principal",
    "Problem",
    "ServiceRuntime",
    "ServiceSettings",
    "TokenIssuer",
    "create_service_app",
    "current_principal",
]
