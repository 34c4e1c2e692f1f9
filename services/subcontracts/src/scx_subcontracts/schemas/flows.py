"""Shapes of referral flows: aggregates only, never a journey or a claimant's reference."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from scx_contracts.clocks import Clock
from scx_subcontracts.rules import flows as rules
from scx_subcontracts.rules.flows import BREACHED, CLOCKS, Flow

StageName = Literal["referred", "started", "first_wfi", "job_start", "job_outcome"]


class StageOut(BaseModel):
    stage: StageName
    journeys: int = Field(description="journeys of the referral months that have reached the stage")
    from_previous_percent: float | None = Field(
        description="journeys at this stage over those at the stage before, to one decimal place; null for the "
        "first stage, or when the stage before has none")
    from_referral_percent: float | None = Field(description="journeys at this stage over those referred")


class DelayOut(BaseModel):
    journeys: int = Field(description="journeys that have had a first WFI, which the percentiles are of")
    p50_days: int | None = Field(description="nearest-rank median of days from referral to first WFI")
    p90_days: int | None = Field(description="nearest-rank 90th percentile")


class ClockOut(BaseModel):
    clock: Clock
    breached: int = Field(description="met late, or the journey ended after the deadline without it")
    overdue_now: int = Field(description="open journeys whose clock is not met and whose deadline was before today")
    total: int = Field(description="breached and overdue now together")


class FlowOut(BaseModel):
    stages: list[StageOut]
    rejected: int = Field(description="referrals the prime rejected")
    dropped_out: int = Field(description="withdrawn, or left early, before any job started")
    referral_to_first_wfi: DelayOut
    clocks: list[ClockOut]


class PrimeFlowOut(BaseModel):
    prime_id: str
    flow: FlowOut


class PrimesFlowsOut(BaseModel):
    """Each prime's referral cohorts of the months, side by side."""

    from_month: str
    to_month: str
    as_of: date = Field(description="the day overdue clocks are counted on")
    items: list[PrimeFlowOut]


class OrganisationFlowOut(BaseModel):
    organisation_id: str
    delivery: Literal["prime", "partner"] = Field(
        description="prime: the journeys it delivers in house, and those not yet allocated (rejected included)")
    flow: FlowOut


class PrimeBreakdownOut(BaseModel):
    """One prime's referral cohorts by the organisation delivering each journey now."""

    prime_id: str
    from_month: str
    to_month: str
    as_of: date
    total: FlowOut | None = Field(description="every organisation together; null for a partner, who sees its own line")
    organisations: list[OrganisationFlowOut]


def flow_out(flow: Flow) -> FlowOut:
    counts = flow.counts
    return FlowOut(
        stages=[StageOut.model_validate(stage, from_attributes=True) for stage in rules.stages(counts)],
        rejected=counts.get("rejected", 0),
        dropped_out=counts.get("dropped_out", 0),
        referral_to_first_wfi=DelayOut(
            journeys=sum(flow.delays.values()), p50_days=rules.percentile(flow.delays, 50),
            p90_days=rules.percentile(flow.delays, 90),
        ),
        clocks=[
            ClockOut(
                clock=clock, breached=counts.get(BREACHED[clock], 0), overdue_now=flow.overdue.get(clock, 0),
                total=counts.get(BREACHED[clock], 0) + flow.overdue.get(clock, 0),
            )
            for clock in CLOCKS
        ],
    )
