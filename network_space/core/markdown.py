"""User text: the one function that turns Markdown into safe HTML.

Mentions (``@prenom.nom``) are found by the same parser: a domain passes a *resolver* that says
whether the text after an "@" names someone; text in code, in links and (for notifications) in
quotes of someone else's message is never a mention. The domain owns who may be mentioned and
where a mention links to; this module only finds them where a reader sees plain text.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup


@dataclass(frozen=True)
class Mention:
    """What a resolver found right after an "@": how many characters it spans, whom (any key the
    domain chooses, e.g. a member id), and the link and text that replace it on the page."""

    length: int
    key: object
    href: str
    label: str


# text after an "@" (up to the end of its run of plain text) -> the mention it starts, or None
Resolver = Callable[[str], "Mention | None"]


def _mentions_rule(state) -> None:
    """Core rule: plain text runs (outside code and link texts) that contain a resolved "@…"
    become links (class "mention"); each mention is recorded in env["found"] with whether it sits
    in a block quote."""
    resolve = state.env.get("mentions")
    if resolve is None:
        return
    found = state.env.setdefault("found", [])
    quote_depth = 0
    for block in state.tokens:
        if block.type == "blockquote_open":
            quote_depth += 1
        elif block.type == "blockquote_close":
            quote_depth -= 1
        if block.type != "inline" or not block.children:
            continue
        children, link_depth = [], 0
        for token in block.children:
            link_depth += token.type == "link_open"
            link_depth -= token.type == "link_close"
            if token.type == "text" and not link_depth and "@" in token.content:
                children.extend(_split_mentions(token.content, resolve, found, quote_depth > 0))
            else:
                children.append(token)
        block.children = children


def _split_mentions(content: str, resolve: Resolver, found: list, quoted: bool) -> list[Token]:
    tokens, start, i = [], 0, 0
    while i < len(content):
        if content[i] == "@" and (i == 0 or not (content[i - 1].isalnum() or content[i - 1] in "._-")):
            mention = resolve(content[i + 1:])
            if mention is not None and mention.length > 0:
                found.append((mention, quoted))
                if i > start:
                    tokens.append(_text(content[start:i]))
                link = Token("link_open", "a", 1)
                link.attrs = {"href": mention.href, "class": "mention"}
                tokens += [link, _text("@" + mention.label), Token("link_close", "a", -1)]
                i = start = i + 1 + mention.length
                continue
        i += 1
    if start < len(content):
        tokens.append(_text(content[start:]))
    return tokens


def _images_rule(state) -> None:
    """Core rule: an image becomes a link to it, named by its description (or its address). The
    site shows no image from elsewhere (a tracking pixel would tell its sender who reads), and a
    dropped image would lose what the author wrote."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children = []
        for token in block.children:
            if token.type != "image":
                children.append(token)
                continue
            link = Token("link_open", "a", 1)
            link.attrs = {"href": str(token.attrs.get("src", ""))}
            children += [link, _text(token.content or str(token.attrs.get("src", ""))), Token("link_close", "a", -1)]
        block.children = children


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


# Raw HTML in the source is not interpreted ("html": False), and the output is sanitized anyway:
# nh3 is the boundary, the Markdown parser is not trusted to be one.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table").enable("strikethrough")
_md.core.ruler.push("images", _images_rule)
_md.core.ruler.push("mentions", _mentions_rule)

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
_ALLOWED_CLASSES = {"a": {"mention"}}

MAX_MARKDOWN_LENGTH = 100_000
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def parse_markdown(text: str | None, mentions: Resolver | None = None) -> list:
    """The parser's tokens for the source, for writers of other formats (core/documents/): the
    same syntax and the same length limit as the HTML; with ``mentions``, each resolved "@…"
    reads as the member's name."""
    return _md.parse((text or "")[:MAX_MARKDOWN_LENGTH], {"mentions": mentions} if mentions else None)


def render_markdown(text: str | None, mentions: Resolver | None = None) -> Markup:
    """Safe HTML for Markdown source; with ``mentions``, each resolved "@…" is a link."""
    if not text:
        return Markup("")
    html = _md.render(text[:MAX_MARKDOWN_LENGTH], {"mentions": mentions} if mentions else None)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        allowed_classes=_ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


# Extracts kept per process: a page of results shows twenty summaries, each parsed anew at every
# display (a tenth of the search page's time), and an extract depends on its text alone. Summaries
# are at most 5,000 characters (library/forms.py): the cache holds at most ~20 MB.
EXTRACT_CACHE_SIZE = 4096
MAX_CACHED_LENGTH = 5_000


def markdown_text(text: str | None, *, quotes: bool = True, lines: bool = False) -> str:
    """The words of a Markdown text without its marks, for a one-paragraph extract in a list;
    without ``quotes``, what is quoted ("> …") is left out (a reply's own words first); with
    ``lines``, each paragraph or list item on a line of its own (a calendar file's description)."""
    if not text:
        return ""
    if len(text) > MAX_CACHED_LENGTH:
        return _extract.__wrapped__(text, quotes, lines)
    return _extract(text, quotes, lines)


@lru_cache(maxsize=EXTRACT_CACHE_SIZE)
def _extract(text: str, quotes: bool = True, lines: bool = False) -> str:
    paragraphs = []
    depth = 0  # inside how many quotes
    for token in _md.parse(text[:MAX_MARKDOWN_LENGTH]):
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if token.type == "inline" and (quotes or not depth):
            paragraphs.append("".join(child.content if child.type in ("text", "code_inline")
                                      else " " if child.type in ("softbreak", "hardbreak") else ""
                                      for child in token.children or ()))
    return ("\n" if lines else " ").join(p.strip() for p in paragraphs if p.strip())


def mentions_in(text: str | None, resolve: Resolver) -> list[Mention]:
    """The mentions a reader sees in ``text``, in order, without those inside quotes (a quoted
    message's mentions were the quoted author's) nor in code."""
    if not text:
        return []
    env = {"mentions": resolve}
    _md.parse(text[:MAX_MARKDOWN_LENGTH], env)
    return [mention for mention, quoted in env.get("found", []) if not quoted]


def init_app(app) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["markdown_text"] = markdown_text
