"""Executed notebooks -> self-contained Finnish HTML pages (nbconvert with our own template).

The page makes no outside request: JupyterLab's CDN scripts (require.js, MathJax, mermaid,
widgets) are removed by templates/nbconvert/kainuu and all CSS is inline; JupyterLab's own
stylesheet (~256 KB) is cut to the rules the page can use (report/css_prune.py), so a page
copied alone is still styled. plotly.js (~4.8 MB)
is not embedded in every page: a page with charts loads the run's one shared copy,
reports/assets/plotly-<sha8>.min.js, by a relative path ("../assets/..."; `write_assets`
writes it once per run). A page copied without the assets/ folder says so in one visible
Finnish line. `find_external_references` allows that one relative asset and nothing else.

Each chart's data can be downloaded from the page itself, offline: `add_chart_downloads`
turns the figure's traces (from the notebook's plotly JSON) into a table with the axis titles
as Finnish column names, and links it as CSV (';', decimal comma, BOM) and XLSX data: URIs.

Thread safety: one HTMLExporter per process, created on first use; exports run one at a time
under a lock (nbconvert's exporter keeps per-call state), so calling `export_notebook_html`
from several threads is safe but not parallel.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kainuu_metrics.paths import TEMPLATES_DIR
from kainuu_metrics.report.css_prune import prune_page_css

if TYPE_CHECKING:
    import pandas as pd
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

    from kainuu_metrics.indicators.catalogue import Catalogue
    from kainuu_metrics.settings import Domain

SAMPLE_BANNER = "ESIMERKKIAINEISTO – luvut eivät ole todellisia päätöksiä, paitsi erikseen mainitut"
STATIC_DIR = TEMPLATES_DIR / "static"
NBCONVERT_TEMPLATES_DIR = TEMPLATES_DIR / "nbconvert"
PAGES_TEMPLATES_DIR = TEMPLATES_DIR / "pages"

REMOVE_TAGS = frozenset({"remove", "remove-cell"})
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
PLOTLY_DIV_MARKER = 'class="plotly-graph-div"'
ASSETS_DIR = "assets"  # under reports/, beside the year folders
ASSETS_MISSING_FI = (
    "Kaaviot tarvitsevat kansion assets/, joka on raporttikansiossa vuosikansioiden rinnalla: "
    "kopioi sivu yhdessä sen kanssa (esimerkiksi koko raporttikansio), niin kaaviot näkyvät ilman verkkoyhteyttä. "
    "Kuvioiden tiedot näkyvät taulukkoina ja ladattavina tiedostoina silti."
)


@dataclass(frozen=True)
class PageContext:
    """What every page shows around its content: title, navigation, banner, footer."""

    title: str
    year: int | None
    sample_data: bool
    nav: list[tuple[str, str]] = field(default_factory=list)  # (label, relative href)
    generated_at: str = ""
    provisional_note: str | None = None
    site_name: str = ""  # from the configuration (domain.yaml: site.name)
    site_body: str = ""  # the body the reports are for (site.body): the printed cover block
    site_contact: str = ""  # whom to ask (site.contact): the printed cover block
    assets_href: str = f"../{ASSETS_DIR}/"  # the shared assets folder, relative to the page (reports/<year>/x.html)
    workbook_href: str | None = None  # the year's indicators.xlsx, relative to the page, when published beside it


# --- static assets, read once per process ---------------------------------------------


@functools.cache
def static_text(name: str) -> str:
    """A file of templates/static (site.css, site.js, plotly-locale-fi.js)."""
    return (STATIC_DIR / name).read_text(encoding="utf-8")


@functools.cache
def plotly_js() -> str:
    """plotly.min.js of the installed plotly package (~4.8 MB), read once."""
    path = importlib_resources.files("plotly") / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8")


@functools.cache
def plotly_asset_name() -> str:
    """'plotly-<first 8 hex of the SHA-256>.min.js': a new plotly.js gets a new name, so a
    browser never mixes a cached old copy with new pages."""
    return f"plotly-{hashlib.sha256(plotly_js().encode('utf-8')).hexdigest()[:8]}.min.js"


def write_assets(reports: Path) -> Path:
    """reports/assets/plotly-<sha8>.min.js, the one copy every page's charts load (written
    only when missing or different); returns its path."""
    path = reports / ASSETS_DIR / plotly_asset_name()
    data = plotly_js().encode("utf-8")
    if not (path.exists() and path.read_bytes() == data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return path


def stage_shared_files(reports: Path, years: list[int], indicators: pd.DataFrame, catalogue: Catalogue | None = None,
                       domain: Domain | None = None, run_summary: list[tuple[str, str]] | None = None) -> None:
    """What a run's pages share, written before any page: reports/assets/ (plotly.js) and each
    year folder's indicators.xlsx, the workbook its pages link (PageContext.workbook_href). A
    year's workbook holds only that year's vintage (periods that ended by 31.12. of the year,
    publication.vintage), as its pages do; the whole run's workbook stays in data/processed/."""
    from kainuu_metrics.report.workbook import write_year_workbook

    write_assets(reports)
    for year in years:
        folder = reports / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        write_year_workbook(folder, year, indicators, catalogue, domain, run_summary)


