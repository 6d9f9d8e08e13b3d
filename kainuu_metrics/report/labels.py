"""Finnish column headers for the tables the pages show.

Report functions hand tables to the notebooks with short machine names for the columns a
notebook still computes with ("vuosi", "eur_per_asukas", "myönnetty_eur"); a reader sees the
Finnish header from COLUMN_LABELS instead (charts.table_html applies it to every table and
every chart's data table). A name not in the map still never shows as snake_case: "_eur"
becomes " (€)", the other underscores spaces, and the first letter a capital.
"""

from __future__ import annotations

import re

COLUMN_LABELS: dict[str, str] = {
    "vuosi": "Vuosi",
    "kunta": "Kunta",
    "kotikunta": "Kotikunta",
    "kausi": "Valtuustokausi",
    "järjestö": "Järjestö",
    "avustuslaji": "Avustuslaji",
    "verkosto": "Kumppanuusverkosto",
    "näkökulma": "Kohdistus",
    "tunnusluku": "Tunnusluku",
    "arvo": "Arvo",
    "ennakollinen": "Ennakollinen",
    "haettu_eur": "Haettu (€)",
    "myönnetty_eur": "Myönnetty (€)",
    "eur_per_asukas": "€ / asukas",
    "eur_per_asukas_vuodessa": "€ / asukas vuodessa",
    "avustukset_eur": "Avustukset (€)",
    "tilojen_arvo_eur": "Tilojen käyttö (€)",
    "tuki_yhteensä_eur": "Tuki yhteensä (€)",
    "käyttötunnit": "Käyttötunnit",
    "kuukausia_aineistossa": "Kuukausia aineistossa",
}

_MACHINE_NAME = re.compile(r"^[a-zåäö0-9_]+$")


def column_label(name: object) -> str:
    """The Finnish header of a column.

    >>> column_label("myönnetty_eur"), column_label("kuukausia_aineistossa"), column_label("Kriteeri")
    ('Myönnetty (€)', 'Kuukausia aineistossa', 'Kriteeri')
    >>> column_label("varauksia_yhteensa_eur")
    'Varauksia yhteensa (€)'
    """
    text = str(name)
    if text in COLUMN_LABELS:
        return COLUMN_LABELS[text]
    if not _MACHINE_NAME.match(text) or "_" not in text:
        return text
    words = re.sub(r"_eur$", " (€)", text).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


# A path into the repository or a program file: "config/tuokio.yaml", "scripts/x.py", "data/raw/".
REPOSITORY_PATH = re.compile(
    r"(?<![\w.])(?:kainuu_metrics|scripts|config|data|notebooks|tests|examples)/[\w./-]*"
    r"|[\w/.-]+\.(?:py|yaml|yml|ipynb)\b"
)


def without_path_sentences(text: str) -> str:
    """Configuration text as leadership reads it: a sentence naming a file path is left out
    (paths belong on the quality page).

    >>> without_path_sentences("Asteikko on oletus. Asteikko määritellään tiedostossa config/tuokio.yaml.")
    'Asteikko on oletus.'
    """
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    return " ".join(s for s in sentences if not REPOSITORY_PATH.search(s))


_CONFIG_PLACES = (
    (re.compile(r"tiedoston config/[\w-]+\.ya?ml kohda(sta|n|ssa)"), r"asetusten kohda\1"),
    (re.compile(r"\(config/[\w-]+\.ya?ml, "), "(asetukset, "),
    (re.compile(r"\(config/[\w-]+\.ya?ml\)"), "(asetuksissa)"),
    (re.compile(r"(tiedostossa |tiedostosta )?config/[\w-]+\.ya?ml"), "asetuksissa"),
)


def config_places_in_words(text: str) -> str:
    """A method text as leadership reads it: the configuration is named in words, not as a file
    path (the quality page lists the files).

    >>> config_places_in_words("tunnus tiedoston config/domain.yaml kohdasta grant_types")
    'tunnus asetusten kohdasta grant_types'
    >>> config_places_in_words("hinnalla (config/premises_prices.yaml); ei toimijoita (config/domain.yaml, out_of_scope)")
    'hinnalla (asetuksissa); ei toimijoita (asetukset, out_of_scope)'
    """
    for pattern, words in _CONFIG_PLACES:
        text = pattern.sub(words, text)
    return text
