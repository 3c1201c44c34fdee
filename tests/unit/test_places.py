"""Unit spellings and phone numbers (deskui.services.common.places): pure functions, no database."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from deskui.services.common.places import UnitRef, fold, normalize_phone, parse_unit, phone_digits, public_key

FULL_WIDTH = str.maketrans("0123456789-#", "０１２３４５６７８９－＃")
CN_DIGITS = "零一二三四五六七八九"
EXTENSION_MARKERS = {"x", "ext", "转"}  # "0755-88881234 x 12" is an extension, not junk


def cn_number(n: int) -> str:
    """1..99 the way people write it: 三, 十二, 二十, 二十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


# --- units --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "3-2-1201",
        "3栋2单元1201",
        "3#2-1201",
        "3号楼2单元1201室",
        "3号2单元1201",
        "3幢2单元1201房",
        "3座2门洞1201",
        "3/2/1201",
        "3.2.1201",
        " 3 栋 2 单元 1201 室 ",
        "03-02-1201",
        "３－２－１２０１",
        "３栋２单元１２０１",
        "三栋二单元1201",
        "三号楼二单元1201室",
        "三号二单元1201",
        "三幢两单元1201",
        "三座二门洞1201",
    ],
)
def test_unit_spellings_share_one_key(text: str) -> None:
    ref = parse_unit(text)
    assert ref == UnitRef("3", "2", "1201")
    assert ref.key == "3-2-1201"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("十二栋3单元0501", "12-3-0501"),  # a room keeps its leading zero: 0501 is not 501
        ("二十栋1单元101", "20-1-101"),
        ("二十一栋1单元101", "21-1-101"),
        ("12栋1201", "12-1201"),  # no entrance
        ("3-1201", "3-1201"),
        ("a3-2-1201", "A3-2-1201"),  # letters fold to upper case
        ("3-2-1201a", "3-2-1201A"),
    ],
)
def test_unit_keys(text: str, key: str) -> None:
    ref = parse_unit(text)
    assert ref is not None
    assert ref.key == key


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1201",
        "张三",
        "东门",
        "3栋",
        "地下车库",
        "电梯",
        "3-2-1201-5",
        "1234-2-1201",
        "3-2-1",
        "hello",
    ],
)
def test_not_a_unit(text: str) -> None:
    assert parse_unit(text) is None


def test_unit_label() -> None:
    ref = UnitRef("3", "2", "1201")
    assert ref.label("zh-CN") == "3栋2单元1201"
    assert ref.label("en") == "3-2-1201"
    assert UnitRef("12", "", "0501").label("zh-CN") == "12栋0501"


def test_public_key_folds_width_case_and_spaces() -> None:
    assert public_key("东 门") == public_key("东门") == "public:东门"
    assert public_key("Ｂ1 车库") == public_key("b1车库") == "public:b1车库"
    assert fold(" ａｂｃ１ ") == "ABC1"


buildings = st.integers(min_value=1, max_value=999)
entrances = st.integers(min_value=1, max_value=99)
rooms = st.from_regex(r"\A[0-9]{2,5}\Z")

SPELLINGS = (
    "{b}-{e}-{r}",
    "{b}栋{e}单元{r}",
    "{b}#{e}-{r}",
    "{b}号楼{e}单元{r}室",
    "{b}幢{e}单元{r}",
    "{b} {e} {r}",
)


@given(b=buildings, e=entrances, r=rooms, spelling=st.sampled_from(SPELLINGS), full_width=st.booleans())
@example(b=3, e=2, r="1201", spelling="{b}号楼{e}单元{r}室", full_width=True)
def test_any_unit_in_any_spelling_parses_back(b: int, e: int, r: str, spelling: str, full_width: bool) -> None:
    text = spelling.format(b=b, e=e, r=r)
    if full_width:
        text = text.translate(FULL_WIDTH)
    ref = parse_unit(text)
    assert ref is not None, text
    assert ref.key == f"{b}-{e}-{r}", text
    # The canonical key and the Chinese label are themselves spellings of the same unit.
    assert parse_unit(ref.key) == ref
    assert parse_unit(ref.label("zh-CN")) == ref


@given(b=st.integers(min_value=1, max_value=99), e=st.integers(min_value=1, max_value=99), r=rooms)
def test_chinese_numerals_for_building_and_entrance(b: int, e: int, r: str) -> None:
    for text in (f"{cn_number(b)}栋{cn_number(e)}单元{r}", f"{cn_number(b)}号楼{cn_number(e)}单元{r}室"):
        ref = parse_unit(text)
        assert ref is not None, text
        assert ref.key == f"{b}-{e}-{r}", text


# --- phones -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "digits"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "8613800138000"),
        ("１３８００１３８０００", "13800138000"),  # full width, as typed with a Chinese IME
        ("0755-88881234", "075588881234"),
        ("(0755) 8888 1234", "075588881234"),
        ("（0755）88881234", "075588881234"),
        ("0755-88881234转123", "075588881234123"),
        ("0755-88881234 转 123", "075588881234123"),
        ("0755-88881234 ext 12", "07558888123412"),
        ("0755-88881234 EXT. 12", "07558888123412"),
        ("110", "110"),
        ("95598", "95598"),
    ],
)
def test_phone_accepted(phone: str, digits: str) -> None:
    tidy = normalize_phone(phone)
    assert phone_digits(tidy) == digits
    assert "  " not in tidy
    assert tidy == tidy.strip()


def test_phone_is_tidied() -> None:
    assert normalize_phone("  138   0013 8000 ") == "138 0013 8000"
    assert normalize_phone("０７５５－８８８８１２３４") == "0755-88881234"


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "   ",
        "138abc00138",
        "call 13800138000",
        "13800138000 x",  # an extension marker needs digits
        "1380013800O",  # letter O for zero
        "12",  # too short
        "1" * 21,  # too long
        "138-0013-8000;139",
        "+",
        "--",
    ],
)
def test_phone_refused(phone: str) -> None:
    with pytest.raises(ValueError):
        normalize_phone(phone)


def test_phone_length_limits() -> None:
    # issue 10 defect 11: one rule (places.phone_problem) — a number of a kind a desk can call back, not 3-20 digits
    for refused in ("1" * 20, "123", "12", "1380013800"):
        with pytest.raises(ValueError):
            normalize_phone(refused)
    assert normalize_phone("110") == "110" and normalize_phone("+44 20 7946 0958") == "+44 20 7946 0958"


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_any_mainland_mobile_round_trips(mobile: str) -> None:
    spaced = f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    assert phone_digits(normalize_phone(mobile)) == mobile
    assert phone_digits(normalize_phone(spaced)) == mobile
    assert phone_digits(normalize_phone(mobile.translate(FULL_WIDTH))) == mobile


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Lo"]), min_size=1, max_size=3), st.integers(0, 11))
def test_letters_anywhere_are_refused(letters: str, at: int) -> None:
    assume(unicodedata.normalize("NFKC", letters).lower() not in EXTENSION_MARKERS)
    mobile = "13800138000"
    with pytest.raises(ValueError):
        normalize_phone(mobile[:at] + letters + mobile[at:])
