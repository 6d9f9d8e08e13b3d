"""Keyed pseudonyms for experience experts: a person's identity (a register id or a name, see
`identities`) becomes a pseudonym before anything is written.

A person is replaced by ``KA-`` + the first 12 hex digits of HMAC-SHA256(key, identity), where
the identity is normalised (Unicode NFC, casefolded, whitespace collapsed). The same identity
and key always give the same pseudonym, across runs and years; without the key a pseudonym
cannot be turned back into a name, not even by trying every name in a list. The key comes from
the environment variable KAINUU_METRICS_PSEUDONYM_KEY or else from the file
``<data_dir>/.pseudonym-key`` (created on first use: 32 random bytes as hex, mode 0600, kept out
of git). Losing or changing the key changes every pseudonym, so "active in both years" can only
be counted over years pseudonymised with the same key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from pathlib import Path

from kainuu_metrics.errors import ConfigError

PSEUDONYM_PREFIX = "KA-"
PSEUDONYM_HEX_DIGITS = 12
PSEUDONYM_PATTERN = re.compile(r"^KA-[0-9a-f]{12}$")
KEY_ENV_VAR = "KAINUU_METRICS_PSEUDONYM_KEY"
KEY_FILE_NAME = ".pseudonym-key"
KEY_BYTES = 32
MIN_KEY_BYTES = 16


def normalise_identity(identity: str) -> str:
    """NFC, casefolded, inner whitespace collapsed: '  Maija   VIRTANEN ' -> 'maija virtanen'."""
    return " ".join(unicodedata.normalize("NFC", str(identity)).casefold().split())


def pseudonymise(identity: str, key: bytes) -> str:
    """'KA-' + 12 hex digits of HMAC-SHA256(key, normalised identity).

    >>> pseudonymise("Maija Virtanen", b"k" * 32) == pseudonymise(" maija  virtanen", b"k" * 32)
    True
    """
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"pseudonymisation key must be at least {MIN_KEY_BYTES} bytes")
    normalised = normalise_identity(identity)
    if not normalised:
        raise ValueError("empty identity")
    digest = hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_DIGITS]


def is_pseudonym(value: object) -> bool:
    return isinstance(value, str) and PSEUDONYM_PATTERN.match(value) is not None


def parse_key(text: str, source: str) -> bytes:
    """A key written as hex (at least 32 hex digits) or as a passphrase of at least 16 bytes."""
    stripped = text.strip()
    if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", stripped) and len(stripped) >= 2 * MIN_KEY_BYTES:
        return bytes.fromhex(stripped)
    raw = stripped.encode("utf-8")
    if len(raw) < MIN_KEY_BYTES:
        raise ConfigError(
            f"Pseudonyymiavain ({source}) on liian lyhyt: vähintään {MIN_KEY_BYTES} merkkiä tai "
            f"{2 * MIN_KEY_BYTES} heksadesimaalinumeroa. Käytä pitkää satunnaista avainta, esim. "
            "komennon 'python -c \"import secrets; print(secrets.token_hex(32))\"' tulostetta."
        )
    return raw


def load_or_create_key(data_dir: Path) -> bytes:
    """The pseudonymisation key: KAINUU_METRICS_PSEUDONYM_KEY, else <data_dir>/.pseudonym-key,
    which is created (random, mode 0600) when it does not exist yet."""
    from_env = os.environ.get(KEY_ENV_VAR)
    if from_env is not None and from_env.strip():
        return parse_key(from_env, f"ympäristömuuttuja {KEY_ENV_VAR}")
    path = Path(data_dir) / KEY_FILE_NAME
    if not path.exists():
        _create_key_file(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Pseudonyymiavaintiedostoa {path} ei voitu lukea ({exc}). Palauta tiedosto "
            "varmuuskopiosta; uusi avain muuttaisi kaikki pseudonyymit."
        ) from exc
    return parse_key(text, f"tiedosto {path}")


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: never overwrite a key another process has just written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, 0o600)  # the umask may only have removed bits; make it exact
        os.write(fd, (secrets.token_hex(KEY_BYTES) + "\n").encode("ascii"))
    finally:
        os.close(fd)
