#!/usr/bin/env python3
"""Task-pool throughput: hpc-bench tasks against Python's pools and mpi4py.futures.

    bench/compare-tasks.py [NP]          (default 4: 1 client + 3 workers)

Runs the cases of `dotnet mpirun -np NP hpc-bench tasks` with the same number of workers in
  - multiprocessing.Pool(NP-1):          map (default chunksize), apply_async, imap_unordered(chunksize=1), map(chunksize=1)
  - concurrent.futures.ProcessPoolExecutor(NP-1): map (Pool.map's chunksize), submit, map(chunksize=1)
  - mpi4py.futures.MPIPoolExecutor:      under `mpirun -np NP /usr/bin/python3 -m mpi4py.futures`
and prints tasks/s for each with hpc's ratio to it, then the issue's targets. Cases as hpc-bench:
map_empty 100,000 empty tasks; submit_empty 20,000 submits of one empty task each; map_1mib 500
tasks of a 1 MiB float array (array('f')) in and out; uneven 300 tasks sleeping 1 + (i*7919)%20 ms,
with makespan / (sum of measured durations / workers). Fast cases: median of 5 timed runs after
one untimed; uneven: one run. python3-mpi4py is installed with apt-get when missing and root.
"""
import array
import contextlib
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

MAP_EMPTY, SUBMIT_EMPTY, LARGE, LARGE_FLOATS, UNEVEN, REPS = 100_000, 20_000, 500, 1 << 18, 300, 5
CASES = ["map_empty", "submit_empty", "map_1mib", "uneven"]


def empty(x):
    return x


def echo(data):
    return data


def sleep_ms(ms):
    start = time.perf_counter()
    time.sleep(ms / 1000.0)
    return (time.perf_counter() - start) * 1000.0


def durations():
    return [1 + (i * 7919) % 20 for i in range(UNEVEN)]


def pool_chunksize(n, workers):
    chunk, extra = divmod(n, workers * 4)
    return chunk + 1 if extra else chunk


def median(run):
    run()
    return statistics.median(run() for _ in range(REPS))


def timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def run_cases(name, workers, map_empty, submit_empty, map_large, map_uneven):
    """Prints rows in hpc-bench's format: case, tasks/s, tasks, seconds[, makespan/ideal]."""
    data = array.array("f", bytes(4 * LARGE_FLOATS))
    rows = {}
    s = median(lambda: timed(lambda: map_empty(list(range(MAP_EMPTY)))))
    rows["map_empty"] = (MAP_EMPTY / s, MAP_EMPTY, s, None)
    s = median(lambda: timed(lambda: submit_empty(SUBMIT_EMPTY)))
    rows["submit_empty"] = (SUBMIT_EMPTY / s, SUBMIT_EMPTY, s, None)
    s = median(lambda: timed(lambda: map_large([data] * LARGE)))
    rows["map_1mib"] = (LARGE / s, LARGE, s, None)
    start = time.perf_counter()
    measured = map_uneven(durations())
    s = time.perf_counter() - start
    rows["uneven"] = (UNEVEN / s, UNEVEN, s, s / (sum(measured) / 1000.0 / workers))
    print(f"# {name}: {workers} workers", flush=True)
    for case in CASES:
        rate, n, sec, ratio = rows[case]
        print(f"{case:<14}{rate:14.1f}{n:9d}{sec:11.4f}" + (f"  {ratio:.3f}" if ratio is not None else ""), flush=True)


def python_pools(workers):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, wait

    with multiprocessing.Pool(workers) as pool:
        run_cases("multiprocessing.Pool", workers,
                  lambda items: pool.map(empty, items),
                  lambda n: [r.get() for r in [pool.apply_async(empty, (i,)) for i in range(n)]],
                  lambda items: sum(1 for _ in pool.imap_unordered(echo, items, chunksize=1)),
                  lambda d: pool.map(sleep_ms, d, chunksize=1))
    with ProcessPoolExecutor(workers) as executor:
        run_cases("concurrent.futures.ProcessPoolExecutor", workers,
                  lambda items: list(executor.map(empty, items, chunksize=pool_chunksize(len(items), workers))),
                  lambda n: wait([executor.submit(empty, i) for i in range(n)]),
                  lambda items: sum(1 for _ in executor.map(echo, items, chunksize=1)),
                  lambda d: list(executor.map(sleep_ms, d, chunksize=1)))


