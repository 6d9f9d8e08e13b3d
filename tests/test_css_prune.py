"""report/css_prune.py: JupyterLab's CSS cut to the rules a page can use (page weight, issue 12)."""

from __future__ import annotations

from kainuu_metrics.report.css_prune import prune_css, prune_page_css


def test_rules_for_classes_the_page_lacks_are_dropped_and_the_rest_kept():
    css = """
    .jp-A { color: red }
    .jp-B .jp-A, .jp-A > p { margin: 0 }
    .jp-A:not(.jp-Missing):hover { color: blue }
    :is(.jp-Missing) { x: 1 }
    table td { padding: 1px }
    @media print { .jp-Missing { display: none } }
    @media (max-width: 600px) { .jp-A { color: green } .jp-C { x: 2 } }
    @font-face { font-family: X; src: local(X) }
    """
    out = prune_css(css, {"jp-A"})
    # kept: .jp-A (twice, one in @media), ".jp-A > p" without its unmatched sibling ".jp-B .jp-A",
    # the :not() rule (its class inside :not does not count), :is(...) (opaque: kept), tag rules, @font-face
    assert ".jp-A { color: red }" in out and ".jp-A > p { margin: 0 }" in out and ".jp-B" not in out
    assert ".jp-A:not(.jp-Missing):hover" in out and ":is(.jp-Missing)" in out and "table td" in out
    assert "@media print" not in out  # left empty
    assert "@media (max-width: 600px) {.jp-A { color: green } }" in out and ".jp-C" not in out
    assert "@font-face" in out


def test_custom_properties_are_kept_only_when_something_reads_them():
    css = ":root { --used: var(--chained); --chained: 1px; --unused: 2px; --site: red } .a { margin: var(--used) }"
    out = prune_css(css, {"a"}, outside_vars_text=".x { color: var(--site) }")
    # --used is read by .a, --chained by --used, --site by the page's own CSS; --unused by nothing
    assert "--used" in out and "--chained: 1px" in out and "--site: red" in out and "--unused" not in out


def test_only_the_lab_template_style_blocks_are_pruned():
    html = ('<html><head><style type="text/css">.jp-A { a: 1 } .jp-Gone { b: 2 }</style>'
            '<style type="text/css">.jp-Gone2 { c: 3 }</style>'
            '<style>.vieritys-vihje { d: 4 } .jp-Gone { e: 5 }</style></head>'
            '<body><div class="jp-A"></div></body></html>')
    out = prune_page_css(html)
    # the two lab blocks become one (in the first's place), the site's own <style> is untouched
    assert out.count('<style type="text/css">') == 1 and ".jp-A { a: 1 }" in out and ".jp-Gone2" not in out
    assert "<style>.vieritys-vihje { d: 4 } .jp-Gone { e: 5 }</style>" in out
    assert prune_page_css(out) == out  # pruning twice changes nothing


def test_one_parsed_stylesheet_serves_every_page_without_carrying_one_page_into_the_next():
    # The stylesheet is tokenised once per run (a cache keyed by its text); each page's pruning
    # must start from the whole of it, whatever the pages before it kept or dropped.
    css = ":root { --a: 1px; --b: 2px } .a { margin: var(--a) } .b { padding: var(--b) } @media print { .b { x: 1 } }"
    only_a = ":root { --a: 1px } .a { margin: var(--a) }"
    assert prune_css(css, {"a"}) == only_a
    both = prune_css(css, {"a", "b"})
    assert both == ":root { --a: 1px; --b: 2px } .a { margin: var(--a) } .b { padding: var(--b) } @media print {.b { x: 1 } }"
    assert prune_css(css, {"a"}) == only_a and prune_css(css, {"a", "b"}) == both


def test_two_export_threads_share_one_parse_of_the_stylesheet():
    from concurrent.futures import ThreadPoolExecutor

    from kainuu_metrics.report import css_prune

    css = " ".join(f".c{i} {{ margin: {i}px }}" for i in range(3000))  # long enough that both threads ask at once
    before = css_prune._parsed_stylesheet.cache_info().misses
    with ThreadPoolExecutor(max_workers=2) as threads:
        pruned = list(threads.map(lambda classes: prune_css(css, classes), [{"c1"}, {"c2"}]))
    assert pruned == [".c1 { margin: 1px }", ".c2 { margin: 2px }"]
    assert css_prune._parsed_stylesheet.cache_info().misses - before == 1
