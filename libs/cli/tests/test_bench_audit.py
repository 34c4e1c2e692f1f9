"""The audit bench's ledger builder writes what the service would have appended: the RFC 6962 tree of the events'
bytes, its stored subtree hashes, the head's compact range and signed checkpoints; its report keeps the rest of the
file it writes into. (How fast anything is, `make bench` measures; nothing here is timed.)"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from scx_cli import bench_audit, bench_audit_report
from scx_cli.audit_events import events
from scx_ledger.checkpoint import Checkpoint
from scx_ledger.merkle import fold
from scx_ledger.tree import MemoryTree


def test_a_built_ledger_is_the_tree_of_its_events(tmp_path: Path) -> None:
    size = 2_345
    database = tmp_path / "audit.db"
    bench_audit.build_ledger(database, size, lambda _: None, chunk=1000)
    tree = MemoryTree(payload for _, payload, _ in events(size))
    db = sqlite3.connect(database)
    leaves = db.execute("SELECT leaf_index, stream_sequence, leaf_hash, leaf FROM ledger_leaves ORDER BY leaf_index")
    assert [(i, s, h) for i, s, h, _ in leaves] == [(i, i + 1, tree.levels[0][i]) for i in range(size)]
    for level in (4, 8):
        stored = db.execute("SELECT hash FROM ledger_nodes WHERE level = ? ORDER BY node_index", (level,)).fetchall()
        assert [h for (h,) in stored] == tree.levels[level]
    head_size, fringe = db.execute("SELECT size, fringe FROM ledger_head").fetchone()
    assert head_size == size
    assert fold([fringe[i:i + 32] for i in range(0, len(fringe), 32)]) == tree.root()
    notes = db.execute("SELECT tree_size, note FROM ledger_checkpoints ORDER BY tree_size").fetchall()
    assert [s for s, _ in notes] == [1000, 2000, size]
    for tree_size, note in notes:
        checkpoint = Checkpoint.open(note, bench_audit.SIGNER.verifier(), origin=bench_audit.ORIGIN)
        assert checkpoint.root == tree.root(tree_size)
    journeys = db.execute("SELECT count(DISTINCT journey_id), count(*) FROM ledger_leaves").fetchone()
    assert journeys[0] > 100
    indexes = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_ledger_leaves_journey", "ix_ledger_leaves_claimant"} <= indexes


def test_its_section_replaces_itself_and_keeps_the_rest(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nhand-written above\n")
    report = bench_audit_report.AuditReport(bench_audit_report.AuditBenchOptions(), datetime.now(UTC), {})
    report.ingest_rate, report.ingest_cpu_per_event = 12_000.0, 60e-6
    bench_audit_report.write_section(report, output)
    output.write_text(output.read_text() + "\nhand-written below\n")
    report.ingest_rate = 13_000.0
    bench_audit_report.write_section(report, output)
    text = output.read_text()
    assert text.count(bench_audit_report.BEGIN) == 1
    assert "13,000 events/s" in text and "12,000" not in text
    assert text.startswith("# Benchmarks\n\nhand-written above\n") and text.endswith("hand-written below\n")
