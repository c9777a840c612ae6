"""bot/texts holds the Chinese the bot shows (STYLE 11): nothing outside it says anything in Chinese, its
modules do not shadow each other's names, and every id the code produces has a name."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import bot.texts
from bot import texts
from nlp.outcomes import KINDS

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# Chinese the code reads rather than says, or that is no message of the bot's.
NOT_SHOWN = {
    "全部",  # /needs 全部, as /needs all
    "对接群助手 · Matchmaking Group Bot",  # python -m bot --help
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_no_chinese_is_shown_from_outside_bot_texts() -> None:
    """The developer's sandbox keeps its own words; nlp/ holds the vocabulary it reads."""
    files = [p for p in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]
             if not p.is_relative_to(ROOT / "bot" / "texts") and not p.is_relative_to(ROOT / "bot" / "sandbox")]
    found = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                    and CJK.search(node.value) and node.value not in NOT_SHOWN:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert found == []


def test_modules_name_what_they_offer_once() -> None:
    seen: dict[str, str] = {}
    for info in pkgutil.iter_modules(bot.texts.__path__):
        module = importlib.import_module(f"bot.texts.{info.name}")
        for name in module.__all__:
            assert hasattr(module, name), (info.name, name)
            assert name not in seen, f"{name} is in both {seen[name]} and {info.name}"
            seen[name] = info.name
            assert getattr(texts, name) is getattr(module, name)
        assert len(Path(module.__file__ or "").read_text(encoding="utf-8").splitlines()) <= 500, info.name


def test_every_agreement_kind_has_a_name() -> None:
    assert set(KINDS) == set(texts.AGREEMENT_KIND_NAMES)


def test_page_head_only_when_there_are_pages() -> None:
    assert texts.page_head(1, 1) == ""
    assert texts.page_head(2, 3) == "（第 2/3 页）\n"
