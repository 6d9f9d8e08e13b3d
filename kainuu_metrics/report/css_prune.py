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
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

import tinycss2
from tinycss2.serializer import serialize_identifier

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


@dataclass(frozen=True)
class _Block:
    """A qualified rule, parsed once: its selectors with the classes each needs, and its
    declarations (custom property name or None, text, the properties its value reads)."""

    selectors: tuple[tuple[str, frozenset[str] | None], ...]  # None: kept whatever the classes
    content: str  # the declarations as written
    items: tuple[tuple[str | None, str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class _Group:
    """@media, @supports and the like: a head and the rules inside."""

    head: str
    rules: tuple


def _needed_classes(selector: str) -> frozenset[str] | None:
    if "\\" in selector or _OPAQUE.search(selector):
        return None
    return frozenset(_CLASS.findall(_strip_not(selector)))


def _parsed_rules(rules: Iterable) -> tuple:
    """Rules as _Block, _Group or (kept whole) their text; anything else is dropped."""
    parsed: list = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = tuple((s, _needed_classes(s)) for s in _split_selectors(tinycss2.serialize(rule.prelude)))
            items = []
            for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                text = tinycss2.serialize([item]).strip().rstrip(";")
                if item.type != "declaration":
                    items.append((None, text, ()))
                    continue
                custom = item.name if item.name.startswith("--") else None
                items.append((custom, text, tuple(_VAR.findall(tinycss2.serialize(item.value)))))
            parsed.append(_Block(selectors, tinycss2.serialize(rule.content), tuple(items)))
        elif rule.type == "at-rule" and rule.lower_at_keyword in _GROUPING and rule.content is not None:
            head = "@" + serialize_identifier(rule.at_keyword) + tinycss2.serialize(rule.prelude) + "{"
            parsed.append(_Group(head, _parsed_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True))))
        elif rule.type == "at-rule":
            parsed.append(tinycss2.serialize([rule]))
    return tuple(parsed)


_PARSING = threading.Lock()


def _stylesheet(css: str) -> tuple:
    # A run's pages share JupyterLab's ~256 KB of CSS: it is tokenised once, and each page's
    # pruning is then set lookups and joins. The lock makes the run's two export threads share
    # that one parse instead of both parsing at once (about half a second each).
    with _PARSING:
        return _parsed_stylesheet(css)


@functools.lru_cache(maxsize=4)
def _parsed_stylesheet(css: str) -> tuple:
    return _parsed_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def _kept(rules: tuple, classes: frozenset[str]) -> list:
    """The rules some element with `classes` may match: (block, its matching selectors), a
    group with its kept rules, or an at-rule's text."""
    kept: list = []
    for rule in rules:
        if isinstance(rule, _Block):
            selectors = [s for s, needed in rule.selectors if needed is None or needed <= classes]
            if selectors:
                kept.append((rule, selectors))
        elif isinstance(rule, _Group):
            inner = _kept(rule.rules, classes)
            if inner:
                kept.append((rule, inner))
        else:
            kept.append(rule)
    return kept


def _blocks(kept: list) -> Iterable[_Block]:
    for rule in kept:
        if isinstance(rule, tuple):
            if isinstance(rule[0], _Block):
                yield rule[0]
            else:
                yield from _blocks(rule[1])


def _read_properties(kept: list, outside: str) -> set[str]:
    """The custom properties read via var() by the kept declarations or `outside`, transitively."""
    defined: dict[str, list[tuple[str, ...]]] = {}
    used = set(_VAR.findall(outside))
    for block in _blocks(kept):
        for custom, _, reads in block.items:
            if custom is None:
                used.update(reads)
            else:
                defined.setdefault(custom, []).append(reads)
    queue = list(used)
    while queue:
        for reads in defined.get(queue.pop(), []):
            for name in reads:
                if name not in used:
                    used.add(name)
                    queue.append(name)
    return used


def _serialized(kept: list, used: set[str]) -> str:
    out = []
    for rule in kept:
        if isinstance(rule, str):
            out.append(rule)
        elif isinstance(rule[0], _Group):
            out.append(rule[0].head + _serialized(rule[1], used) + "}")
        else:
            block, selectors = rule
            items = [text for custom, text, _ in block.items if custom is None or custom in used]
            if len(items) == len(block.items):
                content = block.content
            else:
                content = f" {'; '.join(items)} " if items else " "
            out.append(", ".join(selectors) + " {" + content + "}")
    return "".join(part + " " for part in out)


def prune_css(css: str, classes: set[str], outside_vars_text: str = "") -> str:
    """`css` without the rules no element with `classes` can match and without custom
    properties that neither the kept rules nor `outside_vars_text` (other CSS of the page) read."""
    kept = _kept(_stylesheet(css), frozenset(classes))
    return _serialized(kept, _read_properties(kept, outside_vars_text)).strip()


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
