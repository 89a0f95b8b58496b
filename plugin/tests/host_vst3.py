"""Loads the bundled VST3 in pedalboard (a JUCE-based host) and checks bit-exact pass-through.

Build the bundle first with `cargo xtask bundle preflight --release`; the bundle path can be
overridden with PREFLIGHT_VST3. Run with `python -m pytest plugin/tests/host_vst3.py`.
"""

import os
from pathlib import Path

import numpy as np
import pedalboard
import pytest

BUNDLE_COMMAND = "cargo xtask bundle preflight --release"
WORKSPACE = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("PREFLIGHT_VST3", WORKSPACE / "target" / "bundled" / "Preflight.vst3"))

RATES_HZ = [44_100, 48_000, 96_000]
BUFFER_SIZES = [1, 64, 512, 4096, 7, 333, 1000]
PARAMETERS = {"profile", "platform", "reset_on_play", "hold_on_stop"}


@pytest.fixture(scope="module")
def plugin():
    assert BUNDLE.is_dir(), f"VST3 bundle not found at {BUNDLE}: run `{BUNDLE_COMMAND}` first"
    return pedalboard.load_plugin(str(BUNDLE))


def noise(channels: int, frames: int, seed: int) -> np.ndarray:
    """Full-scale noise with a few overs, subnormals and signed zeros mixed in."""
    rng = np.random.default_rng(seed)
    audio = rng.uniform(-1.0, 1.0, size=(channels, frames)).astype(np.float32)
    audio[:, ::997] = 1.5
    audio[:, 1::991] = np.float32(1e-45)
    audio[:, 2::983] = np.float32(-0.0)
    return audio


def test_loads_as_preflight(plugin):
    assert plugin.name == "Preflight"
    assert PARAMETERS <= set(plugin.parameters.keys()), plugin.parameters.keys()


@pytest.mark.parametrize("rate_hz", RATES_HZ)
@pytest.mark.parametrize("buffer_size", BUFFER_SIZES)
def test_stereo_passes_through_bit_exact(plugin, rate_hz, buffer_size):
    frames = max(3 * buffer_size, rate_hz // 4) + 17
    audio = noise(2, frames, seed=rate_hz + buffer_size)
    out = plugin.process(audio, float(rate_hz), buffer_size=buffer_size, reset=True)
    assert out.dtype == np.float32
    assert out.shape == audio.shape
    assert np.array_equal(out.view(np.uint32), audio.view(np.uint32)), (
        f"output differs at {rate_hz} Hz, buffer {buffer_size}: "
        f"first at {np.argwhere(out.view(np.uint32) != audio.view(np.uint32))[:1]}"
    )


@pytest.mark.parametrize("rate_hz", RATES_HZ)
def test_mono_passes_through_bit_exact(plugin, rate_hz):
    audio = noise(1, rate_hz // 2, seed=rate_hz)
    out = plugin.process(audio, float(rate_hz), buffer_size=512, reset=True)
    assert out.shape == audio.shape
    assert np.array_equal(out.view(np.uint32), audio.view(np.uint32))


def test_settings_do_not_touch_the_audio(plugin):
    plugin.hold_on_stop = True
    plugin.reset_on_play = True
    try:
        audio = noise(2, 48_000, seed=1)
        out = plugin.process(audio, 48_000.0, buffer_size=256, reset=True)
        assert np.array_equal(out.view(np.uint32), audio.view(np.uint32))
    finally:
        plugin.hold_on_stop = False
        plugin.reset_on_play = False
