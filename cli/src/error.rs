//! [`DecodeError`]: why a file cannot be decoded. Its own module, so the decoders (`decode`,
//! and the direct PCM reader `pcm` that `decode` hands plain WAV files to) both use it without
//! importing each other.

use std::io;

/// Why a file cannot be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The path could not be opened or inspected.
    #[error("cannot open: {}", io_reason(.0))]
    Open(io::Error),
    /// The path names a directory or other non-file.
    #[error("not a regular file")]
    NotAFile,
    /// Zero bytes.
    #[error("empty file (0 bytes)")]
    Empty,
    /// No known container signature was found.
    #[error("not a recognised audio file (supported: WAV, AIFF/AIFC, FLAC, ALAC, MP3, AAC/M4A, Ogg Vorbis)")]
    NotAudio,
    /// The file ends inside its header.
    #[error("file ends inside the header (truncated or not an audio file)")]
    TruncatedHeader,
    /// A recognised container with a feature or codec this build does not decode.
    #[error("unsupported audio format: {0}")]
    Unsupported(String),
    /// The container or codec data is inconsistent.
    #[error("corrupt or malformed file: {0}")]
    Malformed(String),
    /// The container holds no audio track.
    #[error("no audio track found")]
    NoAudioTrack,
    /// The header does not state the sample rate or channel count.
    #[error("the header does not state the {0}")]
    MissingParameter(&'static str),
    /// A decoded packet disagrees with the header about the channel count.
    #[error("channel count changed mid-stream (header: {expected}, packet: {got})")]
    ChannelCountChanged {
        /// Channels in the header.
        expected: usize,
        /// Channels in the packet.
        got: usize,
    },
    /// A valid header with no audio after it.
    #[error("unsupported channel count {got} (supported: 1 to {max})")]
    TooManyChannels {
        /// Channels the header states.
        got: usize,
        /// Most the meter measures.
        max: usize,
    },
    #[error("contains no audio (0 frames)")]
    NoAudio,
    /// Every audio packet failed to decode.
    #[error("no decodable audio ({skipped} corrupt packets)")]
    NothingDecodable {
        /// Packets skipped.
        skipped: u64,
    },
    /// Reading failed part-way (not end of file).
    #[error("read error: {}", io_reason(.0))]
    Io(io::Error),
}

/// An I/O error as a short reason; the common cases without the OS error number.
fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    }
}
