#!/usr/bin/env bash
# Start-up time: wall time of `dotnet mpirun -np NP` running a program that does Mpi.Init, one
# 4-byte Allreduce and Finalize (bench/startup/Hello), against Open MPI's `mpirun -np NP` running
# the same in C (bench/startup/hello.c). RUNS single runs of each, alternating, every run printed.
#
#   bench/startup.sh [NP] [RUNS]        (defaults 8 and 5)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
np="${1:-8}"; runs="${2:-5}"
[[ "$np" =~ ^[1-9][0-9]*$ ]] || { echo "startup.sh: NP '$np' is not a positive number of ranks" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "startup.sh: RUNS '$runs' is not a positive number" >&2; exit 2; }
build="$repo/bench/.build"
mkdir -p "$build"
command -v mpicc >/dev/null || { echo "startup.sh: mpicc not found (apt-get install openmpi-bin libopenmpi-dev)" >&2; exit 1; }
[ "$build/hello_c" -nt "$repo/bench/startup/hello.c" ] || mpicc -O2 -o "$build/hello_c" "$repo/bench/startup/hello.c"
dotnet build "$repo/bench/startup/Hello" -c Release --nologo -v q >&2
dll="$repo/bench/startup/Hello/bin/Release/net10.0/Hello.dll"
dotnet mpirun --version >/dev/null 2>&1 || bash "$repo/launcher/install.sh" >&2

wall() { # seconds of wall time of "$@", its output discarded; fails the script if the job fails
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

echo "# start-up, np $np: Mpi.Init + one Allreduce + Finalize, wall seconds per single run"
printf '%-4s %10s %10s %8s\n' run hpc ompi ratio
worst=0
for r in $(seq 1 "$runs"); do
  o=$(wall mpirun --allow-run-as-root --oversubscribe -np "$np" "$build/hello_c")
  h=$(wall dotnet mpirun -np "$np" "$dll")
  ratio=$(echo "scale=2; $h / $o" | bc)
  printf '%-4s %10.3f %10.3f %7.2fx\n' "$r" "$h" "$o" "$ratio"
  worst=$(echo "if ($ratio > $worst) $ratio else $worst" | bc)
done
echo "worst ratio: ${worst}x"
