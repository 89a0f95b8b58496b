//! Streaming file decoding: WAV (PCM 8/16/24/32-bit, float 32/64, WAVE_FORMAT_EXTENSIBLE),
//! AIFF/AIFC, FLAC, ALAC, and the lossy MP3, AAC (MP4/M4A) and Ogg Vorbis, one block at a time,
//! as interleaved `f32`.
//!
//! symphonia reads every header and decides what a file is. When it finds plain little-endian
//! PCM or float in a WAV file (16/24/32-bit integer, 32/64-bit float: nearly every bounce), the
//! samples are then read by the direct reader (module `pcm`), which delivers the same values
//! several times faster; everything else (AIFF, FLAC, 8-bit, A-law, unusual headers) is decoded
//! by symphonia packet by packet.
//!
//! Memory is bounded by one block (at most a few hundred kilobytes), never by file length: the
//! caller pulls blocks with [`AudioStream::next_block`] and measures them as they come.
//!
//! Float samples are passed through unclamped, so overs above full scale in float files are seen
//! by the meter.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::path::Path;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{
    CodecParameters, CodecType, Decoder, DecoderOptions, CODEC_TYPE_AAC, CODEC_TYPE_FLAC,
    CODEC_TYPE_MP1, CODEC_TYPE_MP2, CODEC_TYPE_MP3, CODEC_TYPE_NULL, CODEC_TYPE_OPUS,
    CODEC_TYPE_PCM_F32BE, CODEC_TYPE_PCM_F32LE, CODEC_TYPE_PCM_F64BE, CODEC_TYPE_PCM_F64LE,
    CODEC_TYPE_PCM_S16LE, CODEC_TYPE_PCM_S24LE, CODEC_TYPE_PCM_S32LE, CODEC_TYPE_VORBIS,
};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader, Packet};
use symphonia::core::io::{MediaSourceStream, ReadBytes};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::container::{self, Container, Declared};
pub use crate::error::DecodeError;
use crate::pcm::{PcmEncoding, PcmLayout, PcmReader};

impl DecodeError {
    /// Classifies a symphonia error raised while opening (probing) a file.
    fn from_open(err: SymphoniaError) -> Self {
        // The probe's own message when no container signature matched.
        const PROBE_NO_MATCH: &str = "core (probe): no suitable format reader found";
        match err {
            SymphoniaError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                Self::TruncatedHeader
            }
            SymphoniaError::Unsupported(msg) if msg == PROBE_NO_MATCH => Self::NotAudio,
            other => Self::from_stream(other),
        }
    }

    /// Classifies a symphonia error raised while reading packets.
    fn from_stream(err: SymphoniaError) -> Self {
        match err {
            SymphoniaError::IoError(e) => Self::Io(e),
            SymphoniaError::DecodeError(msg) => Self::Malformed(msg.to_string()),
            SymphoniaError::Unsupported(msg) => Self::Unsupported(msg.to_string()),
            SymphoniaError::LimitError(msg) => Self::Malformed(format!("limit exceeded: {msg}")),
            SymphoniaError::SeekError(kind) => Self::Malformed(format!("seek failed: {kind:?}")),
            SymphoniaError::ResetRequired => {
                Self::Unsupported("stream parameters change mid-file".to_string())
            }
        }
    }
}

/// How the samples are stored in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleFormat {
    /// Codec short name as symphonia names it: "pcm_s16le", "pcm_s24be", "pcm_f32le", "flac", ...
    pub codec: String,
    /// Significant bits per sample (for WAVE_FORMAT_EXTENSIBLE, the valid bits); `None` if the
    /// header does not say.
    pub bits_per_sample: Option<u32>,
    /// Whether samples are IEEE floating point.
    pub float: bool,
    /// Whether the codec is lossy (MP3, AAC, Vorbis, Opus): the samples are a decoder's
    /// reconstruction, and `bits_per_sample` is `None`.
    pub lossy: bool,
}

/// What the stream is, from its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    /// Sample rate.
    pub sample_rate_hz: u32,
    /// Channels per frame.
    pub channels: usize,
    /// Sample storage.
    pub format: SampleFormat,
    /// Frames the header promises, if it says.
    pub declared_frames: Option<u64>,
}

