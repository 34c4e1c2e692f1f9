"""The whole stack as real processes with the audit service: after a claimant's journey, the auditor finds it by NI
number, exports it with `scx audit export` and verifies it offline with `scx audit verify` and the public key."""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from scx_cli.stack import LocalStack, ServiceSpec
from scx_messaging.local import free_port

from .test_journey import PRIME, bearer, build_chain, refer, until

pytestmark = pytest.mark.e2e
AUDITOR = bearer("dwp", "dwp", "auditor")
SCX = str(Path(sys.executable).parent / "scx")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    services = [ServiceSpec(name, free_port()) for name in ("subcontracts", "referral", "audit")]
    running = LocalStack(data_dir=tmp_path / "data", services=services, nats_port=free_port(),
                         extra_env={"SCX_AUDIT_CHECKPOINT_SECONDS": "0.5"})
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_the_auditor_finds_exports_and_verifies_a_journey(stack: LocalStack, tmp_path: Path) -> None:
    sub_url, ref_url, audit_url = (s.url for s in stack.services)
    with httpx.Client(base_url=sub_url, timeout=10) as sub, httpx.Client(base_url=ref_url, timeout=10) as ref:
        contract_id = build_chain(sub)
        referral_id = refer(ref, contract_id, "JK 12 34 56 A")
        started = ref.post(f"/referrals/{referral_id}/start", headers=PRIME,
                           json={"started_on": (date.today() - timedelta(days=1)).isoformat()})
        assert started.status_code == 200, started.text
    with httpx.Client(base_url=audit_url, timeout=10) as audit:
        found = until(lambda: audit.post("/events/by-nino", headers=AUDITOR,
                                         json={"national_insurance_number": "JK123456A"}),
                      lambda r: r.status_code == 200 and len(r.json()["items"]) == 2, timeout=30)
        assert [e["type"] for e in found.json()["items"]] == ["referral.received", "referral.started"]
        assert {e["journey_id"] for e in found.json()["items"]} == {referral_id}
        (tmp_path / "audit.pub").write_text(audit.get("/public-key").text)
    export = tmp_path / "journey.export"
    run = subprocess.run([SCX, "audit", "export", str(export), "--journey", referral_id, "--url", audit_url,
                          "--quiet"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    verified = subprocess.run([SCX, "audit", "verify", str(export), "--key", f"@{tmp_path / 'audit.pub'}"],
                              capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0 and verified.stdout.startswith("OK: 2 entries"), verified.stdout
    lines = export.read_text().split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith("proof "))
    parts = lines[n].split(" ")
    leaf = bytearray(base64.b64decode(parts[4]))
    leaf[20] ^= 1
    parts[4] = base64.b64encode(bytes(leaf)).decode()
    lines[n] = " ".join(parts)
    export.write_text("\n".join(lines))
    tampered = subprocess.run([SCX, "audit", "verify", str(export), "--key", f"@{tmp_path / 'audit.pub'}"],
                              capture_output=True, text=True, timeout=60)
    assert tampered.returncode == 1 and "FAILED: entry" in tampered.stdout, tampered.stdout
