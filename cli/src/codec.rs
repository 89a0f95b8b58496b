//! Codec preview: what the streaming services' lossy encoders do to a master's peaks.
//!
//! The master is encoded and decoded with each codec of [`preflight_dsp::platforms::CODECS`]
//! (libvorbis with the aoTuV tuning through `vorbis_rs`, libopus through `opus`, LAME through
//! `mp3lame-encoder`, decoded by libvorbis, libopus and minimp3 through `rmp3`, all in floating
//! point and unclipped), and the decoded signal's true peak (BS.1770-4 Annex 2, the meter's
//! interpolator), its overs above the platform's ceiling and above 0 dBFS, and its samples beyond
//! full scale are counted from sample zero to the end: the same figures whatever a player would
//! have started from.
//!
//! Each codec's encoder delay is removed (Opus's look-ahead, LAME's 576 samples and the MP3
//! decoder's 529), so the decoded signal lines up with the master sample for sample. Opus runs
//! at 48 kHz, as YouTube serves it; Vorbis and MP3 keep 32, 44.1 and 48 kHz and take other rates
//! to 44.1 or 48 kHz (rubato's FFT resampler), as the services deliver them.
//!
//! Long files are encoded in [`CHUNK_S`]-second chunks on all cores: each chunk is encoded with
//! [`LEAD_IN_S`] of the audio before it and [`LEAD_OUT_S`] after it, which are decoded and
//! discarded, so every counted sample was encoded in context; the chunk boundaries do not
//! depend on the number of threads, so neither do the figures. Memory holds a few chunks per
//! thread, whatever the file's length.
//!
//! The services' own encoders differ in detail (versions, settings, resampling), so the figures
//! are an estimate of the same kind as theirs, not their exact output.

use std::num::{NonZeroU32, NonZeroU8};
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;

use preflight_dsp::platforms::{self, Codec, CodecFamily, CODECS, PLATFORMS};
use preflight_dsp::{amplitude_to_db, TruePeak, FLUSH_BELOW};

use crate::check::CodecReport;
use crate::decode::{AudioStream, DecodeError};
use crate::guard;
use crate::report::{round_opt, DB_DECIMALS};

/// Seconds of audio each chunk counts.
pub const CHUNK_S: u32 = 30;
/// Seconds before a chunk that its encoder is fed first (decoded and discarded).
pub const LEAD_IN_S: f64 = 1.0;
/// Seconds after a chunk that its encoder is fed (decoded and discarded).
pub const LEAD_OUT_S: f64 = 0.5;
/// LAME's encoder delay plus the MP3 decoder's (samples).
pub const MP3_DELAY: usize = 576 + 529;
/// Frames per call to the true-peak interpolator.
const TALLY_BLOCK: usize = 4096;
/// Frames per call to the Vorbis encoder (libvorbis's advice: a few thousand at most).
const VORBIS_BLOCK: usize = 4096;

/// Why the preview could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The master could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A codec id the preview does not know.
    #[error("unknown codec '{0}' (known: {known}, or all)", known = known_ids())]
    Unknown(String),
    /// AAC was asked for.
    #[error("AAC is not previewed: no AAC encoder with a GPL-compatible licence is available (known: {known}, or all)", known = known_ids())]
    Aac,
    /// More channels than the services' stereo streams.
    #[error("the codec preview encodes mono and stereo masters; this file has {0} channels")]
    Channels(usize),
    /// An encoder or decoder failed.
    #[error("{codec}: {message}")]
    Codec {
        /// Codec id.
        codec: &'static str,
        /// What went wrong.
        message: String,
    },
    /// A worker thread panicked.
    #[error("codec preview failed: {0}")]
    Panic(String),
}

fn known_ids() -> String {
    CODECS.iter().map(|c| c.id).collect::<Vec<_>>().join(", ")
}

/// The codecs named in `list` (ids, or `all`), in [`CODECS`] order, each once.
pub fn parse_list(list: &[String]) -> Result<Vec<&'static Codec>, CodecError> {
    let mut wanted = Vec::new();
    for item in list.iter().map(|s| s.trim().to_ascii_lowercase()) {
        match item.as_str() {
            "" => {}
            "all" => wanted.extend(CODECS.iter()),
            "aac" | "m4a" => return Err(CodecError::Aac),
            id => wanted.push(
                preflight_dsp::platforms::codec(id).ok_or(CodecError::Unknown(id.to_string()))?,
            ),
        }
    }
    if wanted.is_empty() {
        wanted.extend(CODECS.iter());
    }
    Ok(CODECS
        .iter()
        .filter(|c| wanted.iter().any(|w| w.id == c.id))
        .collect())
}

