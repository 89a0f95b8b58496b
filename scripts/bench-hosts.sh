#!/usr/bin/env bash
# Preflight's cost inside a real host, side by side with x42's EBU R128 meter in the same run:
# Ardour 7 (headless Lua session tool, Dummy backend, 48 kHz) plays live pink noise through a
# stereo track holding Preflight (VST3, editor closed), x42's EBU R128 meter (LV2) and x42's
# stereo router (LV2, a near-trivial plug-in: the host's own floor). Ardour's per-plug-in timing
# (PluginInsert::get_stats) is printed in microseconds a cycle.
#
#   RUNS=3 SECONDS_EACH=20 BLOCK=1024 ./scripts/bench-hosts.sh
# Needs: apt-get install --no-install-recommends ardour x42-plugins (done here when root).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
seconds=${SECONDS_EACH:-20}
block=${BLOCK:-1024}

if [ "$(id -u)" = 0 ] && { ! command -v ardour7-lua >/dev/null || [ ! -d /usr/lib/lv2/meters.lv2 ]; }; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ardour x42-plugins >/dev/null
fi
[ -d target/bundled/Preflight.vst3 ] || cargo xtask bundle preflight --release

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.vst3"
# Keep the build time: Ardour ignores a scan cache older than the module it describes, and the
# scanner stores whole seconds.
cp -a target/bundled/Preflight.vst3 "$home/.vst3/"
HOME=$home LD_LIBRARY_PATH=/usr/lib/ardour7 /usr/lib/ardour7/ardour-vst3-scanner \
    "$home/.vst3/Preflight.vst3" >/dev/null 2>&1

plugins="vst3:Preflight,lv2:http://gareus.org/oss/lv2/meters#EBUr128,lv2:http://gareus.org/oss/lv2/stereoroute"
echo "block $block frames at 48 kHz, $seconds s a run; columns: min max avg stddev (us a cycle)"
for run in $(seq "$runs"); do
    rm -rf "$home/session"
    HOME=$home PF_ACTION=cost PF_DIR="$home/session" PF_NAME=cost PF_SECONDS="$seconds" \
        PF_BLOCK="$block" PF_PLUGINS="$plugins" \
        timeout $((seconds + 60)) ardour7-lua plugin/tests/ardour/session.lua 2>/dev/null |
        grep '^COST' | sed "s/^COST/run $run/" | tee "$home/run.txt"
    awk '/Preflight/ {p=$6} /EBUr128/ {x=$6} /stereoroute/ {f=$6}
         END {printf "run '"$run"': Preflight / x42 EBU R128 (avg): %.2f; above the floor: %.2f\n", p/x, (p-f)/(x-f)}' \
        "$home/run.txt"
done
