#!/usr/bin/env python3
"""Judges Preflight's verdicts on real music: a validation corpus built from recordings and
productions nobody in this project made, with defects made by a third-party tool (ffmpeg).

Sources (Debian packages; nothing here is committed as audio):
  productions  the demo songs of LMMS (package lmms-common), rendered by LMMS itself, headless,
               in 32-bit float, then set to mix level (true peak -5 dBTP) and written as 24-bit
               WAV: unmastered productions, judged in the mix profile;
  masters      the released game soundtracks of Wesnoth (wesnoth-1.16-music), Extreme Tux Racer
               (extremetuxracer-data) and Frozen Bubble (frozen-bubble-data), Ogg Vorbis decoded
               by ffmpeg to float WAV, judged as they are in the master profile (Spotify).

Each clean production gets every defect in DEFECTS, applied by ffmpeg. The report prints, per
defect, how often the checks that should find it warn or fail; per check, how often it warns or
fails on the clean productions and on the masters (false alarms); and the verdicts.

  scripts/validate.py                 the full corpus (installs the packages when run as root)
  scripts/validate.py --short         a few tracks (what the test suite runs)
  scripts/validate.py --json OUT      also writes every figure and each file's findings as JSON

Needs ffmpeg and lmms, and the release build of `preflight` (built when missing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFLIGHT = ROOT / "target" / "release" / "preflight"

# Level a clean production is set to: the middle of the mix-headroom range (-6..-3 dBTP).
MIX_PEAK_DBTP = -5.0
# Shortest master worth judging (s): the packages also ship jingles and stingers.
MIN_MASTER_S = 30.0

# LMMS with the LADSPA effects its demo songs use (what it recommends, but its Windows VST host).
PACKAGES_SHORT = [
    "lmms",
    "tap-plugins",
    "caps",
    "extremetuxracer-data",
    "frozen-bubble-data",
    "ffmpeg",
]
PACKAGES_FULL = PACKAGES_SHORT + ["wesnoth-1.16-music"]

LMMS_PROJECTS = Path("/usr/share/lmms/projects")
# Where each soundtrack lies, and the prefix its decoded tracks get.
MASTER_DIRS = {
    "wesnoth": Path("/usr/share/games/wesnoth/1.16/data/core/music"),
    "etr": Path("/usr/share/games/etr/music"),
    "frozen-bubble": Path("/usr/share/games/frozen-bubble/snd"),
}
# The short form: productions and masters that render or decode quickly, chosen once.
SHORT_PRODUCTIONS = [
    "shorties/DirtyLove.mmpz",
    "shorties/Greshz-CoolSnip.mmpz",
    "demos/Oglsdl-PpTrip.mmpz",
    "demos/Impulslogik-Zen.mmpz",
]
SHORT_MASTERS = ["calmrace-ks.ogg", "freezingpoint.ogg", "race1-jt.ogg", "introzik.ogg"]


@dataclass(frozen=True)
class Defect:
    """A defect made by ffmpeg. `filters` is an ffmpeg filter chain applied to the clean
    production (at -5 dBTP); `renormalise` sets the result back to -5 dBTP, so only the
    defect differs (not the level); `codec` is the WAV sample format written."""

    id: str
    description: str
    expect: tuple[str, ...]
    filters: str | None = None
    renormalise: bool = False
    codec: str = "pcm_s24le"
    # Gain to reach, instead of a filter chain's own level: a true peak (dBTP).
    to_peak_dbtp: float | None = None


DEFECTS = [
    Defect("hot", "gain to a true peak of -0.3 dBTP", ("headroom",), to_peak_dbtp=-0.3),
    Defect(
        "clipped",
        "+6 dB, then hard-clipped at full scale (asoftclip type=hard)",
        ("clipping",),
        filters="volume=6dB,asoftclip=type=hard:threshold=1",
    ),
    Defect(
        "inverted",
        "right channel polarity-inverted (pan)",
        ("mono_compat",),
        filters="pan=stereo|c0=c0|c1=-1*c1",
    ),
    Defect("bits16", "written as 16-bit PCM", ("format",), codec="pcm_s16le"),
    Defect(
        "dc",
        "DC offset of -40 dBFS (dcshift=0.01)",
        ("dc_offset",),
        filters="dcshift=shift=0.01",
    ),
    # Driven N dB: the loudest peak meets the -1 dBFS ceiling N dB over it (the clean
    # production peaks at -5 dBTP, so the gain before the limiter is N + 4 dB).
    Defect(
        "limiter6",
        "brickwall limiter at -1 dBFS driven 6 dB (alimiter, 5 ms attack, 50 ms release)",
        ("limiting", "dynamics", "micro_dynamics"),
        filters="volume=10dB,alimiter=limit=0.891:level=disabled",
    ),
    Defect(
        "limiter9",
        "brickwall limiter at -1 dBFS driven 9 dB (alimiter, 5 ms attack, 50 ms release)",
        ("limiting", "dynamics", "micro_dynamics"),
        filters="volume=13dB,alimiter=limit=0.891:level=disabled",
    ),
    Defect(
        "squashed",
        "bus compressor 20:1, peak-sensing, 1 ms attack, 100 ms release, threshold 15 dB under "
        "the peak, make-up back to -5 dBTP (acompressor)",
        ("limiting", "dynamics", "micro_dynamics"),
        filters="acompressor=threshold=-20dB:ratio=20:attack=1:release=100:detection=peak",
        renormalise=True,
    ),
    Defect(
        "mud",
        "+6 dB one-octave bell at 300 Hz (equalizer)",
        ("low_end",),
        filters="equalizer=f=300:t=o:w=1:g=6",
        renormalise=True,
    ),
    Defect(
        "harsh",
        "+6 dB one-octave bell at 3.2 kHz (equalizer)",
        ("harshness",),
        filters="equalizer=f=3200:t=o:w=1:g=6",
        renormalise=True,
    ),
    Defect(
        "dull",
        "-6 dB high shelf from 8 kHz (treble)",
        ("top_end",),
        filters="treble=g=-6:f=8000",
        renormalise=True,
    ),
]


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def install(packages: list[str]) -> None:
    missing = [
        p
        for p in packages
        if subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True
        ).stdout
        != "install ok installed"
    ]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"validate: install these Debian packages first: {' '.join(missing)}")
    print(f"== installing {' '.join(missing)}", flush=True)
    run(["apt-get", "update", "-qq"])
    run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def ffmpeg(*args: str) -> None:
    run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args])


def analyze(path: Path) -> dict:
    return json.loads(run([str(PREFLIGHT), "analyze", "--json", str(path)]).stdout)


def check(path: Path, profile: str, target: Path | None = None) -> dict:
    # Exit 1 (not ready) is an answer, not an error.
    extra = ["--target", str(target)] if target else []
    p = subprocess.run(
        [str(PREFLIGHT), "check", "--json", "--profile", profile, *extra, str(path)],
        capture_output=True,
        text=True,
    )
    if p.returncode not in (0, 1):
        raise RuntimeError(f"preflight check {path}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def productions(short: bool) -> list[Path]:
    if short:
        return [LMMS_PROJECTS / p for p in SHORT_PRODUCTIONS]
    found = []
    for sub in ("demos", "shorties"):
        found += sorted((LMMS_PROJECTS / sub).rglob("*.mmp*"))
    return found


def masters(short: bool) -> list[tuple[str, Path]]:
    found = []
    for label, d in MASTER_DIRS.items():
        if d.is_dir():
            found += [(label, p) for p in sorted(d.glob("*.ogg"))]
    if short:
        found = [(label, p) for label, p in found if p.name in SHORT_MASTERS]
    return found


def gain_to_peak(src: Path, dst: Path, peak_dbtp: float, codec: str = "pcm_s24le") -> None:
    tp = analyze(src)["true_peak_dbtp"]
    ffmpeg("-i", str(src), "-af", f"volume={peak_dbtp - tp:.3f}dB", "-c:a", codec, str(dst))


def render_production(project: Path, work: Path) -> Path | None:
    """The clean production: LMMS's float render at -5 dBTP, 24-bit. Cached."""
    name = project.stem
    clean = work / "productions" / f"{name}.wav"
    if clean.exists():
        return clean
    clean.parent.mkdir(parents=True, exist_ok=True)
    raw = work / "render" / f"{name}.wav"
    raw.parent.mkdir(parents=True, exist_ok=True)
    if not raw.exists():
        tmp = raw.with_suffix(".part.wav")
        # LMMS now and then crashes on a song it renders the next time: one retry.
        for attempt in (1, 2):
            try:
                run(
                    ["lmms", "--allowroot", "render", str(project), "-a", "-f", "wav", "-o", str(tmp)],
                    timeout=900,
                    env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                )
                break
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
                if attempt == 2:
                    print(f"   {name}: LMMS could not render it ({type(e).__name__}); left out", flush=True)
                    return None
        tmp.rename(raw)
    if analyze(raw)["true_peak_dbtp"] is None:
        print(f"   {name}: renders silent; left out", flush=True)
        return None
    gain_to_peak(raw, clean, MIX_PEAK_DBTP)
    return clean