/// One codec's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodecResult {
    /// The codec.
    pub codec: &'static Codec,
    /// Sample rate of the decoded signal.
    pub sample_rate_hz: u32,
    /// Decoded frames counted (the master's length at that rate).
    pub frames: u64,
    /// Decoded true peak (dBTP; `None` for digital silence).
    pub true_peak_dbtp: Option<f64>,
    /// Decoded sample peak (dBFS).
    pub sample_peak_dbfs: Option<f64>,
    /// The ceiling the overs are counted against (dBTP).
    pub ceiling_dbtp: f64,
    /// Values above the ceiling: decoded samples and the interpolator's values between them.
    pub overs_ceiling: u64,
    /// Values above 0 dBFS, the same way.
    pub overs_0db: u64,
    /// Decoded samples beyond full scale, which a fixed-point output clips.
    pub clipped_samples: u64,
}

impl CodecResult {
    /// Gain that keeps the decoded true peak at or under the ceiling (dB; 0 when it already
    /// is). The codecs are close to linear in level, so this is how much to lower the limiter
    /// ceiling by.
    pub fn gain_db(&self) -> Option<f64> {
        self.true_peak_dbtp
            .map(|tp| (self.ceiling_dbtp - tp).min(0.0))
    }
}

impl CodecResult {
    /// The JSON row, with the rise over the master's true peak `master_dbtp`.
    pub fn report(&self, master_dbtp: Option<f64>) -> CodecReport {
        let round = |v: Option<f64>| round_opt(v, DB_DECIMALS);
        CodecReport {
            id: self.codec.id.to_string(),
            name: self.codec.name.to_string(),
            bitrate_kbps: self.codec.bitrate_kbps,
            used_by: self.codec.used_by.to_string(),
            sample_rate_hz: self.sample_rate_hz,
            true_peak_dbtp: round(self.true_peak_dbtp),
            sample_peak_dbfs: round(self.sample_peak_dbfs),
            rise_db: round(self.true_peak_dbtp.zip(master_dbtp).map(|(d, m)| d - m)),
            ceiling_dbtp: self.ceiling_dbtp,
            overs_ceiling: self.overs_ceiling,
            overs_0db: self.overs_0db,
            clipped_samples: self.clipped_samples,
            gain_db: round(self.gain_db()),
        }
    }
}

/// The ceiling each codec's overs are counted against: the strictest that applies to this
/// master among the platforms streaming with it (-1 dBTP for a codec no platform lists).
pub fn ceilings(
    codecs: &[&'static Codec],
    integrated_lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
) -> Vec<f64> {
    codecs
        .iter()
        .map(|c| {
            PLATFORMS
                .iter()
                .filter(|p| p.codecs.contains(&c.id))
                .map(|p| platforms::outcome(p, integrated_lufs, true_peak_dbtp).ceiling_dbtp)
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))))
                .unwrap_or(-1.0)
        })
        .collect()
}

