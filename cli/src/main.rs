//! `preflight`: measure audio files with the Preflight metering engine.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::{Args, Parser, Subcommand};

use preflight_cli::check::{check_encoded, to_text, CheckReport, CodecReport, Style};
use preflight_cli::codec;
use preflight_cli::compare::{balance, balance_text, compare, to_text as compare_text};
use preflight_cli::export::{history_csv, output_names};
use preflight_cli::target::{self as targets, TargetFile};
use preflight_cli::{analyze_file, AnalysisReport, AnalyzeOptions};
use preflight_cli::{guard, html};
use preflight_dsp::readiness::{self, Profile, Tonal, TonalTarget, Verdict};

/// Exit status when at least one file could not be analysed (also clap's status for usage errors).
const EXIT_FILE_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "preflight",
    version,
    about = "Loudness, true-peak and mix-readiness measurements for audio files",
    long_about = "Loudness, true-peak and mix-readiness measurements for audio files.\n\n\
        Measures integrated, momentary and short-term loudness (ITU-R BS.1770-4 / EBU R128), \
        loudness range (EBU Tech 3342), true peak (BS.1770-4 Annex 2), sample peaks, clipping, \
        stereo correlation, balance, DC offset and the long-term spectrum.\n\n\
        Reads WAV (PCM 8/16/24/32-bit, 32/64-bit float, WAVE_FORMAT_EXTENSIBLE), AIFF/AIFC, \
        FLAC, ALAC, and the lossy MP3, AAC (M4A) and Ogg Vorbis, streaming: memory use does not depend on file length. Input files are only read."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure files and print the results as a table or JSON
    #[command(
        long_about = "Measure files and print the results as a table or JSON.\n\n\
        Each file is decoded and measured in one streaming pass: integrated loudness (LUFS), \
        loudness range (LU; needs about 60 s of audio to be meaningful), maximum momentary and \
        short-term loudness, true peak and sample peak (overall and per channel), peak-to-loudness \
        ratio, micro-dynamics (the spread of the loud 50 ms blocks' loudness), clipped samples, \
        stereo correlation (broadband and below ~150 Hz), L/R balance, \
        DC offset per channel, non-finite samples and the long-term spectrum in 1/6-octave \
        bands (JSON only).\n\n\
        JSON keys: file, sample_rate_hz, channels, duration_s, format {codec, bits_per_sample, \
        float}, integrated_lufs, loudness_range_lu, max_momentary_lufs, max_short_term_lufs, \
        true_peak_dbtp, true_peak_per_channel_dbtp, sample_peak_dbfs, \
        sample_peak_per_channel_dbfs, plr_db, micro_dynamics_db, clipped_samples, correlation, \
        low_band_correlation, balance_db, dc_offset_per_channel_dbfs, non_finite_samples, \
        spectrum_bands [{hz, db}], events [{kind, start_s, end_s, count, value}], \
        events_dropped.\n\n\
        Events place in time: clipping, true-peak overs and non-finite samples (value: the \
        highest true peak), negative-correlation passages (value: the lowest correlation), \
        short-term loudness jumps of 6 LU or more within 3 s (value: the change), and the \
        loudest and quietest short-term sections (value: LUFS)."
    )]
    Analyze(AnalyzeArgs),
    /// Judge whether files are ready for mastering (or for release) and exit 0 / 1 / 2
    #[command(
        long_about = "Judge whether files are ready for mastering (profile mix, the default) or \
        ready for release on a streaming platform (profile master).\n\n\
        Prints the verdict first (ready, not ready, or insufficient: less than 10 s of \
        non-silent audio), then the findings worst first with advice, then what every \
        platform will do to the file: the gain it applies and the true peak after it.\n\n\
        The spectrum is judged against a tonal-balance target: a built-in style (--style) or a \
        target built from reference tracks (--target, see `preflight target build`).\n\n\
        JSON keys: file, verdict, profile, target, findings [{id, severity, value, threshold, \
        message, advice}], platforms [{id, name, target_lufs, true_peak_ceiling_dbtp, gain_db, \
        true_peak_after_dbtp, status}], measurements (the `preflight analyze --json` object); \
        with --reference also references {references, regions, notes} (as `preflight compare`)."
    )]
    Check(CheckArgs),
    /// Build tonal-balance targets from reference tracks
    #[command(subcommand)]
    Target(TargetCommand),
    /// Compare a mix with reference tracks, loudness-matched
    #[command(
        long_about = "Compare a mix with reference tracks (files, or folders searched for audio \
        files). The spectra are loudness-matched: each 1/6-octave band is taken relative to the \
        track's integrated loudness, and the mix is compared with the references' mean, per \
        band and in the four regions the tonal checks read (sub_bass 20-60 Hz, low_end \
        200-500 Hz, harshness 2-5 kHz, top_end 8-16 kHz). Beside them: integrated loudness, \
        loudness range, PLR, PSR at the loudest 3 s, crest factor, correlation (broadband and \
        below 150 Hz) and the side level against the mid. Differences of 2 dB or more in a \
        region get a sentence.\n\n\
        JSON keys: mix, references, regions [{id, from_hz, to_hz, mix_db, references_db, \
        difference_db}], bands [{hz, difference_db}], figures [{id, mix, references, \
        difference}], notes.\n\n\
        Exit status: 0 compared, 2 the mix or every reference could not be read (a reference \
        that cannot be read is named and left out)."
    )]
    Compare(CompareArgs),
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// The mix
    #[arg(value_name = "MIX")]
    mix: PathBuf,

    /// Reference files or folders
    #[arg(value_name = "REF", required = true)]
    refs: Vec<PathBuf>,

    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum TargetCommand {
    /// Build a target from reference files or folders and write it as JSON
    #[command(
        long_about = "Build a tonal-balance target from reference tracks (files, or folders \
        searched for audio files) and write it as JSON, for `preflight check --target`.\n\n\
        Each track's long-term spectrum is normalised (raised 4.5 dB per octave above 1 kHz, \
        relative to its median over 100 Hz-10 kHz), and the target keeps, per 1/6-octave band \
        and per region the checks read (sub_bass 20-60 Hz, low_end 200-500 Hz, harshness \
        2-5 kHz, top_end 8-16 kHz), the 10th, 50th and 90th percentile over the tracks. It \
        needs at least 3 tracks with audio; a file that cannot be read is named and left out."
    )]
    Build(TargetBuildArgs),
}