def decode_master(label: str, ogg: Path, work: Path) -> Path | None:
    dst = work / "masters" / f"{label}-{ogg.stem}.wav"
    if dst.exists():
        return dst
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(".part.wav")
    ffmpeg("-i", str(ogg), "-c:a", "pcm_f32le", str(tmp))
    if analyze(tmp)["duration_s"] < MIN_MASTER_S:
        tmp.unlink()
        return None
    tmp.rename(dst)
    return dst


def make_defect(clean: Path, defect: Defect, out: Path) -> None:
    if defect.to_peak_dbtp is not None:
        gain_to_peak(clean, out, defect.to_peak_dbtp, defect.codec)
        return
    if defect.filters is None:
        ffmpeg("-i", str(clean), "-c:a", defect.codec, str(out))
        return
    if not defect.renormalise:
        ffmpeg("-i", str(clean), "-af", defect.filters, "-c:a", defect.codec, str(out))
        return
    tmp = out.with_suffix(".float.wav")
    ffmpeg("-i", str(clean), "-af", defect.filters, "-c:a", "pcm_f32le", str(tmp))
    gain_to_peak(tmp, out, MIX_PEAK_DBTP, defect.codec)
    tmp.unlink()


# The checks that read a tonal target. Their figures are cross-validated: each track is judged
# against a target built (with `preflight target build`) from the other folds' clean tracks,
# never from itself, so the rates say how the targets do on music they were not built from.
SPECTRAL = ("low_end", "sub_bass", "harshness", "top_end")
FOLDS = 5