/// Encodes and decodes `path` with each of `codecs`, counting overs against `ceilings_dbtp`
/// (one per codec), on up to `threads` threads (0: one per core).
pub fn preview(
    path: &Path,
    codecs: &[&'static Codec],
    ceilings_dbtp: &[f64],
    threads: usize,
) -> Result<Vec<CodecResult>, CodecError> {
    let mut stream = AudioStream::open(path)?;
    let info = stream.info().clone();
    if info.channels == 0 || info.channels > 2 {
        return Err(CodecError::Channels(info.channels));
    }
    let threads = match threads {
        0 => thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let rate = info.sample_rate_hz;
    let mut tallies: Vec<(u32, Tally)> = codecs
        .iter()
        .map(|c| (output_rate(c.family, rate), Tally::default()))
        .collect();
    // One ceiling per codec (-1 dBTP where none was given), in dBTP and as a sample value.
    let ceilings_db: Vec<f64> = (0..codecs.len())
        .map(|i| ceilings_dbtp.get(i).copied().unwrap_or(-1.0))
        .collect();
    let ceilings: Vec<f32> = ceilings_db
        .iter()
        .map(|&db| preflight_dsp::db_to_amplitude(db) as f32)
        .collect();

    let (work_tx, work_rx) = mpsc::sync_channel::<(Arc<Chunk>, usize)>(threads);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = mpsc::channel::<(usize, Result<Tally, CodecError>)>();
    let read = thread::scope(|scope| -> Result<(), CodecError> {
        for _ in 0..threads {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            let ceilings = &ceilings;
            scope.spawn(move || worker(&work_rx, &done_tx, codecs, ceilings));
        }
        drop(done_tx);
        let result = read_chunks(&mut stream, rate, info.channels, |chunk| {
            let chunk = Arc::new(chunk);
            for index in 0..codecs.len() {
                if work_tx.send((Arc::clone(&chunk), index)).is_err() {
                    return false;
                }
            }
            true
        });
        drop(work_tx);
        result
    });
    // Every worker has finished (the scope joined them): collect in any order.
    let mut first_error = None;
    for (index, result) in done_rx {
        match result {
            Ok(t) => tallies[index].1.merge(&t),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    read?;
    stream.finish()?;
    if let Some(e) = first_error {
        return Err(e);
    }
    Ok(codecs
        .iter()
        .zip(&tallies)
        .zip(&ceilings_db)
        .map(|((codec, (rate, t)), &ceiling_dbtp)| CodecResult {
            codec,
            sample_rate_hz: *rate,
            frames: t.frames,
            true_peak_dbtp: peak_db(t.true_peak),
            sample_peak_dbfs: peak_db(t.sample_peak),
            ceiling_dbtp,
            overs_ceiling: t.overs_ceiling,
            overs_0db: t.overs_0db,
            clipped_samples: t.clipped,
        })
        .collect())
}

/// Takes work until the queue closes, reporting each chunk's tally (or error, or panic).
fn worker(
    work: &Mutex<Receiver<(Arc<Chunk>, usize)>>,
    done: &mpsc::Sender<(usize, Result<Tally, CodecError>)>,
    codecs: &[&'static Codec],
    ceilings: &[f32],
) {
    loop {
        let next = match work.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((chunk, index)) = next else { return };
        let codec = codecs[index];
        let ceiling = ceilings[index];
        let result = guard::catch_panic(|| chunk.measure(codec, ceiling))
            .unwrap_or_else(|message| Err(CodecError::Panic(message)));
        if done.send((index, result)).is_err() {
            return;
        }
    }
}

/// A stretch of the master to encode: `samples` (planar) start at frame `start` of the file;
/// frames `body` of it are counted, the rest is context.
#[derive(Debug)]
struct Chunk {
    rate: u32,
    start: u64,
    body: std::ops::Range<usize>,
    samples: Vec<Vec<f32>>,
}

/// Reads the master and hands each chunk to `send` (which returns false to stop), holding at
/// most one chunk and its context.
fn read_chunks(
    stream: &mut AudioStream,
    rate: u32,
    channels: usize,
    mut send: impl FnMut(Chunk) -> bool,
) -> Result<(), CodecError> {
    let chunk = u64::from(CHUNK_S) * u64::from(rate);
    let lead_in = (LEAD_IN_S * f64::from(rate)).round() as u64;
    let lead_out = (LEAD_OUT_S * f64::from(rate)).round() as u64;
    let mut buffer: Vec<Vec<f32>> = vec![Vec::new(); channels];
    // File frame of buffer[..][0], and of the next chunk's body.
    let mut buffer_start = 0u64;
    let mut next = 0u64;
    let mut ended = false;
    loop {
        let buffered_end = buffer_start + buffer[0].len() as u64;
        let body_end = next + chunk;
        if ended || buffered_end >= body_end + lead_out {
            let body_end = body_end.min(buffered_end);
            if next >= body_end {
                return Ok(());
            }
            let from = next.saturating_sub(lead_in);
            let to = (body_end + lead_out).min(buffered_end);
            let at = |frame: u64| (frame - buffer_start) as usize;
            let samples = buffer
                .iter()
                .map(|c| c[at(from)..at(to)].to_vec())
                .collect();
            let piece = Chunk {
                rate,
                start: from,
                body: (next - from) as usize..(body_end - from) as usize,
                samples,
            };
            if !send(piece) {
                return Ok(());
            }
            next = body_end;
            let keep_from = next.saturating_sub(lead_in).max(buffer_start);
            for c in &mut buffer {
                c.drain(..at(keep_from));
            }
            buffer_start = keep_from;
            continue;
        }
        match stream.next_block()? {
            Some(block) => {
                for frame in block.chunks_exact(channels) {
                    for (c, &x) in buffer.iter_mut().zip(frame) {
                        c.push(if x.is_finite() { x } else { 0.0 });
                    }
                }
            }
            None => ended = true,
        }
    }
}

impl Chunk {
    /// Encodes and decodes this chunk with `codec` and counts its body.
    fn measure(&self, codec: &'static Codec, ceiling: f32) -> Result<Tally, CodecError> {
        let fail = |message: String| CodecError::Codec {
            codec: codec.id,
            message,
        };
        let out_rate = output_rate(codec.family, self.rate);
        let (input, body) = if out_rate == self.rate {
            (None, self.body.clone())
        } else {
            let map = |frame: u64| frame * u64::from(out_rate) / u64::from(self.rate);
            let at = |offset: usize| (map(self.start + offset as u64) - map(self.start)) as usize;
            let resampled = resample(&self.samples, self.rate, out_rate).map_err(fail)?;
            let len = resampled[0].len();
            let body = at(self.body.start).min(len)..at(self.body.end).min(len);
            (Some(resampled), body)
        };
        let input = input.as_deref().unwrap_or(&self.samples);
        let decoded = round_trip(codec, input, out_rate).map_err(fail)?;
        Ok(Tally::count(&decoded, body, out_rate, ceiling))
    }
}

/// The rate `family` encodes a master at `rate` with.
pub fn output_rate(family: CodecFamily, rate: u32) -> u32 {
    match family {
        CodecFamily::Opus => 48_000,
        CodecFamily::Vorbis | CodecFamily::Mp3 => match rate {
            32_000 | 44_100 | 48_000 => rate,
            r if r % 11_025 == 0 => 44_100,
            _ => 48_000,
        },
    }
}

/// `planar` at `from` Hz resampled to `to` Hz (same duration, delay removed).
fn resample(planar: &[Vec<f32>], from: u32, to: u32) -> Result<Vec<Vec<f32>>, String> {
    use rubato::audioadapter::Adapter;
    use rubato::{Fft, FixedSync, Resampler};
    let channels = planar.len();
    let frames = planar[0].len();
    let mut resampler =
        Fft::<f32>::new(from as usize, to as usize, 1024, channels, FixedSync::Input)
            .map_err(|e| format!("resampler: {e}"))?;
    let input =
        rubato::audioadapter_buffers::direct::SequentialSliceOfVecs::new(planar, channels, frames)
            .map_err(|e| format!("resampler input: {e}"))?;
    let output = resampler
        .process_all(&input, frames, None)
        .map_err(|e| format!("resampler: {e}"))?;
    let out_frames = output.frames();
    Ok((0..channels)
        .map(|c| {
            (0..out_frames)
                .map(|f| output.read_sample(c, f).unwrap_or(0.0))
                .collect()
        })
        .collect())
}

/// `planar` (1 or 2 channels at `rate`; `rate` one of [`output_rate`]'s) through `codec`'s encoder and decoder: the decoded
/// signal, as long as the input and aligned with it.
pub fn round_trip(codec: &Codec, planar: &[Vec<f32>], rate: u32) -> Result<Vec<Vec<f32>>, String> {
    let frames = planar.first().map_or(0, Vec::len);
    // The services stream stereo: a mono master is encoded as two identical channels (libvorbis
    // has no mono mode at the higher bitrates).
    let doubled;
    let input = if planar.len() == 1 {
        doubled = [planar[0].clone(), planar[0].clone()];
        &doubled[..]
    } else {
        planar
    };
    let mut decoded = match codec.family {
        CodecFamily::Vorbis => vorbis(input, rate, codec.bitrate_kbps)?,
        CodecFamily::Opus => opus(input, rate, codec.bitrate_kbps)?,
        CodecFamily::Mp3 => mp3(input, rate, codec.bitrate_kbps)?,
    };
    decoded.truncate(planar.len());
    for c in &mut decoded {
        if c.len() < frames {
            return Err(format!("decoded {} frames of {frames}", c.len()));
        }
        c.truncate(frames);
    }
    Ok(decoded)
}

fn vorbis(planar: &[Vec<f32>], rate: u32, kbps: u32) -> Result<Vec<Vec<f32>>, String> {
    use vorbis_rs::{VorbisBitrateManagementStrategy, VorbisDecoder, VorbisEncoderBuilder};
    let error = |e: vorbis_rs::VorbisError| format!("Vorbis: {e}");
    let rate = NonZeroU32::new(rate).ok_or("no sample rate")?;
    let channels = NonZeroU8::new(planar.len() as u8).ok_or("no channels")?;
    let target_bitrate = NonZeroU32::new(kbps * 1000).ok_or("no bitrate")?;
    let mut bytes = Vec::new();
    let mut encoder = VorbisEncoderBuilder::new(rate, channels, &mut bytes)
        .map_err(error)?
        .bitrate_management_strategy(VorbisBitrateManagementStrategy::Vbr { target_bitrate })
        .build()
        .map_err(error)?;
    let frames = planar[0].len();
    for start in (0..frames).step_by(VORBIS_BLOCK) {
        let end = (start + VORBIS_BLOCK).min(frames);
        let block: Vec<&[f32]> = planar.iter().map(|c| &c[start..end]).collect();
        encoder.encode_audio_block(&block).map_err(error)?;
    }
    encoder.finish().map_err(error)?;
    let mut decoder = VorbisDecoder::new(std::io::Cursor::new(bytes)).map_err(error)?;
    let mut out: Vec<Vec<f32>> = vec![Vec::with_capacity(frames); planar.len()];
    while let Some(block) = decoder.decode_audio_block().map_err(error)? {
        for (o, s) in out.iter_mut().zip(block.samples()) {
            o.extend_from_slice(s);
        }
    }
    Ok(out)
}

fn opus(planar: &[Vec<f32>], rate: u32, kbps: u32) -> Result<Vec<Vec<f32>>, String> {
    let error = |e: opus::Error| format!("Opus: {e}");
    let layout = match planar.len() {
        2 => opus::Channels::Stereo,
        n => return Err(format!("Opus: {n} channels")),
    };
    let channels = planar.len();
    let mut encoder = opus::Encoder::new(rate, layout, opus::Application::Audio).map_err(error)?;
    encoder
        .set_bitrate(opus::Bitrate::Bits(kbps as i32 * 1000))
        .map_err(error)?;
    let delay = usize::try_from(encoder.get_lookahead().map_err(error)?).unwrap_or(0);
    let mut decoder = opus::Decoder::new(rate, layout).map_err(error)?;
    // 20 ms frames, as the services stream; zeros after the end flush the look-ahead.
    let frame = rate as usize / 50;
    let frames = planar[0].len();
    let mut input = vec![0f32; frame * channels];
    let mut packet = vec![0u8; 4000];
    let mut pcm = vec![0f32; 5760 * channels];
    let mut out: Vec<Vec<f32>> = vec![Vec::with_capacity(frames + delay); channels];
    let mut at = 0;
    while at < frames + delay {
        for i in 0..frame {
            for (c, channel) in planar.iter().enumerate() {
                input[i * channels + c] = channel.get(at + i).copied().unwrap_or(0.0);
            }
        }
        let len = encoder.encode_float(&input, &mut packet).map_err(error)?;
        let n = decoder
            .decode_float(&packet[..len], &mut pcm, false)
            .map_err(error)?;
        for f in pcm[..n * channels].chunks_exact(channels) {
            for (o, &x) in out.iter_mut().zip(f) {
                o.push(x);
            }
        }
        at += frame;
    }
    for o in &mut out {
        o.drain(..delay.min(o.len()));
    }
    Ok(out)
}

fn mp3(planar: &[Vec<f32>], rate: u32, kbps: u32) -> Result<Vec<Vec<f32>>, String> {
    use mp3lame_encoder::{Bitrate, Builder, DualPcm, FlushGap, Mode, Quality};
    let error = |e: &dyn std::fmt::Display| format!("MP3: {e}");
    let bitrate = match kbps {
        320 => Bitrate::Kbps320,
        256 => Bitrate::Kbps256,
        192 => Bitrate::Kbps192,
        128 => Bitrate::Kbps128,
        k => return Err(format!("MP3: no {k} kbit/s setting")),
    };
    let channels = planar.len();
    let mut builder = Builder::new().ok_or("MP3: LAME could not start")?;
    builder
        .set_num_channels(channels as u8)
        .map_err(|e| error(&e))?;
    builder.set_sample_rate(rate).map_err(|e| error(&e))?;
    builder.set_brate(bitrate).map_err(|e| error(&e))?;
    builder.set_mode(Mode::JointStereo).map_err(|e| error(&e))?;
    builder
        .set_quality(Quality::NearBest)
        .map_err(|e| error(&e))?;
    builder.set_to_write_vbr_tag(false).map_err(|e| error(&e))?;
    let mut encoder = builder.build().map_err(|e| error(&e))?;
    let frames = planar[0].len();
    // Zeros after the end carry the delayed samples out of the encoder and decoder.
    let padded: Vec<Vec<f32>> = planar
        .iter()
        .map(|c| {
            let mut p = Vec::with_capacity(frames + MP3_DELAY + 1152);
            p.extend_from_slice(c);
            p.resize(frames + MP3_DELAY + 1152, 0.0);
            p
        })
        .collect();
    let mut bytes = Vec::with_capacity(mp3lame_encoder::max_required_buffer_size(padded[0].len()));
    encoder
        .encode_to_vec(
            DualPcm {
                left: &padded[0],
                right: &padded[1],
            },
            &mut bytes,
        )
        .map_err(|e| error(&e))?;
    bytes.reserve(7200);
    encoder
        .flush_to_vec::<FlushGap>(&mut bytes)
        .map_err(|e| error(&e))?;
    let mut decoder = rmp3::Decoder::new(&bytes);
    let mut out: Vec<Vec<f32>> = vec![Vec::with_capacity(padded[0].len() + 1152); channels];
    while let Some(frame) = decoder.next() {
        if let rmp3::Frame::Audio(audio) = frame {
            let n = usize::from(audio.channels());
            for f in audio.samples().chunks_exact(n) {
                for (c, o) in out.iter_mut().enumerate() {
                    o.push(f[c.min(n - 1)]);
                }
            }
        }
    }
    for o in &mut out {
        o.drain(..MP3_DELAY.min(o.len()));
    }
    Ok(out)
}

/// A decoded peak in dB; `None` for silence. Like the meter, values under
/// [`FLUSH_BELOW`] (-300 dBFS) count as zero: a resampler's or decoder's arithmetic can leave
/// them in a silent master, and "-673 dBTP" would mean nothing.
fn peak_db(peak: f32) -> Option<f64> {
    if peak < FLUSH_BELOW {
        None
    } else {
        amplitude_to_db(f64::from(peak))
    }
}

/// Peaks and overs of a stretch of decoded audio.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Tally {
    frames: u64,
    true_peak: f32,
    sample_peak: f32,
    overs_ceiling: u64,
    overs_0db: u64,
    clipped: u64,
}

impl Tally {
    /// Counts frames `body` of `decoded`, the interpolator reading the samples around them
    /// (zeros outside `decoded`).
    fn count(decoded: &[Vec<f32>], body: std::ops::Range<usize>, rate: u32, ceiling: f32) -> Self {
        let interpolator = TruePeak::new(rate);
        let taps = interpolator.taps();
        // The value at window position i is centred on sample i + taps - 1 - taps / 2.
        let before = taps - 1 - taps / 2;
        let mut tally = Self {
            frames: body.len() as u64,
            ..Self::default()
        };
        let mut scratch = vec![0f32; TALLY_BLOCK + taps - 1];
        for channel in decoded {
            let mut from = body.start;
            while from < body.end {
                let to = (from + TALLY_BLOCK).min(body.end);
                let n = to - from;
                let window = &mut scratch[..n + taps - 1];
                for (k, slot) in window.iter_mut().enumerate() {
                    let index = (from + k).checked_sub(before);
                    *slot = index.and_then(|i| channel.get(i)).copied().unwrap_or(0.0);
                }
                let samples = &channel[from..to];
                let sample_peak = samples.iter().fold(0f32, |m, x| m.max(x.abs()));
                let peak = interpolator.block_max(window, n).max(sample_peak);
                tally.sample_peak = tally.sample_peak.max(sample_peak);
                tally.true_peak = tally.true_peak.max(peak);
                tally.clipped += samples.iter().filter(|x| x.abs() > 1.0).count() as u64;
                if peak > ceiling {
                    let [over_ceiling, over_0db] =
                        interpolator.count_over(window, n, [ceiling, 1.0]);
                    tally.overs_ceiling += over_ceiling.count;
                    tally.overs_0db += over_0db.count;
                }
                from = to;
            }
        }
        tally
    }

    fn merge(&mut self, other: &Self) {
        self.frames += other.frames;
        self.true_peak = self.true_peak.max(other.true_peak);
        self.sample_peak = self.sample_peak.max(other.sample_peak);
        self.overs_ceiling += other.overs_ceiling;
        self.overs_0db += other.overs_0db;
        self.clipped += other.clipped;
    }
}
