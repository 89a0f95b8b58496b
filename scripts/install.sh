#!/usr/bin/env bash
# Builds Preflight, installs the CLAP and VST3 plug-ins for the current user and the
# `preflight` command into ~/.cargo/bin.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/apt.sh
. scripts/apt.sh
# cmake and make build the codec preview's encoders (libopus, LAME) from source.
install_missing --no-install-recommends -- cmake make

cargo xtask bundle preflight --release

case "$(uname -s)" in
    Darwin)
        clap_dir="$HOME/Library/Audio/Plug-Ins/CLAP"
        vst3_dir="$HOME/Library/Audio/Plug-Ins/VST3"
        ;;
    MINGW* | MSYS* | CYGWIN*)
        clap_dir="${LOCALAPPDATA}/Programs/Common/CLAP"
        vst3_dir="${LOCALAPPDATA}/Programs/Common/VST3"
        ;;
    *)
        clap_dir="$HOME/.clap"
        vst3_dir="$HOME/.vst3"
        ;;
esac
mkdir -p "$clap_dir" "$vst3_dir"
rm -rf "$clap_dir/Preflight.clap" "$vst3_dir/Preflight.vst3"
cp -R target/bundled/Preflight.clap "$clap_dir/"
cp -R target/bundled/Preflight.vst3 "$vst3_dir/"
echo "installed: $clap_dir/Preflight.clap"
echo "installed: $vst3_dir/Preflight.vst3"

cargo install --quiet --locked --path cli
echo
echo "The command-line analyser is installed as 'preflight':"
echo "  preflight analyze mix.wav            # measurements"
echo "  preflight check mix.wav              # is it ready for mastering? (exit 0/1/2)"
echo "  preflight check --profile master --platform spotify master.wav"
echo "  preflight check --profile master --codecs master.wav   # peaks after Vorbis, Opus, MP3"
