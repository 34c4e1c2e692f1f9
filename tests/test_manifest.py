"""services.toml agrees with the services' own code: the events each applies (handlers.SUBSCRIPTIONS) and the
prefix its settings read, so the manifest can be trusted by everything rendered from it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from scx_cli import manifest
from scx_persistence.subscriptions import Subscriptions
from scx_servicekit.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = manifest.load(ROOT)


def test_every_service_folder_is_listed() -> None:
    folders = sorted(p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml"))
    assert sorted(MANIFEST.names) == folders


@pytest.mark.parametrize("service", MANIFEST.services, ids=MANIFEST.names)
def test_consumes_lists_exactly_the_handlers_subscriptions(service: manifest.Service) -> None:
    subscriptions = importlib.import_module(f"{service.package}.handlers").SUBSCRIPTIONS
    assert isinstance(subscriptions, Subscriptions)
    assert sorted(service.consumes) == sorted(subscriptions), f"services.toml's consumes for {service.name}"


@pytest.mark.parametrize("service", MANIFEST.services, ids=MANIFEST.names)
def test_the_settings_class_reads_the_listed_prefix(service: manifest.Service) -> None:
    config = importlib.import_module(f"{service.package}.config")
    classes = [
        value for value in vars(config).values()
        if isinstance(value, type) and issubclass(value, ServiceSettings) and value.__module__ == config.__name__
    ]
    assert len(classes) == 1, f"{config.__name__} must define one settings class"
    assert classes[0].model_config.get("env_prefix") == service.settings_prefix
    assert classes[0]().service_name == service.name
