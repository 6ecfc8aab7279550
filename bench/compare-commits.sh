#!/usr/bin/env bash
# Hpc against Hpc: one commit's hpc-bench and launcher beside another's (or this working tree's),
# same machine, same minutes, runs alternating so that a shared machine's drift hits both alike.
# This is how a restructuring shows that performance held (issue 14: every figure within 10 %).
#
#   bench/compare-commits.sh [--runs N] [--out DIR] [--only NAME...] BEFORE [AFTER]
#
# BEFORE, AFTER: any git revision; AFTER defaults to this working tree as it is (uncommitted
# changes included). Each revision is exported with `git archive` into bench/.build/rev-SHA and
# built there (Release: hpc-bench and the launcher); the working tree is built in place.
# The benchmarks are bench/performance-suite.sh's: ping-pong np 2 over shared memory and TCP,
# allreduce, bcast and barrier at np 2, 4 and 8; MAXBYTES (env, default 16 MiB) is the top size.
# --only NAME... keeps the cases named like their output folders (pingpong-np2-shm, allreduce-np8-shm, ...).
# --runs N (default 3): single runs per revision and case, alternating BEFORE and AFTER.
#
# Writes DIR (default bench/results/commits-BEFORE-AFTER): every raw run and one table.txt per case
# (medians per size with AFTER / BEFORE, then every run's ratio, its median over sizes and worst
# size). Prints every table and, last, one summary line per case.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-3}"
max="${MAXBYTES:-16777216}"
out=""
only=()
revs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) [ $# -ge 2 ] || { echo "compare-commits.sh: --runs needs a number" >&2; exit 2; }; runs="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || { echo "compare-commits.sh: --out needs a folder" >&2; exit 2; }; out="$2"; shift 2 ;;
    --only) shift; while [ $# -gt 0 ] && [[ "$1" != -* ]] && [[ "$1" == *-np* ]]; do only+=("$1"); shift; done ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "compare-commits.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) revs+=("$1"); shift ;;
  esac
done
[ ${#revs[@]} -ge 1 ] && [ ${#revs[@]} -le 2 ] || { echo "usage: bench/compare-commits.sh [--runs N] [--out DIR] [--only NAME...] BEFORE [AFTER]" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "compare-commits.sh: --runs '$runs' is not a positive number" >&2; exit 2; }
[[ "$max" =~ ^[0-9]+$ ]] || { echo "compare-commits.sh: MAXBYTES '$max' is not a number of bytes" >&2; exit 2; }
log() { echo "compare-commits: $*" >&2; }

# A revision's tree, built: prints the folder. "" (no AFTER) is this working tree.
prepare() {
  local rev="$1" sha dir
  if [ -z "$rev" ]; then dir="$repo"
  else
    sha=$(git -C "$repo" rev-parse --verify --quiet "$rev^{commit}") \
      || { echo "compare-commits.sh: '$rev' is not a revision of $repo" >&2; return 2; }
    dir="$repo/bench/.build/rev-${sha:0:12}"
    if [ ! -f "$dir/.exported" ]; then
      rm -rf "$dir"; mkdir -p "$dir"
      git -C "$repo" archive "$sha" | tar -x -C "$dir"
      touch "$dir/.exported"
    fi
  fi
  log "building hpc-bench and the launcher in $dir"
  dotnet build "$dir/src/Hpc.Bench" -c Release --nologo -v q >&2
  dotnet build "$dir/launcher/Hpc.Launcher" -c Release --nologo -v q >&2
  echo "$dir"
}
label_before="${revs[0]}"
label_after="${revs[1]:-working tree}"
before_dir=$(prepare "${revs[0]}")
after_dir=$(prepare "${revs[1]:-}")
bench_dll() { echo "$1/src/Hpc.Bench/bin/Release/net10.0/hpc-bench.dll"; }
launcher_dll() { find "$1/launcher/Hpc.Launcher/bin/Release" -name 'Hpc.Launcher.dll' -path '*net10.0*' | head -1; }
for d in "$before_dir" "$after_dir"; do
  [ -f "$(bench_dll "$d")" ] && [ -n "$(launcher_dll "$d")" ] || { echo "compare-commits.sh: the build in $d has no hpc-bench.dll or Hpc.Launcher.dll" >&2; exit 1; }
done
name() { echo "$1" | tr -c 'A-Za-z0-9._\n-' '_'; }
out="${out:-$repo/bench/results/commits-$(name "${revs[0]}")-$(name "${revs[1]:-worktree}")}"
mkdir -p "$out"

# One case: OP NP TRANSPORT. Runs BEFORE then AFTER, RUNS times; each report's runtime is renamed
# to its side ("before", "after") so that the after side's `hpc-bench compare` pairs them.
run_case() {
  local op="$1" np="$2" transport="$3" case_name dir r side d args
  case_name="$([ "$op" = latency ] && echo pingpong || echo "$op")-np$np-$transport"
  if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$case_name"; then return 0; fi
  dir="$out/$case_name"; mkdir -p "$dir"
  args=("$op" -q); [ "$op" = barrier ] || args+=(-m "4:$max")
  local files=()
  for r in $(seq 1 "$runs"); do
    for side in before after; do
      d=$([ "$side" = before ] && echo "$before_dir" || echo "$after_dir")
      log "$case_name run $r/$runs: $side"
      dotnet "$(launcher_dll "$d")" -np "$np" --transport "$transport" "$(bench_dll "$d")" "${args[@]}" \
        --json "$dir/$side-$r.raw.json" > "$dir/$side-$r.txt"
      sed 's/"runtime": *"[^"]*"/"runtime": "'"$side"'"/' "$dir/$side-$r.raw.json" > "$dir/$side-$r.json"
      files+=("$dir/$side-$r.json")
    done
  done
  dotnet "$(bench_dll "$after_dir")" compare "${files[@]}" --baseline before > "$dir/table.txt"
  echo; echo "### $case_name (after = $label_after, before = $label_before)"; echo
  cat "$dir/table.txt"
}

run_case latency 2 shm
run_case latency 2 tcp
for np in 2 4 8; do
  for op in allreduce bcast barrier; do run_case "$op" "$np" shm; done
done

echo
echo "# summary: per case, the median after/before ratio over sizes in each run (below 1: after is faster)"
for table in "$out"/*/table.txt; do
  printf '%-22s %s\n' "$(basename "$(dirname "$table")")" \
    "$(grep -E '^# median over sizes' "$table" | sed 's/^# median over sizes *//')"
done
log "results in $out"
