#!/usr/bin/env bash
# Whole-process speed of `preflight analyze` against ffmpeg's EBU R128 filter with true peak, on
# the same 10-minute 48 kHz stereo 24-bit WAV, side by side (needs ffmpeg and hyperfine:
# `apt-get install ffmpeg hyperfine`). Then the cost of the HTML report: `preflight check` with and
# without `--report` on the same file.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${BENCH_FILE:-target/bench-10min-48k-24bit.wav}"
if [ ! -f "$file" ]; then
    ffmpeg -nostdin -loglevel error -filter_complex \
        "anoisesrc=c=pink:r=48000:a=0.25:d=600:seed=1[a];anoisesrc=c=pink:r=48000:a=0.25:d=600:seed=2[b];[a][b]amerge=inputs=2,volume='0.5+0.4*sin(t/7)':eval=frame" \
        -c:a pcm_s24le "$file"
fi
cargo build --release -q -p preflight-cli
hyperfine --warmup 1 --runs "${RUNS:-5}" \
    -n "preflight analyze" "target/release/preflight analyze $file" \
    -n "ffmpeg ebur128=peak=true" "ffmpeg -nostdin -nostats -i $file -af ebur128=peak=true -f null -"
