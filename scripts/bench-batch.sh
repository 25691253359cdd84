#!/usr/bin/env bash
# Batch throughput and peak memory, as a whole process reading a file.
# Usage: scripts/bench-batch.sh [ROWS]   (default 2,000,000; mixed Renault / Visteon)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}
cargo build --release --quiet
bin=$PWD/target/release/radiocode
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
input=$dir/serials.txt
# Every precode letter and digit group, and every Visteon digit pattern, cycled.
awk -v n="$rows" 'BEGIN {
  for (i = 0; i < n; i++) {
    if (i % 2 == 0) printf "%c%03d\n", 66 + (i / 2) % 25, (i / 50) % 1000;
    else printf "M%06d\n", (i * 7919) % 1000000;
  }
}' > "$input"
echo "input: $rows rows, $(du -h "$input" | cut -f1)"
for format in csv jsonl; do
  start=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$dir/rss" "$bin" batch "$input" --format "$format" > "$dir/out"
    rss_kb=$(tail -n 1 "$dir/rss")
  else
    # Peak resident memory of the child, from the kernel's accounting.
    rss_kb=$(python3 -c '
import resource, subprocess, sys
with open(sys.argv[3], "wb") as out:
    subprocess.run([sys.argv[1], "batch", sys.argv[2], "--format", sys.argv[4]], stdout=out, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$bin" "$input" "$dir/out" "$format")
  fi
  end=$(date +%s%N)
  ns=$((end - start))
  out_rows=$(wc -l < "$dir/out")
  echo "$format: $(( rows * 1000000000 / ns )) rows/s ($(( ns / 1000000 )) ms), peak memory $(( rss_kb / 1024 )) MiB, $out_rows output lines"
done