/// A header that promises more audio than the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truncation {
    /// Frames the header promises.
    pub declared_frames: u64,
    /// Frames actually present (or decoded).
    pub present_frames: u64,
}

/// What happened while reading, known once the stream is exhausted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamEnd {
    /// Frames delivered by [`AudioStream::next_block`].
    pub frames: u64,
    /// Packets that failed to decode and were skipped.
    pub skipped_packets: u64,
    /// Frames those packets held (not measured).
    pub skipped_frames: u64,
    /// Set if the file is shorter than its header promises.
    pub truncation: Option<Truncation>,
}

/// Samples in a packet buffer before we assume the header lied; protects the allocation.
const MAX_PACKET_SAMPLES: usize = 1 << 24;

/// Which reader delivers a file's samples.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SampleReader {
    /// The direct PCM reader when the file is plain PCM or float WAV, symphonia otherwise.
    #[default]
    Auto,
    /// symphonia for every file (the reference the direct reader is checked against).
    Symphonia,
}

/// A file's samples, pulled one block at a time.
pub struct AudioStream {
    info: StreamInfo,
    declared: Declared,
    source: Source,
    progress: Progress,
}

/// Where the samples come from.
enum Source {
    /// symphonia's demuxer and decoder.
    General(Box<GeneralDecoder>),
    /// Plain PCM read straight from the `data` chunk.
    Direct {
        reader: PcmReader,
        layout: PcmLayout,
    },
}

/// Counts kept while reading.
#[derive(Debug, Clone, Copy, Default)]
struct Progress {
    /// Frames delivered so far.
    frames: u64,
    skipped_packets: u64,
    /// Frames in the skipped packets, so that a gap is not mistaken for truncation.
    skipped_frames: u64,
}

/// symphonia, one packet at a time.
struct GeneralDecoder {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    /// Packets read before decoding started (see [`first_decoded_channels`]).
    pending: VecDeque<Packet>,
    buffer: Option<SampleBuffer<f32>>,
    /// Stop after this many frames. For AIFF this is the `COMM` chunk's count: symphonia 0.5's
    /// AIFF reader counts the 8-byte offset/blockSize prefix of `SSND` as sample data, so without
    /// the limit it would decode up to 8 bytes of whatever chunk follows as audio.
    frame_limit: Option<u64>,
    finished: bool,
}

impl std::fmt::Debug for AudioStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioStream")
            .field("info", &self.info)
            .field("direct", &self.uses_direct_reader())
            .field("frames", &self.progress.frames)
            .field("skipped_packets", &self.progress.skipped_packets)
            .finish_non_exhaustive()
    }
}

impl AudioStream {
    /// Opens `path` read-only and reads its header. Nothing is decoded yet.
    pub fn open(path: &Path) -> Result<Self, DecodeError> {
        Self::open_with(path, SampleReader::Auto)
    }

