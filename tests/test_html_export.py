from __future__ import annotations

import re
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kainuu_metrics.paths import CONFIG_DIR
from kainuu_metrics.settings import load_domain
from kainuu_metrics.report.html_export import (
    ASSETS_MISSING_FI,
    SAMPLE_BANNER,
    IMAGE_ALT_MISSING_FI,
    PageContext,
    accessible_markup,
    export_notebook_html,
    find_external_references,
    plotly_asset_name,
    plotly_js,
    prepare_notebook,
    stage_shared_files,
    write_assets,
)

FIXTURE = Path(__file__).parent / "fixtures" / "notebooks" / "chart_and_table.ipynb"
SITE_NAME = load_domain(CONFIG_DIR).site_name
NAV = [("Etusivu", "../index.html"), ("Avustukset", "grants.html"), ("Tietojen laatu", "quality.html")]


def _context(sample_data: bool = True, **changes) -> PageContext:
    values = dict(
        title="Avustukset 2025",
        year=2025,
        sample_data=sample_data,
        nav=NAV,
        generated_at="29.11.2026 klo 19.12",
        site_name=SITE_NAME,
    )
    return PageContext(**{**values, **changes})


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Path:
    """The fixture notebook executed once by papermill, as the pipeline does."""
    import papermill

    folder = tmp_path_factory.mktemp("executed")
    out = folder / "chart_and_table.ipynb"
    papermill.execute_notebook(
        str(FIXTURE), str(out), parameters={"year": 2025}, progress_bar=False, cwd=str(folder)
    )
    return out