#[derive(Debug, Args)]
struct TargetBuildArgs {
    /// Reference files or folders
    #[arg(value_name = "REF", required = true)]
    refs: Vec<PathBuf>,

    /// Where to write the target (JSON)
    #[arg(short, long, value_name = "NAME.json")]
    output: PathBuf,

    /// The target's name in messages (default: the output file's stem)
    #[arg(long)]
    name: Option<String>,

    /// Where the references come from, kept in the file
    #[arg(long)]
    source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StyleArg {
    /// Built from all the built-in target's material
    General,
    /// Orchestral and acoustic music
    Acoustic,
    /// Electronic productions
    Electronic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ProfileArg {
    /// Is this mix ready to send to mastering?
    Mix,
    /// Is this master ready for release on the chosen platform?
    Master,
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Platforms (--platform):
  spotify, apple_music, amazon_music, youtube, tidal, deezer, ebu_r128, atsc_a85, aes_streaming

Exit status:
  0  every file is ready
  1  at least one file is not ready or has too little audio to judge
  2  at least one file could not be analysed (or the command line was invalid)")]
struct CheckArgs {
    /// Audio files to judge (WAV, AIFF/AIFC, FLAC, ALAC, MP3, AAC/M4A, Ogg Vorbis)
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// What to judge against
    #[arg(long, value_enum, default_value = "mix")]
    profile: ProfileArg,

    /// Platform whose ceiling the master profile checks (the table lists them all)
    #[arg(long, default_value = "spotify", value_parser = parse_platform)]
    platform: String,

    /// Built-in tonal-balance target the spectrum is judged against
    #[arg(long, value_enum, default_value = "general", conflicts_with = "target")]
    style: StyleArg,

    /// A target built by `preflight target build`, instead of a built-in style
    #[arg(long, value_name = "NAME.json")]
    target: Option<PathBuf>,

    /// Compare each FILE's balance with reference tracks, loudness-matched (a file or a folder
    /// searched for audio; repeat for more): the four regions and the notes of `preflight
    /// compare`, in the text, under `references` in JSON and in the HTML report. It informs;
    /// the verdict does not read it. An unreadable reference is named and left out
    #[arg(long = "reference", value_name = "REF")]
    references: Vec<PathBuf>,

    /// Print JSON: an object for one FILE, an array for several
    #[arg(long)]
    json: bool,

    /// Measure truncated files up to where they end instead of refusing them
    #[arg(long)]
    allow_truncated: bool,

    /// Codec preview: encode and decode each FILE with the streaming services' codecs (a
    /// comma-separated list of vorbis-320, vorbis-160, opus-160, mp3-320; all without a list)
    /// and report the decoded true peak, the overs above the ceiling and above 0 dBFS, and the
    /// gain that keeps the decoded peak under the ceiling. The platform table gains the true
    /// peak after encoding, and `headroom` in the master profile judges it
    #[arg(long, value_name = "LIST", num_args = 0..=1, require_equals = true, default_missing_value = "all", value_delimiter = ',')]
    codecs: Option<Vec<String>>,

    /// Write an HTML report of each FILE into DIR (NAME.html; with several FILEs also
    /// index.html): the verdict, loudness, true peak, spectrum and correlation plots, the events,
    /// the platform table and the file's format, in one self-contained page each
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
}

fn parse_platform(id: &str) -> Result<String, String> {
    if preflight_dsp::platforms::platform(id).is_some() {
        Ok(id.to_string())
    } else {
        let known: Vec<&str> = preflight_dsp::platforms::PLATFORMS
            .iter()
            .map(|p| p.id)
            .collect();
        Err(format!(
            "unknown platform '{id}' (known: {})",
            known.join(", ")
        ))
    }
}

#[derive(Debug, Args)]
#[command(after_long_help = "\
Output:
  A table per file, or with --json one JSON object (one FILE; nothing if it fails) or an array
  of objects (several FILEs; one object per file analysed successfully). Values that do not exist, such as the
  loudness of digital silence, are shown as \"no signal\" / \"\u{2014}\" and are null in JSON.
  dB values are rounded to 2 decimals.

Errors:
  A file that is missing, unreadable, empty, corrupt, in an unsupported format, or at a sample
  rate or channel count the meter does not support gets one line on stderr,
  \"preflight: <path>: <reason>\"; the other files are still analysed. Warnings use the same
  form with \"warning:\". Packets that fail to decode mid-stream are skipped and counted in a
  warning.

Truncated files:
  A file whose header promises more audio than the file holds (an interrupted bounce or copy)
  is refused by default: a measurement of part of a mix should not pass as the whole. With
  --allow-truncated the audio that is present is measured and a warning names the shortfall.
  A streamed WAV whose header leaves the length open (0xFFFFFFFF) is read to its end.

Exit status:
  0  every file was analysed
  2  at least one file could not be analysed (or the command line was invalid)")]
struct AnalyzeArgs {
    /// Audio files to measure (WAV, AIFF/AIFC, FLAC, ALAC, MP3, AAC/M4A, Ogg Vorbis)
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Print JSON instead of tables: an object for one FILE, an array for several
    #[arg(long)]
    json: bool,

    /// Measure truncated files up to where they end, with a warning, instead of refusing them
    #[arg(long)]
    allow_truncated: bool,

    /// Write the loudness history as CSV to PATH: one row per 100 ms (time_s at its end,
    /// momentary_lufs, short_term_lufs, true_peak_max_dbtp, correlation). With several FILEs,
    /// PATH is a folder and each file gets NAME.csv
    #[arg(long, value_name = "PATH")]
    history: Option<PathBuf>,
}

fn main() -> ExitCode {
    guard::install_panic_hook();
    let cli = Cli::parse();
    match cli.command {
        Command::Analyze(args) => run_analyze(&args),
        Command::Check(args) => run_check(&args),
        Command::Target(TargetCommand::Build(args)) => run_target_build(&args),
        Command::Compare(args) => run_compare(&args),
    }
}

fn run_compare(args: &CompareArgs) -> ExitCode {
    let options = AnalyzeOptions::default();
    let mix = match analyze_one(&args.mix, &options) {
        Ok(mix) => mix,
        Err(err) => {
            report_line(&format!("{err:#}"));
            return ExitCode::from(EXIT_FILE_ERROR);
        }
    };
    let Some(references) = analyze_references(&args.refs, &options) else {
        return ExitCode::from(EXIT_FILE_ERROR);
    };
    let report = compare(&mix, &references);
    let printed = if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => print_text(&format!("{text}\n")),
            Err(err) => {
                report_line(&format!("cannot write JSON: {err}"));
                return ExitCode::from(EXIT_FILE_ERROR);
            }
        }
    } else {
        print_text(&compare_text(&report))
    };
    if printed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FILE_ERROR)
    }
}

