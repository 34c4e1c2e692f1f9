"""The complaints area of the journey (see the module of the same name in service/)."""

from __future__ import annotations
