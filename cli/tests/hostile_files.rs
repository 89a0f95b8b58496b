//! Hostile files: `preflight analyze` and `preflight check` on mutated, truncated, huge and odd
//! WAV, AIFF and FLAC files, run as a user would run them.
//!
//! ```sh
//! cargo test -p preflight-cli --test hostile_files                    # 64 fuzz cases
//! PREFLIGHT_LONG=1 cargo test -p preflight-cli --test hostile_files   # 1024 fuzz cases
//! ```
//!
//! Every run of the binary must end by itself within [`TIMEOUT`] (a watchdog kills it
//! otherwise), with an exit status the help documents and never by a signal or a panic, inside
//! an address-space limit of [`MEMORY_LIMIT_KIB`] (so a header that makes the tool allocate
//! what it declares fails the test). Stderr holds either warnings for the file or, when the file
//! is refused, exactly one line `preflight: <path>: <reason>`. The input's bytes are the same
//! after the run.

mod support;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use support::{aiff, fingerprint, flac, wav, Audio};

/// How long one run of the binary may take on these small files.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Address space a run may map (1 GiB). A normal run fits in 64 MiB (a 30 s file measured in
/// parts on two threads); anything that allocates the multi-gigabyte sizes these headers declare
/// is stopped.
const MEMORY_LIMIT_KIB: u64 = 1 << 20;
/// Fuzz cases in the default and the long form.
const CASES: u32 = 64;
const LONG_CASES: u32 = 1024;

fn long_form() -> bool {
    std::env::var("PREFLIGHT_LONG").is_ok_and(|v| v == "1")
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn text(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 path {}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Running the binary under a watchdog and a memory limit

/// How one run ended.
#[derive(Debug)]
struct Outcome {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Outcome {
    fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

/// Runs `preflight args...` with stdout and stderr in files next to `scratch`, killing it after
/// [`TIMEOUT`]. `Err` describes a run that did not end by itself.
fn run(args: &[&OsStr], scratch: &Path) -> Result<Outcome, String> {
    let out_path = scratch.with_extension("stdout");
    let err_path = scratch.with_extension("stderr");
    let out = File::create(&out_path).map_err(|e| format!("create {}: {e}", out_path.display()))?;
    let err = File::create(&err_path).map_err(|e| format!("create {}: {e}", err_path.display()))?;
    // `exec` keeps the process ID, so the watchdog kills preflight itself.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        // Bounds glibc's per-thread heap reservations, which count against the limit.
        .env("MALLOC_ARENA_MAX", "2")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run preflight: {e}"))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "preflight {args:?} did not finish within {} s",
                    TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("waiting for preflight: {e}")),
        }
    };
    let elapsed = started.elapsed();
    let read = |p: &Path| {
        std::fs::read(p)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| format!("read {}: {e}", p.display()))
    };
    Ok(Outcome {
        status,
        stdout: read(&out_path)?,
        stderr: read(&err_path)?,
        elapsed,
    })
}

/// How the tool reports a panic it contained (see `cli/src/guard.rs`).
const INTERNAL_ERROR: &str = "internal error (please report it): ";

/// Panics inside symphonia 0.5 that header fields reach; the tool contains them as one
/// "internal error" line. Any other contained panic fails the fuzz test.
const KNOWN_DECODER_PANICS: [&str; 2] = [
    // `TimeBase::new(1, sample_rate)` in the RIFF, AIFF and FLAC readers, for a rate of 0.
    "TimeBase cannot have 0 numerator or denominator",
    // `fix_channel_mask` (symphonia-format-riff `common.rs`): `1 << (channels - mask bits)` for
    // an extensible header with 32 or more channels more than its mask has bits.
    "attempt to shift left with overflow",
];

/// Which command ran, for the checks on its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Analyze,
    Check,
}

/// Checks what every run must do whatever the file: end by itself with a documented status, no
/// panic, stderr as documented, and JSON that parses when the file was measured. Returns the
/// refusal reason when the file was refused.
fn well_behaved(
    cmd: Cmd,
    json: bool,
    path: &Path,
    outcome: &Outcome,
) -> Result<Option<String>, String> {
    let context = || {
        format!(
            "{cmd:?} on {}: status {:?}\n--- stdout\n{}\n--- stderr\n{}",
            path.display(),
            outcome.status,
            outcome.stdout.chars().take(2000).collect::<String>(),
            outcome.stderr
        )
    };
    let Some(code) = outcome.code() else {
        return Err(format!(
            "killed by a signal (an abort here can be the {MEMORY_LIMIT_KIB} KiB memory \
             limit): {}",
            context()
        ));
    };
    let allowed: &[i32] = match cmd {
        Cmd::Analyze => &[0, 2],
        Cmd::Check => &[0, 1, 2],
    };
    if !allowed.contains(&code) {
        return Err(format!("undocumented exit status {code}: {}", context()));
    }
    if outcome.stderr.contains("panicked") || outcome.stderr.contains("RUST_BACKTRACE") {
        return Err(format!("a panic reached stderr: {}", context()));
    }
    if let Some(at) = outcome.stderr.find(INTERNAL_ERROR) {
        let message = outcome.stderr[at + INTERNAL_ERROR.len()..].trim_end();
        if !KNOWN_DECODER_PANICS.contains(&message) {
            return Err(format!("a new panic inside the tool: {}", context()));
        }
    }
    let prefix = format!("preflight: {}: ", path.display());
    let lines: Vec<&str> = outcome.stderr.lines().collect();
    if code == 2 {
        let [line] = lines[..] else {
            return Err(format!(
                "a refusal must print exactly one line, got {}: {}",
                lines.len(),
                context()
            ));
        };
        let reason = line
            .strip_prefix(&prefix)
            .filter(|r| !r.trim().is_empty() && !r.starts_with("warning:"))
            .ok_or_else(|| format!("the refusal line does not name the file: {}", context()))?;
        if !outcome.stdout.is_empty() {
            return Err(format!("a refused file produced output: {}", context()));
        }
        return Ok(Some(reason.to_string()));
    }
    for line in &lines {
        if !line.starts_with(&format!("{prefix}warning: ")) {
            return Err(format!("unexpected stderr line {line:?}: {}", context()));
        }
    }
    if json {
        let v: Value = serde_json::from_str(&outcome.stdout)
            .map_err(|e| format!("stdout is not JSON ({e}): {}", context()))?;
        let m = match cmd {
            Cmd::Analyze => &v,
            Cmd::Check => &v["measurements"],
        };
        let rate = m["sample_rate_hz"].as_u64().unwrap_or(0);
        let channels = m["channels"].as_u64().unwrap_or(0);
        let duration = m["duration_s"].as_f64().unwrap_or(-1.0);
        if !(8_000..=768_000).contains(&rate) || !(1..=8).contains(&channels) || duration < 0.0 {
            return Err(format!(
                "implausible measurement (rate {rate}, channels {channels}, duration \
                 {duration}): {}",
                context()
            ));
        }
    } else if !outcome.stdout.contains(text(path)) {
        return Err(format!("the report does not name the file: {}", context()));
    }
    Ok(None)
}

