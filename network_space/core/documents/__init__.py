"""Documents a member downloads (minutes, write-ups, reports): one outline, three writers.

A domain builds an :class:`Outline` (``outline.py``) — a title and a list of blocks (headings,
paragraphs, lists, tables, images, page breaks, label/value fields) — and asks for it as Word
(``to_docx``, ``word.py``, python-docx), OpenDocument (``to_odt``, ``opendocument.py``, odfpy, for
LibreOffice) or PDF (``to_pdf``, ``pdf.py``, ReportLab), or as a download in the format a link
asks for (``download``). User-written Markdown becomes blocks through ``markdown_blocks``.
"""
from __future__ import annotations

from flask import Response
from werkzeug.utils import secure_filename

from network_space.core.documents.markdown_blocks import markdown_blocks
from network_space.core.documents.opendocument import ODT_MIMETYPE, to_odt
from network_space.core.documents.outline import (
    Block, Fields, Heading, Image, Inline, ItemList, ListItem, Outline, PageBreak, Paragraph, Run, Table, Title,
    plain_text, runs)
from network_space.core.documents.pdf import PDF_MIMETYPE, to_pdf
from network_space.core.documents.word import DOCX_MIMETYPE, to_docx

__all__ = [
    "Block", "DOCX_MIMETYPE", "Fields", "Heading", "Image", "Inline", "ItemList", "ListItem", "ODT_MIMETYPE",
    "Outline", "PDF_MIMETYPE", "PageBreak", "Paragraph", "Run", "Table", "Title", "WRITERS",
    "download", "markdown_blocks", "plain_text", "runs", "to_docx", "to_odt", "to_pdf",
]

WRITERS = {
    "docx": (to_docx, DOCX_MIMETYPE),
    "odt": (to_odt, ODT_MIMETYPE),
    "pdf": (to_pdf, PDF_MIMETYPE),
}


def download(outline: Outline, extension: str, filename: str) -> Response:
    """The outline as a file to download, in the format of ``extension`` ("docx", "odt", "pdf");
    ``filename`` without extension, reduced to safe ASCII."""
    write, mimetype = WRITERS[extension]
    name = secure_filename(filename) or "document"
    return Response(write(outline), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'})
