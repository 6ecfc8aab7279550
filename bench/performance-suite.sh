#!/usr/bin/env bash
# The measurements behind docs/performance.md: Hpc against Open MPI at np 2, 4 and 8 for
# ping-pong, allreduce, bcast and barrier over shared memory, and ping-pong over TCP; REPS
# runs each (default 3; compare-openmpi.sh's own default is 5), alternating the two runtimes. Sizes go to MAXBYTES (default 16 MiB,
# the top of the targets). Prints every table as Markdown at the end (docs/performance.md).
#
#   bench/performance-suite.sh [OUTDIR]      (default bench/results/suite)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/bench/results/suite}"
max="${MAXBYTES:-16777216}"
export REPS="${REPS:-3}"
run() { "$repo/bench/compare-openmpi.sh" --out "$out/$1-np$2" "$1" "$2" "${3:-$max}"; }

run pingpong 2
"$repo/bench/compare-openmpi.sh" --tcp --out "$out/pingpong-tcp-np2" pingpong 2 "$max"
for np in 2 4 8; do
  run allreduce "$np"
  run bcast "$np"
  run barrier "$np"
done
echo "performance-suite: results in $out" >&2

# Every table.txt's medians as a Markdown table (the per-run table after it stays in table.txt).
for table in "$out"/*/table.txt; do
  echo
  echo "### $(basename "$(dirname "$table")")"
  echo
  awk 'NR == 1 { next }
       NR == 2 { sub(/^# */, ""); n = split($0, h, /  +/); line = "|"; sep = "|";
                 for (i = 1; i <= n; i++) { line = line " " h[i] " |"; sep = sep "---:|" }
                 print line; print sep; next }
       NF == 0 { exit }
       /^#/ { next }
       { line = "|"; for (i = 1; i <= NF; i++) line = line " " $i " |"; print line }' "$table"
done
