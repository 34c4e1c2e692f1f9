"""Signed notes against Go's golang.org/x/mod/sumdb/note known answers (data/README.md), and checkpoints read by an
independent implementation of the C2SP formats (tlog-scales, a test-only dependency)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scx_ledger.checkpoint import Checkpoint, CheckpointError
from scx_ledger.note import NoteError, Signer, Verifier, open_note
from scx_ledger.tree import MemoryTree

K = json.loads((Path(__file__).parent / "data" / "note.json").read_text())


def test_go_known_answer() -> None:
    signer = Signer.parse(K["signer"])
    assert signer.sign(K["text"]) == K["signed"]
    assert str(signer) == K["signer"]
    assert str(signer.verifier()) == K["verifier"]
    assert open_note(K["signed"], Verifier.parse(K["verifier"])) == K["text"]


def test_other_keys_signatures_are_ignored_and_needed_one_is_required() -> None:
    note = K["signed"] + K["other_signature"]
    assert open_note(note, Verifier.parse(K["verifier"])) == K["text"]
    with pytest.raises(NoteError):
        open_note(K["text"] + "\n" + K["other_signature"], Verifier.parse(K["verifier"]))


def test_mangled_verifier_keys_are_refused() -> None:
    key = K["verifier"]
    for i in range(len(key)):
        mangled = key[:i] + chr(ord(key[i]) + 1) + key[i + 1:]
        with pytest.raises(NoteError):
            Verifier.parse(mangled)
    for cut in (key[:-1], key[1:], key.replace("+", "", 1)):
        with pytest.raises(NoteError):
            Verifier.parse(cut)


def test_a_changed_note_does_not_verify() -> None:
    verifier = Verifier.parse(K["verifier"])
    signed = K["signed"]
    for changed in (signed.replace("problem,", "problem;"), signed.replace("x08go", "x08gp"),
                    signed[:60] + "ABCD" + signed[60:], K["text"], K["text"] + "\n"):
        with pytest.raises(NoteError):
            open_note(changed, verifier)


def test_a_checkpoint_round_trip() -> None:
    signer = Signer.from_seed("example.com/log", bytes(range(32)))
    tree = MemoryTree([b"a", b"b", b"c"])
    note = Checkpoint("example.com/log", 3, tree.root()).sign(signer)
    assert Checkpoint.open(note, signer.verifier(), origin="example.com/log") == Checkpoint(
        "example.com/log", 3, tree.root())
    with pytest.raises(CheckpointError):
        Checkpoint.open(note, signer.verifier(), origin="example.com/other")


def test_tlog_scales_reads_and_verifies_our_checkpoints() -> None:
    tlog = pytest.importorskip("tlog_scales.tlog")
    signing = pytest.importorskip("tlog_scales.signing")
    signer = Signer.from_seed("scx.example/audit", bytes(range(32)))
    tree = MemoryTree(str(i).encode() for i in range(1000))
    for size in (1, 7, 1000):
        note = Checkpoint("scx.example/audit", size, tree.root(size)).sign(signer)
        theirs = tlog.Checkpoint.from_text(note)
        assert (theirs.origin, theirs.size, theirs.root_hash) == ("scx.example/audit", size, tree.root(size))
        theirs.verify(signing.Vkey.from_string(str(signer.verifier())))
        # and their verifier key for ours is ours, byte for byte
        assert signing.PlainEd25519Signer("scx.example/audit", bytes(range(32))).vkey.serialize() == str(
            signer.verifier())
    tampered = note.replace("1000", "999", 1)
    with pytest.raises(Exception):  # noqa: B017 - whatever tlog-scales raises
        tlog.Checkpoint.from_text(tampered).verify(signing.Vkey.from_string(str(signer.verifier())))
