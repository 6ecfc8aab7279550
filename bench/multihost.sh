#!/usr/bin/env bash
# Hpc against Open MPI across hosts: HOSTS network-namespace hosts on one bridge, each with its own
# host name (its sshd runs under `unshare --uts` after `hostname`), a real OpenSSH server (key
# login), and its link shaped like a cluster network (`tc` token bucket, RATE each way; this
# kernel has no netem, so no added delay). Both runtimes start their ranks over the same sshd:
#
#   Open MPI:  mpirun --hostfile ... --mca plm_rsh_agent "ssh -F CFG" --mca btl tcp,vader,self
#              --mca mpi_yield_when_idle 1 (all hosts share this machine's cores)
#   Hpc:       dotnet mpirun --hostfile ... --launch-agent "ssh -F CFG" --iface BRIDGE
#
#   bench/multihost.sh [--hosts H] [--ppn P] [--rate RATE] [--runs N] [--algorithm A] BENCHMARK [MAXBYTES]
#
# BENCHMARK: pingpong, allreduce, bcast, barrier, reduce, allgather. H hosts (default 2) with P
# ranks each (default 2), ranks placed by slot (ranks 0..P-1 on the first host). RATE: a tc rate
# (default 1gbit). --runs N single runs of each runtime, alternating (default 5). --algorithm: passed
# to hpc-bench (-a), e.g. `all` for a block per algorithm (flat and hierarchical side by side).
# MINBYTES (env) defaults to 4, MAXBYTES to 4194304. HPC_MPIRUN_ARGS (env, split on spaces) is
# added to Hpc's mpirun line, e.g. HPC_MPIRUN_ARGS="-x HPC_SPIN_US=0"; SKIP_OMPI=1 runs Hpc alone.
#
# Needs root (namespaces, tc, sshd); installs openssh-server, openmpi-bin, libopenmpi-dev and
# iproute2 with apt-get when missing. Everything it makes (namespaces, bridge, sshd processes, keys
# in a temporary directory) goes when it ends, also on Ctrl-C or an error. Results (raw runs and
# table.txt) go to bench/results/multihost-BENCHMARK-HxP.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hosts=2; ppn=2; rate=1gbit; runs=5; algorithm=""; args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) hosts="${2:?--hosts needs a number}"; shift 2 ;;
    --ppn) ppn="${2:?--ppn needs a number}"; shift 2 ;;
    --rate) rate="${2:?--rate needs a tc rate such as 1gbit}"; shift 2 ;;
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --algorithm|-a) algorithm="${2:?--algorithm needs a name}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "multihost.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -ge 1 ] && [ ${#args[@]} -le 2 ] || { echo "usage: bench/multihost.sh [--hosts H] [--ppn P] [--rate RATE] [--runs N] [--algorithm A] BENCHMARK [MAXBYTES]" >&2; exit 2; }
bench="${args[0]}"; maxbytes="${args[1]:-4194304}"; minbytes="${MINBYTES:-4}"
case "$bench" in
  pingpong|latency) ompi_op=pingpong; hpc_op=latency ;;
  allreduce|bcast|barrier|reduce|allgather) ompi_op="$bench"; hpc_op="$bench" ;;
  *) echo "multihost.sh: BENCHMARK '$bench' is not one of: pingpong, allreduce, bcast, barrier, reduce, allgather" >&2; exit 2 ;;
