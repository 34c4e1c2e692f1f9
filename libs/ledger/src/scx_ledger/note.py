"""C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 keys, in the formats of Go's
golang.org/x/mod/sumdb/note: signer keys `PRIVATE+KEY+<name>+<key id>+<base64(0x01 ‖ seed)>`, verifier keys
`<name>+<key id>+<base64(0x01 ‖ public key)>`, key id = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
EM_DASH = "\u2014"
MAX_SIGNATURES = 100


class NoteError(ValueError):
    """A note, key or signature that is malformed or does not verify."""


def key_id(name: str, public_key: bytes) -> int:
    return int.from_bytes(hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4], "big")


def _valid_name(name: str) -> bool:
    return bool(name) and name.isprintable() and not any(c.isspace() or c == "+" for c in name)


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("not base64") from exc


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: int
    public_key: Ed25519PublicKey
    raw: bytes

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """A verifier key `name+hex id+base64` (the base64 part may itself hold `+`, so split twice only)."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not _valid_name(parts[0]) or len(parts[1]) != 8:
            raise NoteError("a verifier key is name+keyid+base64")
        name, hex_id, b64 = parts
        try:
            claimed = int(hex_id, 16)
        except ValueError:
            raise NoteError("the key id is not hexadecimal") from None
        raw = _b64(b64)
        if len(raw) != 33 or raw[0] != ED25519:
            raise NoteError("not an Ed25519 verifier key")
        if key_id(name, raw[1:]) != claimed or hex_id.lower() != hex_id:
            raise NoteError("the key id does not match the key")
        return cls(name, claimed, Ed25519PublicKey.from_public_bytes(raw[1:]), raw[1:])

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id:08x}+{base64.b64encode(bytes([ED25519]) + self.raw).decode()}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    key_id: int
    private_key: Ed25519PrivateKey

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Signer:
        if not _valid_name(name):
            raise NoteError("a key name is printable, without spaces or +")
        private = Ed25519PrivateKey.from_private_bytes(seed)
        return cls(name, key_id(name, private.public_key().public_bytes_raw()), private)

    @classmethod
    def parse(cls, skey: str) -> Signer:
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key is PRIVATE+KEY+name+keyid+base64")
        raw = _b64(parts[4])
        if len(raw) != 33 or raw[0] != ED25519:
            raise NoteError("not an Ed25519 signer key")
        signer = cls.from_seed(parts[2], raw[1:])
        if f"{signer.key_id:08x}" != parts[3]:
            raise NoteError("the key id does not match the key")
        return signer

    def __str__(self) -> str:
        seed = self.private_key.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{base64.b64encode(bytes([ED25519]) + seed).decode()}"

    def verifier(self) -> Verifier:
        public = self.private_key.public_key()
        return Verifier(self.name, self.key_id, public, public.public_bytes_raw())

    def sign(self, text: str) -> str:
        """The signed note: the text (which ends in a newline), a blank line, one signature line."""
        _check_text(text)
        signature = self.private_key.sign(text.encode())
        blob = base64.b64encode(self.key_id.to_bytes(4, "big") + signature).decode()
        return f"{text}\n{EM_DASH} {self.name} {blob}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text or any(not (c.isprintable() or c == "\n") for c in text):
        raise NoteError("a note's text is printable lines, each ending in a newline, none of them blank")


def open_note(note: str, verifier: Verifier) -> str:
    """The text of a note that `verifier` signed; raises NoteError if it is malformed or has no valid signature of
    that key. Signatures by other keys are allowed and ignored (a witness's cosignature, say)."""
    text, sep, signatures = note.rpartition("\n\n")
    if not sep or not note.endswith("\n"):
        raise NoteError("malformed note")
    text += "\n"
    _check_text(text)
    lines = signatures[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError("malformed note: too many signatures")
    found = False
    for line in lines:
        prefix, _, rest = line.partition(" ")
        name, _, blob = rest.partition(" ")
        if prefix != EM_DASH or not _valid_name(name) or not blob or " " in blob:
            raise NoteError("malformed note: a signature line is '— name base64'")
        raw = _b64(blob)
        if len(raw) < 5:
            raise NoteError("malformed note: a signature is too short")
        if name != verifier.name or int.from_bytes(raw[:4], "big") != verifier.key_id:
            continue
        if not verifier.verify(text.encode(), raw[4:]):
            raise NoteError(f"invalid signature for key {verifier.name}+{verifier.key_id:08x}")
        found = True
    if not found:
        raise NoteError(f"no signature by {verifier.name}+{verifier.key_id:08x}")
    return text