@pytest.fixture(scope="module")
def page(executed, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("site") / "2025" / "grants.html"
    assert export_notebook_html(executed, out, _context()) == out
    return out.read_text(encoding="utf-8")


# --- the exported fixture notebook --------------------------------------------------------------


def test_page_contains_the_chart_with_a_deterministic_id(page):
    assert 'id="kuvio-1"' in page
    assert 'Plotly.newPlot(                        "kuvio-1"' in page or '"kuvio-1",' in page
    assert "<figcaption" in page and "Kuvion tiedot taulukkona" in page


# Changed on purpose (issue 12, page weight): plotly.js is no longer embedded in every page
# (~4.8 MB each, 84 MB for the sample) but loaded from the run's one shared copy.
def test_plotly_js_is_loaded_once_from_the_shared_assets_folder(page):
    assert plotly_js() not in page
    head = page.split("</head>", 1)[0]
    assert re.fullmatch(r"plotly-[0-9a-f]{8}\.min\.js", plotly_asset_name())
    assert f'<script src="../assets/{plotly_asset_name()}"></script>' in head
    assert page.count("<script src") == 1
    assert page.count("Plotly.register") == 1  # the Finnish locale, registered only when plotly.js loaded
    assert len(page.encode("utf-8")) < 400_000  # was 4.9 MB with plotly.js inside; JupyterLab's CSS is most of the rest


def test_a_page_without_its_assets_folder_says_so_in_one_finnish_line(page):
    body = page.split("<main", 1)[1]
    assert body.count(ASSETS_MISSING_FI) == 1 and ASSETS_MISSING_FI.startswith("Kaaviot tarvitsevat kansion assets/")
    assert 'if (window.Plotly) { document.getElementById("kaaviot-puuttuvat").remove(); }' in body


def test_write_assets_writes_the_shared_copy_once(tmp_path):
    path = write_assets(tmp_path)
    assert path == tmp_path / "assets" / plotly_asset_name()
    assert path.read_text(encoding="utf-8") == plotly_js()
    stamp = path.stat().st_mtime_ns
    assert write_assets(tmp_path) == path and path.stat().st_mtime_ns == stamp  # unchanged: not rewritten


def test_page_is_self_contained(page):
    assert "<link" not in page.lower()
    assert find_external_references(page) == []


def test_code_is_hidden(page):
    assert "setup_plotly" not in page
    assert "SALAINEN_KOODIRIVI" not in page
    classes = " ".join(re.findall(r'class="([^"]*)"', page))
    assert "jp-CodeMirrorEditor" not in classes and "highlight" not in classes
    assert "jp-InputPrompt" not in classes and "jp-OutputPrompt" not in classes


def test_outputs_are_focusable_as_nbconvert_makes_them(page):
    outputs = re.findall(r'<div class="[^"]*jp-OutputArea-output[^"]*"[^>]*>', page)
    assert outputs and all('tabindex="0"' in tag for tag in outputs)


def test_accessible_markup_adds_what_nbconvert_adds_once():
    page = ('<div class="jp-Cell-inputWrapper">a</div><div class="jp-RenderedHTML jp-OutputArea-output " data-mime-type="text/html">b</div>'
            '<div class="jp-OutputArea-output" tabindex="-1">c</div><div class="jp-OutputArea-output-x">d</div>'
            '<img src="data:image/png;base64,AA"\nclass="">'
            '<img alt="Kaavio" src="x.png">')
    assert accessible_markup(page) == (
        '<div class="jp-Cell-inputWrapper" tabindex="0">a</div>'
        '<div class="jp-RenderedHTML jp-OutputArea-output " data-mime-type="text/html" tabindex="0">b</div>'
        '<div class="jp-OutputArea-output" tabindex="-1">c</div><div class="jp-OutputArea-output-x">d</div>'
        f'<img alt="{IMAGE_ALT_MISSING_FI}" src="data:image/png;base64,AA"\nclass="">'
        '<img alt="Kaavio" src="x.png">')


def test_stderr_and_removed_cells_are_dropped(page):
    assert "tätä ei näytetä" not in page
    assert "SISÄINEN_TARKISTUS" not in page


def test_page_is_finnish_with_one_h1_and_chrome(page):
    assert '<html lang="fi">' in page
    assert page.count("<h1") == 1
    assert "<h1>Avustukset 2025</h1>" in page
    assert '<h2 id="Avustukset-kunnittain">' in page  # the notebook's "# " became <h2>
    assert "<title>Avustukset 2025 – Kainuun hyvinvointialue – järjestöyhteistyön seuranta</title>" in page
    assert "Kainuun hyvinvointialue – järjestöyhteistyön seuranta" in page
    assert '<a href="grants.html" aria-current="page">Avustukset</a>' in page
    assert "Sivu koottu 29.11.2026 klo 19.12." in page
    assert SAMPLE_BANNER in page


def test_parameters_reach_the_page_and_tables_are_finnish(page):
    assert "Myönnetyt avustukset kunnittain 2025: Kajaani sai eniten." in page
    assert "<caption>Myönnetyt avustukset 2025</caption>" in page
    assert "123\u00a0456,50\u00a0€" in page


def test_site_css_comes_after_lab_css(page):
    lab = page.index("--jp-")
    ours = page.index("body.kainuu-sivu")
    assert lab < ours


def test_no_sample_banner_without_sample_data(executed, tmp_path):
    out = export_notebook_html(executed, tmp_path / "grants.html", _context(sample_data=False))
    html = out.read_text(encoding="utf-8")
    assert SAMPLE_BANNER not in html
    assert "ESIMERKKIAINEISTO" not in html


def test_provisional_note_is_shown(executed, tmp_path):
    context = _context(provisional_note="Vuoden 2025 luvut täydentyvät helmikuussa.")
    html = export_notebook_html(executed, tmp_path / "grants.html", context).read_text(encoding="utf-8")
    assert "<strong>Alustava:</strong> Vuoden 2025 luvut täydentyvät helmikuussa." in html


def test_export_is_deterministic_and_safe_from_threads(executed, tmp_path):
    outputs = [tmp_path / f"{i}" / "grants.html" for i in range(3)]
    threads = [
        threading.Thread(target=export_notebook_html, args=(executed, out, _context())) for out in outputs
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pages = {out.read_text(encoding="utf-8") for out in outputs}
    assert len(pages) == 1


# --- notebooks made in the test (no kernel needed) ------------------------------------------------


def _write(tmp_path: Path, cells) -> Path:
    path = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    return path


def test_notebook_without_charts_gets_no_plotly_js(tmp_path):
    cell = new_code_cell("print('x')", outputs=[new_output("stream", name="stdout", text="Tulos 42\n")])
    path = _write(tmp_path, [new_markdown_cell("Teksti"), cell])
    html = export_notebook_html(path, tmp_path / "out.html", _context()).read_text(encoding="utf-8")
    assert "Tulos 42" in html
    assert "<script src" not in html and "assets/" not in html
    assert "Plotly.register" not in html
    assert find_external_references(html) == []


def test_chart_without_html_output_is_an_error(tmp_path):
    output = new_output("display_data", data={"application/vnd.plotly.v1+json": {"data": []}})
    path = _write(tmp_path, [new_code_cell("fig.show()", outputs=[output])])
    with pytest.raises(RuntimeError, match="setup_plotly"):
        export_notebook_html(path, tmp_path / "out.html", _context())


def test_prepare_notebook_demotes_headings_outside_code_fences():
    source = "# Otsikko\n\n## Alaotsikko\n\n```\n# kommentti\n```\n#hashtag"
    nb = new_notebook(cells=[new_markdown_cell(source), new_code_cell("x = 1")])
    prepared, has_plotly = prepare_notebook(nb, "Sivu")
    assert prepared.cells[0].source == "## Otsikko\n\n### Alaotsikko\n\n```\n# kommentti\n```\n#hashtag"
    assert len(prepared.cells) == 1  # the code cell had no output
    assert has_plotly is False
    assert nb.cells[0].source == source  # input untouched


def test_prepare_notebook_drops_a_heading_that_repeats_the_page_title():
    markdown = new_markdown_cell("# Järjestöavustukset\nVuoden avustuspäätökset.")
    output = new_output("display_data", data={"text/markdown": "## Vuoden 2024 tunnusluvut"})
    nb = new_notebook(cells=[markdown, new_code_cell("display(...)", outputs=[output])])
    prepared, _ = prepare_notebook(nb, "Järjestöavustukset 2024")
    assert prepared.cells[0].source == "Vuoden avustuspäätökset."
    assert prepared.cells[1].outputs[0].data["text/markdown"] == "## Vuoden 2024 tunnusluvut"


def test_prepare_notebook_demotes_markdown_outputs_too():
    output = new_output("display_data", data={"text/markdown": "# Osa\n\n## Kohta"})
    nb = new_notebook(cells=[new_markdown_cell("# Johdanto"), new_code_cell("x", outputs=[output])])
    prepared, _ = prepare_notebook(nb, "Sivu")
    assert prepared.cells[0].source == "## Johdanto"
    assert prepared.cells[1].outputs[0].data["text/markdown"] == "## Osa\n\n### Kohta"


def test_prepare_notebook_keeps_headings_when_there_is_no_h1():
    nb = new_notebook(cells=[new_markdown_cell("## Osa\n\n### Kohta")])
    prepared, _ = prepare_notebook(nb, "Sivu")
    assert prepared.cells[0].source == "## Osa\n\n### Kohta"


# --- find_external_references ------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        '<a href="2024/grants.html">Avustukset</a><a href="#kuvio-1">kuvio</a><a href="mailto:x@y.fi">x</a>',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">',
        "<p>Lähde: https://pxdata.stat.fi/ (teksti, ei linkki)</p>",
        "<style>/* see https://github.com/x */ .a { background: url(data:image/svg+xml;base64,AA) }</style>",
        '<div style="background:url(\'data:image/png;base64,AA\')"></div>',
        "<script>var u = 'https://plot.ly'; Plotly.newPlot('kuvio-1', [], {});</script>",
        "<!-- <script src='https://cdn.example/x.js'></script> -->",
        '<svg><use href="#icon"></use></svg>',
    ],
)
def test_find_external_references_accepts_self_contained_html(html):
    assert find_external_references(html) == []


