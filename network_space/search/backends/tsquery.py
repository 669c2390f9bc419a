"""What the user typed, as the text of a PostgreSQL ``to_tsquery()``, with the syntax the Whoosh
engine accepts: words (all required), "exact phrases", ``fac*`` prefixes, parentheses,
AND/ET, OR/OU, NOT/NON and ANDNOT/SAUF (in capitals, as words of their own).

Parsing never fails: a misplaced operator is dropped, a missing parenthesis closed, a stray one
ignored. Every word or phrase becomes a quoted operand, which PostgreSQL cuts into tokens and
analyses itself, exactly as it analyses the documents ("l'assemblée", "L2113-12",
"sous-traitance" are read alike on both sides).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

OPERATORS = {"AND": "&", "ET": "&", "OR": "|", "OU": "|", "NOT": "!", "NON": "!", "ANDNOT": "&!", "SAUF": "&!"}
_TOKENS = re.compile(r'"(?P<phrase>[^"]*)"|(?P<paren>[()])|(?P<chunk>[^\s()"]+)')
_WORD = re.compile(r"\w")
_WILDCARDS = re.compile(r"[*?]")


@dataclass(frozen=True)
class Query:
    text: str  # for to_tsquery(); "" when nothing is searchable (stop words, punctuation)
    # The operands the query wants present (not those under NOT): the words snippets show.
    wanted: tuple[str, ...]

    @property
    def all_wanted(self) -> str:
        return " & ".join(self.wanted)

    @property
    def any_wanted(self) -> str:
        return " | ".join(self.wanted)


def _operand(chunk: str, phrase: bool = False) -> str | None:
    """A quoted to_tsquery operand, a prefix when the chunk ends with * (or holds a wildcard)."""
    chunk = chunk.replace("\\", " ")
    prefix = False
    if not phrase and _WILDCARDS.search(chunk):
        # A prefix up to the first wildcard: PostgreSQL has no wildcard inside a word.
        chunk = _WILDCARDS.split(chunk, 1)[0]
        prefix = True
    if not _WORD.search(chunk):
        return None
    quoted = "'" + chunk.replace("'", "''") + "'"
    return quoted + ":*" if prefix else quoted


class _Parser:
    """A recursive descent over the tokens: OR binds loosest, then AND (written or implied) and
    ANDNOT, then NOT."""

    def __init__(self, text: str):
        self.tokens = []
        for match in _TOKENS.finditer(text):
            if match.group("phrase") is not None:
                self.tokens.append(("operand", _operand(match.group("phrase"), phrase=True)))
            elif match.group("paren"):
                self.tokens.append((match.group("paren"), None))
            elif match.group("chunk") in OPERATORS:
                self.tokens.append(("op", OPERATORS[match.group("chunk")]))
            else:
                self.tokens.append(("operand", _operand(match.group("chunk"))))
        self.pos = 0
        self.wanted: list[str] = []

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def parse(self) -> str | None:
        parts = []
        while self.pos < len(self.tokens):
            node = self._or()
            if node:
                parts.append(node)
            elif self.pos < len(self.tokens):
                self.pos += 1  # a stray ")" or operator
        return _join(parts, " & ")

    def _or(self, negated: bool = False) -> str | None:
        parts = [self._and(negated)]
        while self._peek() == ("op", "|"):
            self.pos += 1
            parts.append(self._and(negated))
        return _join([p for p in parts if p], " | ")

    def _and(self, negated: bool) -> str | None:
        parts = [self._unary(negated)]
        while True:
            kind, value = self._peek()
            if kind == "op" and value in ("&", "&!"):
                self.pos += 1
                node = self._unary(negated or value == "&!")
                parts.append(f"!{node}" if node and value == "&!" else node)
            elif kind in ("operand", "(") or (kind == "op" and value == "!"):
                parts.append(self._unary(negated))
            else:
                break
        return _join([p for p in parts if p], " & ")

    def _unary(self, negated: bool) -> str | None:
        kind, value = self._peek()
        if kind == "op" and value == "!":
            self.pos += 1
            node = self._unary(not negated)
            return f"!{node}" if node else None
        if kind == "(":
            self.pos += 1
            node = self._or(negated)
            if self._peek()[0] == ")":
                self.pos += 1
            return node
        if kind == "operand":
            self.pos += 1
            if value and not negated:
                self.wanted.append(value)
            return value
        return None


def _join(parts: list[str], operator: str) -> str | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + operator.join(parts) + ")"


def parse(text: str) -> Query:
    """The to_tsquery() text of a cleaned query (engine.clean_query); when the syntax leaves
    nothing, its words, all required (as the Whoosh engine falls back)."""
    parser = _Parser(text)
    result = parser.parse()
    if result is None:
        parser = _Parser(" ".join(re.findall(r"\w+", text)))
        result = parser.parse()
    return Query(text=result or "", wanted=tuple(parser.wanted))
