#!/usr/bin/env bash
# Issue 15's contention figures, repeatable: Hpc against Open MPI at np 2 beside N CPU-bound
# threads, for ping-pong, allreduce and bcast from 4 B to 1 MiB, in R single runs each.
#
#   bench/contention.sh [--load N] [--runs R] [--out DIR] [MAXBYTES]
#
# --load N (default 2): CPU-bound threads beside both runtimes (`hpc-bench load N`).
# --runs R (default 5): single runs per runtime, alternating Open MPI and Hpc.
# MAXBYTES defaults to 1048576 (1 MiB).
# Each benchmark is one bench/compare-openmpi.sh run (it installs Open MPI with apt-get when
# mpicc or mpirun is missing, builds ../shared/anchors/ompi_bench.c, runs both side by side and
# prints every run's Hpc/Open MPI ratio per size, each run's median over sizes and worst size).
# At the end, one line per benchmark against issue 15's target: in every run, the median over
# sizes at most 1.5x and no size above 5x.
#
# Writes DIR (default bench/results/contention-loadN): one directory per benchmark, summary.txt.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
load=2
runs=5
out=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --load) [ $# -ge 2 ] || { echo "contention.sh: --load needs a number" >&2; exit 2; }; load="$2"; shift 2 ;;
    --runs) [ $# -ge 2 ] || { echo "contention.sh: --runs needs a number" >&2; exit 2; }; runs="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || { echo "contention.sh: --out needs a directory" >&2; exit 2; }; out="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "contention.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -le 1 ] || { echo "usage: bench/contention.sh [--load N] [--runs R] [--out DIR] [MAXBYTES]" >&2; exit 2; }
maxbytes="${args[0]:-1048576}"
[[ "$load" =~ ^[1-9][0-9]*$ ]] || { echo "contention.sh: --load '$load' is not a positive number of threads" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "contention.sh: --runs '$runs' is not a positive number" >&2; exit 2; }
[[ "$maxbytes" =~ ^[0-9]+$ ]] || { echo "contention.sh: MAXBYTES '$maxbytes' is not a number of bytes" >&2; exit 2; }
out="${out:-$repo/bench/results/contention-load$load}"
mkdir -p "$out"

for bench in pingpong allreduce bcast; do
  MINBYTES=4 "$repo/bench/compare-openmpi.sh" --load "$load" --runs "$runs" --out "$out/$bench" "$bench" 2 "$maxbytes"
  echo
done

# One verdict line per benchmark from the per-run table's summary lines.
{
  echo "# np 2 beside $load CPU-bound threads, $runs runs, 4 B-$maxbytes B: Hpc/Open MPI (time)"
  echo "# target (issue 15): in every run, median over sizes <= 1.5 and no size above 5"
  for bench in pingpong allreduce bcast; do
    awk -v bench="$bench" '
      /^# median over sizes/ { for (i = 5; i <= NF; i++) { if ($i + 0 > median) median = $i + 0 } }
      /^# worst size/ { for (i = 4; i <= NF; i++) { split($i, p, "@"); if (p[1] + 0 > worst) { worst = p[1] + 0; at = p[2] } } }
      END {
        verdict = (median <= 1.5 && worst <= 5) ? "met" : "missed"
        printf "%-10s worst median over sizes %6.2f, worst size %7.2f at %s B: %s\n", bench, median, worst, at, verdict
      }' "$out/$bench/table.txt"
  done
} | tee "$out/summary.txt"
