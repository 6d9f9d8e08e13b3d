"""Who a row is about, in memory only: name and register-id keys, linking through the register,
and removal of names from any text that is written out.

Linking a person across files (the identity that is pseudonymised):
1. a register id when the row has one: the id column, or an expert-column value that looks
   like an id (config register_id_pattern); ids are compared in capitals without spaces,
   hyphens or leading zeros ("KE-012" = "ke 12");
2. otherwise the name, compared as its words casefolded, without punctuation and in any order
   ("Virtanen, Maija" = "maija virtanen"). When the register links that name to exactly one
   register id, the id is used, so the same person gets the same pseudonym whether a log names
   them or gives their id (a register row without an id counts as the person of the same name
   who has one). A name the register gives to several people stays a name and the row
   is flagged; a name or id not in the register is kept and flagged.
The links come from every register row with a readable id or name, also from a row that is
rejected for another cell (e.g. a joining date "31.6.2022"): the bad cell rejects the row as a
register entry (the person is not counted as registered and their assignments are flagged as
not in the cleaned register), but it does not make the person two people. Linking needs the
register in the same run; without it a person logged by name in one year and by id in another
gets two pseudonyms.

>>> links = build_links([("KE1", "maija virtanen")])
>>> links.resolve(None, name_key("Virtanen, Maija")).identity
'tunnus:KE1'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from kainuu_metrics.datasets import parsing
from kainuu_metrics.settings import normalise_key

NAME_REMOVED = "(nimi poistettu)"
ID_REMOVED = "(tunnus poistettu)"
NAME_COLUMNS = frozenset({"expert", "name", "first_name", "last_name"})
ID_COLUMNS = frozenset({"register_id"})

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
SEVERAL_PEOPLE = re.compile(r"\s(?:ja|&|\+|sekä)\s|[/;&+]|,.*,", re.IGNORECASE)


def name_key(value: object) -> str | None:
    """A name as its casefolded words in sorted order: 'Virtanen, Maija' -> 'maija virtanen'."""
    if parsing.is_blank(value):
        return None
    words = _WORD.findall(unicodedata.normalize("NFC", str(value)).casefold())
    return " ".join(sorted(words)) or None


def register_id_key(value: object) -> str | None:
    """'KE-012', 'ke 12', 12.0 -> 'KE12' / '12'."""
    if parsing.is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s\-–]", "", unicodedata.normalize("NFC", str(value))).upper()
    match = re.fullmatch(r"(\D*)(\d+)", text)
    return f"{match.group(1)}{int(match.group(2))}" if match else text


@dataclass(frozen=True)
class Identity:
    """Who a row is about: the pseudonymised key, how it was found, and flags."""

    identity: str  # "tunnus:KE12" or "nimi:maija virtanen" (never written anywhere)
    basis: str  # register_id | name_via_register | name
    not_in_register: bool = False
    ambiguous_name: bool = False


@dataclass(frozen=True)
class RegisterLinks:
    """What the register says about who is who: the ids of each name, from every row with a
    readable id or name, and the people whose row was accepted (`listed`)."""

    loaded: bool = False
    names: dict[str, frozenset[str | None]] = field(default_factory=dict)  # name -> ids (None: no id)
    listed: frozenset[str] = frozenset()  # identities ("tunnus:KE1", "nimi:aino heikkinen") of accepted rows

    def resolve(self, id_key: str | None, person_name: str | None) -> Identity:
        if id_key is not None:
            identity = f"tunnus:{id_key}"
            return Identity(identity, "register_id", not_in_register=self.loaded and identity not in self.listed)
        assert person_name is not None
        candidates = self.names.get(person_name, frozenset())
        if len(candidates) == 1 and None not in candidates:
            (only,) = candidates
            identity = f"tunnus:{only}"
            return Identity(identity, "name_via_register", not_in_register=self.loaded and identity not in self.listed)
        identity, ambiguous = f"nimi:{person_name}", len(candidates) > 1
        return Identity(identity, "name", not_in_register=self.loaded and not ambiguous and identity not in self.listed, ambiguous_name=ambiguous)


def build_links(pairs: Sequence[tuple[str | None, str | None]], rejected: Sequence[tuple[str | None, str | None]] = ()) -> RegisterLinks:
    """Links from the register's (id, name) pairs: `pairs` of accepted rows, `rejected` of rows
    rejected for another cell (they link an id to a name, but nobody is listed by them).

    >>> links = build_links([("KE1", "maija virtanen")], rejected=[("KE36", "arto kauppinen")])
    >>> person = links.resolve(None, "arto kauppinen")
    >>> person.identity, person.basis, person.not_in_register
    ('tunnus:KE36', 'name_via_register', True)
    """
    names: dict[str, set[str | None]] = {}
    for id_key, person_name in [*pairs, *rejected]:
        if person_name is not None:
            names.setdefault(person_name, set()).add(id_key)
    # A row without an id is taken to be the person of the same name who has one, if any.
    links = {n: frozenset(ids - {None} or ids) for n, ids in names.items()}
    listed = RegisterLinks(loaded=True, names=links)
    return RegisterLinks(
        loaded=bool(pairs) or bool(rejected),
        names=links,
        listed=frozenset(listed.resolve(i, n).identity for i, n in pairs if i is not None or n is not None),
    )


class NameScrubber:
    """Replaces any text that contains a name read from the files by '(nimi poistettu)'.

    >>> scrub = NameScrubber({"Virtanen Maija"})
    >>> scrub.text("Maija Virtanen ry"), scrub.text("Omaiset ry")
    ('(nimi poistettu)', 'Omaiset ry')
    """

    def __init__(self, raw_names: set[str]) -> None:
        self.keys = {k for n in raw_names if (k := name_key(n))}
        spelled = {normalise_key(n).replace(",", "") for n in raw_names}
        # A full name (two or more words) in either order; single words are too likely in other text.
        self.words = {w for n in spelled if " " in n for w in (n, " ".join(reversed(n.split())))}

    def contains_name(self, text: str) -> bool:
        folded = normalise_key(text).replace(",", "")
        return name_key(text) in self.keys or any(w in folded for w in self.words)

    def text(self, value: str | None) -> str | None:
        return NAME_REMOVED if value is not None and self.contains_name(value) else value
