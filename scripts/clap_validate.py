#!/usr/bin/env python3
"""Runs clap-validator on the CLAP bundle and judges its report: any failed test fails, and so
does any warning except one, whose timing measures the validator rather than the plug-in (see
the README, "clap-validator"). Skipped tests must be the ones the README lists.

    scripts/clap_validate.py VALIDATOR BUNDLE
"""

import json
import subprocess
import sys

# Tests the validator skips because Preflight does not have the feature, with the reason. The
# README lists the same.
EXPECTED_SKIPS = {
    "preset-discovery-crawl": "no presets: a meter's settings are four switches",
    "preset-discovery-descriptor-consistency": "no presets",
    "preset-discovery-load": "no presets",
    "process-audio-double-out-of-place": "32-bit audio only, as every host here sends",
    "process-audio-double-in-place": "32-bit audio only",
    "process-note-out-of-place-basic": "no note ports: a meter takes no MIDI",
    "process-note-inconsistent": "no note ports",
    "process-note-wildcard": "no note ports",
    "layout-audio-ports-activation": "the ports are always active",
    "layout-configurable-audio-ports": "layouts are offered as audio-ports-config instead",
}

# The validator times 50 blocks of its own subnormal-filled input, generated with flush-to-zero
# off, against 50 blocks of plain noise plus the plug-in's first activation. Filling a stereo
# 512-frame buffer with subnormals costs it about 18x what plain noise does, whatever the
# plug-in does, so the ratio it prints swings around its 2x threshold from run to run.
TIMING_ARTIFACT = "process-audio-denormals"


def results(report):
    def walk(node):
        if isinstance(node, dict):
            if "status" in node and "test" in node:
                test = next(iter(node["test"].values()))["test"]
                yield test, node["status"]["code"], node["status"].get("details") or ""
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return list(walk(report))


def main(validator, bundle):
    out = subprocess.run(
        [validator, "validate", "--json", bundle], capture_output=True, text=True, timeout=600
    )
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        print(out.stdout[-2000:], out.stderr[-2000:], sep="\n")
        print("clap-validator: no JSON report")
        return 1
    counts = {"success": 0, "failed": 0, "warning": 0, "skipped": 0}
    problems = []
    for test, code, details in results(report):
        counts[code] = counts.get(code, 0) + 1
        if code == "failed" or code == "crashed":
            problems.append(f"FAILED {test}: {details}")
        elif code == "warning" and test != TIMING_ARTIFACT:
            problems.append(f"WARNING {test}: {details}")
        elif code == "warning":
            print(f"note: {test}: {details} (the validator's own subnormal fill; see README)")
        elif code == "skipped" and test not in EXPECTED_SKIPS:
            problems.append(f"unexpected skip {test}: {details}")
        elif code == "success" and details:
            print(f"{test}: {details}")
    missing = [t for t in EXPECTED_SKIPS if t not in {r[0] for r in results(report)}]
    problems += [f"test {t} not run by this clap-validator" for t in missing]
    for p in problems:
        print(p)
    print(
        f"clap-validator: {counts['success']} passed, {counts['failed']} failed, "
        f"{counts['warning']} warnings, {counts['skipped']} skipped"
    )
    return 1 if problems or out.returncode not in (0, 1) else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
