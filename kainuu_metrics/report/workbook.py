"""indicators.xlsx as an analyst would build it by hand: a "Lue minut" sheet (what is where,
the columns, the files, every indicator's method, the run's summary), a sheet per catalogue
topic and the whole tidy table on one sheet. Finnish names, units and number formats come
from the indicator catalogue (config/indicators.yaml), area names from the domain
(config/domain.yaml). Values are numbers; a suppressed value is an empty cell with its marker
in the "Tietosuoja" column. Cells are written by store.put_cell (formula-safe), the file by
store.write_workbook (same bytes on a rerun).

>>> number_format("eur", 0), number_format("ratio", 1), number_format("eur_per_inhabitant", 2)
('#,##0', '0.0 %', '#,##0.00')
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kainuu_metrics.store import INDICATORS_CSV, INDICATORS_EXCEL_CSV, INDICATORS_XLSX, put_cell, write_table

if TYPE_CHECKING:
    from openpyxl import Workbook

    from kainuu_metrics.indicators.catalogue import Catalogue
    from kainuu_metrics.settings import Domain

README_SHEET = "Lue minut"
ALL_SHEET = "Kaikki tunnusluvut"
VALUE = "Arvo"
SUPPRESSION = "Tietosuoja"
COLUMNS = ["Tunnusluku", "Kausi", "Aluekoodi", "Alue", "Luokka", VALUE, "Yksikkö", "Ennakollinen", SUPPRESSION, "Tunnus"]
COLUMN_NOTES = [
    ("Tunnusluku", "tunnusluvun nimi tunnuslukuluettelosta (config/indicators.yaml)"),
    ("Aihe", "tunnusluvun aihe; jokaisella aiheella on oma välilehtensä (vain välilehdellä Kaikki tunnusluvut)"),
    ("Kausi", "vuosi tai valtuustokausi, jota luku koskee"),
    ("Aluekoodi", "Tilastokeskuksen aluekoodi: MK ja maakunnan numero koko alueelle, KU ja kuntanumero kunnalle"),
    ("Alue", "alueen tai kunnan nimi"),
    ("Luokka", "erittely (esimerkiksi avustuslaji tai verkosto); tyhjä on kokonaisluku"),
    (VALUE, "luku numerona; näkyvä desimaalimäärä tulee tunnuslukuluettelosta. Osuudet ovat murtolukuja, "
            "jotka näytetään prosentteina (0,25 = 25 %). Tyhjä, kun luku on tietosuojattu tai puuttuu"),
    ("Yksikkö", "luvun yksikkö"),
    ("Ennakollinen", "kyllä, kun luku voi vielä muuttua (esimerkiksi väkiluku ei ollut vielä lopullinen)"),
    (SUPPRESSION, "tietosuojamerkki, kun pientä henkilömäärää ei julkaista; arvosarake on silloin tyhjä"),
    ("Tunnus", "tunnusluvun pysyvä tunnus, sama kuin tiedoston indicators.csv sarakkeessa indicator"),
]


def number_format(unit: str, decimals: int) -> str:
    """Excel's number format code for a unit and its card's decimals. Codes are stored in
    Excel's neutral syntax (',' thousands, '.' decimals): Finnish Excel shows them with a
    space and a decimal comma ('1 234,50', '96,9 %'). A ratio is a fraction shown as percent."""
    fraction = "." + "0" * decimals if decimals else ""
    if unit == "ratio":
        return f"0{fraction} %"
    return f"#,##0{fraction}"


def _labels(indicators: pd.DataFrame, catalogue: Catalogue | None, domain: Domain | None) -> pd.DataFrame:
    """The tidy table with Finnish columns (COLUMNS, plus Aihe), in catalogue, period and area
    order; numeric formats in the hidden column '_format'."""
    ids = list(catalogue.ids) if catalogue is not None else []
    ids += [i for i in dict.fromkeys(indicators["indicator"]) if i not in ids]
    areas = domain.area_codes if domain is not None else []

    def card_value(indicator: str, attribute: str, default):
        if catalogue is None or indicator not in catalogue.spec.indicators:
            return default
        return getattr(catalogue.card(indicator), attribute)

    frame = indicators.copy()
    frame["_order"] = frame["indicator"].map({i: n for n, i in enumerate(ids)})
    frame["_area_order"] = frame["area"].map(lambda a: areas.index(a) if a in areas else len(areas))
    frame = frame.sort_values(["_order", "period", "_area_order", "category"], kind="stable")
    periods = frame["period"].astype(str)
    out = pd.DataFrame({
        "Tunnusluku": frame["indicator"].map(lambda i: card_value(i, "name", i)),
        "Aihe": frame["indicator"].map(lambda i: catalogue.topic_label(card_value(i, "topic", "")) if catalogue else ""),
        "Kausi": periods.map(int).astype(object) if periods.str.fullmatch(r"\d+").all() else periods,
        "Aluekoodi": frame["area"],
        "Alue": frame["area"].map(lambda a: domain.area_name(a) if domain is not None else ""),
        "Luokka": frame["category"],
        VALUE: frame["value"].astype(object).where(frame["value"].notna(), None),
        "Yksikkö": [card_value(i, "unit_label", u) for i, u in zip(frame["indicator"], frame["unit"])],
        "Ennakollinen": frame["provisional"].map(lambda p: "kyllä" if bool(p) else "ei"),
        SUPPRESSION: frame["suppression"],
        "Tunnus": frame["indicator"],
        "_topic": frame["indicator"].map(lambda i: card_value(i, "topic", "")),
        "_format": [number_format(u, card_value(i, "decimals", 2)) for i, u in zip(frame["indicator"], frame["unit"])],
    })
    return out.reset_index(drop=True)


def _data_sheet(workbook: Workbook, title: str, rows: pd.DataFrame, columns: list[str]) -> None:
    rows = rows.reset_index(drop=True)
    if not rows["Kausi"].map(lambda p: isinstance(p, int)).all():
        rows = rows.assign(Kausi=rows["Kausi"].astype(str))
    ws = workbook.create_sheet(title)
    write_table(ws, rows[columns], {VALUE: rows["_format"].tolist(), "Kausi": "0"})


def _readme(workbook: Workbook, catalogue: Catalogue | None, domain: Domain | None, topics: list[tuple[str, str]],
            present: list[str], run_summary: list[tuple[str, str]] | None) -> None:
    from openpyxl.styles import Alignment, Font

    ws = workbook.create_sheet(README_SHEET, 0)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    for letter in "CDEF":
        ws.column_dimensions[letter].width = 24
    row = 1

    def line(label: str = "", text: str = "", *, bold: bool = False, size: int | None = None) -> None:
        nonlocal row
        put_cell(ws, row, 1, label or None)
        put_cell(ws, row, 2, text or None)
        if bold or size:
            ws.cell(row=row, column=1).font = Font(bold=True, size=size or 11)
        ws.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1

    site = domain.site_name if domain is not None and domain.site_name else ""
    line("Tunnusluvut" + (f" – {site}" if site else ""), bold=True, size=14)
    line("", "Tämä työkirja on koottu ohjelmallisesti (kainuu-metrics run); älä muokkaa sitä, vaan tallenna "
             "omat laskelmasi toiseen tiedostoon. Sama ajo tekee samat luvut raporttisivuille.")
    line()
    line("Välilehdet", bold=True)
    for topic, label in topics:
        line(label, f"aiheen {label} tunnusluvut, yksi rivi lukua kohden")
    line(ALL_SHEET, "kaikki tunnusluvut yhdessä taulukossa (sama sisältö kuin tiedostossa indicators.csv), "
                    "sarakkeena myös aihe")
    line()
    line("Sarakkeet", bold=True)
    for name, note in COLUMN_NOTES:
        line(name, note)
    if domain is not None:
        marks = domain.privacy
        line(f"Tietosuojamerkki {marks.primary_marker}", f"henkilömäärä 1–{marks.threshold - 1}: lukua ei julkaista")
        line(f"Tietosuojamerkki {marks.complementary_marker}",
             "luku on piilotettu, jotta pientä lukua ei voi päätellä vähentämällä muista luvuista")
    line()
    line("Tiedostot", bold=True)
    line(INDICATORS_XLSX, "tämä työkirja: analyysiin Excelissä")
    line(INDICATORS_EXCEL_CSV, "samat luvut CSV-tiedostona Excel-käyttäjille: erottimena puolipiste, desimaalipilkku, "
                               "UTF-8 BOM-merkillä (aukeaa suomenkieliseen Exceliin oikein)")
    line(INDICATORS_CSV, "samat luvut ohjelmille (R, Python, tietokannat): erottimena pilkku, desimaalipiste, UTF-8; "
                         "sarakkeet indicator, period, area, category, value, unit, provisional, suppression")
    if run_summary:
        line()
        line("Ajon tiedot", bold=True)
        for label, value in run_summary:
            line(label, value)
    if catalogue is None:
        return
    line()
    line("Menetelmät", bold=True)
    header = ["Tunnusluku", "Menetelmä", "Yksikkö", "Aihe", "Lähteet", "Tunnus"]
    for c, name in enumerate(header, start=1):
        put_cell(ws, row, c, name)
        ws.cell(row=row, column=c).font = Font(bold=True)
    row += 1
    for indicator in present:
        card = catalogue.card(indicator)
        method = f"{card.description} {card.method}" + (f" Luokat: {card.categories}" if card.categories else "")
        values = [card.name, method, card.unit_label, catalogue.topic_label(card.topic),
                  ", ".join(catalogue.source_label(s) for s in card.sources), indicator]
        for c, value in enumerate(values, start=1):
            put_cell(ws, row, c, value)
            ws.cell(row=row, column=c).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1


def indicator_workbook(indicators: pd.DataFrame, catalogue: Catalogue | None = None, domain: Domain | None = None,
                       run_summary: list[tuple[str, str]] | None = None) -> Workbook:
    """The analysts' workbook of the tidy indicator table (see the module docstring)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    table = _labels(indicators, catalogue, domain)
    topics: list[tuple[str, str]] = []
    if catalogue is not None:
        for topic, _ids in catalogue.by_topic():
            rows = table.loc[table["_topic"] == topic]
            if not rows.empty:
                label = catalogue.topic_label(topic)
                _data_sheet(workbook, label, rows, COLUMNS)
                topics.append((topic, label))
    _data_sheet(workbook, ALL_SHEET, table, ["Tunnusluku", "Aihe", *COLUMNS[1:]])
    present = [i for i in dict.fromkeys(table["Tunnus"]) if catalogue is not None and i in catalogue.spec.indicators]
    _readme(workbook, catalogue, domain, topics, present, run_summary)
    workbook.active = 0
    return workbook


