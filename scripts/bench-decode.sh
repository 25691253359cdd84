#!/usr/bin/env bash
# Whole-process time of `radiocode decode` on a Visteon serial (release build).
# Uses hyperfine when installed (apt-get install hyperfine), else a shell loop.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/radiocode
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 50 --runs 1000 "$bin decode M123456"
else
  n=1000
  start=$(date +%s%N)
  for _ in $(seq "$n"); do "$bin" decode M123456 >/dev/null; done
  end=$(date +%s%N)
  echo "mean per process: $(( (end - start) / n / 1000 )) us over $n runs"
fi
