#!/usr/bin/env bash
# deskui as a user installs it (issue 11): build the wheel, install it with its dependencies into a fresh virtual
# environment, and run it from another directory with HOME in a scratch folder and no DESKUI_* or XDG_* variable:
# `deskui demo`, `deskui doctor`, `deskui calls list`. The database must land in the user's data directory
# ($HOME/.local/share/deskui), never in site-packages or the working directory; the bare launcher must answer a
# shell's completion request. Needs only Python 3.11+ (PYTHON, default python3) and pip's access to the package
# registry. Called by .ci/run; runs alone too: `bash .ci/wheel_check.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
started=$(date +%s)
say() { printf '=== wheel [%3ds] %s\n' "$(($(date +%s) - started))" "$*"; }
die() { printf 'wheel check FAILED: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/deskui-wheel.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# The sources as git sees them (tracked and new files, not ignored ones) copied out first: a stale build/ folder
# of a checkout would otherwise slip modules that no longer exist into the wheel.
say "copying the sources"
mkdir "$WORK/src"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -xf - -C "$WORK/src"

say "building the wheel ($("$PYTHON" --version 2>&1))"
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/dist" "$WORK/src"
WHEEL=$(ls "$WORK"/dist/deskui-*.whl)
say "built $(basename "$WHEEL")"

say "installing it with its dependencies into a fresh virtual environment"
"$PYTHON" -m venv "$WORK/venv"
# --no-compile: no bytecode for every module of every dependency up front (most of the CPU time of the install);
# the commands below compile what they import.
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-compile "$WHEEL"

HOME_DIR="$WORK/home"
ELSEWHERE="$WORK/elsewhere"
mkdir -p "$HOME_DIR" "$ELSEWHERE"
# A clean user: only PATH, HOME and a UTF-8 locale; no DESKUI_*, no XDG_* of the machine running CI.
deskui() {
    (cd "$ELSEWHERE" && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$HOME_DIR" LANG=C.UTF-8 \
        "$WORK/venv/bin/deskui" --lang en "${ARGS[@]}") </dev/null
}
run() {  # its output in the log, shown when it fails
    ARGS=("$@")
    say "deskui $*"
    deskui >"$WORK/out.log" 2>&1 || { status=$?; cat "$WORK/out.log"; die "deskui $* exited $status"; }
}

ARGS=(--version); deskui | grep -q '^deskui [0-9]' || die "deskui --version"
run demo
run doctor
run calls list --limit 5
ARGS=(doctor --format json); deskui >"$WORK/doctor.json" || die "deskui doctor --format json"

DATA="$HOME_DIR/.local/share/deskui"
[ -f "$DATA/deskui.db" ] || die "no database at $DATA/deskui.db"
"$WORK/venv/bin/python" - "$WORK/doctor.json" "$DATA" <<'EOF' || die "doctor --format json does not name the user data directory"
import json, sys
paths = json.load(open(sys.argv[1]))["paths"]
assert paths["database"] == sys.argv[2] + "/deskui.db", paths
assert paths["data_dir"] == sys.argv[2], paths
EOF
# The printed work order (issue 14): reportlab came with deskui, the PDF lands in the data folder's reports/.
ARGS=(tickets list --format json --limit 1)
number=$(deskui | "$WORK/venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)[0]["number"])') \
    || die "no demo ticket to print"
run tickets print "$number"
[ -s "$DATA/reports/$number.pdf" ] || die "tickets print wrote no $DATA/reports/$number.pdf"
say "work order $number printed to $DATA/reports/$number.pdf"
stray=$(find "$WORK/venv" -name '*.db' -o -name '*.db.key' -o -name '*.db.anchor' | head -n 5)
[ -z "$stray" ] || die "database files inside the virtual environment: $stray"
[ -z "$(ls -A "$ELSEWHERE")" ] || die "files written in the working directory: $(ls -A "$ELSEWHERE")"
say "the database is $DATA/deskui.db; nothing in site-packages or the working directory"

# A shell asking for completions runs the bare launcher with no arguments.
completions=$(cd "$ELSEWHERE" && env -i PATH=/usr/bin:/bin HOME="$HOME_DIR" LANG=C.UTF-8 _DESKUI_COMPLETE=complete_bash \
    COMP_WORDS="deskui cal" COMP_CWORD=1 "$WORK/venv/bin/deskui" </dev/null) || die "completion request exited $?"
grep -qx calls <<<"$completions" || die "completion of 'deskui cal' did not offer calls: $completions"
say "completion answers through the bare launcher"

say "wheel check passed in $(($(date +%s) - started)) s"