def current_href(nav: list[tuple[str, str]], out_html: Path) -> str | None:
    """The nav href that points at the page being written, if any (marked aria-current)."""
    target = out_html.resolve()
    for _label, href in nav:
        if (out_html.parent / href.split("#")[0]).resolve() == target:
            return href
    return None


# --- notebook preparation ----------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_HEADING = re.compile(r"^(#{1,5})(?=\s)")


def _demote_headings(markdown: str) -> str:
    """'# A' -> '## A' (outside code fences), so that the page title stays the only <h1>."""
    lines, in_fence = [], False
    for line in markdown.splitlines(keepends=True):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            line = _ATX_HEADING.sub(r"#\1", line)
        lines.append(line)
    return "".join(lines)


def _has_h1(markdown: str) -> bool:
    in_fence = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and re.match(r"^#(?=\s)", line):
            return True
    return False


def _keep_output(output: dict[str, Any]) -> bool:
    """Drop stderr streams: warnings, progress bars and log lines are not for readers."""
    return not (output.get("output_type") == "stream" and output.get("name") == "stderr")


def _drop_title_heading(markdown: str, title: str) -> str:
    """Remove a leading '# X' when the page title already says X (the template prints it)."""
    lines = markdown.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        match = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
        if match and title.casefold().startswith(match.group(1).casefold()):
            return "".join(lines[:i] + lines[i + 1 :]).lstrip("\n")
        break
    return markdown


def prepare_notebook(nb: NotebookNode, title: str, site_name: str = "") -> tuple[NotebookNode, bool]:
    """A cleaned copy for export and whether it holds plotly charts.

    Removes cells tagged "remove", stderr outputs and code cells left without output. The page
    template prints `title` as the only <h1>: a first markdown heading repeating it is dropped,
    and if the notebook still has '# ' headings, all markdown headings (cells and Markdown
    outputs) move one level down.
    Raises RuntimeError when a chart was rendered without text/html (setup_plotly not called):
    nbconvert would silently drop it.
    """
    nb = copy.deepcopy(nb)
    markdown_cells = [c for c in nb.cells if c.cell_type == "markdown"]
    if markdown_cells:
        markdown_cells[0].source = _drop_title_heading(markdown_cells[0].source, title)
    markdown_outputs = [
        o.data
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "text/markdown" in (o.get("data") or {})
    ]
    demote = any(_has_h1(c.source) for c in markdown_cells) or any(
        _has_h1(d["text/markdown"]) for d in markdown_outputs
    )
    if demote:
        for cell in markdown_cells:
            cell.source = _demote_headings(cell.source)
        for data in markdown_outputs:
            data["text/markdown"] = _demote_headings(data["text/markdown"])
    cells, has_plotly = [], False
    for cell in nb.cells:
        if REMOVE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "markdown" and not cell.source.strip():
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if _keep_output(o)]
            if not cell.outputs:
                continue
            for output in cell.outputs:
                data = output.get("data") or {}
                if PLOTLY_MIMETYPE in data and "text/html" not in data:
                    raise RuntimeError(
                        "A plotly figure was rendered as "
                        f"{PLOTLY_MIMETYPE} only and would be missing from the page: "
                        "call kainuu_metrics.report.charts.setup_plotly() first in the notebook."
                    )
                if PLOTLY_DIV_MARKER in str(data.get("text/html", "")):
                    has_plotly = True
        cells.append(cell)
    nb.cells = cells
    nb.metadata["title"] = f"{title} – {site_name}" if site_name else title
    return nb, has_plotly


