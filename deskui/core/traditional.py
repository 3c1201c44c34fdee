"""Traditional Chinese (zh-HK, zh-TW) from the one Simplified catalog: OpenCC plus the words an office uses.

The catalog is kept in one place, deskui/locale/zh-CN/*.toml. The Traditional catalogs deskui/locale/zh-HK/ and
deskui/locale/zh-TW/ are GENERATED from it and committed (reviewable in a diff, and the UI needs no converter at
run time: building an OpenCC converter costs 30–400 ms, more than the whole start-up budget of issue 11). After
changing a zh-CN catalog, or a word below, regenerate them:

    .venv/bin/python -m deskui.core.traditional          # writes deskui/locale/zh-HK/*.toml, zh-TW/*.toml
    .venv/bin/python -m deskui.core.traditional --check  # exit 1 if they are stale (tests/unit/test_traditional.py)

How a Simplified text becomes Traditional:

- zh-HK: OpenCC `s2hk` (characters; Hong Kong has no phrase table in OpenCC), then the glyph forms the two
  Traditional office manuals (docs/DOMAIN.md sources 001 and 004) write — 住戶 說明 著 為 衛 啟, not the Hong Kong
  school-glyph variants 住户 説明 着 衞 啓 that s2hk picks — and the software words of a Hong Kong desk (檔案 儲存
  登入 搜尋 列印 短訊), which OpenCC leaves in their mainland form (文件 保存 登录 搜索 打印 短信).
- zh-TW: OpenCC `s2twp`, the Taiwan phrases (資料庫 檔案 儲存 登入 列印 螢幕 游標 簡訊), not `s2tw`: `s2tw` changes
  characters only and leaves words a Taiwanese reader takes for mainland ones (數據庫, 文件, 打印, 登錄, 屏幕).
  `s2twp` errs where a computing word is the wrong sense at a front desk; those are reviewed below (註銷 a key is
  not 登出 "log out", 審核 is not 稽核 "audit", 施工項目 is not 專案, 類型 is not 型別, 權限 not 許可權).
- Both: the office words as the manuals write them (物業管理處 報修 回訪 交接班 住戶 業主 單元 棟 值班記錄 工單
  小區) are protected before OpenCC runs, so no converter turns them into another place's word (小區 stays 小區:
  both manuals say 小區, and 社區 there means the community, 社區文化).

Labels from the configuration (departments, categories, patrol routes: defaults.toml's `zh`) and the few Chinese
words the code holds (marked with `Z_()` or passed as a literal to `zh_text()`) are converted the same way into
`_labels.toml` of each Traditional catalog; a label a site configured itself is converted on first use
(deskui.core.i18n.zh_text), the only time OpenCC is imported by the app.
"""

from __future__ import annotations

import ast
import json
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE_DIR / "locale"
SOURCE = "zh-CN"
LABELS_FILE = "_labels.toml"  # leading "_": not a message catalog (deskui.core.i18n.catalog skips it)
OPENCC_CONFIG = {"zh-HK": "s2hk", "zh-TW": "s2twp"}
TRADITIONAL = tuple(OPENCC_CONFIG)

# The office's words, Simplified → Traditional, for both Traditional UIs (seeds 001 and 004: 物業管理處, 管理處,
# 報修/請修, 回訪, 住戶, 業主, 單元, 樓座, 記錄, 小區, 客戶服務中心). Longest match first.
OFFICE_WORDS = {
    "物业管理处": "物業管理處",
    "管理处": "管理處",
    "报修": "報修",
    "回访": "回訪",
    "交接班": "交接班",
    "住户": "住戶",
    "租户": "租戶",
    "户数": "戶數",
    "入户": "入戶",
    "业主": "業主",
    "单元": "單元",
    "栋": "棟",
    "值班记录": "值班記錄",
    "记录": "記錄",
    "工单": "工單",
    "小区": "小區",
    "客服中心": "客服中心",
    "保存期": "保存期",  # a retention period, not 儲存期 (stored)
    "质量": "品質",  # 交接班质量: the manual 004 writes 品質 (×16) for the quality of the service
}

# Hong Kong: the desk's software words (OpenCC s2hk converts characters only).
HK_WORDS = {
    "文件夹": "資料夾",
    "文件名": "檔名",
    "文件": "檔案",  # at this desk a 文件 is always a computer file (each one in the catalog reviewed)
    "保存": "儲存",
    "登录": "登入",
    "搜索": "搜尋",
    "打印": "列印",
    "短信": "短訊",
    "屏幕": "螢幕",
    "光标": "游標",
    "剪贴板": "剪貼簿",
    "粘贴": "貼上",
    "剪切": "剪下",
    "默认": "預設",
    "设置": "設定",
    "创建": "建立",
    "导出": "匯出",
    "导入": "匯入",
    "添加": "新增",
    "模块": "模組",
    "程序版本": "程式版本",
    "运行": "執行",
    "服务器": "伺服器",
    "字符": "字元",
    "字节": "位元組",
    "磁盘": "磁碟",
    "联系电话": "聯絡電話",
    "联系上": "聯絡上",
    "信息": "資料",  # 來電人資料: Hong Kong says 資料 for information about a person (Taiwan's s2twp gives 資訊)
}