def test_the_shared_plotly_asset_is_the_only_file_a_page_may_load():
    for html in ('<script src="../assets/plotly-0a1b2c3d.min.js"></script>', '<script src="assets/plotly-0a1b2c3d.min.js"></script>'):
        assert find_external_references(html) == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://cdn.example/assets/plotly.min.js"></script>', "https://cdn.example/assets/plotly.min.js"),
        ('<script src="//cdn.example/assets/plotly.min.js"></script>', "//cdn.example/assets/plotly.min.js"),
        ('<script src="/assets/plotly.min.js"></script>', '"/assets/plotly.min.js"'),
        ('<script src="../assets/../../x/plotly.min.js"></script>', "../assets/../../x/plotly.min.js"),
        ('<script src="../assets/plotly.min.js?v=https://x.fi"></script>', "?v="),
        ('<script src="../muut/plotly.min.js"></script>', "../muut/plotly.min.js"),
        ('<link rel="stylesheet" href="../assets/site.css">', "../assets/site.css"),
        ('<script src="https://cdn.example/require.js"></script>', 'script src="https://cdn.example/require.js"'),
        ('<script src="local.js"></script>', 'script src="local.js"'),
        ('<link rel="stylesheet" href="site.css">', 'link href="site.css"'),
        ('<link rel="icon" href="https://x.fi/favicon.ico"/>', "favicon.ico"),
        ('<img src="https://x.fi/logo.png">', "logo.png"),
        ('<img src="logo.png">', "logo.png"),
        ('<img srcset="data:image/png;base64,AA 1x, https://x.fi/a.png 2x">', "a.png"),
        ('<iframe src="//x.fi/embed"></iframe>', "//x.fi/embed"),
        ("<style>@import url('https://fonts.example/css');</style>", "@import"),
        ("<style>@font-face { src: url(https://fonts.example/f.woff2) }</style>", "url(https://fonts.example/f.woff2)"),
        ('<div style="background: url(http://x.fi/bg.png)"></div>', "url(http://x.fi/bg.png)"),
        ('<script type="module">const m = (await import("https://cdn.example/m.mjs")).default;</script>', "m.mjs"),
        ('<meta http-equiv="refresh" content="0; url=https://x.fi/">', "refresh"),
        ('<a href="https://stat.fi/">Tilastokeskus</a>', "https://stat.fi/"),
    ],
)
def test_find_external_references_reports_outside_loads(html, expected):
    found = find_external_references(html)
    assert len(found) == 1
    assert expected in found[0]


