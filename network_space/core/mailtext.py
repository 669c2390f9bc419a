"""What a member wrote in an email: the new text of a reply, without the quoted history, the
signature or the mail client's decorations.

``parse(raw)`` reads an RFC 5322 message (bytes, any transfer encoding and charset) into a
``ParsedMail``; ``is_automatic(message)`` tells auto-replies and bounces apart; ``new_text(text)``
cuts the quoted history. HTML bodies (clients that send no text part) go through ``html_to_text``,
built on lxml (already installed with python-docx, a libxml2 parser that survives any markup):
html2text is GPL-3, and the quoted history must be removed as elements (``<blockquote>``, Gmail's
``gmail_quote``) before the text exists, which a generic converter does not offer.
"""
from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage

import lxml.html
from lxml import etree

# Labels mail clients lie about: most "iso-8859-1" mail is really windows-1252 (curly quotes,
# œ, €, as the WHATWG encoding standard also assumes).
_CHARSET_ALIASES = {"iso-8859-1": "windows-1252", "latin-1": "windows-1252", "latin1": "windows-1252",
                    "us-ascii": "windows-1252", "ascii": "windows-1252"}


@dataclass
class ParsedMail:
    message_id: str          # the Message-ID, or a digest of the message when it has none
    sender: str              # the From address, lower case ("" when there is none)
    subject: str
    recipients: list[str]    # every address of the delivery and address headers, in that order, case kept
    text: str                # the new text, history and signature removed
    attachments: list[str] = field(default_factory=list)  # file names, not posted
    automatic: str | None = None  # why the message is an auto-reply or a bounce, else None