fn run_target_build(args: &TargetBuildArgs) -> ExitCode {
    let files = match targets::collect(&args.refs) {
        Ok(files) => files,
        Err(err) => {
            report_line(&err);
            return ExitCode::from(EXIT_FILE_ERROR);
        }
    };
    let options = AnalyzeOptions::default();
    let mut spectra = Vec::new();
    let mut names = Vec::new();
    for path in &files {
        match analyze_one(path, &options) {
            Ok(a) => {
                spectra.push(a.readiness.spectrum_db);
                names.push(path.display().to_string());
            }
            Err(err) => report_line(&format!("{err:#}; left out of the target")),
        }
    }
    let name = args.name.clone().unwrap_or_else(|| {
        args.output.file_stem().map_or_else(
            || "custom".to_string(),
            |s| s.to_string_lossy().into_owned(),
        )
    });
    let source = args
        .source
        .clone()
        .unwrap_or_else(|| format!("{} reference tracks", names.len()));
    let Some(target) = TonalTarget::build(&name, &source, &spectra) else {
        report_line(&format!(
            "a target needs at least {} tracks with audio; {} of {} could be used",
            readiness::MIN_TRACKS,
            spectra.len(),
            files.len()
        ));
        return ExitCode::from(EXIT_FILE_ERROR);
    };
    let file = TargetFile::new(&target, names);
    let text = match serde_json::to_string_pretty(&file) {
        Ok(text) => text,
        Err(err) => {
            report_line(&format!("cannot write JSON: {err}"));
            return ExitCode::from(EXIT_FILE_ERROR);
        }
    };
    if let Err(err) = write_file(&args.output, &format!("{text}\n")) {
        report_line(&format!("{err:#}"));
        return ExitCode::from(EXIT_FILE_ERROR);
    }
    let _ = writeln!(
        io::stderr().lock(),
        "preflight: wrote the target '{name}' ({} tracks) to {}",
        target.tracks,
        args.output.display()
    );
    ExitCode::SUCCESS
}

