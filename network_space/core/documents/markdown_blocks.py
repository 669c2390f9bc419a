"""User-written Markdown as outline blocks, parsed by the same parser as the site's HTML
(core/markdown.py), so a text reads the same on the page and in the file."""
from __future__ import annotations

from network_space.core.documents.outline import (
    Block, Heading, ItemList, ListItem, Paragraph, Run, Table, _clean, plain_text, runs)
from network_space.core.markdown import URL_SCHEMES, Resolver, parse_markdown


def markdown_blocks(text: str | None, heading_offset: int = 1, mentions: Resolver | None = None) -> list[Block]:
    """The blocks of a Markdown source: headings (``# x`` becomes level 1 + ``heading_offset``,
    so the text's sections sit below the document's), paragraphs, lists (nested), tables, code
    and quotations (as paragraphs). Bold, italics, code and links are kept; a line break typed in
    a paragraph stays a line break (the minutes are written line by line). Images are not
    fetched: their text alternative is written in their place. With ``mentions`` (a resolver of
    core/markdown without links), "@jean.dupont" is written "@Jean Dupont"."""
    blocks: list[Block] = []
    heading: int | None = None
    lists: list[tuple[bool, list[ListItem]]] = []  # the open lists, innermost last
    table: list[list[str]] | None = None
    row: list[str] | None = None
    align: str = ""
    new_item = False  # the next text opens a list item (else it is a further paragraph of it)
    for token in parse_markdown(text or "", mentions):
        kind = token.type
        if kind == "list_item_open":
            new_item = True
        elif kind == "heading_open":
            heading = min(int(token.tag[1]) + heading_offset, 9)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if lists:
                lists.append((kind == "ordered_list_open", lists[-1][1]))  # nested items join the outer list
            else:
                lists.append((kind == "ordered_list_open", []))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            numbered, items = lists.pop()
            if not lists:
                blocks.append(ItemList(items, numbered))
        elif kind == "table_open":
            table, align = [], ""
        elif kind == "tr_open":
            row = []
        elif kind == "th_open":
            align += "r" if "right" in (token.attrGet("style") or "") else "l"
        elif kind == "tr_close" and table is not None and row is not None:
            table.append(row)
        elif kind == "table_close" and table:
            width = len(table[0])
            blocks.append(Table(table[0], [(r + [""] * width)[:width] for r in table[1:]], align=align))
            table = None
        elif kind in ("inline", "code_block", "fence"):
            if kind == "inline":
                content = _inline_runs(token.children or [])
            else:
                content = [Run(_clean(token.content.rstrip("\n")), code=True)]
            if table is not None and row is not None:
                row.append(plain_text(content))
            elif heading is not None:
                blocks.append(Heading(content, heading))
            elif lists and new_item:
                lists[-1][1].append(ListItem(content, level=min(len(lists) - 1, 2), numbered=lists[-1][0]))
                new_item = False
            elif lists:
                last = lists[-1][1][-1]
                lists[-1][1][-1] = ListItem([*runs(last.text), Run("\n"), *content], last.level, last.numbered)
            else:
                blocks.append(Paragraph(content))
            heading = None
    return blocks


def _inline_runs(children) -> list[Run]:
    result: list[Run] = []
    bold = italic = 0
    href: str | None = None
    for child in children:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = child.attrGet("href") or ""
            # The same schemes as the HTML: a "javascript:" link stays plain text.
            href = href if href.partition(":")[0].lower() in URL_SCHEMES and ":" in href else None
        elif kind == "link_close":
            href = None
        elif kind in ("softbreak", "hardbreak"):
            result.append(Run("\n"))
        elif kind in ("text", "code_inline"):
            result.append(Run(_clean(child.content), bold=bold > 0, italic=italic > 0,
                              code=kind == "code_inline", href=href))
    return _merged(result)


def _merged(items: list[Run]) -> list[Run]:
    """Adjacent runs of the same formatting as one (the parser cuts text at every "*" tried)."""
    merged: list[Run] = []
    for item in items:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].code, merged[-1].href) == (
                item.bold, item.italic, item.code, item.href):
            merged[-1] = Run(merged[-1].text + item.text, item.bold, item.italic, item.code, item.href)
        elif item.text:
            merged.append(item)
    return merged
