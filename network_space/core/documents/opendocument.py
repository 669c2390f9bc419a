"""The outline as OpenDocument (ODT, for LibreOffice), with odfpy."""
from __future__ import annotations

import io

from odf import dc, draw, style as odf_style, svg, table as odf_table, text as odf_text
from odf.opendocument import OpenDocumentText
from PIL import Image as PILImage

from network_space.core.documents.outline import (
    Fields, Heading, Image, Inline, ItemList, Outline, PageBreak, Paragraph, Run, Table, Title, _clean, _is_numbered,
    runs)
from network_space.core.i18n import colon_sign

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


class _OdtWriter:
    def __init__(self, outline: Outline):
        self.document = OpenDocumentText()
        meta = self.document.meta
        meta.addElement(dc.Title(text=_clean(outline.title)))
        if outline.subject:
            meta.addElement(dc.Subject(text=_clean(outline.subject)))
        if outline.author:
            meta.addElement(dc.Creator(text=_clean(outline.author)))
        meta.addElement(dc.Language(text=outline.language))
        language, _, country = outline.language.partition("-")
        default = odf_style.DefaultStyle(family="paragraph")
        default.addElement(odf_style.TextProperties(language=language, country=country or "none"))
        self.document.styles.addElement(default)
        self._styles: dict[str, object] = {}
        self._counter = 0

    def style(self, name: str, family: str, automatic: bool = True, parent: str | None = None, **properties):
        """A named style, made once. ``properties`` are grouped by odfpy property element."""
        if name not in self._styles:
            attributes = {"name": name, "family": family}
            if parent:
                attributes["parentstylename"] = parent
            element = odf_style.Style(**attributes)
            for kind, values in properties.items():
                element.addElement(getattr(odf_style, kind)(**values))
            (self.document.automaticstyles if automatic else self.document.styles).addElement(element)
            self._styles[name] = element
        return self._styles[name]

    def heading_style(self, level: int):
        size = {0: "20pt", 1: "16pt", 2: "14pt", 3: "13pt"}.get(level, "12pt")
        return self.style(f"Heading_20_{level}", "paragraph", automatic=False,
                          TextProperties={"fontsize": size, "fontweight": "bold"},
                          ParagraphProperties={"margintop": "0.4cm", "marginbottom": "0.2cm", "keepwithnext": "always"})

    def fill(self, element, value: Inline) -> None:

        for item in runs(value):
            target = element
            if item.href:
                target = odf_text.A(href=item.href, type="simple")
                element.addElement(target)
            if item.bold or item.italic or item.code:
                name = "T" + "b" * item.bold + "i" * item.italic + "c" * item.code
                properties = {}
                if item.bold:
                    properties["fontweight"] = "bold"
                if item.italic:
                    properties["fontstyle"] = "italic"
                if item.code:
                    properties["fontfamily"] = "'Liberation Mono', 'Courier New', monospace"
                span = odf_text.Span(stylename=self.style(name, "text", TextProperties=properties))
                target.addElement(span)
                target = span
            for index, line in enumerate(item.text.split("\n")):
                if index:
                    target.addElement(odf_text.LineBreak())
                if line:
                    target.addText(line)

    def paragraph(self, value: Inline, stylename=None):

        element = odf_text.P(stylename=stylename) if stylename is not None else odf_text.P()
        self.fill(element, value)
        return element

    def add(self, block) -> None:

        body = self.document.text
        if isinstance(block, Title):
            body.addElement(self.paragraph(block.text, self.style(
                "Title", "paragraph", automatic=False, TextProperties={"fontsize": "22pt", "fontweight": "bold"},
                ParagraphProperties={"marginbottom": "0.3cm"})))
            if block.subtitle:
                body.addElement(self.paragraph(block.subtitle, self.style(
                    "Subtitle", "paragraph", automatic=False, TextProperties={"fontsize": "14pt"},
                    ParagraphProperties={"marginbottom": "0.4cm"})))
        elif isinstance(block, Heading):
            level = min(max(block.level, 1), 10)
            heading = odf_text.H(outlinelevel=level, stylename=self.heading_style(level))
            self.fill(heading, block.text)
            body.addElement(heading)
        elif isinstance(block, Paragraph):
            body.addElement(self.paragraph(block.text))
        elif isinstance(block, ItemList):
            body.addElement(self.item_list(block))
        elif isinstance(block, Fields):
            for label, value in block.pairs:
                element = self.paragraph([Run(f"{label}{colon_sign()} ", bold=True)])
                self.fill(element, value)
                body.addElement(element)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Image):
            self.image(block)
        elif isinstance(block, PageBreak):
            body.addElement(odf_text.P(stylename=self.style("PageBreak", "paragraph",
                                                        ParagraphProperties={"breakbefore": "page"})))

    def caption(self, value: str):
        return self.paragraph(value, self.style("Caption", "paragraph", automatic=False,
                                                TextProperties={"fontstyle": "italic", "fontsize": "10pt"},
                                                ParagraphProperties={"margintop": "0.1cm", "marginbottom": "0.2cm"}))

    def list_style(self, numbered: bool):
        name = "Numbers" if numbered else "Bullets"
        if name not in self._styles:
            list_style = odf_text.ListStyle(name=name)
            for level in range(1, 4):
                if numbered:
                    level_style = odf_text.ListLevelStyleNumber(level=level, numformat="1", numsuffix=".")
                else:
                    level_style = odf_text.ListLevelStyleBullet(level=level, bulletchar="•–◦"[level - 1])
                level_style.addElement(odf_style.ListLevelProperties(
                    spacebefore=f"{0.6 * level - 0.6:.1f}cm", minlabelwidth="0.6cm"))
                list_style.addElement(level_style)
            self.document.automaticstyles.addElement(list_style)
            self._styles[name] = list_style
        return self._styles[name]

    def item_list(self, block: ItemList):
        """A real text:list (a numbered list restarts at 1 by itself); a deeper item opens a list
        inside the previous item."""
        root = odf_text.List(stylename=self.list_style(block.numbered))
        stack = [root]  # the open list at each depth
        last_item = None
        for item in block.items:
            depth = min(item.level, len(stack)) if last_item is not None else 0
            del stack[depth + 1:]
            if depth == len(stack):
                nested = odf_text.List(stylename=self.list_style(_is_numbered(block, item)))
                last_item.addElement(nested)
                stack.append(nested)
            last_item = odf_text.ListItem()
            last_item.addElement(self.paragraph(item.text))
            stack[depth].addElement(last_item)
        return root

    def table(self, block: Table) -> None:
        body = self.document.text
        if block.caption:
            body.addElement(self.caption(block.caption))
        self._counter += 1
        width = len(block.header)
        element = odf_table.Table(name=f"Tableau{self._counter}")
        element.addElement(odf_table.TableColumn(numbercolumnsrepeated=width))
        cell_style = self.style("Cell", "table-cell",
                                TableCellProperties={"border": "0.5pt solid #000000", "padding": "0.1cm"})
        header_rows = odf_table.TableHeaderRows()
        element.addElement(header_rows)
        for index, values in enumerate([block.header, *block.rows]):
            row = odf_table.TableRow()
            for column, value in enumerate(list(values) + [""] * (width - len(values))):
                right = block.align[column:column + 1] == "r"
                name = ("Header" if index == 0 else "Body") + ("Right" if right else "")
                properties = {"ParagraphProperties": {"textalign": "end" if right else "start"}}
                if index == 0:
                    properties["TextProperties"] = {"fontweight": "bold"}
                cell = odf_table.TableCell(valuetype="string", stylename=cell_style)
                cell.addElement(self.paragraph(str(value), self.style(name, "paragraph", **properties)))
                row.addElement(cell)
            (header_rows if index == 0 else element).addElement(row)
        body.addElement(element)

    def image(self, block: Image) -> None:
        with PILImage.open(io.BytesIO(block.png)) as picture:
            pixel_width, pixel_height = picture.size
        height_cm = block.width_cm * pixel_height / pixel_width
        self._counter += 1
        href = self.document.addPicture(f"Pictures/image{self._counter}.png", "image/png", block.png)
        frame = draw.Frame(name=f"Image{self._counter}", anchortype="as-char",
                           width=f"{block.width_cm:.2f}cm", height=f"{height_cm:.2f}cm")
        frame.addElement(draw.Image(href=href, type="simple", show="embed", actuate="onLoad"))
        # LibreOffice shows svg:title / svg:desc as the image's text alternative.
        frame.addElement(svg.Title(text=_clean(block.alt)))
        frame.addElement(svg.Desc(text=_clean(block.alt)))
        holder = self.paragraph("")
        holder.addElement(frame)
        self.document.text.addElement(holder)
        if block.caption:
            self.document.text.addElement(self.caption(block.caption))


def to_odt(outline: Outline) -> bytes:
    writer = _OdtWriter(outline)
    for block in outline.blocks:
        writer.add(block)
    buffer = io.BytesIO()
    writer.document.write(buffer)
    return buffer.getvalue()
