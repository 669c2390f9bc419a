"""User text: the one function that turns Markdown into safe HTML."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in the source is not interpreted ("html": False), and the output is sanitized anyway:
# nh3 is the boundary, the Markdown parser is not trusted to be one.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").enable("strikethrough")

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}

MAX_MARKDOWN_LENGTH = 100_000


def render_markdown(text: str | None) -> Markup:
    if not text:
        return Markup("")
    html = _md.render(text[:MAX_MARKDOWN_LENGTH])
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def markdown_text(text: str | None) -> str:
    """The words of a Markdown text without its marks, for a one-paragraph extract in a list."""
    if not text:
        return ""
    paragraphs = []
    for token in _md.parse(text[:MAX_MARKDOWN_LENGTH]):
        if token.type == "inline":
            paragraphs.append("".join(child.content if child.type in ("text", "code_inline")
                                      else " " if child.type in ("softbreak", "hardbreak") else ""
                                      for child in token.children or ()))
    return " ".join(p.strip() for p in paragraphs if p.strip())


def init_app(app) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["markdown_text"] = markdown_text
