#!/usr/bin/env python3
"""Builds the built-in tonal-balance targets (dsp/src/readiness/targets_data.rs) from the
validation corpus, with `preflight target build`: the numbers are the engine's own.

  scripts/validate.py               first: renders and decodes the corpus (target/validation/full)
  scripts/build_targets.py          then: writes dsp/src/readiness/targets_data.rs

Styles and their material (see scripts/validate.py for the packages):
  general     the whole corpus: the released game soundtracks and the LMMS demo songs
  acoustic    the Wesnoth soundtrack (orchestral and acoustic)
  electronic  the LMMS demo songs and the Extreme Tux Racer soundtrack
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFLIGHT = ROOT / "target" / "release" / "preflight"
CORPUS = ROOT / "target" / "validation" / "full"
OUT = ROOT / "dsp" / "src" / "readiness" / "targets_data.rs"
BAND_COUNT = 61
REGIONS = ["sub_bass", "low_end", "harshness", "top_end"]


def styles() -> dict[str, tuple[str, list[Path]]]:
    masters = sorted((CORPUS / "masters").glob("*.wav"))
    productions = sorted((CORPUS / "productions").glob("*.wav"))
    # Decoded masters are named <soundtrack>-<track> (scripts/validate.py).
    wesnoth = [p for p in masters if p.stem.startswith("wesnoth-")]
    etr = [p for p in masters if p.stem.startswith("etr-")]
    frozen = [p for p in masters if p.stem.startswith("frozen-bubble-")]
    return {
        "GENERAL": (
            f"general: {len(masters) + len(productions)} tracks, the {len(masters)} released game "
            f"soundtrack tracks Debian ships (Wesnoth {len(wesnoth)}, Extreme Tux Racer {len(etr)}, "
            f"Frozen Bubble {len(frozen)}; Ogg Vorbis decoded by ffmpeg) and the "
            f"{len(productions)} LMMS demo songs rendered by LMMS",
            masters + productions,
        ),
        "ACOUSTIC": (
            f"acoustic: the {len(wesnoth)} tracks of the Wesnoth soundtrack "
            "(wesnoth-1.16-music; orchestral and acoustic), Ogg Vorbis decoded by ffmpeg",
            wesnoth,
        ),
        "ELECTRONIC": (
            f"electronic: {len(productions) + len(etr)} tracks, the {len(productions)} LMMS demo songs "
            f"(lmms-common) rendered by LMMS and the {len(etr)} of the Extreme Tux Racer soundtrack "
            "(extremetuxracer-data)",
            productions + etr,
        ),
    }


def build(name: str, source: str, files: list[Path]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "target.json"
        subprocess.run(
            [str(PREFLIGHT), "target", "build", "--name", name, "--source", source, "-o", str(out)]
            + [str(f) for f in files],
            check=True,
        )
        return json.loads(out.read_text())


def rust_triplet(r: dict | None) -> str:
    if r is None:
        return "[f64::NAN; 3]"
    return f"[{r['low']:.2f}, {r['median']:.2f}, {r['high']:.2f}]"


def main() -> int:
    if not (CORPUS / "masters").is_dir():
        sys.exit("build_targets: run scripts/validate.py first (it renders the corpus)")
    centres = [1000.0 * 2 ** ((k - 34) / 6) for k in range(BAND_COUNT)]
    blocks = []
    for const, (source, files) in styles().items():
        name = source.split(":")[0]
        t = build(name, source, files)
        by_hz = {round(b["hz"]): b for b in t["bands"]}
        bands = ",\n        ".join(rust_triplet(by_hz.get(round(c))) for c in centres)
        regions = {r["id"]: r for r in t["regions"]}
        region_rows = ", ".join(rust_triplet(regions.get(r)) for r in REGIONS)
        blocks.append(
            f"""/// {source}.
pub(super) const {const}: TargetData = TargetData {{
    name: "{name}",
    source: "{source}",
    tracks: {t['tracks']},
    bands: [
        {bands},
    ],
    regions: [{region_rows}],
}};
"""
        )
    header = '''//! The built-in tonal-balance targets: per 1/6-octave band and per region (sub-bass, mud,
//! harshness, top end), the 10th percentile, median and 90th percentile of the normalised
//! long-term spectrum over the tracks named in each `source`. Written by
//! `scripts/build_targets.py` (with `preflight target build`) from the corpus that
//! `scripts/validate.py` builds; do not edit by hand. NaN: no range (too few tracks with energy).

// Measured levels; one may happen to read like a mathematical constant.
#![allow(clippy::approx_constant)]

use crate::spectrum::BAND_COUNT;

/// A built-in target as constant data: `[low, median, high]` per band and region (in
/// `Region::ALL` order), NaN where there is none.
pub(super) struct TargetData {
    pub name: &'static str,
    pub source: &'static str,
    pub tracks: usize,
    pub bands: [[f64; 3]; BAND_COUNT],
    pub regions: [[f64; 3]; 4],
}

'''
    OUT.write_text(header + "\n".join(blocks))
    subprocess.run(["rustfmt", "--edition", "2021", str(OUT)], check=True)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
