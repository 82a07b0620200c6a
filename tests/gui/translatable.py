"""Find every translatable string in the GUI sources with Python's own parser.

pyside6-lupdate's Python parser skips some call forms without a warning, so the
translation tests compare its output with this independent list.
"""

from __future__ import annotations

import ast
from pathlib import Path

GUI_DIR = Path(__file__).resolve().parents[2] / "spotdesk" / "gui"


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: set[tuple[str, str]] = set()
        self._classes: list[str] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._classes.append(node.name)
        self.generic_visit(node)
        self._classes.pop()

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        args = node.args
        if name == "tr" and args and self._classes:
            text = _literal(args[0])
            if text is not None:
                self.found.add((self._classes[-1], text))
        elif name in ("translate", "QT_TRANSLATE_NOOP") and len(args) >= 2:
            context, text = _literal(args[0]), _literal(args[1])
            if context is not None and text is not None:
                self.found.add((context, text))
        self.generic_visit(node)


def source_strings(folder: Path = GUI_DIR) -> set[tuple[str, str]]:
    """Return (context, source text) for every literal passed to tr/translate/NOOP."""
    finder = _Finder()
    for path in sorted(folder.glob("*.py")):
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return finder.found
