#!/usr/bin/env bash
# Hpc against Open MPI on this machine, same sizes, iteration counts and formulas
# (../shared/anchors/ompi_bench.c is the reference; hpc-bench follows it).
#
#   bench/compare-openmpi.sh [--tcp] [--runs N] [--load N] [--out DIR] BENCHMARK NP [MAXBYTES]
#
# BENCHMARK: pingpong (= latency), allreduce, bcast, barrier, reduce, allgather.
# MAXBYTES defaults to 4194304 (4 MiB); MINBYTES (env) to 4.
# --tcp (or TRANSPORT=tcp): Open MPI with --mca btl tcp,self, Hpc with --transport tcp;
# otherwise both use shared memory (Open MPI's default vader BTL, Hpc --transport shm).
# --runs N (or RUNS=N; --reps and REPS are the old names; default 5): single runs per runtime,
# alternating Open MPI and Hpc so that the drift of a shared machine hits both alike. Prints
# the medians with Hpc / Open MPI, then every run's ratio per size (run r of Hpc against run r
# of Open MPI), each run's median over sizes and worst size, and the worst of all runs.
# --load N (or LOAD=N): N CPU-bound threads (`hpc-bench load N`, one process) run beside both
# runtimes from the first run to the last; they end with this script, even on Ctrl-C or kill.
#
# Writes DIR (default bench/results/BENCHMARK-npNP-TRANSPORT[-loadN]): every raw run, table.txt
# and BENCHMARK-npNP.svg and .png (latency and busbw against size, both runtimes). Prints the table.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${RUNS:-${REPS:-5}}"
load="${LOAD:-0}"
transport="${TRANSPORT:-shm}"
out=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tcp) transport=tcp; shift ;;
    --runs|--reps) [ $# -ge 2 ] || { echo "compare-openmpi.sh: $1 needs a number" >&2; exit 2; }; reps="$2"; shift 2 ;;
    --load) [ $# -ge 2 ] || { echo "compare-openmpi.sh: --load needs a number" >&2; exit 2; }; load="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "compare-openmpi.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -ge 2 ] && [ ${#args[@]} -le 3 ] || { echo "usage: bench/compare-openmpi.sh [--tcp] [--runs N] [--load N] [--out DIR] BENCHMARK NP [MAXBYTES]" >&2; exit 2; }
bench="${args[0]}"; np="${args[1]}"; maxbytes="${args[2]:-4194304}"; minbytes="${MINBYTES:-4}"
case "$bench" in
  pingpong|latency) ompi_op=pingpong; hpc_op=latency ;;
  allreduce|bcast|barrier|reduce|allgather) ompi_op="$bench"; hpc_op="$bench" ;;
  *) echo "compare-openmpi.sh: '$bench' has no Open MPI reference; one of: pingpong, allreduce, bcast, barrier, reduce, allgather" >&2; exit 2 ;;
esac
case "$transport" in shm|tcp) ;; *) echo "compare-openmpi.sh: TRANSPORT '$transport' is not shm or tcp" >&2; exit 2 ;; esac
[[ "$np" =~ ^[0-9]+$ ]] || { echo "compare-openmpi.sh: NP '$np' is not a number of ranks" >&2; exit 2; }
[[ "$maxbytes" =~ ^[0-9]+$ ]] || { echo "compare-openmpi.sh: MAXBYTES '$maxbytes' is not a number of bytes" >&2; exit 2; }
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || { echo "compare-openmpi.sh: --runs '$reps' is not a positive number" >&2; exit 2; }
[[ "$load" =~ ^[0-9]+$ ]] || { echo "compare-openmpi.sh: --load '$load' is not a number of threads (0 for none)" >&2; exit 2; }
suffix=""; [ "$load" -gt 0 ] && suffix="-load$load"
out="${out:-$repo/bench/results/$bench-np$np-$transport$suffix}"
mkdir -p "$out"
log() { echo "compare-openmpi: $*" >&2; }

# Open MPI and the reference program.
if ! command -v mpicc >/dev/null || ! command -v mpirun >/dev/null; then
  log "installing openmpi-bin libopenmpi-dev"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq openmpi-bin libopenmpi-dev >&2
  else sudo apt-get update -qq && sudo apt-get install -y -qq openmpi-bin libopenmpi-dev >&2; fi
fi
src="${OMPI_BENCH_SRC:-$repo/../shared/anchors/ompi_bench.c}"
[ -f "$src" ] || { echo "compare-openmpi.sh: reference source not found: $src (set OMPI_BENCH_SRC)" >&2; exit 1; }
ompi_bench="$repo/bench/.build/ompi_bench"
mkdir -p "$(dirname "$ompi_bench")"
if [ ! -x "$ompi_bench" ] || [ "$src" -nt "$ompi_bench" ]; then
  log "building $ompi_bench from $src"
  mpicc -O2 -o "$ompi_bench" "$src"
fi

# hpc-bench and dotnet mpirun.
log "building hpc-bench (Release)"
dotnet build "$repo/src/Hpc.Bench" -c Release --nologo -v q >&2
dll="$repo/src/Hpc.Bench/bin/Release/net10.0/hpc-bench.dll"
cd "$repo"
dotnet mpirun --version >/dev/null 2>&1 || bash "$repo/launcher/install.sh" >&2

ompi_args=(--allow-run-as-root --oversubscribe -np "$np")
hpc_args=(-np "$np" --transport "$transport")
[ "$transport" = tcp ] && ompi_args+=(--mca btl tcp,self)
hpc_bench_args=("$hpc_op" -q)
[ "$hpc_op" = barrier ] || hpc_bench_args+=(-m "$minbytes:$maxbytes")

# The load: one `hpc-bench load N` process whose stdin is this script's pipe, so it stops when
# the pipe closes - at the end, on Ctrl-C, or when this script is killed outright.
if [ "$load" -gt 0 ]; then
  coproc LOADGEN { exec dotnet "$dll" load "$load"; }
  load_pid=$LOADGEN_PID
  stop_load() { exec {LOADGEN[1]}>&- 2>/dev/null || true; wait "$load_pid" 2>/dev/null || true; }
  trap stop_load EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  read -r -t 30 ready <&"${LOADGEN[0]}" || { echo "compare-openmpi.sh: the load process did not start" >&2; exit 1; }
  log "load: $load CPU-bound threads beside both runtimes (pid $load_pid: $ready)"
fi

files=()
for r in $(seq 1 "$reps"); do
  log "run $r/$reps: Open MPI $ompi_op np=$np ($transport)"
  mpirun "${ompi_args[@]}" "$ompi_bench" "$ompi_op" "$maxbytes" "$minbytes" > "$out/ompi-$r.txt"
  log "run $r/$reps: Hpc $hpc_op np=$np ($transport)"
  dotnet mpirun "${hpc_args[@]}" "$dll" "${hpc_bench_args[@]}" --json "$out/hpc-$r.json" > "$out/hpc-$r.txt"
  files+=("$out/hpc-$r.json" "$out/ompi-$r.txt")
done

dotnet "$dll" compare "${files[@]}" --plot "$out/$bench-np$np.svg" | tee "$out/table.txt"
dotnet "$dll" compare "${files[@]}" --plot "$out/$bench-np$np.png" > /dev/null
log "wrote $out/table.txt, $out/$bench-np$np.svg and .png"