def download_prefix(out_html: Path, context: PageContext) -> str:
    """The start of a chart download's file name: 'grants-2025' (+ '-kuvio-1.csv')."""
    return f"{out_html.stem}-{context.year}" if context.year is not None else out_html.stem


def add_chart_downloads(nb: NotebookNode, prefix: str) -> NotebookNode:
    """Every chart output that carries its plotly JSON gets CSV and XLSX download links (data:
    URIs) in its HTML; the JSON itself is not shown on the page. Changes `nb` in place."""
    from kainuu_metrics.report.chart_data import with_download_links

    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data") or {}
            if PLOTLY_MIMETYPE in data and "text/html" in data:
                markup = data["text/html"]
                markup = "".join(markup) if isinstance(markup, list) else markup
                data["text/html"] = with_download_links(markup, data[PLOTLY_MIMETYPE], prefix)
    return nb


# --- the exporter ---------------------------------------------------------------------------

_lock = threading.Lock()
_exporter: HTMLExporter | None = None


# What nbconvert's HTMLExporter does to a finished page in a BeautifulSoup pass (a parse and
# re-serialisation of the whole page, about a tenth of its export), done on the text instead:
# cells and outputs focusable, and a text alternative for an image that has none (in Finnish).
_FOCUSABLE_DIV = re.compile(r'<div\b(?![^>]*\btabindex=)([^>]*\bclass="[^"]*(?<![\w-])(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?![\w-])[^"]*"[^>]*)>')
_IMAGE_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)")
IMAGE_ALT_MISSING_FI = "Kuvalle ei ole annettu tekstivastinetta."


def accessible_markup(page: str) -> str:
    """`page` with tabindex="0" on every cell and output wrapper and an alt text on every image
    without one: what nbconvert's HTMLExporter adds to its pages."""
    page = _FOCUSABLE_DIV.sub(r'<div\1 tabindex="0">', page)
    return _IMAGE_WITHOUT_ALT.sub(f'<img alt="{IMAGE_ALT_MISSING_FI}"', page)


def _page_exporter(config) -> HTMLExporter:
    """nbconvert's HTMLExporter without its closing BeautifulSoup pass (see accessible_markup)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):  # HTMLExporter's, up to its soup
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible_markup(page), resources

    return PageExporter(config=config)


def _get_exporter() -> HTMLExporter:
    """The process-wide exporter (call with _lock held)."""
    global _exporter
    if _exporter is None:
        from traitlets.config import Config

        config = Config()
        config.HTMLExporter.template_name = "kainuu"
        config.HTMLExporter.extra_template_basedirs = [str(NBCONVERT_TEMPLATES_DIR)]
        config.HTMLExporter.extra_template_paths = [str(PAGES_TEMPLATES_DIR)]
        config.HTMLExporter.exclude_input = True
        config.HTMLExporter.exclude_input_prompt = True
        config.HTMLExporter.exclude_output_prompt = True
        config.HTMLExporter.language_code = "fi"
        config.HTMLExporter.theme = "light"
        config.HTMLExporter.embed_images = True
        config.HTMLExporter.sanitize_html = False
        # The notebook is validated once, after the last preprocessor, not after each of the
        # dozen (the same check: the preprocessors only add metadata and resources).
        config.HTMLExporter.optimistic_validation = True
        _exporter = _page_exporter(config)
    return _exporter


def export_notebook_html(executed: Path, out_html: Path, context: PageContext) -> Path:
    """Write an executed notebook as a self-contained Finnish page; returns `out_html`."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    nb, has_plotly = prepare_notebook(nb, context.title, context.site_name)
    nb = add_chart_downloads(nb, download_prefix(out_html, context))
    page_resources = {
        "context": context,
        "current": current_href(context.nav, out_html),
        "site_css": static_text("site.css"),
        "site_js": static_text("site.js"),
        "plotly_src": context.assets_href + plotly_asset_name() if has_plotly else "",
        "plotly_locale_js": static_text("plotly-locale-fi.js") if has_plotly else "",
        "assets_missing": ASSETS_MISSING_FI,
    }
    # metadata.path lets nbconvert embed images that markdown cells refer to relatively
    resources = {
        "kainuu": page_resources,
        "metadata": {"name": context.title, "path": str(executed.parent)},
    }
    with _lock:
        body, _ = _get_exporter().from_notebook_node(nb, resources=resources)
    body = prune_page_css(body)  # JupyterLab's ~256 KB of CSS cut to the rules this page can use
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(body, encoding="utf-8")
    return out_html