    /// Opens `path` with the given choice of reader. The header is always read by symphonia, so
    /// the stream's parameters and every error up to here do not depend on `reader`.
    pub fn open_with(path: &Path, reader: SampleReader) -> Result<Self, DecodeError> {
        let meta = std::fs::metadata(path).map_err(DecodeError::Open)?;
        if !meta.is_file() {
            return Err(DecodeError::NotAFile);
        }
        let file_len = meta.len();
        if file_len == 0 {
            return Err(DecodeError::Empty);
        }
        let mut file = File::open(path).map_err(DecodeError::Open)?;
        let declared = container::sniff(&mut file, file_len);
        // Refused here, with the meter's reason, before a decoder can misreport it.
        if let Some(channels) = declared.channels.map(usize::from) {
            if channels > preflight_dsp::MAX_CHANNELS {
                return Err(DecodeError::TooManyChannels {
                    got: channels,
                    max: preflight_dsp::MAX_CHANNELS,
                });
            }
        }
        if declared.flac_without_frames {
            return Err(DecodeError::NoAudio);
        }
        if declared.unrecognised {
            return Err(DecodeError::NotAudio);
        }
        file.seek(SeekFrom::Start(0)).map_err(DecodeError::Io)?;
        // A second handle for the direct reader (it seeks to the samples itself).
        let direct_file = match (reader, declared.container) {
            (SampleReader::Auto, Container::Wave) => file.try_clone().ok(),
            _ => None,
        };

        let stream = MediaSourceStream::new(Box::new(file), Default::default());

        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let probed = symphonia::default::get_probe()
            .format(
                &hint,
                stream,
                // Encoder delay and padding trimmed where the container says (MP3's LAME
                // header, MP4's edit list), so a lossy file measures the audio that was encoded.
                &FormatOptions {
                    enable_gapless: true,
                    ..Default::default()
                },
                &MetadataOptions::default(),
            )
            .map_err(DecodeError::from_open)?;
        let mut format = probed.format;

        let track = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
            .ok_or(DecodeError::NoAudioTrack)?;
        let params = track.codec_params.clone();
        let track_id = track.id;

        let sample_rate_hz = params
            .sample_rate
            .filter(|&r| r > 0)
            .ok_or(DecodeError::MissingParameter("sample rate"))?;
        let make_decoder = || {
            symphonia::default::get_codecs()
                .make(&params, &DecoderOptions::default())
                .map_err(DecodeError::from_stream)
        };
        let mut decoder = make_decoder()?;
        let header_channels = params
            .channels
            .map(|c| c.count())
            .or_else(|| params.channel_layout.map(|l| l.into_channels().count()))
            .filter(|&n| n > 0);
        // MP4's AAC and ALAC tracks may leave the count to the codec's own configuration: then
        // the first packet that decodes says it, and a fresh decoder starts again from there.
        let mut pending = VecDeque::new();
        let channels = match header_channels {
            Some(n) => n,
            None => {
                let n =
                    first_decoded_channels(&mut *format, &mut *decoder, track_id, &mut pending)?
                        .ok_or(DecodeError::MissingParameter("channel count"))?;
                if n > preflight_dsp::MAX_CHANNELS {
                    return Err(DecodeError::TooManyChannels {
                        got: n,
                        max: preflight_dsp::MAX_CHANNELS,
                    });
                }
                decoder = make_decoder()?;
                n
            }
        };

        let float = is_float(params.codec);
        let bits_per_sample = params.bits_per_sample.or(match params.codec {
            CODEC_TYPE_PCM_F32LE | CODEC_TYPE_PCM_F32BE => Some(32),
            CODEC_TYPE_PCM_F64LE | CODEC_TYPE_PCM_F64BE => Some(64),
            _ => None,
        });
        let format_info = SampleFormat {
            codec: codec_name(params.codec),
            bits_per_sample,
            float,
            lossy: is_lossy(params.codec),
        };

        let declared_frames = match declared.container {
            Container::Wave | Container::Aiff => declared.frames,
            Container::Other => params.n_frames,
        };
        let frame_limit = match declared.container {
            Container::Aiff => declared.frames,
            _ => None,
        };
        let info = StreamInfo {
            sample_rate_hz,
            channels,
            format: format_info,
            declared_frames,
        };

        let direct = direct_file.and_then(|file| {
            let layout = direct_layout(&params, &info, &declared, file_len)?;
            Some((file, layout))
        });
        let source = match direct {
            Some((file, layout)) => {
                // Only where symphonia, having read the header, would start reading samples.
                if format.into_inner().pos() != layout.data_start {
                    return Self::open_with(path, SampleReader::Symphonia);
                }
                Source::Direct {
                    reader: PcmReader::new(file, layout, 0..layout.frames)?,
                    layout,
                }
            }
            None => Source::General(Box::new(GeneralDecoder {
                format,
                decoder,
                track_id,
                pending,
                buffer: None,
                frame_limit,
                finished: false,
            })),
        };

        Ok(Self {
            info,
            declared,
            source,
            progress: Progress::default(),
        })
    }

    /// The stream's parameters.
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// Whether the direct PCM reader delivers the samples (rather than symphonia).
    pub fn uses_direct_reader(&self) -> bool {
        matches!(self.source, Source::Direct { .. })
    }

    /// Where the samples lie when the direct reader handles the file, so that the caller can
    /// read parts of it with readers of its own (see [`Self::finish_read_elsewhere`]).
    pub(crate) fn direct_layout(&self) -> Option<PcmLayout> {
        match self.source {
            Source::Direct { layout, .. } => Some(layout),
            Source::General(_) => None,
        }
    }

