#!/usr/bin/env bash
# The label reader on a labelled set of its own: read rate, serials wrongly
# reported as sure, wrong serials offered as not sure, serials offered on
# photos without one, time per photo (whole process) and peak memory, beside
# zbarimg (Debian's zbar-tools) and the zxing-cpp Python binding on the same
# photos, and Tesseract alone (with --text).
# Usage: scripts/bench-label.sh [--text] [--wide SEED]
#   --text: printed text too, through Tesseract, where installed (default
#           barcodes only, as the others);
#   --wide SEED: the widened set (120 labels in the makers' layouts, many
#           faces, silver and yellowed paper, tilts, turns, glare, clutter;
#           16 without a serial) drawn from SEED, at 1.9 and 12 MP. It
#           prints in Debian's fonts-liberation, fonts-freefont-ttf,
#           fonts-noto-core and fonts-ocr-b, installed when missing.
#
# What it needs, installed when missing: zbar-tools (apt), zxing-cpp, numpy
# and pillow (pip). A reader that cannot be installed is left out, and said.
set -euo pipefail
cd "$(dirname "$0")/.."

text_flag=--no-text
wide=
while (($#)); do
  case $1 in
    --text) text_flag= ;;
    --wide) wide=${2:?--wide takes a seed}; shift ;;
    *) echo "usage: scripts/bench-label.sh [--text] [--wide SEED]" >&2; exit 2 ;;
  esac
  shift
done
if [[ -n $wide ]] && ! [[ -f /usr/share/fonts/opentype/ocr-b/OCRB.otf && -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf && -f /usr/share/fonts/truetype/freefont/FreeSans.ttf && -f /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ]]; then
  (export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq --no-install-recommends \
    fonts-liberation fonts-freefont-ttf fonts-noto-core fonts-ocr-b >/dev/null 2>&1) \
    || { echo "the widened set needs fonts-liberation fonts-freefont-ttf fonts-noto-core fonts-ocr-b"; exit 3; }
fi

if ! command -v zbarimg >/dev/null 2>&1; then
  (export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq zbar-tools >/dev/null 2>&1) \
    || echo "zbarimg: not installed, left out"
fi
python3 -c 'import zxingcpp, numpy, PIL' 2>/dev/null \
  || pip install -q zxing-cpp numpy pillow >/dev/null 2>&1 \
  || echo "zxing-cpp: not installed, left out"

cargo build --release --quiet --bin radiocode --example label_set
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -n $wide ]]; then
  target/release/examples/label_set "$work/small" --wide "$wide"
  target/release/examples/label_set "$work/big" --big --wide "$wide"
else
  target/release/examples/label_set "$work/small"
  target/release/examples/label_set "$work/big" --big
fi

python3 - "$work" "$text_flag" <<'PY'
import csv, os, subprocess, sys, time, json, statistics, shutil

work, text_flag = sys.argv[1], sys.argv[2]
radiocode = os.path.abspath("target/release/radiocode")

def run(cmd):
    """Whole process: wall time (s), peak memory (MB), stdout."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, _, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, out.decode("utf-8", "replace")

try:
    import zxingcpp, numpy  # noqa
    from PIL import Image
    have_zxing = True
except Exception:
    have_zxing = False
have_zbar = shutil.which("zbarimg") is not None
have_tess = text_flag == "" and shutil.which("tesseract") is not None

def tesseract_reads(path, want):
    """Tesseract alone (sparse text): the serial somewhere in its words,
    spaces, dashes and an 815/M0 prefix forgiven; a Becker key as its
    model and number anywhere on the label."""
    t, mem, out = run(["tesseract", path, "stdout", "--psm", "11"])
    flat = "".join(c for c in out.upper() if c.isalnum())
    if not want:
        return False, t, mem
    if want.startswith("BE"):
        ok = want[2:6] in flat and want[6:] in flat
    elif want.startswith("M"):
        ok = want in flat or ("M0" + want[1:]) in flat
    else:
        ok = want in flat
    return ok, t, mem

def serial_of(text):
    """The serial a barcode's text holds, by the same label rules."""
    t = text.strip()
    if t.startswith("815BP") or t.startswith("815CM"):
        t = "BP" + t[5:]
    if "T" in t and len(t) > 5:
        i = t.rfind("T")
        if len(t) - i == 5:
            t = t[i + 1:]
    return t

