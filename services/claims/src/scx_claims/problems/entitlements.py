"""The entitlements area's problems.

| slug | status | when |
| --- | --- | --- |
"""

from __future__ import annotations
