"""Import 10,000 real San Francisco 311 requests as calls, then search them: text nobody here wrote.

The file lives in ../shared/data/ (see its README); it is never copied into the repo. The test skips when absent.
"""

from __future__ import annotations

import csv
import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from deskui.cli import run
from deskui.core.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "sf_311_sample_2008_2018.csv.gz"

CHANNELS = {"Phone": "phone", "Web": "online", "Mobile/Open311": "online", "Twitter": "online", "Email": "online"}
CATEGORIES = {
    "Sewer Issues": "repair",
    "Street Defects": "repair",
    "SFHA Requests": "repair",
    "Noise Report": "complaint",
    "MUNI Feedback": "complaint",
    "311 External Request": "help",
}


def category(sf: str) -> str:
    if sf in CATEGORIES:
        return CATEGORIES[sf]
    return "inquiry" if sf.startswith("General Request") else "other"


def to_calls_csv(source: Path, target: Path) -> list[dict[str, str]]:
    """created_date→time, source→channel, complaint_type/descriptor/status_notes→content, address→unit."""
    rows = []
    with gzip.open(source, "rt", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            content = f"{r['complaint_type']}: {r['descriptor']}\n{r['status_notes']}".strip()
            rows.append(
                {
                    "time": r["created_date"],
                    "channel": CHANNELS.get(r["source"], "letter"),
                    "caller": "",
                    "unit": r["incident_address"],
                    "phone": "",
                    "category": category(r["category"]),
                    "content": content,
                }
            )
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["time", "channel", "caller", "unit", "phone", "category", "content"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


def fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


@pytest.mark.slow
@pytest.mark.skipif(not DATA.exists(), reason=f"real data not found at {DATA} (shared/data is not checked out)")
def test_import_and_search_sf311(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    calls_csv = tmp_path / "calls.csv"
    rows = to_calls_csv(DATA, calls_csv)
    with pytest.raises(SystemExit):
        run(["--db", str(db_path), "init"])  # the CLI opens a database; only init and demo make a new one
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        run(["--lang", "en", "--db", str(db_path), "import", "calls", str(calls_csv)])
    captured = capsys.readouterr()
    assert exc.value.code in (0, None), captured.err
    assert captured.out.strip() == f"Imported {len(rows)} calls"

    from deskui.services import open_services

    svc = open_services(load_settings(database_url=str(db_path), language="en", environ={}))
    try:
        stored = svc.calls.list(limit=10)
        assert len(stored) == 10
        # Imported in file order, so id n is row n; the CSV's CR LF inside a cell became LF.
        expected = {i + 1: r for i, r in enumerate(rows)}
        for call in stored:
            assert call.content == expected[call.id]["content"].replace("\r\n", "\n").replace("\r", "\n").strip()
        for term in ("odor", "Sewer", "catch basin", "graffiti", "od", "e", "MUNI", "Not associated", "94110", "x"):
            needle = fold(term)
            want = sorted(
                (
                    i + 1
                    for i, r in enumerate(rows)
                    if needle in fold(r["unit"]) or needle in fold(r["content"].replace("\r\n", "\n").strip())
                ),
                reverse=True,
            )
            got: list[int] = []
            before = None
            while True:
                page = svc.calls.search(term, before_id=before, limit=500)
                got += [c.id for c in page]
                if len(page) < 500:
                    break
                before = page[-1].id
            assert got == want, term
    finally:
        svc.close()

    with pytest.raises(SystemExit):
        run(["--db", str(db_path), "calls", "list", "--format", "json", "--search", "odor", "--limit", "3"])
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 3 and all("odor" in c["content"].lower() for c in listed)