/// Runs `args` (ending with the file) and checks [`well_behaved`] and that the file is unchanged.
fn run_checked(cmd: Cmd, args: &[&str], path: &Path) -> Result<(Outcome, Option<String>), String> {
    let before = fingerprint(path);
    let json = args.contains(&"--json");
    let os_args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let outcome = run(&os_args, path)?;
    let refused = well_behaved(cmd, json, path, &outcome)?;
    if fingerprint(path) != before {
        return Err(format!("{} was modified by {args:?}", path.display()));
    }
    Ok((outcome, refused))
}

fn must<T>(r: Result<T, String>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------------------------------------
// Header fields of the valid files the fuzzer starts from

/// Where a header field sits.
#[derive(Debug, Clone, Copy)]
enum Field {
    /// `bytes` bytes at `at`, little-endian (RIFF).
    Le { at: usize, bytes: usize },
    /// Big-endian (AIFF, FLAC byte fields).
    Be { at: usize, bytes: usize },
    /// `width` bits from bit `bit` of the file, most significant first (FLAC STREAMINFO).
    Bits { bit: usize, width: u32 },
}

impl Field {
    fn width(self) -> u32 {
        match self {
            Field::Le { bytes, .. } | Field::Be { bytes, .. } => 8 * bytes as u32,
            Field::Bits { width, .. } => width,
        }
    }

    fn fits(self, len: usize) -> bool {
        match self {
            Field::Le { at, bytes } | Field::Be { at, bytes } => at + bytes <= len,
            Field::Bits { bit, width } => (bit + width as usize).div_ceil(8) <= len,
        }
    }

    fn read(self, b: &[u8]) -> u64 {
        match self {
            Field::Le { at, bytes } => {
                (0..bytes).fold(0, |v, i| v | u64::from(b[at + i]) << (8 * i))
            }
            Field::Be { at, bytes } => (0..bytes).fold(0, |v, i| v << 8 | u64::from(b[at + i])),
            Field::Bits { bit, width } => (0..width as usize).fold(0, |v, i| {
                let k = bit + i;
                v << 1 | u64::from(b[k / 8] >> (7 - k % 8) & 1)
            }),
        }
    }

    fn write(self, b: &mut [u8], value: u64) {
        match self {
            Field::Le { at, bytes } => {
                for i in 0..bytes {
                    b[at + i] = (value >> (8 * i)) as u8;
                }
            }
            Field::Be { at, bytes } => {
                for i in 0..bytes {
                    b[at + i] = (value >> (8 * (bytes - 1 - i))) as u8;
                }
            }
            Field::Bits { bit, width } => {
                for i in 0..width as usize {
                    let k = bit + i;
                    let one = value >> (width as usize - 1 - i) & 1 == 1;
                    let mask = 1u8 << (7 - k % 8);
                    if one {
                        b[k / 8] |= mask;
                    } else {
                        b[k / 8] &= !mask;
                    }
                }
            }
        }
    }
}

/// A valid file and the fields the fuzzer edits.
#[derive(Debug)]
struct Base {
    name: &'static str,
    ext: &'static str,
    bytes: Vec<u8>,
    /// Chunk or block length fields.
    lengths: Vec<Field>,
    /// Format fields: channels, rate, bits, block align, frame counts...
    fields: Vec<Field>,
    flac: bool,
}

fn u32_le(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

fn u32_be(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

fn wav_base(name: &'static str, bytes: Vec<u8>) -> Base {
    let mut lengths = vec![Field::Le { at: 4, bytes: 4 }];
    let mut fields = Vec::new();
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let len = u32_le(&bytes, pos + 4);
        lengths.push(Field::Le {
            at: pos + 4,
            bytes: 4,
        });
        match &bytes[pos..pos + 4] {
            b"fmt " => {
                // format tag, channels, rate, byte rate, block align, bits per sample
                for (off, n) in [(8, 2), (10, 2), (12, 4), (16, 4), (20, 2), (22, 2)] {
                    fields.push(Field::Le {
                        at: pos + off,
                        bytes: n,
                    });
                }
                if len >= 40 {
                    // cbSize, valid bits, channel mask, sub-format
                    for (off, n) in [(24, 2), (26, 2), (28, 4), (32, 2)] {
                        fields.push(Field::Le {
                            at: pos + off,
                            bytes: n,
                        });
                    }
                }
            }
            b"fact" => fields.push(Field::Le {
                at: pos + 8,
                bytes: 4,
            }),
            b"data" => break,
            _ => {}
        }
        pos += 8 + len + (len & 1);
    }
    assert!(fields.len() >= 6, "{name}: no fmt chunk found");
    Base {
        name,
        ext: "wav",
        bytes,
        lengths,
        fields,
        flac: false,
    }
}

fn aiff_base(name: &'static str, bytes: Vec<u8>) -> Base {
    let mut lengths = vec![Field::Be { at: 4, bytes: 4 }];
    let mut fields = Vec::new();
    let aifc = &bytes[8..12] == b"AIFC";
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let len = u32_be(&bytes, pos + 4);
        lengths.push(Field::Be {
            at: pos + 4,
            bytes: 4,
        });
        match &bytes[pos..pos + 4] {
            b"COMM" => {
                // channels, frames, bits, rate exponent, rate mantissa (high half)
                for (off, n) in [(8, 2), (10, 4), (14, 2), (16, 2), (18, 4)] {
                    fields.push(Field::Be {
                        at: pos + off,
                        bytes: n,
                    });
                }
                if aifc {
                    fields.push(Field::Be {
                        at: pos + 26,
                        bytes: 4,
                    });
                }
            }
            b"SSND" => {
                // offset, block size
                for off in [8, 12] {
                    fields.push(Field::Be {
                        at: pos + off,
                        bytes: 4,
                    });
                }
            }
            _ => {}
        }
        pos += 8 + len + (len & 1);
    }
    assert!(fields.len() >= 7, "{name}: COMM or SSND missing");
    Base {
        name,
        ext: "aiff",
        bytes,
        lengths,
        fields,
        flac: false,
    }
}

/// Start of the first FLAC frame written by `support::flac` (`fLaC` + one STREAMINFO block).
const FLAC_FIRST_FRAME: usize = 4 + 4 + 34;
/// Its header: sync (2), block size / rate codes, channels / bits codes, frame number (1),
/// 16-bit block size (2); then the CRC-8.
const FLAC_FRAME_HEADER: usize = 7;

fn flac_base(name: &'static str, bytes: Vec<u8>) -> Base {
    assert_eq!(&bytes[..4], b"fLaC");
    let si = 8 * 8; // STREAMINFO body, in bits
    let lengths = vec![Field::Be { at: 5, bytes: 3 }];
    let fields = vec![
        Field::Be { at: 4, bytes: 1 },  // last-block flag and block type
        Field::Be { at: 8, bytes: 2 },  // min block size
        Field::Be { at: 10, bytes: 2 }, // max block size
        Field::Be { at: 12, bytes: 3 }, // min frame size
        Field::Be { at: 15, bytes: 3 }, // max frame size
        Field::Bits {
            bit: si + 80,
            width: 20,
        }, // sample rate
        Field::Bits {
            bit: si + 100,
            width: 3,
        }, // channels - 1
        Field::Bits {
            bit: si + 103,
            width: 5,
        }, // bits per sample - 1
        Field::Bits {
            bit: si + 108,
            width: 36,
        }, // total frames
        Field::Be {
            at: FLAC_FIRST_FRAME + 2,
            bytes: 1,
        }, // frame: block size and rate codes
        Field::Be {
            at: FLAC_FIRST_FRAME + 3,
            bytes: 1,
        }, // frame: channel assignment and sample size codes
    ];
    Base {
        name,
        ext: "flac",
        bytes,
        lengths,
        fields,
        flac: true,
    }
}

/// Rewrites the CRC-8 of the first FLAC frame header, so that an edit of it reaches the decoder
/// instead of being caught by the checksum.
fn fix_first_flac_frame_crc(bytes: &mut [u8]) {
    let end = FLAC_FIRST_FRAME + FLAC_FRAME_HEADER;
    if bytes.len() > end {
        bytes[end] = flac::crc8(&bytes[FLAC_FIRST_FRAME..end]);
    }
}

/// A short stereo programme that is not a pure tone (so every sample differs).
fn programme(rate: u32, channels: u16, seconds: f64) -> Audio {
    let frames = (seconds * f64::from(rate)) as usize;
    let noise = support::random_bytes(frames * usize::from(channels), 0x5eed);
    let mut samples = Vec::with_capacity(noise.len());
    for n in 0..frames {
        let t = n as f64 / f64::from(rate);
        for c in 0..usize::from(channels) {
            let tone = 0.3 * (std::f64::consts::TAU * (220.0 + 110.0 * c as f64) * t).sin();
            let hiss = (f64::from(noise[n * usize::from(channels) + c]) - 127.5) / 1280.0;
            samples.push(tone + hiss);
        }
    }
    Audio {
        sample_rate_hz: rate,
        channels,
        samples,
    }
}

fn written(dir: &Path, name: &str, write: impl FnOnce(&Path)) -> Vec<u8> {
    let p = dir.join(name);
    write(&p);
    std::fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// The valid files the fuzzer mutates, built once.
fn bases() -> &'static [Base] {
    static BASES: OnceLock<Vec<Base>> = OnceLock::new();
    BASES.get_or_init(|| {
        let dir = tempdir();
        let d = dir.path();
        let stereo = programme(48_000, 2, 0.3);
        let mono = programme(44_100, 1, 0.3);
        // Longer than two 10 s parts: the file is measured in parts on several threads.
        let long = programme(8_000, 1, 21.0);
        vec![
            wav_base(
                "wav pcm16",
                written(d, "a.wav", |p| wav::write_int(p, &stereo, 16)),
            ),
            wav_base(
                "wav pcm24 extensible",
                written(d, "b.wav", |p| wav::write_int(p, &stereo, 24)),
            ),
            wav_base(
                "wav pcm8 mono",
                written(d, "c.wav", |p| wav::write_int(p, &mono, 8)),
            ),
            wav_base(
                "wav float32",
                written(d, "d.wav", |p| wav::write_f32(p, &stereo)),
            ),
            wav_base(
                "wav float64",
                written(d, "e.wav", |p| wav::write_f64(p, &stereo)),
            ),
            wav_base(
                "wav pcm16 21 s",
                written(d, "f.wav", |p| wav::write_int(p, &long, 16)),
            ),
            aiff_base(
                "aiff 16",
                written(d, "g.aiff", |p| {
                    aiff::write(p, &stereo, aiff::Kind::Aiff(16))
                }),
            ),
            aiff_base(
                "aifc float32",
                written(d, "h.aiff", |p| {
                    aiff::write(p, &mono, aiff::Kind::AifcFloat32);
                }),
            ),
            aiff_base(
                "aifc sowt",
                written(d, "i.aiff", |p| {
                    aiff::write(p, &stereo, aiff::Kind::AifcSowt16);
                }),
            ),
            flac_base("flac 16", flac::encode(&stereo, 16, None)),
            flac_base("flac 24 mono", flac::encode(&mono, 24, None)),
        ]
    })
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// A value written into a field, relative to what was there.
#[derive(Debug, Clone)]
enum NewValue {
    Zero,
    One,
    Small(u8),
    AllOnes,
    TopBit,
    Random(u64),
    Plus(i16),
    Times(u8),
}

impl NewValue {
    fn resolve(&self, original: u64, width: u32) -> u64 {
        let mask = if width >= 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        let v = match *self {
            NewValue::Zero => 0,
            NewValue::One => 1,
            NewValue::Small(v) => u64::from(v),
            NewValue::AllOnes => u64::MAX,
            NewValue::TopBit => 1u64 << (width - 1),
            NewValue::Random(v) => v,
            NewValue::Plus(d) => original.wrapping_add_signed(i64::from(d)),
            NewValue::Times(k) => original.wrapping_mul(u64::from(k)),
        };
        v & mask
    }
}

/// A position in the file: in the header (where the decisions are made) or anywhere.
#[derive(Debug, Clone)]
enum Place {
    Header(u16),
    Anywhere(u16),
}

impl Place {
    fn resolve(&self, len: usize) -> usize {
        match *self {
            Place::Header(i) => usize::from(i).min(len),
            Place::Anywhere(per_mille) => len * usize::from(per_mille) / 1000,
        }
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    /// XOR one byte.
    Flip { at: Place, xor: u8 },
    /// XOR `count` bytes at random places.
    Scatter { seed: u64, count: u8 },
    /// Cut the file.
    Truncate(Place),
    /// Rewrite a chunk or block length.
    Length { index: usize, value: NewValue },
    /// Rewrite a format field.
    Field { index: usize, value: NewValue },
}

impl Mutation {
    fn apply(&self, base: &Base, bytes: &mut Vec<u8>) {
        let len = bytes.len();
        match self {
            Mutation::Flip { at, xor } => {
                if len > 0 {
                    bytes[at.resolve(len - 1)] ^= xor;
                }
            }
            Mutation::Scatter { seed, count } => {
                let noise = support::random_bytes(3 * usize::from(*count), *seed);
                for r in noise.chunks_exact(3) {
                    if len > 0 {
                        let at = (usize::from(r[0]) << 8 | usize::from(r[1])) * len / 65_536;
                        bytes[at] ^= r[2] | 1;
                    }
                }
            }
            Mutation::Truncate(at) => bytes.truncate(at.resolve(len)),
            Mutation::Length { index, value } => {
                edit(bytes, base.lengths[index % base.lengths.len()], value);
            }
            Mutation::Field { index, value } => {
                edit(bytes, base.fields[index % base.fields.len()], value);
            }
        }
    }
}

fn edit(bytes: &mut [u8], field: Field, value: &NewValue) {
    if field.fits(bytes.len()) {
        let v = value.resolve(field.read(bytes), field.width());
        field.write(bytes, v);
    }
}

fn new_value() -> impl Strategy<Value = NewValue> {
    prop_oneof![
        Just(NewValue::Zero),
        Just(NewValue::One),
        any::<u8>().prop_map(NewValue::Small),
        Just(NewValue::AllOnes),
        Just(NewValue::TopBit),
        any::<u64>().prop_map(NewValue::Random),
        any::<i16>().prop_map(NewValue::Plus),
        (2u8..=16).prop_map(NewValue::Times),
    ]
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![
        (0u16..256).prop_map(Place::Header),
        (0u16..1000).prop_map(Place::Anywhere),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (place(), 1u8..=255).prop_map(|(at, xor)| Mutation::Flip { at, xor }),
        1 => (any::<u64>(), 1u8..=64).prop_map(|(seed, count)| Mutation::Scatter { seed, count }),
        2 => place().prop_map(Mutation::Truncate),
        3 => (any::<usize>(), new_value()).prop_map(|(index, value)| Mutation::Length { index, value }),
        4 => (any::<usize>(), new_value()).prop_map(|(index, value)| Mutation::Field { index, value }),
    ]
}

/// One fuzz case: a base file, what is done to it, and how the binary is run on it.
#[derive(Debug, Clone)]
struct Case {
    base: usize,
    mutations: Vec<Mutation>,
    fix_flac_crc: bool,
    analyze_json: bool,
    check_json: bool,
    allow_truncated: bool,
    master: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..bases().len(),
        prop::collection::vec(mutation(), 1..=4),
        any::<[bool; 5]>(),
    )
        .prop_map(|(base, mutations, flags)| Case {
            base,
            mutations,
            fix_flac_crc: flags[0],
            analyze_json: flags[1],
            check_json: flags[2],
            allow_truncated: flags[3],
            master: flags[4],
        })
}

static CASE_NUMBER: AtomicUsize = AtomicUsize::new(0);

/// How the fuzz runs ended: exit status and the kind of refusal.
static TALLY: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

fn tally(cmd: Cmd, code: Option<i32>, refused: Option<&str>) {
    // The reason up to its first detail ("corrupt or malformed file: ...").
    let kind = refused.map(|r| r.split([':', '(']).next().unwrap_or(r).trim().to_string());
    let key = match kind {
        Some(k) if k.starts_with("internal error") => {
            format!("{cmd:?} refused: {}", refused.unwrap_or_default())
        }
        Some(k) => format!("{cmd:?} refused: {k}"),
        None => format!("{cmd:?} exit {code:?}"),
    };
    *TALLY
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(key)
        .or_default() += 1;
}

fn fuzz_config() -> Config {
    Config {
        cases: if long_form() { LONG_CASES } else { CASES },
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    }
}

fn run_case(case: &Case, dir: &Path) -> Result<(), TestCaseError> {
    let base = &bases()[case.base];
    let mut bytes = base.bytes.clone();
    for m in &case.mutations {
        m.apply(base, &mut bytes);
    }
    if base.flac && case.fix_flac_crc {
        fix_first_flac_frame_crc(&mut bytes);
    }
    let n = CASE_NUMBER.fetch_add(1, Ordering::Relaxed);
    let path: PathBuf = dir.join(format!("case-{n}.{}", base.ext));
    std::fs::write(&path, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;

    let mut analyze = vec!["analyze"];
    let mut check = vec!["check", "--profile"];
    check.push(if case.master { "master" } else { "mix" });
    for (args, json) in [
        (&mut analyze, case.analyze_json),
        (&mut check, case.check_json),
    ] {
        if json {
            args.push("--json");
        }
        if case.allow_truncated {
            args.push("--allow-truncated");
        }
        args.push(text(&path));
    }
    for (cmd, args) in [(Cmd::Analyze, &analyze), (Cmd::Check, &check)] {
        let (outcome, refused) = run_checked(cmd, args, &path)
            .map_err(|e| TestCaseError::fail(format!("{} mutated by {case:?}: {e}", base.name)))?;
        tally(cmd, outcome.code(), refused.as_deref());
    }
    let _ = std::fs::remove_file(&path);
    Ok(())
}

/// Mutated and truncated WAV, AIFF and FLAC files: no panic, no signal, no hang, no runaway
/// allocation, one line per refusal, inputs untouched. Prints how the cases ended.
#[test]
fn mutated_files_are_measured_or_refused_in_one_line() {
    let dir = tempdir();
    let mut runner = TestRunner::new(fuzz_config());
    let result = runner.run(&case(), |c| run_case(&c, dir.path()));
    let tally = TALLY.lock().unwrap_or_else(PoisonError::into_inner);
    println!("outcomes of {} runs:", tally.values().sum::<usize>());
    for (outcome, count) in tally.iter() {
        println!("  {count:>5}  {outcome}");
    }
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// The unmutated files are measured (the fuzzer starts from files the tool accepts).
#[test]
fn the_fuzzer_starts_from_valid_files() {
    let dir = tempdir();
    for (index, base) in bases().iter().enumerate() {
        let path = dir.path().join(format!("valid-{index}.{}", base.ext));
        std::fs::write(&path, &base.bytes).unwrap_or_else(|e| panic!("{e}"));
        let (outcome, refused) = must(run_checked(
            Cmd::Analyze,
            &["analyze", "--json", text(&path)],
            &path,
        ));
        assert_eq!(refused, None, "{} was refused", base.name);
        assert_eq!(outcome.code(), Some(0), "{}", base.name);
        assert!(
            outcome.stderr.is_empty(),
            "{}: {}",
            base.name,
            outcome.stderr
        );
        // Every field the fuzzer edits lies inside the file.
        for f in base.lengths.iter().chain(&base.fields) {
            assert!(f.fits(base.bytes.len()), "{}: {f:?}", base.name);
        }
    }
}

#[test]
fn field_edits_read_back() {
    let mut b = vec![0u8; 16];
    for (field, value) in [
        (Field::Le { at: 1, bytes: 4 }, 0xdead_beef),
        (Field::Be { at: 6, bytes: 3 }, 0x12_3456),
        (Field::Bits { bit: 83, width: 36 }, 0xa_bcde_f012),
        (Field::Bits { bit: 5, width: 3 }, 0b101),
    ] {
        field.write(&mut b, value);
        assert_eq!(field.read(&b), value, "{field:?}");
    }
    assert_eq!(b[1..5], 0xdead_beefu32.to_le_bytes());
    assert_eq!(b[6..9], [0x12, 0x34, 0x56]);
    // STREAMINFO of a known file: 48 kHz, 2 channels, 16 bits, 14400 frames.
    let s = flac_base("x", flac::encode(&programme(48_000, 2, 0.3), 16, None));
    let values: Vec<u64> = s.fields[5..9].iter().map(|f| f.read(&s.bytes)).collect();
    assert_eq!(values, [48_000, 1, 15, 14_400]);
}

// ---------------------------------------------------------------------------------------------
// Huge and odd files

/// Tech 3341-style reference: a 1 kHz stereo sine at -23 dBFS reads -23.0 LUFS.
fn reference_sine(rate: u32, seconds: f64) -> Audio {
    Audio::sine(rate, 2, 1_000.0, -23.0, seconds)
}

/// EBU Tech 3341: +-0.1 LU.
const LOUDNESS_TOLERANCE_LU: f64 = 0.1;

fn analyze(args: &[&str], path: &Path) -> (Outcome, Option<String>, Option<Value>) {
    let (outcome, refused) = must(run_checked(Cmd::Analyze, args, path));
    let json = (refused.is_none() && args.contains(&"--json")).then(|| {
        serde_json::from_str(&outcome.stdout).unwrap_or_else(|e| panic!("{e}: {}", outcome.stdout))
    });
    (outcome, refused, json)
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number: {v}"))
}

fn assert_refused_because(refused: &Option<String>, reason: &str, what: &str) {
    match refused {
        Some(r) => assert!(
            r.contains(reason),
            "{what}: refused with {r:?}, want {reason:?}"
        ),
        None => panic!("{what}: was not refused (want {reason:?})"),
    }
}

/// A 2 s file whose header declares about 4 GiB of audio, as consistently as the 32-bit lengths
/// allow: RIFF length 0xFFFFFFFC and data length 0xFFFFFFD8 (not the 0xFFFFFFFF "open length" of
/// a streamed file); in AIFF the FORM, COMM frame count and SSND length say the same; in FLAC,
/// STREAMINFO declares 2^36 - 1 frames. Refused as truncated; with --allow-truncated the 2 s
/// present are measured, with one warning, quickly and within the memory limit.
#[test]
fn a_header_declaring_4_gib_is_refused_as_truncated_or_measured_when_allowed() {
    let dir = tempdir();
    let audio = reference_sine(48_000, 2.0);
    let mut files = Vec::new();

    let p = dir.path().join("huge.wav");
    wav::write_int(&p, &audio, 16);
    let mut b = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&b[36..40], b"data");
    let data_len = (u32::MAX - 36) / 4 * 4;
    b[4..8].copy_from_slice(&(36 + data_len).to_le_bytes());
    b[40..44].copy_from_slice(&data_len.to_le_bytes());
    std::fs::write(&p, &b).unwrap_or_else(|e| panic!("{e}"));
    files.push(p);

    let p = dir.path().join("huge.aiff");
    aiff::write(&p, &audio, aiff::Kind::Aiff(16));
    let mut b = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
    let base = aiff_base("huge aiff", b.clone());
    // FORM body: "AIFF", COMM (8 + 18), SSND header (8), SSND body (offset, block size, samples).
    let frames = (u64::from(u32::MAX) - (4 + 26 + 8 + 8)) / 4;
    let ssnd_len = 8 + 4 * frames;
    Field::Be { at: 4, bytes: 4 }.write(&mut b, 4 + 26 + 8 + ssnd_len);
    base.fields[1].write(&mut b, frames); // COMM frames
    base.lengths[2].write(&mut b, ssnd_len); // SSND length
    std::fs::write(&p, &b).unwrap_or_else(|e| panic!("{e}"));
    files.push(p);

    let p = dir.path().join("huge.flac");
    std::fs::write(&p, flac::encode(&audio, 16, Some((1 << 36) - 1)))
        .unwrap_or_else(|e| panic!("{e}"));
    files.push(p);

    for p in &files {
        let (outcome, refused, _) = analyze(&["analyze", "--json", text(p)], p);
        assert_refused_because(&refused, "truncated", text(p));
        let (allowed, refused, json) =
            analyze(&["analyze", "--json", "--allow-truncated", text(p)], p);
        assert_eq!(refused, None, "{}", text(p));
        let v = json.unwrap_or_else(|| panic!("no JSON for {}", text(p)));
        assert!(
            allowed.stderr.lines().count() == 1 && allowed.stderr.contains("warning: truncated"),
            "{}: {}",
            text(p),
            allowed.stderr
        );
        assert!((num(&v, "duration_s") - 2.0).abs() < 0.001, "{v}");
        let i = num(&v, "integrated_lufs");
        assert!(
            (i + 23.0).abs() <= LOUDNESS_TOLERANCE_LU,
            "{}: {i}",
            text(p)
        );
        for o in [&outcome, &allowed] {
            assert!(
                o.elapsed < Duration::from_secs(5),
                "{} took {:?}",
                text(p),
                o.elapsed
            );
        }
        println!(
            "{}: refused in {:?}, measured with --allow-truncated in {:?}",
            text(p),
            outcome.elapsed,
            allowed.elapsed
        );
    }
}

/// RIFF length 0xFFFFFFFF-ish with a data length that does not even fit in it (a header no
/// writer produces): refused in one line, with or without --allow-truncated.
#[test]
fn a_data_chunk_longer_than_its_riff_is_refused_in_one_line() {
    let dir = tempdir();
    let p = dir.path().join("overlong.wav");
    wav::write_int(&p, &reference_sine(48_000, 1.0), 16);
    let mut b = std::fs::read(&p).unwrap_or_else(|e| panic!("{e}"));
    b[4..8].copy_from_slice(&0xFFFF_FFF6u32.to_le_bytes());
    b[40..44].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    std::fs::write(&p, &b).unwrap_or_else(|e| panic!("{e}"));
    for args in [
        vec!["analyze", "--json", text(&p)],
        vec!["analyze", "--json", "--allow-truncated", text(&p)],
    ] {
        let (outcome, refused, _) = analyze(&args, &p);
        println!("{args:?}: {refused:?} in {:?}", outcome.elapsed);
        assert_eq!(outcome.code(), Some(2), "{args:?}: {}", outcome.stderr);
    }
}

/// An RF64 file (the 64-bit WAV successor) whose ds64 chunk declares 8 GiB of data: the tool
/// reads RIFF/WAVE only, so it is refused in one line, without trying to read or allocate the
/// declared size.
#[test]
fn an_rf64_header_declaring_8_gib_is_refused_in_one_line() {
    let dir = tempdir();
    let p = dir.path().join("huge-rf64.wav");
    let data = vec![0x11u8; 48_000 * 4];
    let declared: u64 = 8 << 30;
    let mut b = Vec::new();
    b.extend_from_slice(b"RF64");
    b.extend_from_slice(&u32::MAX.to_le_bytes());
    b.extend_from_slice(b"WAVE");
    b.extend_from_slice(b"ds64");
    b.extend_from_slice(&28u32.to_le_bytes());
    b.extend_from_slice(&(declared + 72).to_le_bytes()); // RIFF size
    b.extend_from_slice(&declared.to_le_bytes()); // data size
    b.extend_from_slice(&(declared / 4).to_le_bytes()); // sample count
    b.extend_from_slice(&0u32.to_le_bytes()); // table length
    b.extend_from_slice(b"fmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&48_000u32.to_le_bytes());
    b.extend_from_slice(&(48_000u32 * 4).to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&u32::MAX.to_le_bytes());
    b.extend_from_slice(&data);
    std::fs::write(&p, &b).unwrap_or_else(|e| panic!("{e}"));
    for args in [
        vec!["analyze", "--json", text(&p)],
        vec!["analyze", "--json", "--allow-truncated", text(&p)],
    ] {
        let (outcome, refused, _) = analyze(&args, &p);
        println!("RF64 {args:?}: {:?} in {:?}", refused, outcome.elapsed);
        assert_eq!(outcome.code(), Some(2), "{args:?}: {}", outcome.stderr);
    }
}

/// A file with a header and no audio is refused with a clear reason, in every container.
#[test]
fn zero_frames_are_refused_clearly() {
    let dir = tempdir();
    let empty = reference_sine(48_000, 0.0);
    let wav_path = dir.path().join("zero.wav");
    wav::write_int(&wav_path, &empty, 16);
    let aiff_path = dir.path().join("zero.aiff");
    aiff::write(&aiff_path, &empty, aiff::Kind::Aiff(16));
    let flac_path = dir.path().join("zero.flac");
    flac::write(&flac_path, &empty, 16);
    let mut wrong = Vec::new();
    for p in [&wav_path, &aiff_path, &flac_path] {
        for (cmd, name) in [(Cmd::Analyze, "analyze"), (Cmd::Check, "check")] {
            let (outcome, refused) = must(run_checked(cmd, &[name, text(p)], p));
            assert_eq!(outcome.code(), Some(2), "{name} {}", text(p));
            let reason = refused.unwrap_or_else(|| panic!("{} was measured", text(p)));
            if !reason.contains("contains no audio") {
                wrong.push(format!("{name} {}: {reason}", text(p)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "refused without saying there is no audio:\n  {}",
        wrong.join("\n  ")
    );
}

/// One frame is measured: its length, its peaks, and null for every windowed value (no 400 ms
/// block exists); `check` judges it too short.
#[test]
fn one_frame_is_measured_with_nulls_for_the_windowed_values() {
    let dir = tempdir();
    let one = Audio {
        sample_rate_hz: 48_000,
        channels: 2,
        samples: vec![0.5, -0.25],
    };
    let wav_path = dir.path().join("one.wav");
    wav::write_int(&wav_path, &one, 24);
    let aiff_path = dir.path().join("one.aiff");
    aiff::write(&aiff_path, &one, aiff::Kind::Aiff(24));
    let flac_path = dir.path().join("one.flac");
    flac::write(&flac_path, &one, 24);
    for p in [&wav_path, &aiff_path, &flac_path] {
        let (outcome, refused, json) = analyze(&["analyze", "--json", text(p)], p);
        assert_eq!(refused, None, "{}", text(p));
        assert!(outcome.stderr.is_empty(), "{}", outcome.stderr);
        let v = json.unwrap_or_else(|| panic!("no JSON"));
        for key in [
            "integrated_lufs",
            "loudness_range_lu",
            "max_momentary_lufs",
            "max_short_term_lufs",
            "plr_db",
        ] {
            assert!(v[key].is_null(), "{}: {key} = {}", text(p), v[key]);
        }
        let peaks = &v["sample_peak_per_channel_dbfs"];
        assert_eq!(peaks[0].as_f64(), Some(-6.02), "{v}");
        assert_eq!(peaks[1].as_f64(), Some(-12.04), "{v}");
        assert!(num(&v, "duration_s") < 0.001, "{v}");
        let (checked, refused) = must(run_checked(Cmd::Check, &["check", "--json", text(p)], p));
        assert_eq!(refused, None);
        assert_eq!(checked.code(), Some(1), "one frame is too short to judge");
        let c: Value = serde_json::from_str(&checked.stdout).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c["verdict"], "insufficient", "{c}");
    }
}

/// A plain WAVE_FORMAT_PCM (or, with `mask`, WAVE_FORMAT_EXTENSIBLE) 16-bit file of silence.
fn raw_wav(channels: u16, frames: usize, mask: Option<u32>) -> Vec<u8> {
    let rate = 48_000u32;
    let align = 2 * channels;
    let mut fmt = Vec::new();
    fmt.extend_from_slice(&(if mask.is_some() { 0xfffe_u16 } else { 1 }).to_le_bytes());
    fmt.extend_from_slice(&channels.to_le_bytes());
    fmt.extend_from_slice(&rate.to_le_bytes());
    fmt.extend_from_slice(&(rate * u32::from(align)).to_le_bytes());
    fmt.extend_from_slice(&align.to_le_bytes());
    fmt.extend_from_slice(&16u16.to_le_bytes());
    if let Some(mask) = mask {
        fmt.extend_from_slice(&22u16.to_le_bytes());
        fmt.extend_from_slice(&16u16.to_le_bytes());
        fmt.extend_from_slice(&mask.to_le_bytes());
        fmt.extend_from_slice(&[
            0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38,
            0x9b, 0x71,
        ]);
    }
    let data = vec![0u8; frames * usize::from(align)];
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&((4 + 8 + fmt.len() + 8 + data.len()) as u32).to_le_bytes());
    b.extend_from_slice(b"WAVE");
    b.extend_from_slice(b"fmt ");
    b.extend_from_slice(&(fmt.len() as u32).to_le_bytes());
    b.extend_from_slice(&fmt);
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&data);
    b
}

/// 32 channels (WAV and AIFF allow them; the meter measures up to 8) are refused with the
/// meter's channel-count reason, however the header spells the layout: hound's
/// WAVE_FORMAT_EXTENSIBLE, plain WAVE_FORMAT_PCM, an extensible header with no speaker mask,
/// and AIFF.
#[test]
fn thirty_two_channels_are_refused_with_the_channel_count() {
    let dir = tempdir();
    let audio = Audio::sine(48_000, 32, 1_000.0, -20.0, 0.2);
    let hound_path = dir.path().join("32ch-hound.wav");
    wav::write_int(&hound_path, &audio, 16);
    let plain_path = dir.path().join("32ch-plain.wav");
    std::fs::write(&plain_path, raw_wav(32, 4800, None)).unwrap_or_else(|e| panic!("{e}"));
    let no_mask_path = dir.path().join("32ch-no-mask.wav");
    std::fs::write(&no_mask_path, raw_wav(32, 4800, Some(0))).unwrap_or_else(|e| panic!("{e}"));
    let aiff_path = dir.path().join("32ch.aiff");
    aiff::write(&aiff_path, &audio, aiff::Kind::Aiff(16));
    let mut wrong = Vec::new();
    for p in [&hound_path, &plain_path, &no_mask_path, &aiff_path] {
        for cmd in [Cmd::Analyze, Cmd::Check] {
            let name = if cmd == Cmd::Analyze {
                "analyze"
            } else {
                "check"
            };
            let (_, refused) = must(run_checked(cmd, &[name, text(p)], p));
            let reason = refused.unwrap_or_else(|| panic!("{} was measured", text(p)));
            println!("{name} {}: {reason}", text(p));
            if !reason.contains("unsupported channel count 32") {
                wrong.push(format!("{name} {}: {reason}", text(p)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "refused without the channel-count reason:\n  {}",
        wrong.join("\n  ")
    );
}

/// The lowest supported rate and 384 kHz are measured in every container: -23.0 LUFS.
#[test]
fn files_at_8_and_384_khz_are_measured() {
    let dir = tempdir();
    for rate in [8_000, 384_000] {
        let audio = reference_sine(rate, 2.0);
        let wav_path = dir.path().join(format!("{rate}.wav"));
        wav::write_int(&wav_path, &audio, 24);
        let aiff_path = dir.path().join(format!("{rate}.aiff"));
        aiff::write(&aiff_path, &audio, aiff::Kind::Aiff(24));
        let flac_path = dir.path().join(format!("{rate}.flac"));
        flac::write(&flac_path, &audio, 24);
        for p in [&wav_path, &aiff_path, &flac_path] {
            let (outcome, refused, json) = analyze(&["analyze", "--json", text(p)], p);
            assert_eq!(refused, None, "{}", text(p));
            assert!(outcome.stderr.is_empty(), "{}", outcome.stderr);
            let v = json.unwrap_or_else(|| panic!("no JSON"));
            assert_eq!(v["sample_rate_hz"].as_u64(), Some(u64::from(rate)));
            let i = num(&v, "integrated_lufs");
            assert!(
                (i + 23.0).abs() <= LOUDNESS_TOLERANCE_LU,
                "{}: {i} LUFS",
                text(p)
            );
        }
    }
}

/// A 64-bit float file peaking at +12 dBFS (legal in float) is measured as it is: nothing is
/// clamped to full scale, so the sample peak reads +12 dBFS, the true peak is above 0 dBTP, the
/// loudness is that of a +12 dBFS tone, and the samples over full scale are counted as clipped.
#[test]
fn float_above_full_scale_is_measured_without_clamping() {
    let dir = tempdir();
    let p = dir.path().join("hot.wav");
    let audio = Audio::sine(48_000, 2, 1_000.0, 12.0, 3.0);
    wav::write_f64(&p, &audio);
    let (outcome, refused, json) = analyze(&["analyze", "--json", text(&p)], &p);
    assert_eq!(refused, None);
    assert!(outcome.stderr.is_empty(), "{}", outcome.stderr);
    let v = json.unwrap_or_else(|| panic!("no JSON"));
    let sample_peak = num(&v, "sample_peak_dbfs");
    let true_peak = num(&v, "true_peak_dbtp");
    let integrated = num(&v, "integrated_lufs");
    let clipped = v["clipped_samples"].as_u64().unwrap_or(0);
    println!("+12 dBFS float: sample peak {sample_peak}, true peak {true_peak}, I {integrated}, clipped {clipped}");
    assert!(
        (sample_peak - 12.0).abs() <= 0.01,
        "sample peak {sample_peak}"
    );
    assert!(
        true_peak > 0.0 && (true_peak - 12.0) <= 0.2 && (12.0 - true_peak) <= 0.4,
        "true peak {true_peak}"
    );
    assert!(
        (integrated - 12.0).abs() <= LOUDNESS_TOLERANCE_LU,
        "integrated {integrated}"
    );
    // Samples at or above full scale: most of a +12 dBFS sine, on both channels.
    let over = audio.samples.iter().filter(|x| x.abs() >= 1.0).count() as u64;
    assert_eq!(clipped, over, "clipped samples");

    let (checked, refused) = must(run_checked(Cmd::Check, &["check", "--json", text(&p)], &p));
    assert_eq!(refused, None);
    let c: Value = serde_json::from_str(&checked.stdout).unwrap_or_else(|e| panic!("{e}"));
    let clipping = c["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["id"] == "clipping"))
        .unwrap_or_else(|| panic!("no clipping finding: {c}"));
    assert_eq!(clipping["severity"], "fail", "{clipping}");
}