def parse(raw: bytes, *, headers_only: bool = False) -> ParsedMail:
    """Read one message. ``headers_only`` (a message over the size limit) leaves the body alone."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = _header(message, "Message-ID").strip()
    if not message_id or len(message_id) > 250:
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    text, attachments = ("", []) if headers_only else _body(message)
    return ParsedMail(
        message_id=message_id,
        sender=next(iter(_addresses(message, "From")), "").lower(),
        subject=" ".join(_header(message, "Subject").split()),
        recipients=[a for name in ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")
                    for a in _addresses(message, name)],
        text=new_text(text),
        attachments=attachments,
        automatic=is_automatic(message),
    )


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name) or "")
    except (ValueError, TypeError, IndexError):  # a header the parser cannot make sense of
        return ""


def _addresses(message: EmailMessage, name: str) -> list[str]:
    found = []
    try:
        headers = message.get_all(name) or []
    except (ValueError, TypeError, IndexError):
        return found
    for header in headers:
        try:
            addresses = header.addresses
        except (AttributeError, ValueError, TypeError, IndexError):
            addresses = ()
        found.extend(a.addr_spec for a in addresses if a.addr_spec and "@" in a.addr_spec)
    return found


# --- auto-replies and bounces (RFC 3834, RFC 3464) -------------------------------------------------

_AUTO_SUBJECT = re.compile(
    r"^\s*(absence\s+du\s+bureau|absent(e)?\b|r[ée]ponse\s+automatique|message\s+automatique|"
    r"auto(matic)?[\s-]*reply|autoreply|out\s+of\s+(the\s+)?office|automatische\s+antwort|"
    r"undeliverable|undelivered|delivery\s+status\s+notification|non\s+remis|"
    r"mail\s+delivery\s+(failed|failure|system))", re.IGNORECASE)


def is_automatic(message: EmailMessage) -> str | None:
    """Why ``message`` was written by a machine (an answer to it would start a mail loop), or None."""
    return_path = _header(message, "Return-Path").strip()
    if return_path in ("<>", "") and "Return-Path" in message or "mailer-daemon" in return_path.lower():
        return "bounce"
    if message.get_content_type() == "multipart/report":
        return "bounce"
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return "auto-submitted"
    if "X-Autoreply" in message or "X-Autorespond" in message or "X-Autoresponder" in message:
        return "auto-reply header"
    if _header(message, "Precedence").strip().lower() in ("bulk", "auto_reply", "junk", "list"):
        return "precedence"
    sender = _addresses(message, "From")
    if sender and sender[0].split("@")[0].lower() in ("mailer-daemon", "postmaster"):
        return "bounce"
    if _AUTO_SUBJECT.match(_header(message, "Subject")):
        return "auto-reply subject"
    return None


# --- body -----------------------------------------------------------------------------------------

def _decode(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = (part.get_content_charset() or "utf-8").lower()
    charset = _CHARSET_ALIASES.get(charset, charset)
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know: keep what is readable
        return payload.decode("utf-8", errors="replace")


def _body(message: EmailMessage) -> tuple[str, list[str]]:
    attachments = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        # Inline images of an HTML signature (with a Content-ID) are decoration, not attachments.
        if part.is_attachment() or (filename and not part.get("Content-ID")
                                    and part.get_content_maintype() != "text"):
            attachments.append(" ".join(str(filename or part.get_content_type()).split())[:100])
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return "", attachments
    text = _decode(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    return text, attachments


# --- HTML to text -----------------------------------------------------------------------------

_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol", "hr",
           "section", "article", "header", "footer", "address", "dl", "dt", "dd"}
# The quoted history, as Apple Mail, Thunderbird, Gmail and Outlook on the web mark it.
_QUOTES = ("//blockquote | //*[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]"
           " | //*[@id='divRplyFwdMsg'] | //*[@id='divRplyFwdMsg']/following-sibling::*"
           " | //*[@id='appendonsend']/following-sibling::*")


def html_to_text(html: str) -> str:
    """The text of an HTML email as a person would retype it: paragraphs and line breaks kept,
    list items as "- ", links as "text (address)", quoted history, styles and scripts dropped."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for element in root.xpath("//script | //style | //head | //title | " + _QUOTES):
        if element.getparent() is not None:
            element.drop_tree()
    chunks: list[str] = []
    _walk(root, chunks)
    text = "".join(chunks).replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _walk(element, chunks: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _BLOCKS:
        chunks.append("\n\n" if tag in ("p", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6") else "\n")
    if tag == "li":
        chunks.append("- ")
    if element.text and tag:
        chunks.append(element.text)
    for child in element:
        _walk(child, chunks)
        if child.tail:
            chunks.append(child.tail)
    if tag == "a":
        href = (element.get("href") or "").strip()
        if href.startswith(("http://", "https://")) and href.rstrip("/") != element.text_content().strip().rstrip("/"):
            chunks.append(f" ({href})")
    if tag in _BLOCKS and tag not in ("br", "li"):
        chunks.append("\n")


# --- quoted history and signatures --------------------------------------------------------------

_SEPARATOR = re.compile(r"^\s*-{2,}\s*(original message|message d'origine|message original|"
                        r"forwarded message|message transféré)\s*-{2,}\s*$", re.IGNORECASE)
_WROTE = (re.compile(r"^le\s.*\d.*\sa\s+écrit\s*:$", re.IGNORECASE),  # "Le 12 mars 2026 à 10:15, X a écrit :"
          re.compile(r"^on\s.*\d.*\swrote\s*:$", re.IGNORECASE))       # "On Thu, Mar 12, 2026, X wrote:"
_HEADER_FROM = re.compile(r"^\s*\*?(de|from)\s*\*?\s*:", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*\*?(envoyé|sent|date|à|to|objet|subject)\s*\*?\s*:", re.IGNORECASE)
_SENT_FROM = re.compile(r"^\s*(envoyé de mon|envoyé depuis mon|sent from my|get outlook for)\b", re.IGNORECASE)
_RULE = re.compile(r"^\s*_{10,}\s*$")


# Control characters but tab and line feed: nothing a person types, and PostgreSQL refuses NUL in text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def new_text(text: str) -> str:
    """The text above the quoted history and the signature, without "> " lines."""
    text = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _history_starts(lines, index):
            break
        if line.rstrip() in ("--", "-- ") or _SENT_FROM.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _history_starts(lines: list[str], index: int) -> bool:
    line = lines[index]
    if _SEPARATOR.match(line):
        return True
    if _RULE.match(line):  # Outlook's line above the quoted message's headers
        following = [later for later in lines[index + 1:index + 3] if later.strip()]
        return bool(following) and bool(_HEADER_FROM.match(following[0]))
    if _HEADER_FROM.match(line):  # Outlook: "De : …", then "Envoyé : …" / "Date : …" / "À : …"
        return any(_HEADER_NEXT.match(later) for later in lines[index + 1:index + 4])
    # "Le … a écrit :", which clients wrap over two or three lines.
    for span in (1, 2, 3):
        joined = " ".join(" ".join(part.split()) for part in lines[index:index + span])
        if any(pattern.match(joined) for pattern in _WROTE):
            return True
    return False
