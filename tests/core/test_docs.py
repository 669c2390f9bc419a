"""The documentation stays true to the code it describes.

- Every relative link and image in README.md and docs/**/*.md points to a file that exists, and
  every #anchor to a heading of that file (GitHub's heading ids), so a moved or renamed page
  breaks the suite, not the reader's click.
- Every setting is in the settings tables of docs/exploitation.md: each class attribute of
  config.py, each environment variable the code reads (config.py and network_space/), each
  `app.config` key the code reads or writes; and each row of those tables names a setting that
  still exists. A new setting without its line in the documentation fails here.
- The README's architecture map names every package of `network_space/` and every domain of
  `DOMAINS`: a newcomer looks there first for where a feature lives.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SETTINGS_DOC = ROOT / "docs" / "exploitation.md"
SETTINGS_SECTION = "## Réglages"

FENCED = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
INDENTED_CODE = re.compile(r"(?:^(?: {4}|\t).*\n?)+", re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
# [text](target) and ![alt](target); the target stops at a space (an optional "title" follows).
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
SETTING_NAME = re.compile(r"`([A-Z][A-Z0-9_]*[A-Z0-9])`")


def _prose(markdown: str) -> str:
    """The text outside code: links written inside code are examples, not links."""
    markdown = FENCED.sub("", markdown)
    markdown = INDENTED_CODE.sub("", markdown)
    return CODE_SPAN.sub("", markdown)


def heading_ids(markdown: str) -> set[str]:
    """The ids GitHub gives a page's headings: lower case, punctuation dropped, spaces to
    hyphens, -1, -2… for repeats."""
    ids: set[str] = set()
    seen: dict[str, int] = {}
    for title in HEADING.findall(FENCED.sub("", markdown)):
        title = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", title)  # a link in a heading: its text
        slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        ids.add(slug if count == 0 else f"{slug}-{count}")
    return ids


def relative_links(path: Path) -> list[str]:
    return [target for target in LINK.findall(_prose(path.read_text(encoding="utf-8")))
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I)]  # http:, https:, mailto:…


def test_the_documentation_exists():
    names = {path.relative_to(ROOT).as_posix() for path in DOCS}
    for expected in ("README.md", "docs/exploitation.md", "docs/developpement.md", "docs/performance.md",
                     "docs/guide/README.md", "docs/decisions/README.md"):
        assert expected in names


def test_the_readme_map_names_every_package_and_domain():
    from network_space import DOMAINS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\nnetwork_space/\n")
    listed = set(re.findall(r"^  (\w+)/ ", readme[start:readme.index("```", start)], re.M))
    packages = {path.parent.name for path in (ROOT / "network_space").glob("*/__init__.py")}
    assert packages == listed, (f"README's map misses {sorted(packages - listed)}, "
                                f"names packages that no longer exist {sorted(listed - packages)}")
    assert set(DOMAINS) <= listed


@pytest.mark.parametrize("page", DOCS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_relative_links_and_anchors_point_at_something(page):
    broken = []
    for target in relative_links(page):
        file_part, _, anchor = target.partition("#")
        destination = (page.parent / unquote(file_part)).resolve() if file_part else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
            continue
        if anchor and destination.suffix == ".md":
            if unquote(anchor) not in heading_ids(destination.read_text(encoding="utf-8")):
                broken.append(f"{target}: no heading with this id in {destination.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_link_checker_sees_broken_links(tmp_path):
    """The checker itself: it finds links, skips code and web addresses, and computes ids."""
    page = tmp_path / "page.md"
    page.write_text("# Réglages\n## Le chemin d'une requête\n## Emails : `bench/x.py`\n"
                    "[a](missing.md) ![b](images/x.png \"t\") [c](https://example.org) `[d](code.md)`\n"
                    "    [e](indented.md)\n```\n[f](fenced.md)\n```\n", encoding="utf-8")
    assert relative_links(page) == ["missing.md", "images/x.png"]
    assert heading_ids(page.read_text(encoding="utf-8")) == {
        "réglages", "le-chemin-dune-requête", "emails--benchxpy"}


# --- settings ------------------------------------------------------------------------------------

ENV_READERS = {"get", "getenv", "env_int", "env_bool"}


def _string_arg(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _is_config(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "config"


def read_settings(source: str) -> tuple[set[str], set[str], set[str]]:
    """(class-level settings, environment variables read, app.config keys used) in one module."""
    tree = ast.parse(source)
    attributes, environment, config_keys = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                targets = statement.targets if isinstance(statement, ast.Assign) else (
                    [statement.target] if isinstance(statement, ast.AnnAssign) else [])
                attributes.update(t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper())
        elif isinstance(node, ast.Call):
            name = _string_arg(node)
            function = node.func
            if name is None:
                continue
            if isinstance(function, ast.Name) and function.id in ENV_READERS - {"get"}:
                environment.add(name)
            elif isinstance(function, ast.Attribute) and function.attr in ENV_READERS:
                if _is_environ(function.value) or (isinstance(function.value, ast.Name) and function.value.id == "os"):
                    environment.add(name)
                elif _is_config(function.value) and name.isupper():
                    config_keys.add(name)
            elif isinstance(function, ast.Attribute) and function.attr == "setdefault" and _is_config(function.value):
                config_keys.add(name)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            if _is_environ(node.value):
                environment.add(node.slice.value)
            elif _is_config(node.value) and node.slice.value.isupper():
                config_keys.add(node.slice.value)
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            if any(_is_environ(comparator) for comparator in node.comparators):
                environment.add(node.left.value)
    return attributes, environment, config_keys


def settings_in_code() -> set[str]:
    names: set[str] = set()
    for path in [ROOT / "config.py", ROOT / "wsgi.py", *sorted((ROOT / "network_space").rglob("*.py"))]:
        attributes, environment, config_keys = read_settings(path.read_text(encoding="utf-8"))
        names |= environment | config_keys
        if path.name == "config.py":
            names |= attributes
    return names


def documented_settings() -> set[str]:
    text = SETTINGS_DOC.read_text(encoding="utf-8")
    assert SETTINGS_SECTION in text, f"{SETTINGS_DOC.name} must keep its section {SETTINGS_SECTION!r}"
    section = text.split(SETTINGS_SECTION, 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first_cell = line.split("|")[1]
            names.update(SETTING_NAME.findall(first_cell))
    return names


def test_every_setting_is_in_the_settings_table():
    missing = settings_in_code() - documented_settings()
    assert not missing, (
        f"settings without a row in the tables of {SETTINGS_DOC.relative_to(ROOT)} ({SETTINGS_SECTION}): "
        f"{sorted(missing)}. Add a row: name, what it does, default.")


def test_every_row_of_the_settings_table_is_a_setting():
    stale = documented_settings() - settings_in_code()
    assert not stale, f"rows of the settings tables naming nothing the code reads any more: {sorted(stale)}"


def test_settings_reader_finds_every_form():
    attributes, environment, config_keys = read_settings(
        "import os\n"
        "class C:\n    A_B = env_int('X_INT', 1)\n    C: int = os.environ.get('X_GET')\n    lower = 1\n"
        "def f(app):\n    os.environ['X_ITEM']; 'X_IN' in os.environ; os.getenv('X_OS')\n"
        "    app.config['K_ITEM']; current_app.config.get('K_GET', 2); app.config.setdefault('K_DEFAULT', 3)\n"
        "    request.args.get('q'); env_bool('X_BOOL', False)\n"
    )
    assert attributes == {"A_B", "C"}
    assert environment == {"X_INT", "X_GET", "X_ITEM", "X_IN", "X_OS", "X_BOOL"}
    assert config_keys == {"K_ITEM", "K_GET", "K_DEFAULT"}