esac
[[ "$hosts" =~ ^[1-9]$ ]] || { echo "multihost.sh: --hosts '$hosts' is not a number of hosts from 1 to 9" >&2; exit 2; }
[[ "$ppn" =~ ^[1-9][0-9]*$ ]] || { echo "multihost.sh: --ppn '$ppn' is not a positive number of ranks per host" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "multihost.sh: --runs '$runs' is not a positive number" >&2; exit 2; }
[[ "$maxbytes" =~ ^[0-9]+$ ]] || { echo "multihost.sh: MAXBYTES '$maxbytes' is not a number of bytes" >&2; exit 2; }
[[ "$rate" =~ ^[0-9]+(bit|kbit|mbit|gbit)$ ]] || { echo "multihost.sh: --rate '$rate' is not a tc rate (for example 1gbit, 100mbit)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "multihost.sh: needs root (network namespaces, tc and sshd)" >&2; exit 1; }
np=$((hosts * ppn))
log() { echo "multihost: $*" >&2; }

need=()
command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v mpicc >/dev/null && command -v mpirun >/dev/null || need+=(openmpi-bin libopenmpi-dev)
command -v ip >/dev/null && command -v tc >/dev/null || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

# The reference program and hpc-bench.
src="${OMPI_BENCH_SRC:-$repo/../shared/anchors/ompi_bench.c}"
[ -f "$src" ] || { echo "multihost.sh: reference source not found: $src (set OMPI_BENCH_SRC)" >&2; exit 1; }
ompi_bench="$repo/bench/.build/ompi_bench"
mkdir -p "$(dirname "$ompi_bench")"
[ -x "$ompi_bench" ] && [ "$ompi_bench" -nt "$src" ] || mpicc -O2 -o "$ompi_bench" "$src"
log "building hpc-bench (Release)"
dotnet build "$repo/src/Hpc.Bench" -c Release --nologo -v q >&2
dll="$repo/src/Hpc.Bench/bin/Release/net10.0/hpc-bench.dll"
dotnet mpirun --version >/dev/null 2>&1 || bash "$repo/launcher/install.sh" >&2

# --- the hosts --------------------------------------------------------------------------------
# Names carry this script's pid so that two runs (or a test job's namespaces) never collide.
tag="hb$$"
bridge="${tag}br"
work="$(mktemp -d /tmp/hpc-multihost.XXXXXX)"
subnet="10.79.$(( $$ % 200 + 20 ))"
names=(); addresses=()
for i in $(seq 1 "$hosts"); do names+=("${tag}h$i"); addresses+=("$subnet.$((10 + i))"); done

cleanup() {
  set +e
  for i in "${!names[@]}"; do
    [ -f "$work/sshd-$i.pid" ] && kill "$(cat "$work/sshd-$i.pid")" 2>/dev/null
    # Whatever a job left in the host (it should be nothing) goes with it.
    pids=$(ip netns pids "${names[$i]}" 2>/dev/null); [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    ip netns del "${names[$i]}" 2>/dev/null
  done
  ip link del "$bridge" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip link add "$bridge" type bridge
ip addr add "$subnet.1/24" dev "$bridge"
ip link set "$bridge" up
burst=$(( 256 * 1024 ))
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N "" -f "$work/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$work/user_key"
cp "$work/user_key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
: > "$work/ssh_config"
for i in "${!names[@]}"; do
  ns="${names[$i]}"; veth="${tag}v$i"; address="${addresses[$i]}"
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$bridge" up
  ip -n "$ns" addr add "$address/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  # The link: RATE into the host (on the bridge's end) and out of it (on the host's end).
  tc qdisc add dev "$veth" root tbf rate "$rate" burst "$burst" latency 20ms
  tc -n "$ns" qdisc add dev eth0 root tbf rate "$rate" burst "$burst" latency 20ms
  cat > "$work/sshd_config-$i" <<EOF
ListenAddress $address
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd-$i.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AcceptEnv *
PermitUserEnvironment no
LogLevel ERROR
EOF
  ip netns exec "$ns" unshare --uts sh -c "hostname $ns && exec $(command -v sshd || echo /usr/sbin/sshd) -f $work/sshd_config-$i"
  cat >> "$work/ssh_config" <<EOF
Host $ns
  HostName $address
Host $ns $address
  User root
  IdentityFile $work/user_key
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  BatchMode yes
EOF
  echo "$ns slots=$ppn" >> "$work/hostfile"
done
for ns in "${names[@]}"; do
  for try in $(seq 1 50); do
    [ "$(ssh -F "$work/ssh_config" "$ns" hostname 2>/dev/null)" = "$ns" ] && break
    [ "$try" = 50 ] && { echo "multihost.sh: sshd on $ns does not answer" >&2; exit 1; }
    sleep 0.1
  done
done
log "$hosts hosts (${names[*]}), $ppn ranks each, links $rate each way, sshd in each; all share this machine's $(nproc) cores"

# --- the runs ---------------------------------------------------------------------------------
out="$repo/bench/results/multihost-$bench-${hosts}x$ppn"
mkdir -p "$out"
agent="ssh -F $work/ssh_config"
ompi_args=(--allow-run-as-root --hostfile "$work/hostfile" -np "$np"
  --mca plm_rsh_agent "$agent" --mca btl tcp,vader,self
  --mca btl_tcp_if_include "$subnet.0/24" --mca oob_tcp_if_include "$subnet.0/24"
  --mca mpi_yield_when_idle 1)
hpc_args=(--hostfile "$work/hostfile" --launch-agent "$agent" --iface "$bridge" -np "$np")
# shellcheck disable=SC2206 # split on purpose: a list of mpirun options
[ -n "${HPC_MPIRUN_ARGS:-}" ] && hpc_args+=(${HPC_MPIRUN_ARGS})
hpc_bench_args=("$hpc_op" -q)
[ "$hpc_op" = barrier ] || hpc_bench_args+=(-m "$minbytes:$maxbytes")
[ -n "$algorithm" ] && hpc_bench_args+=(-a "$algorithm")
files=()
for r in $(seq 1 "$runs"); do
  if [ "${SKIP_OMPI:-0}" != 1 ]; then
    log "run $r/$runs: Open MPI $ompi_op np=$np"
    mpirun "${ompi_args[@]}" "$ompi_bench" "$ompi_op" "$maxbytes" "$minbytes" > "$out/ompi-$r.txt"
    files+=("$out/ompi-$r.txt")
  fi
  log "run $r/$runs: Hpc $hpc_op np=$np"
  dotnet mpirun "${hpc_args[@]}" "$dll" "${hpc_bench_args[@]}" --json "$out/hpc-$r.json" > "$out/hpc-$r.txt"
  files+=("$out/hpc-$r.json")
done
{
  echo "# $bench, $hosts hosts x $ppn ranks, links $rate (tc tbf), all hosts on this machine's $(nproc) cores"
  dotnet "$dll" compare "${files[@]}"
} | tee "$out/table.txt"
log "wrote $out/table.txt"
