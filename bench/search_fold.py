"""Script-blind search (issue 12): what folding to one script (core.scriptfold, OpenCC) costs, measured in one run.

  (a) OpenCC's import and converter build, in fresh processes, against a bare `import textual.app` (the start-up
      budget is deskui <= 1.3 x bare Textual: the 0.3 is all deskui's own start-up may add). Target: deskui's app
      imports without OpenCC (the first Chinese fold pays it, not the start-up).
  (b) fold() per call, and a call's stored search text, against the old fold (NFKC + casefold) of the same text.
  (c) search over N calls, every other one written in Traditional: the service's search (the term folded, then the
      SQL) for a Simplified and a Traditional term against the same SQL run raw on sqlite3 with the term folded
      beforehand; both terms must give the same calls. Target as bench/calls.py (b): service <= 2 x raw.
  (d) the duty log, folded at query time (it keeps no search text): search_log over --log-entries entries (a term
      found nowhere: the whole chain read) against reading the same entries and a plain `in` on their text.

All figures come from one run; each pair of sides is timed interleaved and compared by median.
Usage: .venv/bin/python bench/search_fold.py [--calls N] [--searches N] [--procs N] [--log-entries N]
The default --calls 200000 is bench/calls.py's.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _ratio import interleaved, median_ms, verdict  # bench/_ratio.py, beside this file
from calls import build, synthetic  # bench/calls.py, beside this file

from deskui.core.clock import Clock
from deskui.core.config import load_settings
from deskui.core.scriptfold import fold
from deskui.services import Services, open_services
from deskui.services.calls import CallService
from deskui.services.calls._rows import SEARCH_SELECT
from deskui.services.common import search as idx
from deskui.services.handover import LogEntry, search_log

ROOT = Path(__file__).resolve().parent.parent
# Simplified term → the same term as a Hong Kong or Taiwan office types it.
TERMS = {"电梯": "電梯", "卫生间": "衞生間", "门锁坏了": "門鎖壞了", "水管漏水": "水管漏水"}


def old_fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold()


def in_fresh_process(code: str, runs: int) -> list[float]:
    """Seconds the snippet reports (it prints one float), median material from `runs` fresh interpreters."""
    out = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
        out.append(float(done.stdout.strip().splitlines()[-1]))
    return out


def bench_import(runs: int) -> list[bool]:
    print(f"(a) first use, median of {runs} fresh processes each, interleaved")
    opencc_code = (
        "import time; t = time.perf_counter(); import opencc; from deskui.core.scriptfold import fold; "
        "fold('電梯'); print(time.perf_counter() - t)"
    )
    textual_code = "import time; t = time.perf_counter(); import textual.app; print(time.perf_counter() - t)"
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a += in_fresh_process(opencc_code, 1)
        b += in_fresh_process(textual_code, 1)
    print(f"  OpenCC import + converter built + first fold: {median_ms(a):.1f} ms")
    print(
        f"  bare `import textual.app`: {median_ms(b):.1f} ms; OpenCC's first use is {median_ms(a) / median_ms(b):.2f}x it"
    )
    check = "import sys, deskui.app, deskui.services; print(float('opencc' in sys.modules))"
    loaded = in_fresh_process(check, 1)[0]
    ok = loaded == 0.0
    print(
        f"  deskui.app imported: OpenCC loaded {'no' if ok else 'YES'} (target: not at start-up) {'PASS' if ok else 'FAIL'}"
    )
    return [ok]


def per_call(fn: Callable[[], object], n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1e6


def bench_fold(rng: random.Random, n: int = 20_000) -> list[bool]:
    print(f"(b) fold per call, µs, median of 7 interleaved rounds of {n:,} calls")
    row = synthetic(rng, 1, datetime.now(UTC))[0]
    fields = (row["caller"], row["unit"], row["phone"], row["phone"], row["content"])
    traditional = tuple(to_traditional(f) for f in fields)
    fold("電")  # the converter built: (a) measured that
    cases = {
        "ASCII 'Lift DOOR broken'": ("Lift DOOR broken",),
        f"Simplified {row['content']!r}": (row["content"],),
        f"Traditional {traditional[-1]!r}": (traditional[-1],),
    }
    for label, (text,) in cases.items():
        a, b = [], []
        for _ in range(7):
            a.append(per_call(lambda text=text: fold(text), n))
            b.append(per_call(lambda text=text: old_fold(text), n))
        print(f"  {label}: fold {statistics.median(a):.2f} µs, old fold {statistics.median(b):.2f} µs")
    a, b = [], []
    for _ in range(7):
        a.append(per_call(lambda: idx.search_text(fields), n))
        b.append(per_call(lambda: idx.SEPARATOR.join(old_fold(f) for f in fields), n))
    print(
        f"  a call's search text (5 fields): {statistics.median(a):.2f} µs, old fold {statistics.median(b):.2f} µs "
        f"({statistics.median(a) / statistics.median(b):.2f}x)"
    )
    return []


_HK = None


def to_traditional(text: str) -> str:
    """Simplified → Traditional, the Hong Kong way (s2hk) or the Taiwan way (s2tw) by the text's length."""
    global _HK
    if _HK is None:
        import opencc

        _HK = (opencc.OpenCC("s2hk").convert, opencc.OpenCC("s2tw").convert)
    return _HK[len(text) % 2](text)