def test_absolute_links_can_be_allowed():
    html = '<a href="https://stat.fi/">Tilastokeskus</a><img src="https://x.fi/a.png">'
    assert find_external_references(html, allow_links=True) == ['<img src="https://x.fi/a.png">']


def test_plotly_js_itself_has_no_outside_loads():
    assert find_external_references(f"<script>{plotly_js()}</script>") == []
    assert re.match(r"/\*\*\s*\* plotly\.js v\d", plotly_js())


# --- chart data downloads (data: links built at export time) ---------------------------------------


def _data_link(page: str, mimetype: str, filename: str) -> bytes:
    import base64

    tag = re.search(rf'<a [^>]*download="{re.escape(filename)}"[^>]*>', page)  # nbconvert may reorder attributes
    assert tag, filename
    href = re.search(rf'href="data:{re.escape(mimetype)}[^"]*;base64,([^"]+)"', tag.group(0))
    assert href, tag.group(0)[:200]
    return base64.b64decode(href.group(1))


def test_chart_data_downloads_open_as_csv_and_xlsx(page):
    import io

    import openpyxl
    import pandas as pd

    from kainuu_metrics.report.chart_data import XLSX_MIMETYPE

    figure = page[page.index('<figure '):page.index("</figure>")]
    assert "Lataa kuvion tiedot:" in figure  # the links sit inside the chart's own <figure>
    raw = _data_link(page, "text/csv", "grants-2025-kuvio-1.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert raw.decode("utf-8-sig").splitlines() == [
        "Kunta;Myönnetty (€)", "Kajaani;123456,5", "Sotkamo;45000,0", "Kuhmo;9800,25",
    ]  # the fixture's bars, ';' and decimal comma
    table = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    assert table["Myönnetty (€)"].sum() == pytest.approx(178256.75)  # 123 456,50 + 45 000 + 9 800,25
    book = openpyxl.load_workbook(io.BytesIO(_data_link(page, XLSX_MIMETYPE, "grants-2025-kuvio-1.xlsx")))
    ws = book["Kuvion tiedot"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["Kunta", "Myönnetty (€)"], ["Kajaani", 123456.5], ["Sotkamo", 45000], ["Kuhmo", 9800.25],
    ]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B4"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_chart_table_reads_typed_arrays_horizontal_bars_several_traces_and_polar():
    import base64

    import numpy as np

    from kainuu_metrics.report.chart_data import chart_table

    def typed(values, dtype):
        return {"dtype": dtype, "bdata": base64.b64encode(np.asarray(values, dtype=dtype).tobytes()).decode()}

    horizontal = {"data": [{"type": "bar", "orientation": "h", "x": typed([3, 12], "i1"), "y": ["Ikäverkosto", "Muut"]}],
                  "layout": {"xaxis": {"title": {"text": "Myönnetty (€)"}}, "yaxis": {"title": {"text": "Kumppanuusverkosto"}}}}
    assert chart_table(horizontal).to_dict("list") == {"Kumppanuusverkosto": ["Ikäverkosto", "Muut"], "Myönnetty (€)": [3, 12]}
    # two traces over partly different years: one row per year, a gap where a trace has none
    stacked = {"data": [{"type": "bar", "name": "Toiminta-avustus", "x": ["2023", "2024"], "y": typed([1000.5, 2000.0], "f8")},
                        {"type": "bar", "name": "Kerta-avustus", "x": ["2024", "2025"], "y": [300.0, 400.0]}],
               "layout": {"xaxis": {"title": {"text": "Vuosi"}}, "yaxis": {"title": {"text": "Myönnetty (€)"}}}}
    table = chart_table(stacked)
    assert list(table.columns) == ["Vuosi", "Toiminta-avustus", "Kerta-avustus"]
    assert table["Vuosi"].tolist() == ["2023", "2024", "2025"]
    assert table["Toiminta-avustus"].tolist()[:2] == [1000.5, 2000.0] and pd_isna(table["Toiminta-avustus"].iloc[2])
    assert pd_isna(table["Kerta-avustus"].iloc[0]) and table["Kerta-avustus"].tolist()[1:] == [300.0, 400.0]
    radar = {"data": [{"type": "scatterpolar", "name": "Arviointi 12.11.2025", "r": [2.5, 3.0], "theta": ["Osallistuminen", "Rakenteet"]},
                      {"type": "scatterpolar", "name": "Edellinen", "r": [2.0, 2.25], "theta": ["Osallistuminen", "Rakenteet"]}],
             "layout": {"polar": {}}}
    assert chart_table(radar).to_dict("list") == {
        "Luokka": ["Osallistuminen", "Rakenteet"], "Arviointi 12.11.2025": [2.5, 3.0], "Edellinen": [2.0, 2.25]}
    assert chart_table({"data": [], "layout": {}}).empty