for set_name in ("small", "big"):
    folder = os.path.join(work, set_name)
    rows = list(csv.DictReader(open(os.path.join(folder, "truth.csv"))))
    results = {"radiocode": [], "zbarimg": [], "zxing-cpp": [], "tesseract": []}
    peers_any = 0
    wrong_sure = 0
    wrong_unsure = 0
    phantom = 0
    missed = []
    for row in rows:
        path = os.path.join(folder, row["file"])
        want = row["serial"]
        cmd = [radiocode, "label", "--json"] + ([text_flag] if text_flag else []) + [path]
        t, mem, out = run(cmd)
        got = json.loads(out.splitlines()[0]) if out.strip() else {}
        ok = (got.get("serial") or "") == want
        if got.get("serial") and got.get("serial") != want:
            if got.get("sure"):
                wrong_sure += 1
            if not want:
                phantom += 1
            elif not got.get("sure"):
                wrong_unsure += 1
        if not ok:
            missed.append(row["file"])
        results["radiocode"].append((ok, t, mem))
        peer_ok = False
        if have_tess and want:
            ok, t, mem = tesseract_reads(path, want)
            peer_ok |= ok
            results["tesseract"].append((ok, t, mem))
        if have_zbar:
            t, mem, out = run(["zbarimg", "--quiet", "--raw", path])
            texts = [serial_of(l) for l in out.splitlines()]
            ok = (want in texts) if want else not any(
                s for s in texts if s.startswith(("BP", "BE", "M")) or len(s) == 4)
            results["zbarimg"].append((ok, t, mem))
            peer_ok |= bool(want) and ok
        if have_zxing:
            start = time.perf_counter()
            found = zxingcpp.read_barcodes(Image.open(path))
            t = time.perf_counter() - start
            texts = [serial_of(b.text) for b in found]
            ok = (want in texts) if want else not any(
                s for s in texts if s.startswith(("BP", "BE", "M")) or len(s) == 4)
            results["zxing-cpp"].append((ok, t, 0))
            peer_ok |= bool(want) and ok
        peers_any += peer_ok
    mp = "12 MP, label small" if set_name == "big" else "1.9 MP"
    if text_flag == "":
        with_serial = sum(1 for row in rows if row["serial"])
        print(f"\n{set_name}: the peers together read {peers_any} of the {with_serial} photos with a serial")
    print(f"\n{set_name} set: {len(rows)} photos ({mp})")
    print(f"  {'reader':<12}{'read':>10}{'median ms':>11}{'max ms':>9}{'peak MB':>9}")
    for name, rs in results.items():
        if not rs:
            continue
        n_ok = sum(1 for ok, _, _ in rs if ok)
        times = [t * 1000 for _, t, _ in rs]
        mem = max(m for _, _, m in rs)
        mem_s = f"{mem:.0f}" if mem else "-"
        print(f"  {name:<12}{n_ok:>5}/{len(rs):<4}{statistics.median(times):>11.0f}"
              f"{max(times):>9.0f}{mem_s:>9}")
    without = sum(1 for row in rows if not row["serial"])
    print(f"  radiocode serials wrongly reported as sure: {wrong_sure}")
    print(f"  radiocode wrong serials offered as not sure: {wrong_unsure}")
    print(f"  radiocode serials offered on the {without} photos without one: {phantom}")
    if missed:
        print(f"  radiocode missed: {' '.join(missed)}")
print("\nzxing-cpp is timed in-process (decode and PIL load), the others as whole processes.")
PY