def flagged(entry: dict, checks: tuple[str, ...]) -> bool:
    """Whether any of `checks` warns or fails; spectral checks are read from the
    cross-validated report."""
    for c in checks:
        report = entry["cv"] if c in SPECTRAL else entry["builtin"]
        if any(f["id"] == c and f["severity"] in ("warn", "fail") for f in report["findings"]):
            return True
    return False


@dataclass
class Results:
    # name -> {"builtin": report against the built-in general target, "cv": report against
    # the out-of-fold target}
    clean: dict[str, dict] = field(default_factory=dict)
    masters: dict[str, dict] = field(default_factory=dict)
    defects: dict[str, dict[str, dict]] = field(default_factory=dict)


def pct(k: int, n: int) -> str:
    return f"{100.0 * k / n:.0f} % ({k}/{n})" if n else "-"


def value(report: dict, check: str) -> float | None:
    return next((f["value"] for f in report["findings"] if f["id"] == check), None)


def auc(positives: list[float], negatives: list[float]) -> float:
    """The chance that a defect version reads further out than a clean track (1: always)."""
    pairs = [(p > n) + 0.5 * (p == n) for p in positives for n in negatives]
    return sum(pairs) / len(pairs)


def separation(results: Results, d: Defect) -> str:
    """For a spectral defect: the AUC of its check's cross-validated level, defect versions
    against every clean track (productions and masters); the sign follows the defect. For the
    squashing: the AUC of the micro-dynamics figure (lower is more squashed) against the clean
    productions (it is judged in the mix profile only)."""
    if d.id == "squashed":
        check = "micro_dynamics"
        pos = [-v for e in results.defects.get(d.id, {}).values() if (v := value(e["builtin"], check)) is not None]
        neg = [-v for e in results.clean.values() if (v := value(e["builtin"], check)) is not None]
        return f"{auc(pos, neg):.2f}" if pos and neg else "-"
    if len(d.expect) != 1 or d.expect[0] not in SPECTRAL:
        return ""
    check = d.expect[0]
    sign = -1.0 if d.id == "dull" else 1.0
    pos = [sign * v for e in results.defects.get(d.id, {}).values() if (v := value(e["cv"], check)) is not None]
    neg = [
        sign * v
        for e in [*results.clean.values(), *results.masters.values()]
        if (v := value(e["cv"], check)) is not None
    ]
    return f"{auc(pos, neg):.2f}" if pos and neg else "-"