# Taiwan: where s2twp's computing phrases are the wrong sense at a property desk (reviewed in the generated diff).
TW_WORDS = {
    "注销": "註銷",  # a key struck off the register; s2twp: 登出 (log out)
    "审核": "審核",  # the supervisor's daily review; s2twp: 稽核 (audit)
    "项目": "項目",  # 施工项目; s2twp: 專案 (project)
    "类型": "類型",  # s2twp: 型別 (a programming type)
    "代码": "代碼",  # 国家代码; s2twp: 程式碼 (source code)
    "对象": "對象",  # 报告对象, 开启对象; s2twp: 物件 (an object in code)
    "调度": "調度",  # 已调度工程班组; s2twp: 排程 (scheduling)
    "权限": "權限",  # s2twp: 許可權
    "二进制": "二進位",  # s2twp: 二進位制
}

# Hong Kong school glyphs (s2hk) → the glyphs the office manuals write (seeds 001 and 004 have 戶 ×119, 說 ×14, 著,
# 為, 衛 and never 户 説 着 爲 衞).
HK_GLYPHS = str.maketrans(
    {"户": "戶", "説": "說", "着": "著", "爲": "為", "衞": "衛", "啓": "啟", "纔": "才", "閲": "閱"}
)

WORDS = {"zh-HK": {**OFFICE_WORDS, **HK_WORDS}, "zh-TW": {**OFFICE_WORDS, **TW_WORDS}}

_PLACEHOLDER = 0xE000  # private use: OpenCC passes these through untouched


@cache
def _converter(config: str) -> Any:
    import opencc  # only here: the UI reads generated catalogs and never pays for this import

    return opencc.OpenCC(config)


def convert(text: str, language: str) -> str:
    """`text` (Simplified) in the script and words of `language` (zh-HK or zh-TW)."""
    words = WORDS[language]
    protected: list[str] = []
    out = text
    for simplified in sorted(words, key=len, reverse=True):
        if simplified in out:
            out = out.replace(simplified, chr(_PLACEHOLDER + len(protected)))
            protected.append(words[simplified])
    out = str(_converter(OPENCC_CONFIG[language]).convert(out))
    if language == "zh-HK":
        out = out.translate(HK_GLYPHS)
    for i, traditional in enumerate(protected):
        out = out.replace(chr(_PLACEHOLDER + i), traditional)
    return out


# --- the generator ----------------------------------------------------------------------------------------------


def _toml(entries: dict[str, str], header: str) -> str:
    lines = [header, ""]
    lines += [
        f"{json.dumps(key, ensure_ascii=False)} = {json.dumps(value, ensure_ascii=False)}"
        for key, value in entries.items()
    ]
    return "\n".join(lines) + "\n"


def _config_labels(node: object) -> list[str]:
    """Every `zh` label of the defaults (departments, categories, channels, equipment, routes, checkpoints)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "zh" and isinstance(value, str):
                found.append(value)
            else:
                found += _config_labels(value)
    elif isinstance(node, list):
        for item in node:
            found += _config_labels(item)
    return found


def _code_labels() -> list[str]:
    """The Chinese words the code holds: string literals given to `Z_()` or as the first argument of `zh_text()`."""
    found: list[str] = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            arg = node.args[0]
            if name in ("Z_", "zh_text") and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append(arg.value)
    return found


def labels() -> list[str]:
    """The Simplified labels `_labels.toml` converts, each once, in a stable order."""
    with (PACKAGE_DIR / "core" / "defaults.toml").open("rb") as fh:
        defaults = tomllib.load(fh)
    return sorted(set(_config_labels(defaults)) | set(_code_labels()))


def generated() -> dict[Path, str]:
    """Every Traditional catalog file as it should read: path → text."""
    files: dict[Path, str] = {}
    command = "python -m deskui.core.traditional"
    for language in TRADITIONAL:
        how = f"OpenCC {OPENCC_CONFIG[language]} and the reviewed words of deskui/core/traditional.py"
        for source in sorted((LOCALE_DIR / SOURCE).glob("*.toml")):
            with source.open("rb") as fh:
                entries = tomllib.load(fh)
            header = (
                f"# GENERATED from deskui/locale/{SOURCE}/{source.name} by `{command}` ({how}).\n"
                f"# Do not edit: change the zh-CN catalog or the words, then run the command again."
            )
            converted = {msgid: convert(text, language) for msgid, text in entries.items()}
            files[LOCALE_DIR / language / source.name] = _toml(converted, header)
        header = (
            f"# GENERATED by `{command}` ({how}): the Simplified labels of defaults.toml and of the code\n"
            f"# (Z_, zh_text) in Traditional, read by deskui.core.i18n.zh_text. Do not edit."
        )
        files[LOCALE_DIR / language / LABELS_FILE] = _toml({s: convert(s, language) for s in labels()}, header)
    return files


def stale() -> list[Path]:
    """Generated files that differ from what the generator would write now, or should not be there."""
    want = generated()
    out = [path for path, text in want.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]
    for language in TRADITIONAL:
        out += [path for path in sorted((LOCALE_DIR / language).glob("*.toml")) if path not in want]
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--check"]:
        old = stale()
        for path in old:
            print(f"stale: {path.relative_to(PACKAGE_DIR.parent)}", file=sys.stderr)
        if old:
            print("regenerate: python -m deskui.core.traditional", file=sys.stderr)
        return 1 if old else 0
    if args:
        print("usage: python -m deskui.core.traditional [--check]", file=sys.stderr)
        return 2
    want = generated()
    for language in TRADITIONAL:
        (LOCALE_DIR / language).mkdir(exist_ok=True)
        for path in sorted((LOCALE_DIR / language).glob("*.toml")):
            if path not in want:
                path.unlink()
    for path, text in want.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(PACKAGE_DIR.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
