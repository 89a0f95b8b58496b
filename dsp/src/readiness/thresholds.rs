//! The thresholds of the readiness rules: conventions of mix and mastering practice, not
//! standards, except where a standard is named. The README's readiness table lists each with its
//! source.

/// Non-silent audio needed before any verdict (s).
pub const MIN_MEASURED_S: f64 = 10.0;
pub use crate::stats::LRA_MIN_S;
/// Mix headroom: the healthy range's top (dBTP). Above it: warn.
pub const MIX_PEAK_MAX_DBTP: f64 = -3.0;
/// Mix headroom: the healthy range's bottom (dBTP). Below it: info.
pub const MIX_PEAK_MIN_DBTP: f64 = -6.0;
/// Mix headroom: above this the mix fails (dBTP).
pub(crate) const MIX_PEAK_FAIL_DBTP: f64 = -1.0;
pub use crate::stats::CLIP_DBFS;
/// Mix loudness: the healthy range (LUFS).
pub const MIX_LOUDNESS_MIN_LUFS: f64 = -23.0;
/// Mix loudness: the healthy range's top (LUFS).
pub const MIX_LOUDNESS_MAX_LUFS: f64 = -18.0;
/// Mix loudness: louder than this points to bus limiting or clipping (LUFS).
pub(crate) const MIX_LOUDNESS_WARN_LUFS: f64 = -14.0;
/// Mix loudness: quieter than this is worth mentioning (LUFS).
pub(crate) const MIX_LOUDNESS_QUIET_LUFS: f64 = -30.0;
/// Limiting: a 100 ms window is "pinned" when its true peak is within this of the maximum (dB).
pub(crate) const PINNED_WINDOW_DB: f64 = 0.5;
/// Limiting: windows considered are those within this of the maximum peak (dB).
pub(crate) const LOUD_WINDOW_RANGE_DB: f64 = 20.0;
/// Limiting: pinned fraction of the loud windows that suggests a limiter (warn).
pub(crate) const PINNED_FRACTION_WARN: f64 = 0.10;
/// Limiting: pinned fraction that, with a small PLR, fails a mix.
pub(crate) const PINNED_FRACTION_FAIL: f64 = 0.25;
/// Dynamics: a mix's PLR below this is over-compressed, pinned peaks or not: warn (dB).
pub(crate) const DYNAMICS_PLR_WARN_DB: f64 = 9.0;
/// Limiting: a mix whose peaks are pinned ([`PINNED_FRACTION_FAIL`]) fails when its PLR is also
/// below this (dB). A separate, looser bound than [`DYNAMICS_PLR_WARN_DB`]: pinned peaks with
/// little crest are a limiter at work even before the dynamics check warns.
pub(crate) const LIMITING_PLR_FAIL_DB: f64 = 10.0;
/// Micro-dynamics: a mix whose loud 50 ms blocks spread less than this warns (dB; the 95th
/// minus the 50th percentile of the blocks within [`MICRO_GATE_LU`] of the integrated
/// loudness). It is where released masters stop: a mix should leave mastering the density to
/// make, and 42 of the 44 released soundtrack masters of `docs/VALIDATION.md` read 3 dB or
/// more (median 5.5 dB). A bus compressor with a fast attack halves the spread of a mix
/// without moving its PLR much.
pub const MICRO_DYNAMICS_WARN_DB: f64 = 3.0;
/// Micro-dynamics: blocks counted are those at most this far under the integrated loudness
/// (LU), the loudness range's relative gate (EBU Tech 3342), so fades and breaks do not count.
pub const MICRO_GATE_LU: f64 = -20.0;
/// Micro-dynamics: loud 50 ms blocks needed before the spread means anything (10 s).
pub(crate) const MICRO_MIN_BLOCKS: u64 = 200;
/// Dynamics: LRA above this means very uneven sections (LU): information, since orchestral,
/// film and much acoustic music spans more.
pub(crate) const LRA_WIDE_LU: f64 = 15.0;
/// Dynamics: LRA below this with a loud level means squashed (LU).
pub(crate) const LRA_NARROW_LU: f64 = 3.0;
/// Mono compatibility: a mono downmix of the loud passages this much quieter than the stereo
/// mix fails (dB). Uncorrelated channels lose 3 dB; losing 6 dB or more takes cancellation,
/// i.e. content of opposite polarity in the two channels (an inverted channel, a phase-flip
/// widener): equal-level channels reach it at correlation -0.5.
pub const MONO_LOSS_FAIL_DB: f64 = 6.0;
/// Mono compatibility: a mono downmix this much quieter warns (dB): the correlation is held
/// negative (equal-level channels at -0.11), so parts partly cancel in mono. The positive half
/// of a correlation meter is fine; uncorrelated channels (spaced microphones, wide reverbs) lose
/// 3.0 dB and cancel nothing.
pub const MONO_LOSS_WARN_DB: f64 = 3.5;
/// Mono compatibility: a mono downmix this much quieter is very wide material, worth knowing
/// (info): side-panned and decorrelated parts drop back in mono (equal-level channels at
/// correlation +0.12).
pub const MONO_LOSS_WIDE_DB: f64 = 2.5;
/// Mono compatibility: the band below 150 Hz losing this much in mono fails: the bass cancels (dB).
pub const LOW_BAND_MONO_LOSS_FAIL_DB: f64 = 6.0;
/// Mono compatibility: the band below 150 Hz losing this much in mono warns (dB): the bass's
/// correlation is negative, so it partly cancels on mono playback.
pub const LOW_BAND_MONO_LOSS_WARN_DB: f64 = 3.5;
/// Mono compatibility: the band below 150 Hz losing this much is not mono (info): its weight
/// changes a little on mono playback (equal-level channels at correlation +0.59). Orchestral
/// recordings and stereo bass patches do this; club and vinyl masters want it mono.
pub const LOW_BAND_MONO_LOSS_WIDE_DB: f64 = 1.0;
/// Spectrum: how far outside a target's range (its 10th-90th percentile) a region must lie to
/// be flagged (dB). 3 dB over an octave or more is a change engineers hear as a different
/// balance, not a matter of taste within a style.
pub(crate) const TONAL_MARGIN_DB: f64 = 3.0;
/// Mud region (Hz).
pub const MUD_BAND_HZ: (f64, f64) = (200.0, 500.0);
/// Harshness region (Hz).
pub const HARSH_BAND_HZ: (f64, f64) = (2_000.0, 5_000.0);
/// Sub-bass region (Hz).
pub const SUB_BASS_HZ: (f64, f64) = (20.0, 60.0);
/// Top-end region (Hz): air, or the lack of it.
pub const TOP_END_HZ: (f64, f64) = (8_000.0, 16_000.0);
/// Tilt of a typical mix's spectrum (per-bin power, dB per octave): the slope that makes a
/// balanced mix read flat, and the editor's default display slope.
pub const REFERENCE_TILT_DB_PER_OCTAVE: f64 = 4.5;
/// Range whose median (after the tilt) is the reference level (Hz).
pub(crate) const REFERENCE_RANGE_HZ: (f64, f64) = (100.0, 10_000.0);
/// DC offset that warns (dBFS): 0.8 % of full scale. From about 1 % (-40 dBFS) an offset costs
/// a tenth of a dB of headroom and clicks where the mix is cut or faded. Real productions and
/// masters carry -45..-90 dBFS of DC, which costs nothing a mastering engineer hears.
pub(crate) const DC_WARN_DBFS: f64 = -42.0;
/// DC offset that fails (dBFS): 3 % of full scale, a quarter of a dB of headroom and an audible
/// thump when playback starts.
pub(crate) const DC_FAIL_DBFS: f64 = -30.0;
/// File format: integer bit depth below this gets advice.
pub(crate) const MIN_INTEGER_BITS: u32 = 24;
