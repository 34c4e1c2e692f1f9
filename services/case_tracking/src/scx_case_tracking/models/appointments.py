"""The appointments area of the journey (see the module of the same name in service/)."""

from __future__ import annotations