/// Analyses the reference tracks at `paths` (files or folders), naming and leaving out those
/// that cannot be read; `None`, after saying why, when none can.
fn analyze_references(
    paths: &[PathBuf],
    options: &AnalyzeOptions,
) -> Option<Vec<preflight_cli::Analysis>> {
    let files = targets::collect(paths)
        .map_err(|err| report_line(&err))
        .ok()?;
    let mut references = Vec::new();
    for path in &files {
        match analyze_one(path, options) {
            Ok(a) => references.push(a),
            Err(err) => report_line(&format!("{err:#}; left out of the comparison")),
        }
    }
    if references.is_empty() {
        report_line("no reference could be read");
        return None;
    }
    Some(references)
}

/// Prints one stderr line, `preflight: <message>`, with any line breaks flattened.
fn report_line(message: &str) {
    let flat = message.replace(['\r', '\n'], " ");
    let _ = writeln!(io::stderr().lock(), "preflight: {flat}");
}

/// Analyses one file, turning a decoder panic into an error; prints its warnings.
fn analyze_one(
    path: &std::path::Path,
    options: &AnalyzeOptions,
) -> anyhow::Result<preflight_cli::Analysis> {
    let name = path.display().to_string();
    let analysis = guard::catch_panic(|| analyze_file(path, &name, options))
        .map_err(|panic| anyhow!("internal error (please report it): {panic}"))
        .and_then(|r| r.map_err(anyhow::Error::from))
        .with_context(|| name.clone())?;
    for warning in &analysis.warnings {
        report_line(&format!("{name}: warning: {warning}"));
    }
    Ok(analysis)
}

