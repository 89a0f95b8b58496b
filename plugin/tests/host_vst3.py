"""Loads the bundled VST3 in pedalboard (a JUCE-based host) and checks bit-exact pass-through.

Build the bundle first with `cargo xtask bundle preflight --release`; the bundle path can be
overridden with PREFLIGHT_VST3. Run with `python -m pytest plugin/tests/host_vst3.py`;
`PREFLIGHT_LONG=1 python -m pytest plugin/tests/host_vst3.py` makes the hostile-sample and
sample-rate tests longer.
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


LONG = os.environ.get("PREFLIGHT_LONG") == "1"


def hostile(channels: int, frames: int, seed: int) -> np.ndarray:
    """Samples a pass-through must carry untouched, in runs of one kind: NaNs of both signs,
    quiet and signalling, with random payloads; +Inf and -Inf; subnormals of both signs; signed
    zeros; a full-scale square wave; and ordinary noise."""
    rng = np.random.default_rng(seed)
    bits = np.empty((channels, frames), dtype=np.uint32)
    start = 0
    while start < frames:
        n = min(int(rng.integers(1, 3000)), frames - start)
        kind = int(rng.integers(0, 7))
        shape = (channels, n)
        sign = rng.integers(0, 2, size=shape, dtype=np.uint32) << np.uint32(31)
        mantissa = rng.integers(1, 1 << 23, size=shape, dtype=np.uint32)
        if kind == 0:  # NaN: exponent all ones, non-zero mantissa
            block = sign | np.uint32(0x7F80_0000) | mantissa
        elif kind == 1:
            block = np.full(shape, 0x7F80_0000, dtype=np.uint32)  # +Inf
        elif kind == 2:
            block = np.full(shape, 0xFF80_0000, dtype=np.uint32)  # -Inf
        elif kind == 3:  # subnormal: exponent zero, non-zero mantissa
            block = sign | mantissa
        elif kind == 4:  # +0.0 and -0.0
            block = sign
        elif kind == 5:  # full-scale square wave
            square = np.where((np.arange(n) // 24) % 2 == 0, 1.0, -1.0).astype(np.float32)
            block = np.broadcast_to(square, shape).view(np.uint32)
        else:
            block = rng.uniform(-1.0, 1.0, size=shape).astype(np.float32).view(np.uint32)
        bits[:, start : start + n] = block
        start += n
    return bits.view(np.float32)


def assert_same_bytes(out: np.ndarray, audio: np.ndarray, what: str):
    assert out.dtype == np.float32 and out.shape == audio.shape, (out.dtype, out.shape)
    # Compared as bytes: NaN != NaN as floats, and a quieted NaN or a flushed subnormal must
    # show up as a difference.
    if out.tobytes() != audio.tobytes():
        diff = np.argwhere(out.view(np.uint32) != audio.view(np.uint32))
        first = tuple(diff[0])
        raise AssertionError(
            f"{what}: {len(diff)} samples differ, first at {first}: "
            f"{audio.view(np.uint32)[first]:#010x} -> {out.view(np.uint32)[first]:#010x}"
        )


def test_hostile_samples_include_every_kind():
    audio = hostile(2, 48_000, seed=0)
    assert np.isnan(audio).any() and np.isinf(audio).any()
    assert (np.abs(audio) == 1.0).any()
    subnormal = (audio != 0) & (np.abs(audio) < np.finfo(np.float32).tiny)
    assert subnormal.any()
    # Signalling NaNs (quiet bit clear) are among them.
    nan_bits = audio.view(np.uint32)[np.isnan(audio)]
    assert ((nan_bits & 0x0040_0000) == 0).any()


@pytest.mark.parametrize("buffer_size", [1, 64, 512, 4096, 333])
def test_nan_inf_and_subnormal_samples_pass_through_bit_exact(plugin, buffer_size):
    seconds = 10 if LONG else 1
    for channels in (2, 1):
        audio = hostile(channels, seconds * 48_000 + 17, seed=buffer_size + channels)
        out = plugin.process(audio, 48_000.0, buffer_size=buffer_size, reset=True)
        assert_same_bytes(out, audio, f"{channels} ch, buffer {buffer_size}")


def test_alternating_sample_rates_on_one_instance(plugin):
    """One instance taken through 44.1 -> 96 -> 48 kHz and round again, without a reset in
    between: the plug-in is prepared again for each rate and passes every sample untouched."""
    rounds = 8 if LONG else 2
    for k in range(rounds):
        for rate_hz in (44_100, 96_000, 48_000):
            audio = hostile(2, rate_hz // 2 + 17 * k, seed=1000 * k + rate_hz)
            out = plugin.process(audio, float(rate_hz), buffer_size=512, reset=False)
            assert_same_bytes(out, audio, f"round {k} at {rate_hz} Hz")
