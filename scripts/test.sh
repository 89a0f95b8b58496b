#!/usr/bin/env bash
# Runs Preflight's whole test suite on a fresh machine: installs what the host tests need
# (Debian packages when run as root, a Python venv with pedalboard), builds the CLAP/VST3
# bundles, then runs every Rust test, the VST3 host tests (pedalboard, Ardour), the CLAP host
# tests (Qtractor), the real-music validation's short form and, where
# ../shared/tools/clap-validator exists, clap-validator.
#
#   ./scripts/test.sh            everything
#   PREFLIGHT_LONG=1 ./scripts/test.sh   also the long reliability forms (see README)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/apt.sh
. scripts/apt.sh
# cmake and make build the codec preview's encoders (libopus, LAME) from source.
install_missing --no-install-recommends -- cmake make
# Xvfb and GL for the editor tests.
install_missing -- xvfb xauth libgl1-mesa-dri libx11-xcb1 libxcursor1 libxrandr2 libxi6 libgl1 python3-venv
# Ardour 7, the VST3 host of the real-host tests (its headless tools only: no recommends).
install_missing --no-install-recommends -- ardour
# Qtractor 0.9, the CLAP host of the real-host tests, on JACK's dummy driver; xdotool and
# xwininfo drive its windows under Xvfb.
install_missing --no-install-recommends -- qtractor jackd2 xdotool x11-utils
# ffmpeg encodes the lossy test files (MP3, AAC, Vorbis, ALAC) and applies the validation
# corpus's defects.
install_missing --no-install-recommends -- ffmpeg
# Headless Chromium renders the HTML report and takes its screenshot; tidy checks its HTML.
install_missing --no-install-recommends -- chromium tidy

if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-test.txt

echo "== bundling the plug-in (CLAP + VST3)"
cargo xtask bundle preflight --release

echo "== module structure"
python3 scripts/module_cycles.py

echo "== Rust tests"
# -noreset: otherwise Xvfb resets when its last client disconnects and refuses connections for
# a moment, so a test that opens the display just after another closed it can fail.
if command -v xvfb-run >/dev/null; then
    xvfb-run -a -s "-screen 0 1280x800x24 -noreset" cargo test --workspace --all-targets
else
    cargo test --workspace --all-targets
fi

echo "== CLAP host tests against the debug build (nice-plug's assert_process_allocs armed)"
cargo build -p preflight
if command -v xvfb-run >/dev/null; then
    PREFLIGHT_CLAP="$PWD/target/debug/libpreflight.so" xvfb-run -a -s "-screen 0 1280x800x24 -noreset" \
        cargo test -p preflight --test clap_host
else
    PREFLIGHT_CLAP="$PWD/target/debug/libpreflight.so" cargo test -p preflight --test clap_host
fi

echo "== VST3 host tests (pedalboard)"
.venv/bin/python -m pytest -q plugin/tests/host_vst3.py

echo "== Ardour 7 host tests (VST3, headless)"
.venv/bin/python -m pytest -q -rxX plugin/tests/host_ardour.py

echo "== Qtractor host tests (CLAP, JACK dummy driver, Xvfb)"
.venv/bin/python -m pytest -q -rxX plugin/tests/host_qtractor.py

echo "== Real-music validation, short form (LMMS demo songs, game soundtracks, ffmpeg defects)"
# scripts/validate.py installs LMMS and the soundtracks' packages (as root), renders and judges.
.venv/bin/python -m pytest -q -rxX cli/tests/real_music.py

validator=../shared/tools/clap-validator
if [ -x "$validator" ]; then
    echo "== clap-validator"
    python3 scripts/clap_validate.py "$validator" target/bundled/Preflight.clap
else
    echo "== clap-validator: $validator not found, not run"
fi
