"""The flow-down to partners: what a prime paid a partner, a partner's statement (owed, paid, overdue), and how
promptly each prime pays each partner. What is owed is computed when DWP pays a run (`handlers.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, status
from fastapi.responses import JSONResponse

from scx_claims.rules.flowdown import PAYMENT_TERMS_DAYS
from scx_claims.schemas.flowdown import (
    OwedLineOut,
    PartnerPaymentOut,
    PartnerStatementOut,
    RecordPartnerPayment,
    StatementTotalsOut,
    TimelinessOut,
    TimelinessReportOut,
)
from scx_claims.service import flowdown
from scx_claims.service.flowdown import Statement
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import PageRequest, encode_cursor, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import OrganisationId

PAYING = problems({
    400: "the Idempotency-Key is not 1-200 printable characters",
    409: "a line named was settled by another payment",
})
STATEMENT = problems({400: "the cursor is not one this service issued", 404: "no such partner that the caller can see"})
Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(tags=["flow-down to partners"])


@router.post(
    "/flow-down/payments", status_code=status.HTTP_201_CREATED, response_model=PartnerPaymentOut, responses=PAYING
)
async def record_partner_payment(
    body: RecordPartnerPayment, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """The prime records that it paid a partner, and the owed lines the payment settles (whole lines: the amount is
    their sum). For the prime's managers."""

    async def perform() -> idempotency.Answer:
        payment, owed_ids = await flowdown.record_payment(uow, principal, command=body)
        out = PartnerPaymentOut(
            payment_id=payment.payment_id, prime_id=payment.prime_id, partner_id=payment.partner_id,
            amount_pence=payment.amount_pence, paid_on=payment.paid_on, owed_ids=owed_ids,
        )
        return idempotency.Answer(status.HTTP_201_CREATED, out.model_dump(mode="json"))

    # The permission checks are in the use case; a replay (keys are per organisation) goes only to the prime.
    return await idempotency.once(uow, principal, request, idempotency_key, body, perform)


def statement_out(found: Statement, page: PageRequest) -> PartnerStatementOut:
    more = len(found.lines) > page.limit
    lines = found.lines[: page.limit]
    return PartnerStatementOut(
        partner_id=found.partner_id, prime_id=found.prime_id, as_of=found.as_of,
        totals=StatementTotalsOut.model_validate(found.totals, from_attributes=True),
        items=[
            OwedLineOut.model_validate(
                {**{f: getattr(s.line, f) for f in OwedLineOut.model_fields if hasattr(s.line, f)},
                 "status": s.status, "paid_on": s.paid_on, "payment_id": s.line.settled_by}
            )
            for s in lines
        ],
        next_cursor=encode_cursor(lines[-1].line.owed_id) if more and lines else None,
    )


@router.get("/flow-down/statements/{partner_id}", response_model=PartnerStatementOut, responses=STATEMENT)
async def partner_statement(
    partner_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging,
    prime_id: Annotated[OrganisationId | None, Query(description="narrow to what one prime owes")] = None,
) -> PartnerStatementOut:
    """A partner's statement: each line owed to it (an outcome payment's share or a service's price), owed,
    overdue or paid, and the totals. The partner sees its own; a prime what it owes its partners; DWP all."""
    found = await flowdown.statement(uow, principal, partner_id=partner_id, prime_id=prime_id, page=paging)
    return statement_out(found, paging)


@router.get("/flow-down/timeliness", response_model=TimelinessReportOut)
async def payment_timeliness(
    principal: CurrentPrincipal, uow: UoW,
    prime_id: Annotated[OrganisationId | None, Query(description="one prime")] = None,
    partner_id: Annotated[OrganisationId | None, Query(description="one partner")] = None,
) -> TimelinessReportOut:
    """Per prime and partner: the days from DWP's payment to the partner's, lines paid late and overdue. A report,
    one row per prime and partner pair in view, so it is not paged. DWP sees every pair, a prime its partners, a
    partner its primes; JCP nothing (403)."""
    rows = await flowdown.timeliness(uow, principal, prime_id=prime_id, partner_id=partner_id)
    return TimelinessReportOut(
        as_of=flowdown.today(), payment_terms_days=PAYMENT_TERMS_DAYS,
        items=[TimelinessOut.model_validate(r, from_attributes=True) for r in rows],
    )
