#!/usr/bin/env bash
# Cost of the codec preview per codec on a 4-minute 44.1 kHz stereo master, side by side with
# ffmpeg doing the same encode and decode (libvorbis, libopus, libmp3lame at the same bitrates,
# LAME at quality 2 as in the preview, decoded to nothing), in one hyperfine run (needs ffmpeg
# and hyperfine: `apt-get install ffmpeg hyperfine`). `preflight check` also analyses the file once, so its
# rows include that pass (about 0.1 s); the last row is that pass alone.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${BENCH_FILE:-target/bench-4min-44k-24bit.wav}"
if [ ! -f "$file" ]; then
    ffmpeg -nostdin -loglevel error -filter_complex \
        "anoisesrc=c=pink:r=44100:a=0.3:d=240:seed=1[a];anoisesrc=c=pink:r=44100:a=0.3:d=240:seed=2[b];[a][b]amerge=inputs=2,volume='0.6+0.3*sin(t/5)':eval=frame,alimiter=limit=0.9:level=disabled" \
        -c:a pcm_s24le "$file"
fi
cargo build --release -q -p preflight-cli
p=target/release/preflight
ff="ffmpeg -nostdin -nostats -loglevel error -threads 1 -i $file"
dec="ffmpeg -nostdin -nostats -loglevel error -i - -f null -"
hyperfine --warmup 1 --runs "${RUNS:-3}" --shell=bash \
    -n "preflight vorbis-320" "$p check --profile master --codecs=vorbis-320 $file >/dev/null || true" \
    -n "ffmpeg libvorbis 320k" "$ff -c:a libvorbis -b:a 320k -f ogg - | $dec" \
    -n "preflight vorbis-160" "$p check --profile master --codecs=vorbis-160 $file >/dev/null || true" \
    -n "ffmpeg libvorbis 160k" "$ff -c:a libvorbis -b:a 160k -f ogg - | $dec" \
    -n "preflight opus-160" "$p check --profile master --codecs=opus-160 $file >/dev/null || true" \
    -n "ffmpeg libopus 160k" "$ff -c:a libopus -b:a 160k -f ogg - | $dec" \
    -n "preflight mp3-320" "$p check --profile master --codecs=mp3-320 $file >/dev/null || true" \
    -n "ffmpeg libmp3lame 320k" "$ff -c:a libmp3lame -b:a 320k -compression_level 2 -f mp3 - | $dec" \
    -n "preflight, no codecs" "$p check --profile master $file >/dev/null || true"
