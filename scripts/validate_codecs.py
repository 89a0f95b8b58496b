#!/usr/bin/env python3
"""The codec preview (`preflight check --codecs`) on real music: the released soundtracks of
scripts/validate.py, each made into a loud master by a third-party limiter (ffmpeg's alimiter,
+6 dB into a brickwall at -1 dBFS, 5 ms attack, 50 ms release), then set to a true peak of
-0.1 dBTP (a master limited to the last tenth of a dB) and of -3 dBTP (one with the headroom
the platforms ask of loud masters). The soundtracks are also previewed as they are.

Prints, per codec and per version, how many masters the decoded signal takes over the
codec's ceiling and over 0 dBFS, and the true-peak rise (median, 90th percentile, largest).

  scripts/validate_codecs.py              every soundtrack (installs the packages when run as root)
  scripts/validate_codecs.py --short      the short form's four masters (what the test suite runs)
  scripts/validate_codecs.py --json OUT   also writes each master's codec rows as JSON

Needs ffmpeg and the release build of `preflight` (built when missing).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import validate
from validate import ROOT, decode_master, ffmpeg, gain_to_peak, install, masters

# The loud master: +6 dB into a brickwall limiter at -1 dBFS.
LIMITER = "volume=6dB,alimiter=limit=0.891:attack=5:release=50:level=disabled"
# The versions previewed: (id, what it is, true peak it is set to; None: as released).
VERSIONS = [
    ("released", "as released (Ogg Vorbis decoded)", None),
    ("limited-0.1", "limited, set to -0.1 dBTP", -0.1),
    ("limited-3", "limited, set to -3 dBTP", -3.0),
]


def loud_master(master: Path, peak_dbtp: float, work: Path) -> Path:
    """`master` through the limiter, then gained to `peak_dbtp` (measured by the meter). Cached."""
    out = work / "codecs" / f"{master.stem}@{peak_dbtp:+.1f}.wav"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    limited = work / "codecs" / f"{master.stem}.limited.wav"
    if not limited.exists():
        tmp = limited.with_suffix(".part.wav")
        ffmpeg("-i", str(master), "-af", LIMITER, "-c:a", "pcm_f32le", str(tmp))
        tmp.rename(limited)
    tmp = out.with_suffix(".part.wav")
    gain_to_peak(limited, tmp, peak_dbtp, "pcm_f32le")
    tmp.rename(out)
    return out


def preview(path: Path) -> list[dict]:
    # Exit 1 (not ready) is an answer, not an error.
    p = subprocess.run(
        [str(validate.PREFLIGHT), "check", "--json", "--profile", "master", "--codecs", str(path)],
        capture_output=True,
        text=True,
    )
    if p.returncode not in (0, 1):
        raise RuntimeError(f"preflight check --codecs {path}: {p.stderr.strip()}")
    return json.loads(p.stdout)["codecs"]


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def table(results: dict[str, dict[str, list[dict]]]) -> str:
    """results[version][master] = that master's codec rows."""
    lines = []
    for version, description, _ in VERSIONS:
        rows = results.get(version, {})
        if not rows:
            continue
        n = len(rows)
        lines += [
            f"\n{description}: {n} masters",
            "| codec | over the ceiling | over 0 dBFS | rise median | rise p90 | rise max |",
            "|---|---|---|---|---|---|",
        ]
        codecs = [c["id"] for c in next(iter(rows.values()))]
        for codec in codecs:
            got = [next(c for c in r if c["id"] == codec) for r in rows.values()]
            rises = [c["rise_db"] for c in got if c["rise_db"] is not None]
            over_ceiling = sum(1 for c in got if c["overs_ceiling"] > 0)
            over_0db = sum(1 for c in got if c["overs_0db"] > 0)
            lines.append(
                f"| {got[0]['name']} | {over_ceiling}/{n} | {over_0db}/{n} | "
                f"{statistics.median(rises):+.2f} dB | {quantile(rises, 0.9):+.2f} dB | "
                f"{max(rises):+.2f} dB |"
            )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="the short form's four masters")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "validation")
    ap.add_argument("--json", type=Path, help="write each master's codec rows here")
    args = ap.parse_args()

    install(validate.PACKAGES_SHORT if args.short else validate.PACKAGES_FULL)
    if shutil.which("ffmpeg") is None:
        sys.exit("validate_codecs: ffmpeg is not installed")
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "preflight-cli"], cwd=ROOT, check=True)
    work = args.work / ("short" if args.short else "full")
    work.mkdir(parents=True, exist_ok=True)

    print("== decoding the masters", flush=True)
    mastered = [p for p in (decode_master(*m, work) for m in masters(args.short)) if p]
    # The preview runs on every core already, so the masters go one after the other.
    results: dict[str, dict[str, list[dict]]] = {v: {} for v, _, _ in VERSIONS}
    for i, master in enumerate(mastered, 1):
        print(f"== {i}/{len(mastered)} {master.stem}", flush=True)
        for version, _, peak in VERSIONS:
            path = master if peak is None else loud_master(master, peak, work)
            results[version][master.stem] = preview(path)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps({"limiter": LIMITER, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
