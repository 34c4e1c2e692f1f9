"""The progress area's problems: traffic light, action plans, activities and exit.

| slug | status | when |
| --- | --- | --- |
| `no-subcontract` | 422 | the activity's deliverer does not deliver the case and has no subcontract (or not the one |
| | | named) with the case's prime on the case's contract |
| `not-specialist` | 422 | the deliverer's subcontract is not specialist provision |
| `subcontract-ended` | 422 | the specialist subcontract had ended on the activity's date |
| `subcontract-not-live` | 422 | the activity's date is outside the specialist subcontract's dates |
| `service-required` | 422 | a specialist's activity names no service |
| `service-not-offered` | 422 | the specialist's subcontract does not offer the service named |
| `service-not-applicable` | 422 | the delivering organisation's own activity names a subcontract or service |

Dates use the common `date-in-future` and `date-too-early` (before the start, before the case passed to the
caller, before the current classification or action plan, an exit before the case's last recorded event).
"""

from __future__ import annotations

from scx_case_tracking.rules.progress import Refusal
from scx_servicekit import Problem


def refused(refusal: Refusal) -> Problem:
    return Problem(
        422, refusal.slug, refusal.title, refusal.detail,
        errors=[{"field": f"body.{refusal.field}", "message": refusal.detail}],
    )


def service_not_applicable(field: str, organisation_id: str) -> Problem:
    detail = (
        f"{organisation_id} delivers this case: its own activities name no subcontract or service (only a "
        "specialist partner's do)."
    )
    return Problem(
        422, "service-not-applicable", "Only a specialist partner's activity names a subcontract and service",
        detail, errors=[{"field": f"body.{field}", "message": detail}],
    )
