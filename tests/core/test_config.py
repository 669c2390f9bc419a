"""Every setting in one place: each configuration key the code or a template reads is defined in
config.py, and no module but config.py reads the environment."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import config

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_KEY = re.compile(r"\bconfig(?:\.([A-Z][A-Z0-9_]+)|\[['\"]([A-Z][A-Z0-9_]+)['\"]\])")


def _defined() -> set[str]:
    return {name for cls in config.CONFIGS.values() for klass in cls.__mro__ for name in vars(klass) if name.isupper()}


def _is_config(node) -> bool:
    """``app.config``, ``current_app.config``, ``self.app.config``…"""
    return isinstance(node, ast.Attribute) and node.attr == "config"


def _keys_read(tree) -> list[tuple[int, str]]:
    keys = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_config(node.value):
            key = node.slice
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_config(node.func.value)
              and node.func.attr in ("get", "setdefault") and node.args):
            key = node.args[0]
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            keys.append((node.lineno, key.value))
    return keys


def _reads_environment(tree) -> list[int]:
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and ast.unparse(node) in ("os.environ", "os.getenv")]


def test_every_key_read_is_defined_in_config_py():
    defined = _defined()
    missing = []
    for path in sorted((ROOT / "network_space").rglob("*.py")):
        for line, key in _keys_read(ast.parse(path.read_text(encoding="utf-8"))):
            if key not in defined:
                missing.append(f"{path.relative_to(ROOT)}:{line}: {key}")
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.txt")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in TEMPLATE_KEY.finditer(text):
                key = match.group(1) or match.group(2)
                if key not in defined:
                    missing.append(f"{path.relative_to(ROOT)}:{number}: {key}")
    assert not missing, "settings read but not defined in config.py:\n" + "\n".join(missing)


def test_only_config_py_reads_the_environment():
    readers = [f"{path.relative_to(ROOT)}:{line}"
               for path in sorted((ROOT / "network_space").rglob("*.py"))
               for line in _reads_environment(ast.parse(path.read_text(encoding="utf-8")))]
    assert not readers, "read the setting in config.py instead:\n" + "\n".join(readers)


def test_the_checks_see_what_they_look_for():
    tree = ast.parse('current_app.config["NOT_A_SETTING"]\napp.config.get("ALSO_NOT", 3)\nos.environ.get("X")\n'
                     'app.config["STORED"] = 1\n')
    assert _keys_read(tree) == [(1, "NOT_A_SETTING"), (2, "ALSO_NOT")]
    assert _reads_environment(tree) == [3]
    assert {"SITE_URL", "SEARCH_LOCK_TIMEOUT", "SERVER_NAME"} <= _defined()
    assert [m.group(1) for m in TEMPLATE_KEY.finditer("{% if config.MAIL_SUPPRESS_SEND %}")] == ["MAIL_SUPPRESS_SEND"]
