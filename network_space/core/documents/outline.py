"""What a document holds, whatever its format: an :class:`Outline` of blocks (title, headings,
paragraphs, lists, tables, images, page breaks, label/value fields) made of runs of text."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence, Union


@dataclass(frozen=True)
class Run:
    """A piece of text with its inline formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


Inline = Union[str, Sequence[Run]]


@dataclass(frozen=True)
class Title:
    """The document's title, on top of its first page, and an optional line under it."""

    text: str
    subtitle: str = ""


@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 is the document's own sections (the title is above them)."""

    text: Inline
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; a "\\n" in a run is a line break inside it."""

    text: Inline


@dataclass(frozen=True)
class ListItem:
    text: Inline
    level: int = 0  # nesting depth, 0 for a top-level item
    numbered: bool | None = None  # a nested item's own list kind; None: the list's


def _is_numbered(block: "ItemList", item: ListItem) -> bool:
    return block.numbered if item.level == 0 or item.numbered is None else item.numbered


@dataclass(frozen=True)
class ItemList:
    """A bulleted or numbered list; a numbered list starts again at 1."""

    items: Sequence[ListItem]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a header row (repeated on each page) and an optional caption above it.

    ``align`` gives each column's alignment, "l" or "r" (numbers), e.g. "lrr"; left by default."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""
    align: str = ""


@dataclass(frozen=True)
class Image:
    """A PNG picture with its text alternative (required: what the picture says, for those who
    cannot see it) and an optional visible caption under it."""

    png: bytes
    alt: str
    caption: str = ""
    width_cm: float = 16.0


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Fields:
    """Label / value pairs, such as a card of facts ("Lieu : Grenoble")."""

    pairs: Sequence[tuple[str, str]]


Block = Union[Title, Heading, Paragraph, ItemList, Table, Image, PageBreak, Fields]


@dataclass
class Outline:
    """What a document holds, in order, whatever the file format."""

    title: str  # the file's metadata title
    blocks: list[Block] = field(default_factory=list)
    subject: str = ""
    author: str = ""
    language: str = "fr-FR"


# Characters XML 1.0 refuses (every format here is XML inside): a pasted control character must
# not turn a download into an error.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text) -> str:
    return _NOT_XML.sub("", str(text if text is not None else ""))


def runs(value: Inline) -> tuple[Run, ...]:
    """The runs of an inline value (a plain string is one unformatted run)."""
    if isinstance(value, str):
        return (Run(_clean(value)),)
    return tuple(Run(_clean(r.text), r.bold, r.italic, r.code, r.href) for r in value)


def plain_text(value: Inline) -> str:
    return "".join(r.text for r in runs(value))