def bench_search(svc: CallService, db_file: Path, repeats: int) -> list[bool]:
    print(f"(c) search, newest {svc.limits.page_size} matches, median of {repeats} interleaved runs")
    raw = sqlite3.connect(db_file, isolation_level=None)
    results = []
    for simplified, traditional in TERMS.items():
        folded = idx.fold(traditional)
        assert folded == idx.fold(simplified), (simplified, traditional)
        chars = sorted(idx.index_chars(folded))
        counts = {
            ch: raw.execute(idx.RARITY_SQL, {"site": svc.site_id, "ch": ch, "cap": 20_000}).fetchone()[0]
            for ch in chars
        }
        chosen = idx.order_by_rarity(chars, counts, svc.limits.search_max_chars)
        sql = idx.candidate_sql("sqlite", SEARCH_SELECT, len(chosen), before=False, current_only=True)
        params = {"site": svc.site_id, "term": folded, "limit": svc.limits.page_size}
        params.update({f"c{i}": ch for i, ch in enumerate(chosen)})
        pending = idx.pending_sql("sqlite", SEARCH_SELECT, before=False, current_only=True)

        def plain(sql: str = sql, params: dict = params, pending: str = pending) -> list[tuple]:  # type: ignore[type-arg]
            return raw.execute(sql, params).fetchall() + raw.execute(pending, params).fetchall()

        expected = [r[0] for r in plain()]
        same = [c.id for c in svc.search(simplified)] == [c.id for c in svc.search(traditional)] == expected
        a, b, c = interleaved(
            repeats, lambda term=simplified: svc.search(term), lambda term=traditional: svc.search(term), plain
        )
        print(
            f"  {simplified!r} / {traditional!r}: service {median_ms(a):.3f} / {median_ms(b):.3f} ms, raw sqlite3 "
            f"{median_ms(c):.3f} ms, {len(expected)} rows, same calls in both scripts: {'yes' if same else 'NO'}"
        )
        results.append(same)
        results.append(verdict(f"{traditional!r} service/raw", median_ms(b) / median_ms(c), 2.0))
    raw.close()
    return results


def bench_dutylog(services: Services, rng: random.Random, n: int, repeats: int = 15) -> list[bool]:
    print(f"(d) duty log search over {n:,} entries, every other one in Traditional, median of {repeats} interleaved")
    log = services.dutylog
    for i, row in enumerate(synthetic(rng, n, datetime.now(UTC))):
        log.add(to_traditional(row["content"]) if i % 2 else row["content"], operator=None)

    def plain() -> list[LogEntry]:
        return [e for e in log.between() if "不存在的词" in e.text]

    a, b = interleaved(repeats, lambda: search_log(log, "不存在的詞"), plain)
    per_k = median_ms(a) / n * 1000
    print(
        f"  search_log {median_ms(a):.1f} ms ({per_k:.1f} ms per 1,000 entries), read + plain `in` {median_ms(b):.1f} ms"
    )
    return [verdict("duty log folded/plain", median_ms(a) / median_ms(b), 2.0)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000, help="calls in the database for (c)")
    parser.add_argument("--searches", type=int, default=200, help="searches timed in (c), each side per term")
    parser.add_argument("--procs", type=int, default=7, help="fresh processes per side in (a)")
    parser.add_argument("--log-entries", type=int, default=2000, help="duty log entries in (d)")
    args = parser.parse_args()
    rng = random.Random(20261203)
    results: list[bool] = []
    results += bench_import(args.procs)
    results += bench_fold(rng)
    with tempfile.TemporaryDirectory(prefix="deskui-bench-fold-") as tmpdir:
        tmp = Path(tmpdir)
        settings = load_settings(database_url=str(tmp / "calls.db"), language="en", environ={})
        services = open_services(settings, Clock())
        rows = synthetic(rng, args.calls, datetime.now(UTC) - timedelta(hours=1))
        for i, row in enumerate(rows):
            if i % 2:
                row["content"], row["caller"] = to_traditional(row["content"]), to_traditional(row["caller"])
        t0 = time.perf_counter()
        build(services.calls, rows)
        print(f"built {args.calls:,} calls (every other one in Traditional) in {time.perf_counter() - t0:.1f} s")
        assert services.db.path is not None
        results += bench_search(services.calls, services.db.path, args.searches)
        results += bench_dutylog(services, rng, args.log_entries)
        services.close()
    print(f"search_fold: {sum(results)}/{len(results)} targets met")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