# --- self-containment check -------------------------------------------------------------------

_LOADING_ATTRIBUTES = {
    "src", "srcset", "href", "poster", "data", "action", "formaction", "background",
    "xlink:href", "manifest", "ping", "imagesrcset", "codebase", "archive", "longdesc",
}
# The one file a page may load: a script of the run's shared assets folder, by a relative path.
_LOCAL_ASSET = re.compile(r"^(?:\.\./)*" + ASSETS_DIR + r"/[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.js$")
_ABSOLUTE_URL = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_HARMLESS_SCHEMES = ("data:", "mailto:", "tel:", "javascript:", "about:")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"@import\b[^;]*", re.IGNORECASE)
_SCRIPT_IMPORT = re.compile(
    r"""(?:\bimport\s*\(\s*|\bimport\s+(?:[\w*{}\s,]+\s+from\s+)?|importScripts\s*\(\s*)"""
    r"""["'`]((?:https?:)?//[^"'`]+)["'`]""",
    re.IGNORECASE,
)


def _css_references(css: str, where: str) -> list[str]:
    css = _CSS_COMMENT.sub("", css)
    found = [f"{where}: @import {m.group(0)[7:].strip()}" for m in _CSS_IMPORT.finditer(css)]
    for match in _CSS_URL.finditer(_CSS_IMPORT.sub("", css)):
        url = match.group(2).strip()
        if url and not url.lower().startswith("data:") and not url.startswith("#"):
            found.append(f"{where}: url({url})")
    return found


class _ReferenceFinder(HTMLParser):
    def __init__(self, allow_links: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_links = allow_links
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_tag(tag, attrs)
        if tag in ("script", "style"):
            self._in = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.found += _css_references(data, "<style>")
        elif self._in == "script":
            self.found += [f"<script> import {m.group(1)}" for m in _SCRIPT_IMPORT.finditer(data)]

    def _check_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name == "style":
                self.found += _css_references(value, f"<{tag} style>")
            elif name == "http-equiv" and value.lower() == "refresh":
                content = dict(attrs).get("content") or ""
                if "url" in content.lower():
                    self.found.append(f"<meta http-equiv=refresh content={content}>")
            elif name in _LOADING_ATTRIBUTES and value.strip():
                problem = self._check_url(tag, name, value.strip())
                if problem:
                    self.found.append(problem)

    def _check_url(self, tag: str, name: str, value: str) -> str | None:
        described = f'<{tag} {name}="{value}">'
        if tag == "script" and name == "src" and _LOCAL_ASSET.fullmatch(value):
            return None  # reports/assets/plotly-<sha8>.min.js, shared by the pages
        if tag in ("script", "link", "base") and name in ("src", "href"):
            return described  # must be inline; any other file is an outside dependency
        lowered = value.lower()
        if tag in ("a", "area") and name == "href":
            if self.allow_links:
                return None
            is_outside = _ABSOLUTE_URL.match(value) and not lowered.startswith(_HARMLESS_SCHEMES)
            return described if is_outside else None
        if name in ("srcset", "imagesrcset"):
            # candidates are separated by a comma and whitespace (data: URIs hold bare commas)
            urls = [part.split()[0] for part in re.split(r",\s+", value) if part.strip()]
            return described if any(not u.lower().startswith("data:") for u in urls) else None
        if value.startswith("#") or lowered.startswith(_HARMLESS_SCHEMES):
            return None
        return described


def find_external_references(html: str, *, allow_links: bool = False) -> list[str]:
    """Everything in the page that would load from outside it, as readable strings.

    Reported: <script src> other than a script of the shared assets folder by a relative path
    ("../assets/plotly-<sha8>.min.js"), <link href> (anything), src/srcset/poster/data/... not data: URIs,
    CSS url(...) other than data:, @import, meta refresh, ES module imports of URLs in inline
    scripts, and <a href> to absolute URLs (unless `allow_links`). Ignored: relative links,
    fragments, mailto:, text and comments.

    >>> find_external_references('<a href="2024/grants.html">x</a><img src="data:image/png;base64,AA">')
    []
    >>> find_external_references('<script src="https://cdn.example/x.js"></script>')
    ['<script src="https://cdn.example/x.js">']
    >>> find_external_references('<script src="../assets/plotly-0a1b2c3d.min.js"></script>')
    []
    """
    finder = _ReferenceFinder(allow_links)
    finder.feed(html)
    finder.close()
    return finder.found
