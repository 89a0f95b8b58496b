"""Preflight's cost inside Qtractor, a host that runs CLAP, side by side with x42's EBU R128
meter (LV2) in the same run.

Qtractor runs on a JACK server with the dummy driver (48 kHz, 1024-frame cycles) under Xvfb,
with no editor open. JACK's metronome example client plays a continuous tone into the master
bus, and the master bus's plug-in chain holds COPIES instances of one plug-in:
  - none (the host's own cost),
  - Preflight (CLAP, release build),
  - x42's EBU R128 meter (LV2),
  - x42's stereo router (LV2, near-trivial: the host's floor for one more plug-in).
For each, the CPU time of Qtractor's audio thread (JACK's process callback, where the plug-ins
run; from /proc/PID/task/*/schedstat, in ns) over SECONDS is measured; a plug-in's cost per
cycle is (chain - none) / COPIES / cycles.

    RUNS=3 SECONDS_EACH=20 COPIES=16 .venv/bin/python scripts/bench_qtractor.py

Needs what plugin/tests/host_qtractor.py needs (scripts/test.sh installs it) and x42-plugins.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugin" / "tests"))
import host_qtractor  # noqa: E402  (the Qtractor driver the suite uses)

RUNS = int(os.environ.get("RUNS", 3))
SECONDS = float(os.environ.get("SECONDS_EACH", 20))
COPIES = int(os.environ.get("COPIES", 16))
RATE, BLOCK = 48000, 1024

CHAINS = {
    "none": None,
    "Preflight (CLAP)": ("CLAP", str(host_qtractor.BUNDLE)),
    "x42 EBU R128 (LV2)": ("LV2", "http://gareus.org/oss/lv2/meters#EBUr128"),
    "x42 stereo router (LV2)": ("LV2", "http://gareus.org/oss/lv2/stereoroute"),
}


def thread_cpu_ns(pid):
    """CPU time of each of the process's threads, in ns (the scheduler's own accounting)."""
    times = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            times[task.name] = int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return times


def measure(stub, chain):
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        session = work / "bench.qtr"
        session.write_text(host_qtractor.session_xml(work, [chain] * COPIES if chain else []))
        host = host_qtractor.Qtractor(work, session, stub)
        try:
            # Every plug-in of the chain must have loaded (Qtractor skips one it cannot find);
            # the session has loaded once its window is up.
            expected = 0 if chain is None else COPIES
            listed = host_qtractor.master_plugins(host.save())
            assert len(listed) == expected, f"{len(listed)} of {expected} plug-ins loaded"
            metro = subprocess.Popen(
                ["jack_metro", "-n", "tone", "-b", "60", "-f", "997", "-A", "0.5", "-D", "990", "-a", "1", "-d", "1"],
                env=host.env, stdout=host.log, stderr=subprocess.STDOUT)
            host.processes.insert(1, metro)
            host_qtractor.wait_for("the tone in JACK",
                                   lambda: "tone:60_bpm" in host.jack("jack_lsp").stdout)
            for port in ("in_1", "in_2"):
                host.jack("jack_connect", "tone:60_bpm", f"Qtractor:Master/{port}")
            time.sleep(2.0)
            pid = host.qtractor.pid
            before, start = thread_cpu_ns(pid), time.monotonic()
            time.sleep(SECONDS)
            after, elapsed = thread_cpu_ns(pid), time.monotonic() - start
            # JACK's process thread is the busiest one after the GUI (main) thread.
            used = max(after[t] - before.get(t, 0) for t in after if t != str(pid))
        finally:
            host.close()
    cycles = elapsed * RATE / BLOCK
    return used / 1000.0 / cycles  # us a cycle: the chain and the host's own work


def main():
    stub = Path(tempfile.mkdtemp()) / "seqstub.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", str(stub), str(host_qtractor.STUB)],
                   check=True)
    print(f"Qtractor, JACK dummy driver, {RATE} Hz, {BLOCK}-frame cycles, {COPIES} instances "
          f"a chain, {SECONDS:.0f} s a measurement; us a cycle for one instance")
    for run in range(1, RUNS + 1):
        host_cost = {name: measure(stub, chain) for name, chain in CHAINS.items()}
        per = {name: (cost - host_cost["none"]) / COPIES
               for name, cost in host_cost.items() if name != "none"}
        cells = ", ".join(f"{name} {value:.1f}" for name, value in per.items())
        ratio = per["Preflight (CLAP)"] / per["x42 EBU R128 (LV2)"]
        print(f"run {run}: host alone {host_cost['none']:.1f}; {cells}; "
              f"Preflight / x42 EBU R128: {ratio:.2f}", flush=True)


if __name__ == "__main__":
    main()
