"""JupyterLab's CSS cut down to the rules a page can use, at export time.

nbconvert's lab template inlines JupyterLab's whole stylesheet (~240 KB) and its light theme
(~16 KB) in every page, of which a notebook page uses a few per cent. `prune_page_css` keeps a
page self-contained (it still opens alone, styled, with no network) and drops, in the lab
template's `<style type="text/css">` blocks only (the project's own site.css is a plain
`<style>` and is never touched, since site.js adds its classes at run time):

- a selector that names a class no element of the page has (every class of the selector,
  outside :not(...), must be on some element; a selector with :is/:where/:has/:matches, or one
  that names no class, is kept as it is: this only ever keeps too much, never too little);
- a rule, @media or @supports block left without selectors or rules;
- a custom property (`--jp-...: ...`) that nothing left on the page reads through var(),
  directly or through another kept property.

@font-face, @keyframes, @page and other at-rules are kept whole.

>>> css = ".a { color: red } .b .a { color: blue } .c:not(.z) { x: 1 } :root { --k: 1; --u: 2 } p { c: var(--k) }"
>>> print(prune_css(css, {"a", "c"}))
.a { color: red } .c:not(.z) { x: 1 } :root { --k: 1 } p { c: var(--k) }
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from html.parser import HTMLParser

import tinycss2

_LAB_STYLE = re.compile(r'(<style type="text/css">)(.*?)(</style>)', re.DOTALL)
_ANY_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)
_VAR = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
_OPAQUE = re.compile(r":(?:is|where|has|matches|-webkit-any|-moz-any)\(", re.IGNORECASE)
_GROUPING = {"media", "supports", "container", "layer", "document"}


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.classes: set[str] = set()
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "class" and value:
                self.classes.update(value.split())
            elif name == "style" and value:
                self.styles.append(value)

    handle_startendtag = handle_starttag


def _strip_not(selector: str) -> str:
    """The selector without the contents of :not(...) (nested parentheses allowed)."""
    out, i = [], 0
    lowered = selector.lower()
    while i < len(selector):
        if lowered.startswith(":not(", i):
            depth, i = 1, i + 5
            while i < len(selector) and depth:
                depth += {"(": 1, ")": -1}.get(selector[i], 0)
                i += 1
            continue
        out.append(selector[i])
        i += 1
    return "".join(out)


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p.strip() for p in parts if p.strip()]


def _selector_may_match(selector: str, classes: set[str]) -> bool:
    if "\\" in selector or _OPAQUE.search(selector):
        return True
    return all(name in classes for name in _CLASS.findall(_strip_not(selector)))


def _prune_rules(rules: Iterable, classes: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(tinycss2.serialize(rule.prelude)) if _selector_may_match(s, classes)]
            if selectors:
                rule.prelude = tinycss2.parse_component_value_list(", ".join(selectors) + " ")
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in _GROUPING and rule.content is not None:
            inner = _prune_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), classes)
            if inner:
                rule.content = _with_whitespace(inner)
                kept.append(rule)
        elif rule.type in ("at-rule",):
            kept.append(rule)
    return kept


def _with_whitespace(rules: list) -> list:
    out: list = []
    for rule in rules:
        out += [rule, tinycss2.ast.WhitespaceToken(0, 0, " ")]
    return out


def _definitions(rules: Iterable) -> Iterable:
    """Every declaration block of `rules` (recursing into @media and the like)."""
    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule
        elif rule.type == "at-rule" and rule.lower_at_keyword in _GROUPING and rule.content is not None:
            yield from _definitions([r for r in rule.content if getattr(r, "type", "") in ("qualified-rule", "at-rule")])


def _drop_unused_properties(rules: list, outside: str) -> list:
    """Remove `--name: value` declarations that nothing reads via var(), transitively."""
    blocks = list(_definitions(rules))
    parsed = {id(b): tinycss2.parse_blocks_contents(b.content, skip_comments=True, skip_whitespace=True) for b in blocks}
    defined: dict[str, list[str]] = {}
    used = set(_VAR.findall(outside))
    for block in blocks:
        for item in parsed[id(block)]:
            if item.type != "declaration":
                continue
            value = tinycss2.serialize(item.value)
            if item.name.startswith("--"):
                defined.setdefault(item.name, []).append(value)
            else:
                used.update(_VAR.findall(value))
    queue = list(used)
    while queue:
        for value in defined.get(queue.pop(), []):
            for name in _VAR.findall(value):
                if name not in used:
                    used.add(name)
                    queue.append(name)
    for block in blocks:
        items = [i for i in parsed[id(block)] if not (i.type == "declaration" and i.name.startswith("--") and i.name not in used)]
        if len(items) != len(parsed[id(block)]):
            text = "; ".join(tinycss2.serialize([item]).strip().rstrip(";") for item in items)
            block.content = tinycss2.parse_component_value_list(f" {text} " if text else " ")
    return rules


def prune_css(css: str, classes: set[str], outside_vars_text: str = "") -> str:
    """`css` without the rules no element with `classes` can match and without custom
    properties that neither the kept rules nor `outside_vars_text` (other CSS of the page) read."""
    return _pruned(css, frozenset(classes), outside_vars_text)


@functools.lru_cache(maxsize=64)
def _pruned(css: str, classes: frozenset[str], outside_vars_text: str) -> str:
    # A run's pages share JupyterLab's CSS and a page kind has the same classes every year: parsing
    # the ~256 KB once per kind instead of once per page.
    rules = _prune_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), set(classes))
    rules = _drop_unused_properties(rules, outside_vars_text)
    return tinycss2.serialize(_with_whitespace(rules)).strip()


def prune_page_css(html: str) -> str:
    """The page with its JupyterLab `<style type="text/css">` blocks pruned (see the module)."""
    lab = [m.group(2) for m in _LAB_STYLE.finditer(html)]
    if not lab:
        return html
    body = _LAB_STYLE.sub("", html)
    found = _Attributes()
    found.feed(body)
    found.close()
    # var() readers outside the lab blocks: the project's own <style> and style="" attributes
    outside = "\n".join([*_ANY_STYLE.findall(body), *found.styles])
    pruned = prune_css("\n".join(lab), found.classes, outside)
    first = True

    def replace(match: re.Match) -> str:
        nonlocal first
        if not first:
            return ""
        first = False
        return f"{match.group(1)}\n{pruned}\n{match.group(3)}"

    return _LAB_STYLE.sub(replace, html)
