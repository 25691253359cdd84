#!/usr/bin/env bash
# Cross-builds radiocode for Windows (x86_64-pc-windows-gnu) and runs the
# Windows suite under Wine: the command-line contract tests on SQLite, the
# workbench's frame tests and the domain's tests. The pseudo-terminal and
# PostgreSQL-server tests stay on Linux.
#
# Needs: the rustup target x86_64-pc-windows-gnu, Debian's
# gcc-mingw-w64-x86-64 and wine64 (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-pc-windows-gnu
dir=target/$target/debug
wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)

# Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Rust's standard
# library calls at start-up: a test-only shim beside the executables answers
# from advapi32's RtlGenRandom. It is never shipped.
mkdir -p "$dir/deps"
x86_64-w64-mingw32-gcc -shared -O2 -o "$dir/bcryptprimitives.dll" \
  tests/windows/bcryptprimitives.c -ladvapi32
cp "$dir/bcryptprimitives.dll" "$dir/deps/"

# Wine's own files stay inside the clone.
export WINEPREFIX="$PWD/target/wine"
export WINEDEBUG=-all
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$wine"

# The prefix is made and settled before the first test binary starts, so no
# test races Wine's own first start.
"$wine" wineboot --init >/dev/null 2>&1 || true
wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
"$wineserver" -w 2>/dev/null || true

status=0
targets=(cli_decode cli_batch cli_simulate store records paper dump workbench technician
  serial vectors keypad props label label_workbench phone)
args=(--lib)
for t in "${targets[@]}"; do args+=(--test "$t"); done
cargo test --target "$target" --no-run --quiet "$@" "${args[@]}"

# Each target on its own. Wine at times fails to start a process (Windows
# error 1359, "Internal error") or dies before a test binary reports; such a
# target runs once more, and what Wine printed the first time is kept in
# target/wine-retries/. A test that fails and reports it is never rerun.
mkdir -p target/wine-retries
for t in lib "${targets[@]}"; do
  if [[ $t == lib ]]; then which=(--lib); else which=(--test "$t"); fi
  out="target/wine-retries/$t.log"
  if cargo test --target "$target" "$@" "${which[@]}" >"$out" 2>&1; then
    cat "$out"
    continue
  fi
  if grep -aqE 'code: 1359|Internal error' "$out" || ! grep -aqE '^test result: ' "$out"; then
    echo "windows: Wine could not run the $t tests to the end; they run once more ($out)"
    cargo test --target "$target" "$@" "${which[@]}" 2>&1 || status=$?
  else
    cat "$out"
    status=1
  fi
done

# The whole program as a garage's PC runs it.
cargo build --quiet --target "$target"
cargo build --quiet
exe="$dir/radiocode.exe"
linux=target/debug/radiocode
work=$(mktemp -d)
trap 'rm -rf "$work"; tmux -L radiocode-wine kill-server 2>/dev/null || true' EXIT
passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then
    echo "windows check $name ... ok"
    passed=$((passed + 1))
  else
    echo "windows check $name ... FAILED"
    failed=$((failed + 1))
  fi
}

# decode: the same bytes and exit status as on Linux.
same_decode() {
  local args=("$@") a b sa sb
  a=$("$wine" "$exe" "${args[@]}" 2>&1) && sa=0 || sa=$?
  b=$("$linux" "${args[@]}" 2>&1) && sb=0 || sb=$?
  [[ "$a" == "$b" && "$sa" == "$sb" ]] || {
    echo "  $*: Windows said ($sa) $a"
    echo "  Linux said ($sb) $b"
    return 1
  }
}
none=(--db "$work/none.db")
check decode-precode same_decode "${none[@]}" decode J727
check decode-json same_decode "${none[@]}" decode --json 'bp 5384 6 41829O5' M123456
check decode-no-code same_decode "${none[@]}" decode BP538464182965
check decode-invalid same_decode "${none[@]}" decode XYZ

# The records under the user's AppData when no --db is given.
appdata_records() {
  env -u RADIOCODE_DB -u RADIOCODE_CONFIG "$wine" "$exe" book add J727 6586 \
    --confidence confirmed --source test >/dev/null &&
    ls "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/radiocode/radiocode.db >/dev/null
}
check records-in-appdata appdata_records

# batch: byte for byte the Linux build's over the whole Renault keyspace.
same_batch() {
  for l in {A..Z}; do for n in $(seq -w 0 999); do echo "$l$n"; done; done >"$work/keyspace.txt"
  # The same records on both: none yet, so the shipped public pairs.
  local db=(--db "$work/none.db")
  "$wine" "$exe" "${db[@]}" batch "$work/keyspace.txt" --format csv >"$work/win.csv"
  "$linux" "${db[@]}" batch "$work/keyspace.txt" --format csv >"$work/linux.csv"
  "$wine" "$exe" "${db[@]}" batch "$work/keyspace.txt" >"$work/win.jsonl"
  "$linux" "${db[@]}" batch "$work/keyspace.txt" >"$work/linux.jsonl"
  cmp "$work/win.csv" "$work/linux.csv" && cmp "$work/win.jsonl" "$work/linux.jsonl" &&
    [[ $(wc -l <"$work/win.csv") == 26001 ]]
}
check batch-renault-keyspace same_batch

# The workbench opens in a terminal and Esc, twice, closes it with status 0.
workbench_opens_and_closes() {
  command -v tmux >/dev/null || { echo "  tmux is not installed"; return 1; }
  local t="tmux -L radiocode-wine"
  $t new-session -d -s rc -x 100 -y 30 \
    "WINEPREFIX='$WINEPREFIX' WINEDEBUG=-all '$wine' '$exe' --db '$work/bench.db'; echo EXIT=\$? >'$work/exit'; sleep 60"
  local i
  for i in $(seq 1 60); do
    $t capture-pane -p -t rc 2>/dev/null | grep -q 'Decoder' && break
    sleep 1
  done
  # One Esc on an empty serial says it would quit; the second, next, quits.
  $t send-keys -t rc Escape
  for i in $(seq 1 30); do
    $t capture-pane -p -t rc 2>/dev/null | grep -q 'Esc again quits' && break
    sleep 1
  done
  $t send-keys -t rc Escape
  for i in $(seq 1 30); do
    [[ -s "$work/exit" ]] && break
    sleep 1
  done
  $t kill-server 2>/dev/null || true
  [[ "$(cat "$work/exit" 2>/dev/null)" == "EXIT=0" ]]
}
check workbench-esc workbench_opens_and_closes

echo "windows checks: $passed passed, $failed failed"
[[ $failed == 0 ]] || status=1
exit "$status"