def mpi4py_client():
    from mpi4py import MPI
    from mpi4py.futures import MPIPoolExecutor, wait

    with MPIPoolExecutor() as executor:
        workers = MPI.COMM_WORLD.Get_size() - 1
        run_cases("mpi4py.futures.MPIPoolExecutor", workers,
                  # mpi4py's map defaults to chunksize 1; give it Pool.map's, as the anchor (2.3 M/s) does.
                  lambda items: list(executor.map(empty, items, chunksize=pool_chunksize(len(items), workers))),
                  lambda n: wait([executor.submit(empty, i) for i in range(n)]),
                  lambda items: sum(1 for _ in executor.map(echo, items, chunksize=1, unordered=True)),
                  lambda d: list(executor.map(sleep_ms, d, chunksize=1)))


def parse(text):
    """{runtime: {case: (tasks/s, makespan/ideal or None)}} from rows printed by run_cases or hpc-bench."""
    result, current = {}, None
    for line in text.splitlines():
        m = re.match(r"# (\S+): (\d+) workers", line) or re.match(r"# hpc-bench tasks: 1 client, (\d+) workers", line)
        if m:
            current = result.setdefault("hpc" if line.startswith("# hpc-bench") else m.group(1), {})
            continue
        cols = line.split()
        if current is not None and cols and cols[0] in CASES:
            current[cols[0]] = (float(cols[1]), float(cols[4]) if len(cols) > 4 else None)
    return result


def ensure_mpi4py():
    if subprocess.run(["/usr/bin/python3", "-c", "import mpi4py.futures"], capture_output=True).returncode == 0:
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("# installing python3-mpi4py (apt-get)", file=sys.stderr, flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "python3-mpi4py"], stdout=subprocess.DEVNULL)
        return subprocess.run(["/usr/bin/python3", "-c", "import mpi4py.futures"], capture_output=True).returncode == 0
    print("# mpi4py.futures not available (apt-get install python3-mpi4py); its column is left out", file=sys.stderr)
    return False


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--mpi4py-client":
        mpi4py_client()
        return 0
    np_ = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    if np_ < 2:
        print(f"compare-tasks.py: NP '{np_}' must be 2 or more (1 client + workers)", file=sys.stderr)
        return 2
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    workers = np_ - 1
    print(f"# task pools, {workers} workers (np {np_}); machine load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    outputs = []
    hpc = subprocess.run(["dotnet", "mpirun", "-np", str(np_), os.path.join(repo, "bench", "hpc-bench"), "tasks"],
                         capture_output=True, text=True, check=True).stdout
    print(hpc, end="", flush=True)
    outputs.append(hpc)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        python_pools(workers)
    print(buffer.getvalue(), end="", flush=True)
    outputs.append(buffer.getvalue())
    if ensure_mpi4py():
        m = subprocess.run(["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(np_), "/usr/bin/python3", "-m", "mpi4py.futures",
                            os.path.abspath(__file__), "--mpi4py-client"], capture_output=True, text=True, check=True).stdout
        print(m, end="", flush=True)
        outputs.append(m)
    table = parse("\n".join(outputs))
    others = [r for r in table if r != "hpc"]
    short = {"multiprocessing.Pool": "Pool", "concurrent.futures.ProcessPoolExecutor": "PPE", "mpi4py.futures.MPIPoolExecutor": "mpi4py"}
    print()
    print("# tasks/s, and hpc's ratio to each" + " " * 4 + "".join(f"{short[r]:>12}" for r in others) + "".join(f"{'hpc/' + short[r]:>12}" for r in others))
    for case in CASES:
        h = table["hpc"][case][0]
        print(f"{case:<14}{h:14.1f}" + "".join(f"{table[r][case][0]:12.1f}" for r in others) + "".join(f"{h / table[r][case][0]:11.2f}x" for r in others))
    print(f"{'uneven ratio':<14}{table['hpc']['uneven'][1]:14.3f}" + "".join(f"{table[r]['uneven'][1]:12.3f}" for r in others))
    print()
    print("# targets (issue 17)")
    h = {c: table["hpc"][c][0] for c in CASES}
    checks = [("map_empty >= 2x Pool.map", h["map_empty"] / table["multiprocessing.Pool"]["map_empty"][0], 2.0, True)]
    best_submit = max(table[r]["submit_empty"][0] for r in others if r != "multiprocessing.Pool")
    checks.append(("submit_empty >= 10x best of PPE/mpi4py", h["submit_empty"] / best_submit, 10.0, True))
    if "mpi4py.futures.MPIPoolExecutor" in table:
        checks.append(("map_1mib >= 5x mpi4py.futures", h["map_1mib"] / table["mpi4py.futures.MPIPoolExecutor"]["map_1mib"][0], 5.0, True))
    checks.append(("uneven makespan/ideal <= 1.1", table["hpc"]["uneven"][1], 1.1, False))
    for name, value, bound, at_least in checks:
        ok = value >= bound if at_least else value <= bound
        print(f"{name:<42}{value:10.2f}  {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
