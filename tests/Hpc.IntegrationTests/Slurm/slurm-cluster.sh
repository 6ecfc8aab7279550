#!/usr/bin/env bash
# A real Slurm cluster on this machine for the integration tests (SlurmCluster.cs runs this):
# `up DIR` makes two network-namespace hosts hpcsl-1/hpcsl-2 (10.78.0.11/12 behind the bridge
# hpcslbr, 10.78.0.1), a munged with its own socket, slurmctld on the bridge address and one
# `slurmd -N HOST` inside each namespace, every config, log and state file under DIR
# (SLURM_CONF=DIR/slurm.conf). `down DIR` kills all of it and removes the namespaces.
set -uo pipefail
cmd=$1; d=$2
names=(hpcsl-1 hpcsl-2)
br=hpcslbr

down() {
  for f in "$d"/slurmd-*.pid "$d"/slurmctld.pid "$d"/munged.pid; do
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  for ns in "${names[@]}"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
    rm -rf "/etc/netns/$ns"
  done
  ip link del "$br" 2>/dev/null
  # slurmstepd and the job's tasks run inside the namespaces: killed with them above.
  return 0
}

if [ "$cmd" = down ]; then down; exit 0; fi

set -e
down || true
mkdir -p "$d/state" "$d/spool"
ip link add "$br" type bridge
ip addr add 10.78.0.1/24 dev "$br"
ip link set "$br" up
hosts="127.0.0.1 localhost
10.78.0.1 $(hostname)-ctl
"
for i in 0 1; do hosts+="10.78.0.1$((i+1)) ${names[$i]}
"; done
for i in 0 1; do
  ns=${names[$i]}; veth=hpcslv$((i+1))
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$br" up
  ip -n "$ns" addr add "10.78.0.1$((i+1))/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" route add default via 10.78.0.1
  # ip netns exec bind-mounts /etc/netns/NS/hosts over /etc/hosts: the hosts know each other by name.
  mkdir -p "/etc/netns/$ns"
  printf '%s' "$hosts" > "/etc/netns/$ns/hosts"
done

/usr/sbin/munged --socket="$d/munge.sock" --pid-file="$d/munged.pid" --log-file="$d/munged.log" --seed-file="$d/munge.seed" --force

cat > "$d/slurm.conf" <<CONF
ClusterName=hpctest
SlurmctldHost=$(hostname)(10.78.0.1)
SlurmctldPort=6917
SlurmdPort=6918
AuthType=auth/munge
AuthInfo=socket=$d/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool/%n
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd-%n.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
KillWait=5
MessageTimeout=10
SlurmdTimeout=30
InactiveLimit=0
NodeName=${names[0]} NodeAddr=10.78.0.11 CPUs=2 State=UNKNOWN
NodeName=${names[1]} NodeAddr=10.78.0.12 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=10 State=UP
CONF
printf 'CgroupPlugin=cgroup/v1\nCgroupMountpoint=/sys/fs/cgroup\n' > "$d/cgroup.conf"
export SLURM_CONF="$d/slurm.conf"
/usr/sbin/slurmctld -c -f "$SLURM_CONF"
for ns in "${names[@]}"; do
  mkdir -p "$d/spool/$ns"
  ip netns exec "$ns" unshare --uts sh -c "hostname $ns && exec /usr/sbin/slurmd -N $ns -f $SLURM_CONF"
done
for _ in $(seq 1 100); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qx idle && [ "$(sinfo -h -N -o '%T' | grep -cx idle)" = 2 ]; then exit 0; fi
  sleep 0.2
done
echo "slurm: the nodes did not become idle: $(sinfo -N 2>&1 | tr '\n' ' ')" >&2
exit 1
