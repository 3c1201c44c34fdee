"""Input as Hong Kong, Taiwan, Macau and mainland offices write it (issue 12): unit spellings in both scripts and the
HK/TW grammar of parts (座 block, 樓 floor, 室 flat, 期 phase, 之 sub-unit), times in Traditional characters, phone
numbers of the four regions and how much of each a mask shows. Pure functions; times against a frozen "now"."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskui.services.common import places
from deskui.services.common.masking import mask_phone
from deskui.services.common.places import UnitRef, normalize_phone, parse_unit, phone_problem
from deskui.services.common.timeparse import parse_time

# --- units --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "3棟2單元1201",
        "3號樓2單元1201室",
        "三棟兩單元1201",
        "3座2門洞1201",
        "3棟2單元12樓01室",  # floor and flat written apart
        "3號2單元1201號",
    ],
)
def test_traditional_spellings_share_the_simplified_key(text: str) -> None:
    assert parse_unit(text) == UnitRef("3", "2", "1201"), text


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("A座12樓B室", "A-12B"),  # Hong Kong: block A, floor 12, flat B
        ("A座12楼B室", "A-12B"),
        ("a座12樓b室", "A-12B"),
        ("A座12B室", "A-12B"),
        ("A座12樓B", "A-12B"),
        ("Ａ座１２樓Ｂ室", "A-12B"),
        ("第A座12樓B室", "A-12B"),
        ("A-12B", "A-12B"),  # the key is a spelling of itself
        ("2座3樓A室", "2-3A"),
        ("2期3座12樓B室", "2期-3-12B"),  # phase 2, block 3
        ("二期3座12樓B室", "2期-3-12B"),
        ("2期-3-12B", "2期-3-12B"),
        ("3號12樓之3", "3-1203"),  # Taiwan: No. 3, 12th floor, unit 3
        ("3號12樓之12", "3-1212"),
        ("3棟12樓之3", "3-1203"),
        ("3棟12F之3", "3-1203"),
        ("5棟3樓302室", "5-302"),  # the room already holds its floor
    ],
)
def test_hong_kong_and_taiwan_parts(text: str, key: str) -> None:
    ref = parse_unit(text)
    assert ref is not None, text
    assert ref.key == key, text
    assert parse_unit(ref.key) == ref
    assert parse_unit(ref.label("zh-CN")) == ref
    assert parse_unit(ref.label("zh-HK")) == ref


@pytest.mark.parametrize(
    "text",
    [
        "A座12樓",  # a floor, no flat
        "A座B座12樓B室",  # two blocks
        "12樓B室",  # no block
        "3棟2單元",  # no room
        "電梯大堂",
        "3號12樓之",
    ],
)
def test_not_a_unit_in_traditional(text: str) -> None:
    assert parse_unit(text) is None


buildings = st.integers(min_value=1, max_value=999)
entrances = st.integers(min_value=1, max_value=99)
rooms = st.from_regex(r"\A[0-9]{2,5}\Z")
TRADITIONAL = ("{b}棟{e}單元{r}", "{b}號樓{e}單元{r}室", "{b}號{e}單元{r}", "{b}座{e}門洞{r}")


@given(b=buildings, e=entrances, r=rooms, spelling=st.sampled_from(TRADITIONAL))
def test_any_traditional_spelling_has_the_simplified_key(b: int, e: int, r: str, spelling: str) -> None:
    ref = parse_unit(spelling.format(b=b, e=e, r=r))
    assert ref is not None
    assert ref.key == f"{b}-{e}-{r}"


@given(
    block=st.sampled_from("ABCDEFGH123456789"),
    floor=st.integers(min_value=1, max_value=80),
    flat=st.sampled_from("ABCDEFGH"),
    phase=st.sampled_from(["", "1期", "2期", "十期"]),
)
def test_any_hong_kong_address_round_trips(block: str, floor: int, flat: str, phase: str) -> None:
    ref = parse_unit(f"{phase}{block}座{floor}樓{flat}室")
    assert ref is not None
    assert ref.room == f"{floor}{flat}" and ref.building == block
    assert parse_unit(ref.key) == ref
    assert parse_unit(f"{phase}{block}座{floor}楼{flat}室") == ref


# --- times --------------------------------------------------------------------------------------------------

SH = ZoneInfo("Asia/Shanghai")
HK = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=SH)


def local(text: str, tz: ZoneInfo = SH) -> datetime:
    return parse_time(text, NOW.astimezone(UTC), tz).astimezone(tz).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("simplified", "traditional", "expected"),
    [
        ("现在", "現在", datetime(2026, 11, 23, 14, 0)),
        ("刚才", "剛才", datetime(2026, 11, 23, 14, 0)),
        ("10分钟前", "10分鐘前", datetime(2026, 11, 23, 13, 50)),
        ("2小时前", "2小時前", datetime(2026, 11, 23, 12, 0)),
        ("下午2点半", "下午2點半", datetime(2026, 11, 23, 14, 30)),
        ("上午9点15分", "上午9點15分", datetime(2026, 11, 23, 9, 15)),
        ("昨天晚上8点", "昨天晚上8點", datetime(2026, 11, 22, 20, 0)),
        ("中午12点", "中午12點", datetime(2026, 11, 23, 12, 0)),
        ("凌晨1点", "凌晨1點", datetime(2026, 11, 23, 1, 0)),
        ("12点30分", "12點30分", datetime(2026, 11, 23, 12, 30)),
        ("9时15分", "9時15分", datetime(2026, 11, 23, 9, 15)),
    ],
)
def test_times_in_both_scripts(simplified: str, traditional: str, expected: datetime) -> None:
    assert local(simplified) == expected, simplified
    assert local(traditional) == expected, traditional


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("昨晚8点", datetime(2026, 11, 22, 20, 0)),  # last night at 8 is 20:00, not 08:00
        ("昨晚8點", datetime(2026, 11, 22, 20, 0)),
        ("今早9点", datetime(2026, 11, 23, 9, 0)),
        ("今晚7点", datetime(2026, 11, 23, 19, 0)),
        ("下午兩點", datetime(2026, 11, 23, 14, 0)),
        ("下午两点半", datetime(2026, 11, 23, 14, 30)),
        ("十点", datetime(2026, 11, 23, 10, 0)),
        ("十分鐘前", datetime(2026, 11, 23, 13, 50)),
        ("半小时前", datetime(2026, 11, 23, 13, 30)),
        ("半小時前", datetime(2026, 11, 23, 13, 30)),
        ("一个半小时前", datetime(2026, 11, 23, 12, 30)),
        ("兩個鐘前", datetime(2026, 11, 23, 12, 0)),  # Hong Kong: 個鐘 = hours
        ("琴日晚上8點", datetime(2026, 11, 22, 20, 0)),  # Cantonese 琴日 / 尋日 = yesterday
        ("尋晚8點", datetime(2026, 11, 22, 20, 0)),
        ("而家", datetime(2026, 11, 23, 14, 0)),
    ],
)
def test_times_as_offices_say_them(typed: str, expected: datetime) -> None:
    assert local(typed) == expected


@given(
    hour=st.integers(min_value=1, max_value=11),
    minute=st.integers(min_value=0, max_value=59),
    traditional=st.booleans(),
)
def test_afternoon_hours_in_either_script(hour: int, minute: int, traditional: bool) -> None:
    dot = "點" if traditional else "点"
    typed = f"上午{hour}{dot}{minute}分"
    assert local(typed) == datetime(2026, 11, 23, hour, minute)
    later = local(f"下午{hour}{dot}{minute}分")
    assert (later.hour, later.minute) == (hour + 12, minute)


def test_times_in_a_hong_kong_site() -> None:
    assert local("10分鐘前", HK) == datetime(2026, 11, 23, 13, 50)
    assert local("下午2點半", HK) == datetime(2026, 11, 23, 14, 30)


# --- phones -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "62345678",  # Hong Kong mobile
        "6234 5678",
        "2123 4567",  # Hong Kong landline
        "+852 6234 5678",
        ("(852) 6234 5678"),
        ("852-6234-5678"),
        "00852 6234 5678",
        "+853 6612 3456",  # Macau
        ("0912-345-678"),  # Taiwan mobile
        ("0912345678"),
        "+886 912 345 678",
        ("02-2345-6789"),  # Taiwan landline: Taipei
        ("(02)2345-6789"),
        ("07-123-4567"),  # Kaohsiung
        ("049-2345678"),  # Nantou
        "+886 2 2345 6789",
        ("02-2345-6789 轉 123"),  # Traditional 轉 and 分機 for an extension
        ("02-2345-6789 分機 12"),
        "13812345678",
        "+86 138 1234 5678",
        "010-62345678",
        "0755-8888 1234 转 12",
    ],
)
def test_regional_numbers_accepted(phone: str) -> None:
    assert phone_problem(phone) is None, phone
    assert normalize_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "12345678",  # no region's local number starts with 1
        "0123456",
        "0912-345-67",  # a Taiwan mobile with a digit missing
        "+852 6234 567",
        ("+852 1234 5678"),
        "0912345678 转 12",  # a mobile takes no extension
    ],
)
def test_regional_numbers_refused(phone: str) -> None:
    assert phone_problem(phone) is not None, phone


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("62345678", "+852 6234 5678"),
        ("6234 5678", "00852-6234-5678"),
        ("(852) 6234 5678", "6234-5678"),
        ("0912-345-678", "+886 912 345 678"),
        ("02-2345-6789", "+886 2 2345 6789"),
        ("13812345678", "+86 138 1234 5678"),
        ("010-62345678", "+86 10 6234 5678"),
        ("010-62345678", "0086 10 6234 5678"),
    ],
)
def test_one_number_written_two_ways_has_shared_variants(a: str, b: str) -> None:
    assert set(places.phone_variants(a, "852")) & set(places.phone_variants(b, "852")), (a, b)


def test_a_local_number_is_hong_kong_only_in_hong_kong() -> None:
    assert "85262345678" in places.phone_variants("62345678", "852")
    assert "85262345678" not in places.phone_variants("62345678", "86")
    assert "62345678" in places.phone_variants("+852 6234 5678", "852")
    assert "62345678" not in places.phone_variants("+852 6234 5678", "86")


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("62345678", "****5678"),
        ("6234 5678", "**** 5678"),
        ("+852 6234 5678", "+852 **** 5678"),
        ("+853 6612 3456", "+853 **** 3456"),
        ("0912-345-678", "0912-***-678"),
        ("+886 912 345 678", "+886 912 *** 678"),
        ("02-2345-6789", "02-****-6789"),
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("021-62345678", "021-****5678"),
        ("0755-8888 1234", "0755-**** 1234"),
        ("021-62345678 转 123", "021-****5678 转 123"),
        ("02-2345-6789 轉 12", "02-****-6789 轉 12"),
        ("110", "***"),
        ("", ""),
    ],
)
def test_masks_hide_half_of_the_subscriber_number(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@given(st.from_regex(r"\A\+?[0-9][0-9 \-]{2,18}[0-9]\Z"))
def test_a_mask_keeps_the_shape_and_hides_a_fair_share(phone: str) -> None:
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    assert all(m in (c, "*") for c, m in zip(phone, masked, strict=True))
    digits = sum(c.isdigit() for c in phone)
    hidden = masked.count("*")
    assert hidden >= min(3, digits // 2) if digits >= 4 else hidden == digits