    /// A truncation visible from the header and the file length alone (WAV, AIFF), before
    /// decoding anything. FLAC truncation is only known at the end, from [`Self::finish`].
    pub fn header_truncation(&self) -> Option<Truncation> {
        self.declared.is_truncated().then_some(Truncation {
            declared_frames: self.declared.frames.unwrap_or(0),
            present_frames: self.declared.frames_present.unwrap_or(0),
        })
    }

    /// The next block of interleaved samples, or `None` at the end of the stream.
    ///
    /// Packets that fail to decode are skipped and counted; a file that ends early ends the
    /// stream (see [`StreamEnd::truncation`]).
    pub fn next_block(&mut self) -> Result<Option<&[f32]>, DecodeError> {
        match &mut self.source {
            Source::Direct { reader, .. } => {
                let block = reader.next_interleaved()?;
                if let Some(samples) = block {
                    self.progress.frames += (samples.len() / self.info.channels) as u64;
                }
                Ok(block)
            }
            Source::General(general) => {
                let samples = general.fill(&mut self.progress, self.info.channels)?;
                match (&general.buffer, samples) {
                    (Some(buffer), n) if n > 0 => Ok(buffer.samples().get(..n)),
                    _ => Ok(None),
                }
            }
        }
    }

    /// Frames delivered so far.
    pub fn frames(&self) -> u64 {
        self.progress.frames
    }

    /// Summarises the read. Call after [`Self::next_block`] returned `None`.
    ///
    /// A stream that delivered no frames at all is an error: there is nothing to measure.
    pub fn finish(self) -> Result<StreamEnd, DecodeError> {
        let Progress {
            frames,
            skipped_packets,
            skipped_frames,
        } = self.progress;
        if frames == 0 {
            return Err(if skipped_packets > 0 {
                DecodeError::NothingDecodable {
                    skipped: skipped_packets,
                }
            } else {
                DecodeError::NoAudio
            });
        }
        let truncation = self.header_truncation().or_else(|| {
            let declared = self.info.declared_frames?;
            let present = frames + skipped_frames;
            (present < declared).then_some(Truncation {
                declared_frames: declared,
                present_frames: present,
            })
        });
        Ok(StreamEnd {
            frames,
            skipped_packets,
            skipped_frames,
            truncation,
        })
    }

    /// Summarises a read that the caller made itself, in parts, through readers on
    /// [`Self::direct_layout`] that delivered `frames` in all, as [`Self::finish`] would have.
    pub(crate) fn finish_read_elsewhere(mut self, frames: u64) -> Result<StreamEnd, DecodeError> {
        self.progress.frames = frames;
        self.finish()
    }
}

/// The direct reader's view of a file, if it is plain PCM in a WAV file laid out as symphonia
/// would read it: the same codec, no bit shift, frames exactly `channels` samples wide.
fn direct_layout(
    params: &CodecParameters,
    info: &StreamInfo,
    declared: &Declared,
    file_len: u64,
) -> Option<PcmLayout> {
    let data = declared.wave_data?;
    let (encoding, int_bits) = match params.codec {
        CODEC_TYPE_PCM_S16LE => (PcmEncoding::I16, Some(16)),
        CODEC_TYPE_PCM_S24LE => (PcmEncoding::I24, Some(24)),
        CODEC_TYPE_PCM_S32LE => (PcmEncoding::I32, Some(32)),
        CODEC_TYPE_PCM_F32LE => (PcmEncoding::F32, None),
        CODEC_TYPE_PCM_F64LE => (PcmEncoding::F64, None),
        _ => return None,
    };
    // symphonia shifts integers coded narrower than their sample format up; not handled here.
    if let Some(bits) = int_bits {
        let coded = params.bits_per_coded_sample.or(params.bits_per_sample)?;
        if coded != bits {
            return None;
        }
    }
    let frame_bytes = info.channels * encoding.bytes();
    if usize::from(data.block_align) != frame_bytes {
        return None;
    }
    // Like symphonia: to the end of the chunk as declared (or left open), or of the file.
    let bytes = file_len
        .saturating_sub(data.start)
        .min(u64::from(data.len_field));
    Some(PcmLayout {
        data_start: data.start,
        frames: bytes / frame_bytes as u64,
        channels: info.channels,
        encoding,
        sample_rate_hz: info.sample_rate_hz,
    })
}

