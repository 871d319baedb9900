#!/usr/bin/env bash
# One go.mod checked end to end as a process: the pre-commit case. Target: <= 2.5 ms wall.
# Uses hyperfine (Debian package) when present, else a plain loop.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
# Cargo builds for the host tuple by name (.cargo/config.toml), so under its folder.
bin="${CARGO_TARGET_DIR:-target}/$(rustc --print host-tuple)/release/gopolicy"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'module example.com/m\n\ngo 1.22.0\n\nrequire (\n\tgolang.org/x/mod v0.20.0\n\tgolang.org/x/text v0.16.0 // indirect\n)\n' > "$dir/go.mod"
if ! command -v hyperfine >/dev/null; then
  (apt-get install -y -qq hyperfine >/dev/null 2>&1) || true
fi
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 20 --runs 300 "$bin check $dir/go.mod --format short"
else
  runs=300
  start=$(date +%s%N)
  for _ in $(seq $runs); do "$bin" check "$dir/go.mod" --format short >/dev/null || true; done
  end=$(date +%s%N)
  echo "mean: $(( (end - start) / runs / 1000 )) µs per run over $runs runs"
fi
