#!/usr/bin/env bash
# Hpc.MpiNet against the real MPI.NET, side by side (issue 20). One benchmark program written
# against MPI.NET's public API (bench/mpinet-compare/Program.cs: byte[] ping-pong, Allreduce of
# doubles, Broadcast, Barrier, Send<string> and a serialized struct) is built twice:
#   - against the MPI.NET 1.4.0 NuGet package, which P/Invokes msmpi.dll; on Linux a symlink
#     msmpi.dll.so -> MPICH's libmpich.so.12 beside the dll is enough; run with mpiexec.mpich;
#   - against Hpc.MpiNet (src/Hpc.MpiNet), run with the repository's dotnet mpirun.
# The two run one after the other at np 2 on this host; the table shows per test and size the
# time per operation of each (microseconds) and the ratio Hpc.MpiNet / MPI.NET (< 1: Hpc faster).
#
#   bench/compare-mpinet.sh [TESTS]      TESTS: comma-separated subset of
#                                        pingpong,allreduce,bcast,barrier,string,struct
# Installs Debian's mpich and libmpich-dev with apt-get when mpiexec.mpich is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
tests="${1:-}"
case "$tests" in
  ""|*[!a-z,]*) [ -z "$tests" ] || { echo "compare-mpinet.sh: TESTS must be a comma-separated list of pingpong,allreduce,bcast,barrier,string,struct (got '$tests')" >&2; exit 2; } ;;
esac

if ! command -v mpiexec.mpich >/dev/null; then
  echo "installing mpich and libmpich-dev (apt-get)" >&2
  apt-get install -y mpich libmpich-dev >/dev/null || { apt-get update >/dev/null && apt-get install -y mpich libmpich-dev >/dev/null; }
fi
libmpich="$(ldconfig -p | awk '/libmpich\.so\.12 /{print $NF; exit}')"
[ -n "$libmpich" ] || { echo "compare-mpinet.sh: libmpich.so.12 not found after installing mpich" >&2; exit 1; }

echo "building both programs (Release)" >&2
dotnet build "$here/mpinet-compare/MpiNetPackage" -c Release -v q -nologo >/dev/null
dotnet build "$here/mpinet-compare/HpcMpiNet" -c Release -v q -nologo >/dev/null
dotnet build "$root/launcher/Hpc.Launcher" -c Release -v q -nologo >/dev/null
package_dir="$here/mpinet-compare/MpiNetPackage/bin/Release/net10.0"
hpc_dir="$here/mpinet-compare/HpcMpiNet/bin/Release/net10.0"
ln -sf "$libmpich" "$package_dir/msmpi.dll.so"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "running MPI.NET 1.4.0 over MPICH: mpiexec.mpich -n 2 dotnet mpinet-compare.dll $tests" >&2
(cd "$package_dir" && timeout 900 mpiexec.mpich -n 2 dotnet mpinet-compare.dll $tests) 2>/dev/null | grep '^RESULT' > "$out/mpinet" || true
echo "running Hpc.MpiNet: dotnet mpirun -np 2 mpinet-compare.dll $tests" >&2
timeout 900 dotnet "$root/launcher/Hpc.Launcher/bin/Release/net10.0/Hpc.Launcher.dll" -np 2 "$hpc_dir/mpinet-compare.dll" $tests | grep '^RESULT' > "$out/hpc"

echo "host: $(hostname), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '
  FNR == NR { mpinet[$2 " " $3] = $4; next }
  { key = $2 " " $3; keys[++n] = key; hpc[key] = $4 }
  END {
    printf "%-10s %10s %14s %14s %8s\n", "test", "size", "MPI.NET us", "Hpc.MpiNet us", "ratio"
    for (i = 1; i <= n; i++) {
      k = keys[i]; split(k, p, " ")
      if (k in mpinet) printf "%-10s %10s %14.2f %14.2f %7.2fx\n", p[1], p[2], mpinet[k], hpc[k], hpc[k] / mpinet[k]
      else printf "%-10s %10s %14s %14.2f %8s\n", p[1], p[2], "(no result)", hpc[k], "-"
    }
  }' "$out/mpinet" "$out/hpc"