impl GeneralDecoder {
    /// Decodes the next packet into the buffer; returns the number of samples to deliver.
    fn fill(&mut self, progress: &mut Progress, channels: usize) -> Result<usize, DecodeError> {
        while !self.finished {
            if self
                .frame_limit
                .is_some_and(|limit| progress.frames >= limit)
            {
                self.finished = true;
                break;
            }
            let packet = match self
                .pending
                .pop_front()
                .map_or_else(|| self.format.next_packet(), Ok)
            {
                Ok(packet) => packet,
                Err(SymphoniaError::IoError(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    self.finished = true;
                    break;
                }
                Err(e) => return Err(DecodeError::from_stream(e)),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(decoded) => decoded,
                Err(SymphoniaError::DecodeError(_)) => {
                    progress.skipped_packets += 1;
                    progress.skipped_frames += packet.dur();
                    continue;
                }
                Err(SymphoniaError::IoError(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    self.finished = true;
                    break;
                }
                Err(e) => return Err(DecodeError::from_stream(e)),
            };
            let frames = decoded.frames();
            if frames == 0 {
                continue;
            }
            let spec = *decoded.spec();
            let got = spec.channels.count();
            if got != channels {
                return Err(DecodeError::ChannelCountChanged {
                    expected: channels,
                    got,
                });
            }
            let needed = frames.saturating_mul(channels);
            if needed > MAX_PACKET_SAMPLES {
                return Err(DecodeError::Malformed(format!(
                    "packet of {frames} frames is implausibly large"
                )));
            }
            let buffer = match &mut self.buffer {
                Some(b) if b.capacity() >= needed => b,
                slot => {
                    let capacity_frames = decoded.capacity().max(frames) as u64;
                    slot.insert(SampleBuffer::new(capacity_frames, spec))
                }
            };
            buffer.copy_interleaved_ref(decoded);

            let mut deliver = frames as u64;
            if let Some(limit) = self.frame_limit {
                deliver = deliver.min(limit.saturating_sub(progress.frames));
            }
            progress.frames += deliver;
            // `deliver` <= `frames`, which fits in usize.
            return Ok(usize::try_from(deliver).unwrap_or(frames) * channels);
        }
        Ok(0)
    }
}

/// Reads packets of `track_id` into `pending` until one decodes to audio, and returns its
/// channel count; `None` if the stream ends first.
fn first_decoded_channels(
    format: &mut dyn FormatReader,
    decoder: &mut dyn Decoder,
    track_id: u32,
    pending: &mut VecDeque<Packet>,
) -> Result<Option<usize>, DecodeError> {
    const MAX_PROBED_PACKETS: usize = 64;
    while pending.len() < MAX_PROBED_PACKETS {
        let packet = match format.next_packet() {
            Ok(packet) => packet,
            Err(SymphoniaError::IoError(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Ok(None)
            }
            Err(e) => return Err(DecodeError::from_stream(e)),
        };
        if packet.track_id() != track_id {
            continue;
        }
        let channels = match decoder.decode(&packet) {
            Ok(decoded) if decoded.frames() > 0 => Some(decoded.spec().channels.count()),
            Ok(_) | Err(SymphoniaError::DecodeError(_)) => None,
            Err(e) => return Err(DecodeError::from_stream(e)),
        };
        pending.push_back(packet);
        if channels.is_some() {
            return Ok(channels);
        }
    }
    Ok(None)
}

fn is_float(codec: CodecType) -> bool {
    matches!(
        codec,
        CODEC_TYPE_PCM_F32LE | CODEC_TYPE_PCM_F32BE | CODEC_TYPE_PCM_F64LE | CODEC_TYPE_PCM_F64BE
    )
}

fn is_lossy(codec: CodecType) -> bool {
    matches!(
        codec,
        CODEC_TYPE_MP1
            | CODEC_TYPE_MP2
            | CODEC_TYPE_MP3
            | CODEC_TYPE_AAC
            | CODEC_TYPE_VORBIS
            | CODEC_TYPE_OPUS
    )
}

fn codec_name(codec: CodecType) -> String {
    if codec == CODEC_TYPE_FLAC {
        return "flac".to_string();
    }
    symphonia::default::get_codecs()
        .get_codec(codec)
        .map(|d| d.short_name.to_string())
        .unwrap_or_else(|| format!("{codec}"))
}
