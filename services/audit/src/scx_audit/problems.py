"""The audit service's problem catalogue: each problem document it answers with, defined once here as a
function returning an `scx_servicekit.Problem`, its type URI `https://scx.example/problems/<slug>` listed below.

| slug | status | when |
| --- | --- | --- |

The service kit adds the common ones: `not-found` (404), `forbidden` (403), `unauthorised` (401),
`invalid-request` (422) and the `Idempotency-Key` problems.
"""

from __future__ import annotations