/// Prints the JSON of the reports: one object for one FILE (nothing if it failed), an array for
/// several. Returns false if stdout is gone, and reports a serialisation failure as a failed file.
fn print_json<T: serde::Serialize>(file_count: usize, reports: &[T], failed: &mut bool) -> bool {
    let rendered = match (file_count, reports.first()) {
        (1, Some(report)) => Some(serde_json::to_string_pretty(report)),
        (1, None) => None,
        _ => Some(serde_json::to_string_pretty(reports)),
    };
    match rendered {
        Some(Ok(text)) => writeln!(io::stdout().lock(), "{text}").is_ok(),
        Some(Err(err)) => {
            report_line(&format!("cannot write JSON: {err}"));
            *failed = true;
            true
        }
        None => true,
    }
}

/// Writes text to stdout; false if stdout is closed (e.g. piped into `head`).
fn print_text(text: &str) -> bool {
    let mut out = io::stdout().lock();
    write!(out, "{text}").and_then(|_| out.flush()).is_ok()
}

fn run_analyze(args: &AnalyzeArgs) -> ExitCode {
    let options = AnalyzeOptions {
        allow_truncated: args.allow_truncated,
        ..AnalyzeOptions::default()
    };
    let mut reports: Vec<AnalysisReport> = Vec::new();
    let mut failed = false;
    let history_paths = match &args.history {
        Some(path) => match output_paths(path, &args.files, "csv") {
            Ok(paths) => Some(paths),
            Err(err) => {
                report_line(&format!("{err:#}"));
                return ExitCode::from(EXIT_FILE_ERROR);
            }
        },
        None => None,
    };
    for (index, path) in args.files.iter().enumerate() {
        let analysis = analyze_one(path, &options);
        if let (Ok(a), Some(paths)) = (&analysis, &history_paths) {
            if let Err(err) = write_file(&paths[index], &history_csv(&a.history)) {
                failed = true;
                report_line(&format!("{err:#}"));
            }
        }
        match analysis {
            Ok(analysis) if args.json => reports.push(analysis.report),
            Ok(analysis) => {
                let sep = if index == 0 { "" } else { "\n" };
                if !print_text(&format!("{sep}{}", analysis.report.to_table())) {
                    return ExitCode::from(EXIT_FILE_ERROR);
                }
            }
            Err(err) => {
                failed = true;
                report_line(&format!("{err:#}"));
            }
        }
    }
    if args.json && !print_json(args.files.len(), &reports, &mut failed) {
        return ExitCode::from(EXIT_FILE_ERROR);
    }
    exit_status(failed, false)
}

/// Exit status when a file is not ready or too short to judge.
const EXIT_NOT_READY: u8 = 1;