def test_chart_downloads_are_formula_safe():
    import base64
    import io

    import openpyxl

    from kainuu_metrics.report.chart_data import download_links

    figure = {"data": [{"type": "bar", "x": ["=HYPERLINK(\"http://x\")", "-1"], "y": [1, -2]}],
              "layout": {"xaxis": {"title": {"text": "@Luokka"}}}}
    links = download_links(figure, "sivu-2025-kuvio-3")
    csv, xlsx = (base64.b64decode(m) for m in re.findall(r";base64,([^\"]+)\"", links))
    # text that starts like a formula gets an apostrophe in the CSV; numbers stay numbers
    assert csv.decode("utf-8-sig").splitlines() == ["'@Luokka;Arvo", "\"'=HYPERLINK(\"\"http://x\"\")\";1", "'-1;-2"]
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["@Luokka", "Arvo"], ['=HYPERLINK("http://x")', 1], ["-1", -2]]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws["A2"].quotePrefix and ws["B3"].data_type == "n"


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


# --- the sample run: page weight, the shared plotly.js, the year's workbook ---------------------------

REPORTS_MAX_BYTES = 15_000_000  # issue 12: the sample reports/ folder at most 15 MB (was 86 MB) ...
PAGE_MAX_BYTES = 1_500_000  # ... and each page at most 1.5 MB (was about 5.1 MB with plotly.js inside)


@pytest.mark.e2e
def test_sample_reports_are_light_and_load_one_shared_plotly(sample_run):
    assert sample_run.returncode == 0, sample_run.stderr
    files = [p for p in sample_run.reports.rglob("*") if p.is_file()]
    sizes = {p.relative_to(sample_run.reports).as_posix(): p.stat().st_size for p in files}
    assert sum(sizes.values()) <= REPORTS_MAX_BYTES, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    pages = {name: size for name, size in sizes.items() if name.endswith(".html")}
    assert pages and max(pages.values()) <= PAGE_MAX_BYTES, max(pages.items(), key=lambda kv: kv[1])
    assert [n for n in sizes if n.startswith("assets/")] == [f"assets/{plotly_asset_name()}"]  # one copy, written once
    assert not (sample_run.reports / ".kesken").exists()
    with_charts = 0
    for name in pages:
        html = (sample_run.reports / name).read_text(encoding="utf-8")
        assert find_external_references(html) == [], name
        if 'class="plotly-graph-div"' in html:
            with_charts += 1
            assert f'<script src="../assets/{plotly_asset_name()}"></script>' in html, name
            assert html.count('class="kuvion-lataus"') == html.count('class="plotly-graph-div"'), name  # every chart downloadable
    assert with_charts >= 15  # 17 notebook pages in the sample, all but a few with charts


