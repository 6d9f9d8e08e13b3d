"""Personal data: keyed pseudonyms for people and small-count suppression for published figures.

Pseudonyms
----------
A person is replaced by ``KA-`` + the first 12 hex digits of HMAC-SHA256(key, identity), where
the identity is normalised (Unicode NFC, casefolded, whitespace collapsed). The same identity
and key always give the same pseudonym, across runs and years; without the key a pseudonym
cannot be turned back into a name, not even by trying every name in a list. The key comes from
the environment variable KAINUU_METRICS_PSEUDONYM_KEY or else from the file
``<data_dir>/.pseudonym-key`` (created on first use: 32 random bytes as hex, mode 0600, kept out
of git). Losing or changing the key changes every pseudonym, so "active in both years" can only
be counted over years pseudonymised with the same key.

Suppression
-----------
Counts of persons from 1 to threshold-1 (1–4 with the default 5) are not published: they show
as "<5" (primary suppression). Zero is published. When a breakdown's total is published, the
suppressed cells could otherwise be worked out by subtraction, so more cells are suppressed
(complementary suppression, marked "x"):

1. if exactly one cell is suppressed, the smallest other cell with a positive count is
   suppressed as well;
2. more generally, cells are added in the same way (smallest positive count first) for as long
   as the published total and published cells would still pin any suppressed count down to a
   single value, knowing that a "<5" cell holds 1..threshold-1 and an "x" cell holds at least
   the threshold and at most the smallest published count (e.g. "<5" and "x" summing to 6 can
   only be 1 and 5);
3. if no cell is left to add, the total itself is suppressed ("x").

Every other figure of a suppressed cell (hours, euros, number of assignments) is suppressed
with it ("x"): they belong to one to four people and could single someone out, and suppressing
them on the same cells keeps them, too, from being recovered from the total. The rule protects
against subtraction within one breakdown and its total; it does not analyse combinations of
different breakdowns or years.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
import unicodedata
from collections.abc import Hashable, Sequence
from pathlib import Path

import pandas as pd

from kainuu_metrics.errors import ConfigError

PSEUDONYM_PREFIX = "KA-"
PSEUDONYM_HEX_DIGITS = 12
PSEUDONYM_PATTERN = re.compile(r"^KA-[0-9a-f]{12}$")
KEY_ENV_VAR = "KAINUU_METRICS_PSEUDONYM_KEY"
KEY_FILE_NAME = ".pseudonym-key"
KEY_BYTES = 32
MIN_KEY_BYTES = 16

SUPPRESSION_THRESHOLD = 5
PRIMARY_MARKER = "<5"
COMPLEMENTARY_MARKER = "x"
SUPPRESSION_COLUMN = "suppression"  # None | "primary" | "complementary"
PRIMARY, COMPLEMENTARY = "primary", "complementary"


# --- pseudonyms --------------------------------------------------------------------------------


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


# --- suppression -------------------------------------------------------------------------------


def _count(value: object) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return 0.0
    return float(value)  # type: ignore[arg-type]


def is_small(value: object, threshold: int = SUPPRESSION_THRESHOLD) -> bool:
    """A person count that must not be published: 1 <= value < threshold."""
    count = _count(value)
    return 1 <= count < threshold


def _pinned(bounds: dict[Hashable, tuple[float, float]], counts: dict[Hashable, float]) -> bool:
    """Whether any suppressed count follows from what is known of the others and their sum."""
    total = sum(counts[label] for label in bounds)
    for label, (low, high) in bounds.items():
        others_low = sum(b[0] for other, b in bounds.items() if other != label)
        others_high = sum(b[1] for other, b in bounds.items() if other != label)
        feasible_low = max(low, total - others_high)
        feasible_high = min(high, total - others_low)
        if feasible_high - feasible_low < 1:  # counts are whole numbers: one value left
            return True
    return False


def suppression_pattern(
    counts: pd.Series,
    *,
    total: Hashable | None = None,
    threshold: int = SUPPRESSION_THRESHOLD,
    forced: frozenset[Hashable] = frozenset(),
) -> pd.Series:
    """For each label of a breakdown: None, "primary" or "complementary" (see the module doc).

    `total` is the label of the breakdown's published total, or None when no total is published.
    `forced` labels are suppressed anyway (e.g. because another column of the row is small).
    """
    values = {label: _count(v) for label, v in counts.items()}
    pattern: dict[Hashable, str | None] = {
        label: PRIMARY if 1 <= v < threshold else (COMPLEMENTARY if label in forced else None)
        for label, v in values.items()
    }
    if total is None or pattern.get(total) is not None:
        return pd.Series(pattern, index=counts.index, dtype=object)
    cells = [label for label in counts.index if label != total]
    chosen: set[Hashable] = set()  # complementary cells picked as the smallest published ones
    while True:
        suppressed = [label for label in cells if pattern[label] is not None]
        if not suppressed:
            break
        published = [label for label in cells if pattern[label] is None and values[label] > 0]
        upper = min((values[label] for label in published), default=math.inf)
        # What a reader knows: "<5" is 1..threshold-1; "x" is at least the threshold, and at most
        # the smallest published count when it was picked as the next-smallest cell.
        bounds = {
            label: (1.0, threshold - 1.0) if pattern[label] == PRIMARY
            else (float(threshold), upper if label in chosen else math.inf)
            for label in suppressed
        }
        if not _pinned(bounds, values):
            break
        if not published:
            pattern[total] = COMPLEMENTARY
            break
        smallest = min(published, key=lambda label: (values[label], cells.index(label)))
        pattern[smallest] = COMPLEMENTARY
        chosen.add(smallest)
    return pd.Series(pattern, index=counts.index, dtype=object)


def suppress_counts(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    *,
    total: Hashable | None = None,
    measure_columns: Sequence[str] = (),
    threshold: int = SUPPRESSION_THRESHOLD,
    marker: str = PRIMARY_MARKER,
    complementary_marker: str = COMPLEMENTARY_MARKER,
) -> pd.DataFrame:
    """A breakdown with small person counts replaced by markers; returns a new frame.

    Rows are cells of one breakdown (the index labels them); `total` names the row holding the
    breakdown's published total, if any. Each count column is suppressed by the rules of the
    module docstring, and a row hidden in one count column is hidden in all of them. A count of
    1..threshold-1 becomes `marker` ("<5"); every other hidden figure, and every figure of
    `measure_columns` (hours, euros) in a hidden row, becomes `complementary_marker` ("x"). The
    marked columns have object dtype; column "suppression" says why a row was hidden.

    >>> frame = pd.DataFrame({"persons": [9, 3, 6, 0]}, index=["total", "a", "b", "c"])
    >>> suppress_counts(frame, ["persons"], total="total")["persons"].tolist()
    [9, '<5', 'x', 0]
    """
    if not count_columns:
        raise ValueError("count_columns is empty")
    hidden: frozenset[Hashable] = frozenset()
    while True:  # grows until no column needs another hidden row
        patterns = {c: suppression_pattern(frame[c], total=total, threshold=threshold, forced=hidden) for c in count_columns}
        grown = frozenset(label for p in patterns.values() for label, kind in p.items() if kind is not None)
        if grown == hidden:
            break
        hidden = grown
    out = frame.copy()
    for column in [*count_columns, *measure_columns]:
        out[column] = out[column].astype(object)
    reasons: dict[Hashable, str | None] = {label: None for label in frame.index}
    for label in hidden:
        small = any(patterns[c][label] == PRIMARY for c in count_columns)
        reasons[label] = PRIMARY if small else COMPLEMENTARY
        for column in count_columns:
            out.at[label, column] = marker if patterns[column][label] == PRIMARY else complementary_marker
        for column in measure_columns:
            out.at[label, column] = complementary_marker
    out[SUPPRESSION_COLUMN] = pd.Series(reasons, dtype=object)
    return out


def is_suppressed(value: object, markers: Sequence[str] = (PRIMARY_MARKER, COMPLEMENTARY_MARKER)) -> bool:
    """True for a marker written in place of a suppressed figure."""
    return isinstance(value, str) and value.strip() in markers