def table(results: Results) -> str:
    lines = [
        "| defect (ffmpeg) | expected finding | detected (warn or fail) | separation (AUC) |",
        "|---|---|---|---|",
    ]
    for d in DEFECTS:
        reports = results.defects.get(d.id, {})
        k = sum(flagged(r, d.expect) for r in reports.values())
        lines.append(
            f"| {d.id}: {d.description} | {' or '.join(d.expect)} | {pct(k, len(reports))} "
            f"| {separation(results, d)} |"
        )
    checks = sorted(
        {
            f["id"]
            for e in [*results.clean.values(), *results.masters.values()]
            for f in e["builtin"]["findings"]
        }
    )
    lines += [
        "",
        "| check | false alarms on clean productions (mix) | on released masters (master) |",
        "|---|---|---|",
    ]
    for c in checks:
        k1 = sum(flagged(r, (c,)) for r in results.clean.values())
        k2 = sum(flagged(r, (c,)) for r in results.masters.values())
        name = f"{c} (cross-validated)" if c in SPECTRAL else c
        judged = any(f["id"] == c for e in results.masters.values() for f in e["builtin"]["findings"])
        masters = pct(k2, len(results.masters)) if judged else "(mix profile only)"
        lines.append(f"| {name} | {pct(k1, len(results.clean))} | {masters} |")
    lines += ["", "| set | ready | not ready | insufficient |", "|---|---|---|---|"]
    for name, group in (("clean productions (mix)", results.clean), ("masters (master)", results.masters)):
        v = [e["builtin"]["verdict"] for e in group.values()]
        lines.append(
            f"| {name} | {pct(v.count('ready'), len(v))} | {pct(v.count('not_ready'), len(v))} "
            f"| {pct(v.count('insufficient'), len(v))} |"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="a few tracks (the test suite's form)")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "validation")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--json", type=Path, help="write every figure and finding here")
    ap.add_argument("--preflight", type=Path, help="the preflight binary (default: the release build)")
    ap.add_argument("--report", type=Path, metavar="JSON", help="print the tables of a saved --json run")
    args = ap.parse_args()
    if args.report:
        saved = json.loads(args.report.read_text())
        print(table(Results(saved["clean"], saved["masters"], saved["defect_reports"])))
        return 0
    global PREFLIGHT
    if args.preflight:
        PREFLIGHT = args.preflight.resolve()

    install(PACKAGES_SHORT if args.short else PACKAGES_FULL)
    for tool in ("ffmpeg", "lmms"):
        if shutil.which(tool) is None:
            sys.exit(f"validate: {tool} is not installed")
    if not args.preflight:
        # Up to date in a moment when it already is.
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "preflight-cli"], cwd=ROOT, check=True)
    work = args.work / ("short" if args.short else "full")
    work.mkdir(parents=True, exist_ok=True)

    with ThreadPoolExecutor(args.jobs) as pool:
        print("== rendering the productions (LMMS)", flush=True)
        clean = [p for p in pool.map(lambda p: render_production(p, work), productions(args.short)) if p]
        print("== decoding the masters", flush=True)
        mastered = [p for p in pool.map(lambda m: decode_master(*m, work), masters(args.short)) if p]
        print(f"   {len(clean)} productions, {len(mastered)} masters", flush=True)

        print(f"== building {FOLDS} out-of-fold targets", flush=True)
        everything = sorted(clean + mastered, key=lambda p: p.stem)
        fold = {p.stem: i % FOLDS for i, p in enumerate(everything)}
        fold_dir = work / "folds"
        fold_dir.mkdir(exist_ok=True)

        def build_fold(k: int) -> Path:
            out = fold_dir / f"fold{k}.json"
            train = [str(p) for p in everything if fold[p.stem] != k]
            run([str(PREFLIGHT), "target", "build", "--name", f"out-of-fold {k}", "-o", str(out), *train])
            return out

        fold_targets = list(pool.map(build_fold, range(FOLDS)))

        def judge_clean(job: tuple[Path, str]) -> dict:
            path, profile = job
            return {
                "builtin": check(path, profile),
                "cv": check(path, profile, fold_targets[fold[path.stem]]),
            }

        results = Results()
        for path, entry in zip(clean, pool.map(judge_clean, [(p, "mix") for p in clean])):
            results.clean[path.stem] = entry
        for path, entry in zip(mastered, pool.map(judge_clean, [(p, "master") for p in mastered])):
            results.masters[path.stem] = entry

        print("== applying the defects (ffmpeg) and judging them", flush=True)
        defect_dir = work / "defects"
        defect_dir.mkdir(exist_ok=True)

        def judge(job: tuple[Path, Defect]) -> tuple[str, str, dict]:
            src, defect = job
            out = defect_dir / f"{src.stem}.{defect.id}.wav"
            make_defect(src, defect, out)
            entry = {
                "builtin": check(out, "mix"),
                "cv": check(out, "mix", fold_targets[fold[src.stem]]),
            }
            out.unlink()
            return defect.id, src.stem, entry

        jobs = [(c, d) for d in DEFECTS for c in clean]
        for defect_id, name, report in pool.map(judge, jobs):
            results.defects.setdefault(defect_id, {})[name] = report

    print()
    print(table(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "form": "short" if args.short else "full",
                    "defects": {d.id: {"description": d.description, "expect": d.expect} for d in DEFECTS},
                    "clean": results.clean,
                    "masters": results.masters,
                    "defect_reports": results.defects,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