@pytest.mark.e2e
def test_each_year_folder_has_the_workbook_and_its_pages_link_it(sample_run):
    # Changed on purpose: a year folder's workbook used to be a byte copy of the whole run's
    # data/processed/indicators.xlsx; it now holds the year's vintage only (the rows its pages
    # are made from: publication.vintage), so its tidy sheet has exactly those rows.
    import openpyxl
    import pandas as pd

    from kainuu_metrics.publication import period_end, vintage
    from kainuu_metrics.report.workbook import ALL_SHEET

    indicators = pd.read_csv(sample_run.data / "processed" / "indicators.csv", dtype={"period": str})
    years = sorted(p for p in sample_run.reports.iterdir() if p.is_dir() and p.name.isdigit())
    assert [p.name for p in years] == ["2023", "2024", "2025"]
    for folder in years:
        year = int(folder.name)
        sheet = openpyxl.load_workbook(folder / "indicators.xlsx")[ALL_SHEET]
        periods = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert len(periods) == len(vintage(indicators, year)), year
        assert max(period_end(p) for p in periods) == year
        html = (folder / "summary.html").read_text(encoding="utf-8")
        assert 'href="indicators.xlsx"' in html


def test_every_class_of_the_index_template_has_a_style_on_screen_and_in_print():
    # The index marks a year's publication status with `julkaisematon` (draft) and `korjaukset`
    # (corrections after publication); both once had no rule in site.css, so a draft looked like
    # any paragraph. Every literal class of the index template has a rule, and the two status
    # classes have one inside @media print too (a printed index still says "draft").
    from kainuu_metrics.paths import PACKAGE_DIR

    templates = PACKAGE_DIR / "templates"
    css = (templates / "static" / "site.css").read_text(encoding="utf-8")
    index = (templates / "pages" / "index.html.j2").read_text(encoding="utf-8")
    literal = {name for attr in re.findall(r'class="([^"{}]+)"', index) for name in attr.split()}
    assert {"julkaisematon", "korjaukset"} <= literal
    selectors = set(re.findall(r"\.([a-z][a-z0-9-]*)", re.sub(r"\{[^{}]*\}", "{}", css)))
    # `vuosi` only names the <section> of a year (an anchor target); it needs no style of its own.
    assert literal - {"vuosi"} <= selectors, literal - selectors
    print_rules = "".join(re.findall(r"@media print \{(.*?)\n\}", css, re.S))
    for name in ("julkaisematon", "korjaukset"):
        assert re.search(rf"\.{name}\b[^{{]*\{{", print_rules), name


def test_a_year_folders_workbook_holds_only_that_years_vintage(tmp_path):
    # The page for 2023 uses data up to 31.12.2023, so reports/2023/indicators.xlsx holds the
    # periods that ended by then: 2023 and the term 2019-2021 (2 rows), not 2024 nor the term
    # 2022-2025 that ends in 2025. reports/2025/ holds all four. Both by the same workbook writer.
    import openpyxl

    from kainuu_metrics.indicators.catalogue import load_catalogue
    from kainuu_metrics.indicators.table import EUR, rows, tidy
    from kainuu_metrics.report.workbook import ALL_SHEET, README_SHEET

    domain = load_domain(CONFIG_DIR)
    table = tidy(rows("grants_total_eur", 2023, {domain.region_code: 100.0}, EUR)
                 + rows("grants_total_eur", 2024, {domain.region_code: 200.0}, EUR)
                 + rows("grants_total_eur", "2019-2021", {domain.region_code: 300.0}, EUR)
                 + rows("grants_total_eur", "2022-2025", {domain.region_code: 400.0}, EUR))
    stage_shared_files(tmp_path, [2023, 2025], table, load_catalogue(CONFIG_DIR), domain, [("Syötetiedostoja", "3")])

    def periods_and_values(year):
        book = openpyxl.load_workbook(tmp_path / str(year) / "indicators.xlsx")
        sheet = book[ALL_SHEET]
        header = [c.value for c in sheet[1]]
        found = sorted((r[header.index("Kausi")], r[header.index("Arvo")]) for r in sheet.iter_rows(min_row=2, values_only=True))
        readme = "\n".join(str(v) for row in book[README_SHEET].iter_rows(values_only=True) for v in row if v)
        return found, readme

    found, readme = periods_and_values(2023)
    assert found == [("2019-2021", 300), ("2023", 100)]
    assert "päättyivät viimeistään 31.12.2023" in readme and "Syötetiedostoja" in readme
    found, _ = periods_and_values(2025)
    assert found == [("2019-2021", 300), ("2022-2025", 400), ("2023", 100), ("2024", 200)]
    assert (tmp_path / "assets" / plotly_asset_name()).is_file()
