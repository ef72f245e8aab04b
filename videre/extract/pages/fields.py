"""Apply the selectors a site declares in config.yaml to a parsed page.

A selector is CSS (parsel, with `::text` and `::attr(name)`) or XPath when it starts with `/`, `./`
or `(`. A selector that matches several nodes gives several values: text fields join them one per
line, list fields (images) keep them apart. An element match gives its visible text, with block
elements on lines of their own, so a body written as paragraphs keeps its paragraphs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from cssselect import SelectorError
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

from videre.core.errors import ConfigError

# Enough for any ad; a page with more matches than this is not an ad page we understand.
MAX_MATCHES = 200

_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 "
    "h6 header hr li main nav ol pre section table tbody td tfoot th thead tr ul".split()
)
# Like a browser's innerText: a paragraph is set off by a blank line, other blocks by a line break.
_PARAGRAPH_TAGS = frozenset({"p"})
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
_BR = -1  # a <br>: a line break that never merges with the others
_WHITESPACE = re.compile(r"\s+")
_PSEUDO = re.compile(r"::(text|attr\([^)]*\))\s*$")
# The XPath namespaces parsel gives a query (`re:test(...)` works in a configured selector).
_NAMESPACES = {"re": "http://exslt.org/regular-expressions"}
_SET_NAMESPACE = "http://exslt.org/sets"
_CSS = HTMLTranslator()


def is_xpath(selector: str) -> bool:
    return selector.lstrip().startswith(("/", "./", "("))


def select(sel: Selector, selector: str) -> SelectorList[Selector]:
    return sel.xpath(selector) if is_xpath(selector) else sel.css(selector)


@lru_cache(maxsize=1024)
def _compiled(selector: str) -> etree.XPath:
    """A configured selector as compiled XPath, once per process: CSS translated as parsel does."""
    xpath = selector if is_xpath(selector) else _CSS.css_to_xpath(selector)
    namespaces = {**_NAMESPACES, "set": _SET_NAMESPACE} if "set:" in xpath else _NAMESPACES
    return etree.XPath(xpath, namespaces=namespaces, smart_strings=False)


def matches(sel: Selector, selector: str) -> list[Any]:
    """What `select` matches, as lxml gives it (elements, strings, numbers), without wrapping each
    match in a parsel Selector: the page functions read every field of every page this way."""
    root = sel.root
    if not isinstance(root, etree._Element):
        return []
    try:
        result = _compiled(selector)(root)
    except etree.XPathError as exc:
        raise ValueError(f"XPath error: {exc} in {selector}") from None
    return result[:MAX_MATCHES] if isinstance(result, list) else [result]


def _breaks(tag: str) -> int:
    return 2 if tag in _PARAGRAPH_TAGS else 1


def _pieces(node: etree._Element) -> list[str | int]:
    """Text nodes in order, with the line breaks (as ints) that block elements ask for."""
    out: list[str | int] = []
    skipping = 0
    # iterwalk rather than recursion: hostile pages can nest elements very deeply.
    for event, el in etree.iterwalk(node, events=("start", "end", "comment", "pi")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event in ("comment", "pi"):
            if not skipping and el.tail:
                out.append(el.tail)
            continue
        if event == "start":
            skipping += tag in _SKIP_TAGS
            if skipping:
                continue
            if tag == "br":
                out.append(_BR)
            elif tag in _BLOCK_TAGS or tag in _PARAGRAPH_TAGS:
                out.append(_breaks(tag))
            if tag and el.text:
                out.append(el.text)
            continue
        if tag in _SKIP_TAGS:
            skipping -= 1
        elif not skipping and (tag in _BLOCK_TAGS or tag in _PARAGRAPH_TAGS):
            out.append(_breaks(tag))
        if not skipping and el is not node and el.tail:
            out.append(el.tail)
    return out


def element_text(node: etree._Element) -> str:
    """The text a reader sees in an element (close to innerText): scripts skipped, spaces collapsed."""
    if len(node) == 0 and isinstance(node.tag, str):
        # No children (most fields: a name, an age): the walk below would give the tidied text.
        return "" if node.tag.lower() in _SKIP_TAGS else tidy(node.text or "")
    buf: list[str] = []
    pending = 0
    for piece in _pieces(node):
        if piece == _BR:
            text = "\n"
        elif isinstance(piece, int):
            pending = max(pending, piece)
            continue
        else:
            text = _WHITESPACE.sub(" ", piece)
            if pending or not buf or buf[-1].endswith(("\n", " ")):
                text = text.lstrip(" ")
            if not text:
                continue
        if pending and buf:
            buf[-1] = buf[-1].rstrip(" ")
            buf.append("\n" * pending)
        pending = 0
        buf.append(text)
    return "\n".join(line.strip(" ") for line in "".join(buf).split("\n")).strip("\n")


def tidy(text: str) -> str:
    """One value's text with HTML's layout whitespace collapsed."""
    return _WHITESPACE.sub(" ", text).strip()


def values(sel: Selector, selector: str) -> list[str]:
    """Every non-empty value the selector yields, in document order."""
    out: list[str] = []
    for root in matches(sel, selector):
        if isinstance(root, str):
            text = tidy(root)
        elif isinstance(root, etree._Element):
            text = element_text(root)
        else:
            # A JSON value or a number from an XPath function: its text form is the value.
            text = tidy(str(root))
        if text:
            out.append(text)
    return out


def url_values(sel: Selector, selector: str) -> list[str]:
    """Link targets: an attribute or text match as it is, an element match by its href or src."""
    out: list[str] = []
    for root in matches(sel, selector):
        if isinstance(root, etree._Element):
            value = root.get("href") or root.get("src") or ""
        else:
            value = str(root)
        if value.strip():
            out.append(value.strip())
    return out


def text_value(sel: Selector, selector: str) -> str:
    return "\n".join(values(sel, selector))


def browser_selector(selector: str) -> str:
    """The element part of a CSS selector, for the browser to wait on (`h1.title::text` -> `h1.title`)."""
    return _PSEUDO.sub("", selector).strip()


def check_selector(selector: str, where: str) -> None:
    """Raise ConfigError now for a selector that cannot be compiled, rather than on every page."""
    try:
        if is_xpath(selector):
            etree.XPath(selector)
        else:
            HTMLTranslator().css_to_xpath(selector)
    except (SelectorError, etree.XPathSyntaxError) as exc:
        raise ConfigError(f"{where}: invalid selector {selector!r}: {exc}") from None
