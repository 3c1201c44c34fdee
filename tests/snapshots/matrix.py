"""The pictures' matrix, in one place: every main screen at the desk's two sizes in English, Simplified Chinese and
Traditional Chinese (Hong Kong) (issue 12). zh-TW differs from zh-HK in words only (deskui.core.traditional; its
catalog is tested in tests/unit/test_traditional.py), not in layout, so it has no pictures of its own."""

from __future__ import annotations

SIZES = [(80, 24), (120, 40)]
LANGUAGES = ["en", "zh-CN", "zh-HK"]
