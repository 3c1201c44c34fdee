"""core.scriptfold.fold: the one key under which typed text meets data, in either Chinese script (issue 12)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskui.core.scriptfold import fold

# Hong Kong and Taiwan forms an office writes, and the Simplified they must meet.
PAIRS = [
    ("電梯門關不上", "电梯门关不上"),
    ("陳大文", "陈大文"),
    ("3棟2單元1201", "3栋2单元1201"),
    ("3號樓", "3号楼"),
    ("裡面", "里面"),
    ("裏面", "里面"),
    ("台灣", "台湾"),
    ("臺灣", "台湾"),
    ("電綫", "电线"),
    ("電線", "电线"),
    ("枱面", "台面"),  # Hong Kong variant: plain t2s leaves it
    ("衞生間", "卫生间"),  # Hong Kong variant: plain t2s leaves it
    ("睡著了", "睡着了"),  # Taiwan form: hk2s leaves it
    ("物業管理處", "物业管理处"),
    ("報修", "报修"),
    ("回訪", "回访"),
    ("交接班", "交接班"),
    ("區", "区"),
    ("曾", "曾"),
    ("單", "单"),
]


@pytest.mark.parametrize(("traditional", "simplified"), PAIRS)
def test_traditional_folds_to_simplified(traditional: str, simplified: str) -> None:
    assert fold(traditional) == simplified
    assert fold(simplified) == simplified


def test_case_and_width_fold() -> None:
    assert fold("Lift DOOR") == "lift door"
    assert fold("ＡＢＣ１２３") == "abc123"
    assert fold("Straße") == "strasse"
    assert fold("3棟　2單元") == "3栋 2单元"


def test_lone_surrogate_is_kept_not_refused() -> None:
    # A row written by another program may hold one; OpenCC cannot encode it, fold must not raise.
    assert fold("x\ud800電梯") == "x\ud800电梯"


def test_simplified_catalog_unchanged() -> None:
    """Every Simplified string deskui shows folds to itself (the zh-CN catalogs as a corpus of Simplified text)."""
    root = Path(__file__).resolve().parents[2] / "deskui" / "locale" / "zh-CN"
    texts = []
    for path in sorted(root.glob("*.toml")):
        texts.extend(v for v in tomllib.loads(path.read_text(encoding="utf-8")).values() if isinstance(v, str))
    assert texts
    han = ["".join(re.findall("[\u4e00-\u9fff]+", text)) for text in texts]
    changed = [text for text in han if fold(text) != text]
    assert changed == []


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_opencc_not_imported_until_needed() -> None:
    """Start-up: importing scriptfold, or folding text without CJK, does not load OpenCC."""
    code = (
        "import sys\n"
        "from deskui.core.scriptfold import fold\n"
        "assert 'opencc' not in sys.modules\n"
        "assert fold('Lift') == 'lift'\n"
        "assert 'opencc' not in sys.modules\n"
        "assert fold('電梯') == '电梯'\n"
        "assert 'opencc' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_nul_is_kept() -> None:
    # A search term holding NUL matches nothing (services.common.search.fold_term); it must still be there to see.
    assert fold("漏\x00") == "漏\x00"
    assert fold("a\x00b電\x00") == "a\x00b电\x00"


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@given(st.text(CJK, max_size=8), st.text(CJK, max_size=8))
def test_a_piece_folds_to_a_piece(a: str, b: str) -> None:
    """Character by character: a substring of a record, folded, is a substring of the record folded."""
    assert fold(a + b) == fold(a) + fold(b)
    assert fold(fold(a)) == fold(a)


@pytest.mark.parametrize(
    ("piece", "text"), [("著", "著名"), ("乾", "乾隆"), ("么", "什麼"), ("麼", "什么"), ("里", "裡面")]
)
def test_phrases_do_not_hide_a_character(piece: str, text: str) -> None:
    assert fold(piece) in fold(text)
