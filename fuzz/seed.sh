#!/usr/bin/env bash
# Fill fuzz/corpus/<target>/ with seed inputs from ../shared/corpus and the repository's
# own rules, examples and snapshots. Safe to run again (files are overwritten).
set -euo pipefail
cd "$(dirname "$0")"
shared=../../shared/corpus
[ -d "$shared" ] || { echo "no corpus at $shared" >&2; exit 1; }
seed() { # seed TARGET FILES...
  local target=$1; shift
  mkdir -p "corpus/$target"
  for f in "$@"; do cp "$f" "corpus/$target/$(echo "$f" | md5sum | cut -c1-16)"; done
}
mapfile -t gomod < <(find "$shared/gomod" -type f -name '*go.mod*' | sort)
mapfile -t gowork < <(find "$shared/gomod" -type f -name '*go.work*' | sort)
mapfile -t yaml < <(find "$shared/workflows" "$shared/azure" "$shared/gitlab" -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)
mapfile -t ps < <(find "$shared/profiles" ../examples/scripts -type f -iname '*.ps1' | sort)
mapfile -t cmd < <(find ../examples/scripts -type f \( -iname '*.cmd' -o -iname '*.bat' \) | sort)
mapfile -t sh < <(find "$shared/profiles" ../examples/scripts -type f ! -iname '*.ps1' ! -iname '*.cmd' ! -iname '*.bat' ! -name 'LICENSE*' ! -name '*.tsv' | sort)
seed gomod "${gomod[@]}"
seed gowork "${gowork[@]}"
# The YAML target reads its first byte as the kind of CI file.
mkdir -p corpus/yaml
for f in "${yaml[@]}"; do
  { printf '\000'; cat "$f"; } >"corpus/yaml/$(echo "$f" | md5sum | cut -c1-16)"
done
seed yaml_fast "${yaml[@]}"
seed powershell "${ps[@]}"
seed cmd "${cmd[@]}"
seed shell "${sh[@]}"
seed rule_toml $(find ../rules -name '*.toml' | sort)
seed config ../examples/.gopolicy.toml
seed facts_snapshot ../examples/machines/*.json
for d in corpus/*; do echo "$d: $(ls "$d" | wc -l) seeds"; done