def year_summary(year: int) -> list[tuple[str, str]]:
    """The "Lue minut" rows that say a year folder's copy holds only that year's vintage."""
    return [("Tämän työkirjan rajaus",
             f"Vuoden {year} raporttien tiedot: kaudet, jotka päättyivät viimeistään 31.12.{year} (vuodet {year} asti "
             f"ja valtuustokaudet, jotka päättyivät viimeistään vuonna {year}). Koko ajon työkirja on "
             f"data/processed/{INDICATORS_XLSX}.")]


def write_year_workbook(folder: Path, year: int, indicators: pd.DataFrame, catalogue: Catalogue | None = None,
                        domain: Domain | None = None, run_summary: list[tuple[str, str]] | None = None) -> Path:
    """reports/<year>/indicators.xlsx: the workbook of the rows the year's pages are made from
    (publication.vintage: periods that ended by 31.12.`year`), by the same writer as the whole
    run's data/processed/indicators.xlsx, so a page for 2023 never links figures of 2024."""
    from kainuu_metrics.publication import vintage
    from kainuu_metrics.store import write_workbook

    rows = vintage(indicators, year)
    return write_workbook(indicator_workbook(rows, catalogue, domain, [*year_summary(year), *(run_summary or [])]),
                          folder / INDICATORS_XLSX)