fn run_check(args: &CheckArgs) -> ExitCode {
    let options = AnalyzeOptions {
        allow_truncated: args.allow_truncated,
        ..AnalyzeOptions::default()
    };
    let profile = match args.profile {
        ProfileArg::Mix => Profile::Mix,
        ProfileArg::Master => Profile::Master,
    };
    let Some(platform) = preflight_dsp::platforms::platform(&args.platform) else {
        report_line(&format!("unknown platform '{}'", args.platform));
        return ExitCode::from(EXIT_FILE_ERROR);
    };
    let target = match &args.target {
        Some(path) => match targets::read(path) {
            Ok(target) => target,
            Err(err) => {
                report_line(&err);
                return ExitCode::from(EXIT_FILE_ERROR);
            }
        },
        None => match args.style {
            StyleArg::General => readiness::Style::General,
            StyleArg::Acoustic => readiness::Style::Acoustic,
            StyleArg::Electronic => readiness::Style::Electronic,
        }
        .target(),
    };
    let style = Style {
        colour: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut reports: Vec<CheckReport> = Vec::new();
    let mut failed = false;
    let mut not_ready = false;
    let report_names = match &args.report {
        Some(dir) => match std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the report folder {}", dir.display()))
        {
            Ok(()) => {
                let inputs: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
                Some((dir, output_names(&inputs, "html")))
            }
            Err(err) => {
                report_line(&format!("{err:#}"));
                return ExitCode::from(EXIT_FILE_ERROR);
            }
        },
        None => None,
    };
    let codecs = match args.codecs.as_deref().map(codec::parse_list).transpose() {
        Ok(codecs) => codecs,
        Err(err) => {
            report_line(&err.to_string());
            return ExitCode::from(EXIT_FILE_ERROR);
        }
    };
    let references: Vec<(String, Tonal)> = if args.references.is_empty() {
        Vec::new()
    } else {
        match analyze_references(&args.references, &options) {
            Some(refs) => refs
                .iter()
                .map(|a| (a.report.file.clone(), a.tonal()))
                .collect(),
            None => return ExitCode::from(EXIT_FILE_ERROR),
        }
    };
    let mut judged = Vec::new();
    for (index, path) in args.files.iter().enumerate() {
        match analyze_one(path, &options) {
            Ok(analysis) => {
                let previewed = match &codecs {
                    Some(list) => match preview(path, &analysis, list) {
                        Ok(rows) => rows,
                        Err(err) => {
                            failed = true;
                            report_line(&format!("{}: codec preview: {err}", path.display()));
                            Vec::new()
                        }
                    },
                    None => Vec::new(),
                };
                let (report, mut json) =
                    check_encoded(&analysis, profile, platform, &target, previewed);
                json.references = balance(&analysis.tonal(), &references);
                not_ready |= report.verdict != Verdict::Ready;
                if let Some((dir, names)) = &report_names {
                    let page = html::file_report(&analysis, &report, &json);
                    if let Err(err) = write_file(&dir.join(&names[index]), &page) {
                        failed = true;
                        report_line(&format!("{err:#}"));
                    }
                    judged.push((analysis.clone(), report.clone(), names[index].clone()));
                }
                if args.json {
                    reports.push(json);
                } else {
                    let sep = if index == 0 { "" } else { "\n" };
                    let name = path.display().to_string();
                    let against = json
                        .references
                        .as_ref()
                        .map_or_else(String::new, balance_text);
                    if !print_text(&format!(
                        "{sep}{}{against}",
                        to_text(&report, &json.codecs, &name, style)
                    )) {
                        return ExitCode::from(EXIT_FILE_ERROR);
                    }
                }
            }
            Err(err) => {
                failed = true;
                report_line(&format!("{err:#}"));
            }
        }
    }
    if let (Some((dir, _)), true) = (&report_names, args.files.len() > 1) {
        let entries: Vec<html::IndexEntry> = judged
            .iter()
            .map(|(analysis, report, href)| html::IndexEntry {
                analysis,
                report,
                href: href.clone(),
            })
            .collect();
        if let Err(err) = write_file(&dir.join("index.html"), &html::index(&entries)) {
            failed = true;
            report_line(&format!("{err:#}"));
        }
    }
    if args.json && !print_json(args.files.len(), &reports, &mut failed) {
        return ExitCode::from(EXIT_FILE_ERROR);
    }
    exit_status(failed, not_ready)
}

/// The codec preview of an analysed file, its overs counted against each codec's platforms'
/// ceiling for this master.
fn preview(
    path: &Path,
    analysis: &preflight_cli::Analysis,
    codecs: &[&'static preflight_dsp::platforms::Codec],
) -> Result<Vec<CodecReport>, codec::CodecError> {
    let stats = &analysis.readiness;
    let ceilings = codec::ceilings(codecs, stats.integrated_lufs, stats.true_peak_dbtp);
    let rows = codec::preview(path, codecs, &ceilings, 0)?;
    Ok(rows
        .iter()
        .map(|r| r.report(stats.true_peak_dbtp))
        .collect())
}

/// Where each FILE's output goes: `path` itself for one FILE, else `path/NAME.extension` (the
/// folder is created).
fn output_paths(path: &Path, files: &[PathBuf], extension: &str) -> anyhow::Result<Vec<PathBuf>> {
    if files.len() == 1 {
        return Ok(vec![path.to_path_buf()]);
    }
    std::fs::create_dir_all(path)
        .with_context(|| format!("cannot create the folder {}", path.display()))?;
    let inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    Ok(output_names(&inputs, extension)
        .into_iter()
        .map(|name| path.join(name))
        .collect())
}

/// Writes `text` to `path`, naming the path in the error.
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// 2 if any file failed, else 1 if any was not ready, else 0.
fn exit_status(failed: bool, not_ready: bool) -> ExitCode {
    if failed {
        ExitCode::from(EXIT_FILE_ERROR)
    } else if not_ready {
        ExitCode::from(EXIT_NOT_READY)
    } else {
        ExitCode::SUCCESS
    }
}
