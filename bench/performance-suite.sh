#!/usr/bin/env bash
# The measurements behind docs/performance.md: Hpc against Open MPI at np 2, 4 and 8 for
# ping-pong, allreduce, bcast and barrier, REPS runs each (default 3), shared memory.
# Sizes stop at 4 MiB (MAXBYTES) to keep the whole suite to minutes on a 2-core machine.
#
#   bench/performance-suite.sh [OUTDIR]      (default bench/results/suite)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/bench/results/suite}"
max="${MAXBYTES:-4194304}"
export REPS="${REPS:-3}"
run() { "$repo/bench/compare-openmpi.sh" --out "$out/$1-np$2" "$1" "$2" "${3:-$max}"; }

run pingpong 2
for np in 2 4 8; do
  run allreduce "$np"
  run bcast "$np"
  run barrier "$np"
done
echo "performance-suite: results in $out" >&2
