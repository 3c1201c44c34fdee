"""Call log benchmarks: saving, searching and importing, each against the plain way of doing the same work.

All ratios come from ONE run on the same engine and data, each side timed interleaved and compared by median:
  (a) save a call through CallService.record   ≤ 1.2 × a plain SQLModel session-per-row insert of the same row
  (b) search a 1-, 2- and 4-character Chinese term ≤ 2 × the same SQL (same plan) run raw on sqlite3,
      and the 1- and 2-character searches ≤ 3 × the 4-character one
  (c) `deskui import calls` of 100,000 rows   ≤ 2 × raw executemany in one transaction plus one index rebuild

Usage: .venv/bin/python bench/calls.py [--calls N] [--import-rows N] [--saves N] [--searches N]
The default (--calls 200000) finishes in a few minutes on the 2-core CI machine. The full-size figure from the
issue is `--calls 1000000` (about 15 minutes, ~1.5 GB of database in a temp dir); run it by hand.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _ratio import interleaved, median_ms, timed, verdict  # bench/_ratio.py, beside this file
from sqlmodel import Session

from deskui.core.clock import Clock
from deskui.core.config import load_settings
from deskui.models import Call
from deskui.services import open_services
from deskui.services.calls import CallInput, CallService, import_calls
from deskui.services.calls._rows import SEARCH_SELECT as _SEARCH_SELECT
from deskui.services.common import search as idx

PLACES = [
    "厨房",
    "卫生间",
    "客厅",
    "阳台",
    "楼道",
    "电梯间",
    "地下车库",
    "大门口",
    "屋顶",
    "卧室",
    "儿童乐园",
    "垃圾房",
]
PROBLEMS = [
    "水管漏水",
    "下水道堵塞",
    "灯不亮",
    "门锁坏了",
    "墙面渗水",
    "空调外机滴水",
    "噪音太大",
    "电梯故障困人",
    "突然停电",
    "停水",
    "有异味",
    "插座漏电",
    "玻璃破裂",
    "天花板掉灰",
    "对讲门禁失灵",
    "车位被占",
]
EXTRAS = [
    "请尽快处理",
    "希望明天上午上门",
    "已经三天了",
    "家里有老人",
    "楼下也受影响",
    "第二次报修",
    "下午两点后有人在家",
    "请先电话联系",
    "物业费已交",
    "邻居也反映过",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
CATEGORIES = ["repair", "repair", "repair", "complaint", "inquiry", "help", "suggestion", "other"]
TERMS = {"1 char": "水", "2 chars": "漏水", "4 chars": "厨房水管"}


def synthetic(rng: random.Random, n: int, start: datetime) -> list[dict[str, str]]:
    """n calls of plausible Chinese content, one every ~3 minutes up to `start`."""
    rows = []
    for i in range(n):
        content = f"{rng.choice(PLACES)}{rng.choice(PROBLEMS)}，{rng.choice(EXTRAS)}"
        if rng.random() < 0.3:
            content += f"。{rng.choice(PLACES)}也{rng.choice(PROBLEMS)}"
        rows.append(
            {
                "time": (start - timedelta(minutes=3 * (n - i))).isoformat(),
                "channel": "phone",
                "caller": rng.choice(SURNAMES) + rng.choice(("先生", "女士")),
                "unit": f"{rng.randint(1, 30)}-{rng.randint(1, 4)}-{rng.randint(1, 33)}{rng.randint(1, 4):02d}",
                "phone": f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}",
                "category": rng.choice(CATEGORIES),
                "content": content,
            }
        )
    return rows


def build(svc: CallService, rows: list[dict[str, str]]) -> None:
    """Bulk-load through the service (checked rows, one transaction per 100k, index rebuilt for big batches)."""
    for i in range(0, len(rows), 100_000):
        chunk = [
            svc.check(
                CallInput(
                    content=r["content"],
                    category=r["category"],
                    channel=r["channel"],
                    time=r["time"],
                    caller=r["caller"],
                    unit=r["unit"],
                    phone=r["phone"],
                ),
                strict=False,
            )
            for r in rows[i : i + 100_000]
        ]
        svc.insert_many(chunk)


def bench_search(svc: CallService, db_file: Path, repeats: int) -> list[bool]:
    print(f"(b) search, newest {svc.limits.page_size} matches, median of {repeats} interleaved runs")
    raw = sqlite3.connect(db_file, isolation_level=None)
    ours: dict[str, float] = {}
    results = []
    for label, term in TERMS.items():
        folded = idx.fold(term)
        chars = sorted(idx.index_chars(folded))
        counts = {
            ch: raw.execute(idx.RARITY_SQL, {"site": svc.site_id, "ch": ch, "cap": 20_000}).fetchone()[0]
            for ch in chars
        }
        chosen = idx.order_by_rarity(chars, counts, svc.limits.search_max_chars)
        sql = idx.candidate_sql("sqlite", _SEARCH_SELECT, len(chosen), before=False, current_only=True)
        params = {"site": svc.site_id, "term": folded, "limit": svc.limits.page_size}
        params.update({f"c{i}": ch for i, ch in enumerate(chosen)})
        pending = idx.pending_sql("sqlite", _SEARCH_SELECT, before=False, current_only=True)

        def plain(sql: str = sql, params: dict = params, pending: str = pending) -> list[tuple]:  # type: ignore[type-arg]
            return raw.execute(sql, params).fetchall() + raw.execute(pending, params).fetchall()

        expected = [r[0] for r in plain()]
        assert [c.id for c in svc.search(term)] == expected, term
        a, b = interleaved(repeats, lambda term=term: svc.search(term), plain)
        ours[label] = median_ms(a)
        print(
            f"  {label} {term!r}: service {ours[label]:.3f} ms, raw sqlite3 {median_ms(b):.3f} ms, {len(expected)} rows"
        )
        results.append(verdict(f"{label} service/raw", ours[label] / median_ms(b), 2.0))
    for label in ("1 char", "2 chars"):
        results.append(verdict(f"{label} / 4 chars", ours[label] / ours["4 chars"], 3.0))
    raw.close()
    return results


def bench_save(services, rng: random.Random, n: int) -> list[bool]:  # type: ignore[no-untyped-def]
    print(f"(a) save one call, median of {n} interleaved saves each (synchronous=FULL: one fsync per commit)")
    svc: CallService = services.calls
    engine = services.db.engine
    a: list[float] = []
    b: list[float] = []
    for row in synthetic(rng, n, datetime.now(UTC) - timedelta(minutes=5)):
        data = CallInput(
            content=row["content"], category=row["category"], caller=row["caller"], unit=row["unit"], phone=row["phone"]
        )
        token = str(uuid.uuid4())
        a.append(timed(lambda data=data, token=token: svc.record(data, client_token=token)))
        checked = svc.check(data)

        def plain(checked=checked) -> None:  # type: ignore[no-untyped-def]
            with Session(engine) as s:
                s.add(
                    Call(
                        site_id=services.site_id,
                        called_at=checked.called_at,
                        channel=checked.channel,
                        caller=checked.caller,
                        unit_text=checked.unit_text,
                        unit_key=checked.unit_key,
                        phone=checked.phone,
                        phone_digits=checked.phone_digits,
                        category=checked.category,
                        content=checked.content,
                        ticket_wanted=checked.ticket_wanted,
                        shift_key=checked.shift_key,
                        duty_date=checked.duty_date,
                        client_token=str(uuid.uuid4()),
                        search_text=checked.search_text,
                        recorded_at=datetime.now(UTC),
                    )
                )
                s.commit()

        b.append(timed(plain))
    print(f"  service {median_ms(a):.3f} ms, plain SQLModel {median_ms(b):.3f} ms")
    return [verdict("save service/plain", median_ms(a) / median_ms(b), 1.2)]


def bench_import(tmp: Path, rng: random.Random, n: int) -> list[bool]:
    print(f"(c) import {n:,} rows into a fresh database")
    rows = synthetic(rng, n, datetime.now(UTC) - timedelta(days=1))
    path = tmp / "import.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    def fresh(name: str):  # type: ignore[no-untyped-def]
        settings = load_settings(database_url=str(tmp / name), language="en", environ={})
        return open_services(settings, Clock())

    ours = fresh("import-ours.db")
    t_ours = timed(lambda: import_calls(ours.calls, path))
    assert len(ours.calls.list(limit=5)) == 5
    # The same rows, already converted, straight to sqlite3 in one transaction: what the import cannot beat.
    cur = sqlite3.connect(ours.db.path, isolation_level=None)
    call_rows = cur.execute("SELECT * FROM call ORDER BY id").fetchall()
    columns = [d[0] for d in cur.execute("SELECT * FROM call LIMIT 0").description]
    char_rows = cur.execute("SELECT site_id, ch, call_id FROM callchar").fetchall()
    cur.close()
    ours.close()
    base = fresh("import-raw.db")
    base.close()
    con = sqlite3.connect(tmp / "import-raw.db", isolation_level=None)
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA journal_mode=WAL")

    def raw() -> None:
        con.execute("BEGIN IMMEDIATE")
        con.execute("DROP INDEX ix_callchar_lookup")
        con.executemany(f"INSERT INTO call ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", call_rows)
        con.executemany("INSERT INTO callchar (site_id, ch, call_id) VALUES (?, ?, ?)", char_rows)
        con.execute("CREATE INDEX ix_callchar_lookup ON callchar (site_id, ch, call_id)")
        con.execute("COMMIT")

    t_raw = timed(raw)
    con.close()
    print(
        f"  deskui import {t_ours:.2f} s, raw executemany + index rebuild {t_raw:.2f} s ({len(char_rows):,} index rows)"
    )
    return [verdict("import deskui/raw", t_ours / t_raw, 2.0)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000, help="calls in the database for (a) and (b)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows imported in (c)")
    parser.add_argument("--saves", type=int, default=200, help="saves timed in (a), each side")
    parser.add_argument("--searches", type=int, default=200, help="searches timed in (b), each side per term")
    args = parser.parse_args()
    rng = random.Random(20261123)
    results: list[bool] = []
    with tempfile.TemporaryDirectory(prefix="deskui-bench-calls-") as tmpdir:
        tmp = Path(tmpdir)
        settings = load_settings(database_url=str(tmp / "calls.db"), language="en", environ={})
        services = open_services(settings, Clock())
        t0 = time.perf_counter()
        build(services.calls, synthetic(rng, args.calls, datetime.now(UTC) - timedelta(hours=1)))
        print(f"built {args.calls:,} calls in {time.perf_counter() - t0:.1f} s")
        assert services.db.path is not None
        results += bench_search(services.calls, services.db.path, args.searches)
        results += bench_save(services, rng, args.saves)
        services.close()
        results += bench_import(tmp, rng, args.import_rows)
    print(f"calls: {sum(results)}/{len(results)} targets met")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
