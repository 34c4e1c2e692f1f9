"""Validation samples: how many claims a rate draws, which ones a seed draws, and what a sample's failures
extrapolate to. Pure functions, so anyone holding the seed and the population can draw the sample again.

- **Size**: `ceil(population x rate / 10,000)` (the rate in basis points): rounded up, so a non-empty population
  sampled at any rate has at least one claim checked, and 10,000 basis points draws them all.
- **Which**: each claim's rank is SHA-256 of `"<seed>:<claim_id>"` (UTF-8, hex); the `size` lowest ranks are drawn,
  in that order. The draw depends only on the seed and the set of claim ids, not on the order they are listed in,
  and adding a claim to the population never changes which of the others are drawn but by pushing one out.
- **Extrapolation**: the claims drawn are known exactly, and each failed one is recovered at its own amount (after
  payment). The rest of the population is estimated at the sample's failure rate:
  `floor(undrawn pence x failed / checked)`, rounded down to the penny, in the prime's favour: DWP recovers no
  penny more than the rate supports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

MAX_RATE_BASIS_POINTS = 10_000


def sample_size(population: int, rate_basis_points: int) -> int:
    """ceil(population x rate / 10,000), by integer arithmetic."""
    if population < 0 or not 1 <= rate_basis_points <= MAX_RATE_BASIS_POINTS:
        raise ValueError("population >= 0 and a rate of 1-10,000 basis points")
    return -(-population * rate_basis_points // MAX_RATE_BASIS_POINTS)


def rank(seed: str, claim_id: str) -> str:
    return hashlib.sha256(f"{seed}:{claim_id}".encode()).hexdigest()


def draw(seed: str, claim_ids: Iterable[str], rate_basis_points: int) -> list[str]:
    """The claims the seed draws from the population at the rate, in the order drawn."""
    population = sorted(set(claim_ids))
    ranked = sorted(population, key=lambda claim_id: (rank(seed, claim_id), claim_id))
    return ranked[: sample_size(len(population), rate_basis_points)]


def population_digest(claim_ids: Iterable[str]) -> str:
    """SHA-256 of the population's claim ids, sorted, one a line: what the sample was drawn from."""
    return hashlib.sha256("".join(f"{c}\n" for c in sorted(set(claim_ids))).encode()).hexdigest()


def extrapolated_recovery(undrawn_pence: int, checked: int, failed: int) -> int:
    """floor(undrawn_pence x failed / checked): the sample's failure rate over the claims not drawn, in whole pence
    rounded down."""
    if checked <= 0 or not 0 <= failed <= checked or undrawn_pence < 0:
        raise ValueError("checked > 0, 0 <= failed <= checked, undrawn_pence >= 0")
    return undrawn_pence * failed // checked
