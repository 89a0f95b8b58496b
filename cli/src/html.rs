//! The HTML report of `preflight check --report DIR`: one self-contained page per file (inline
//! CSS and SVG, no script, nothing fetched), readable offline and printable, plus an index page
//! when several files were checked.
//!
//! Sections, each a `<section>` with a stable id: `verdict` (with the findings and their advice),
//! `loudness` (momentary and short-term over time, with the profile's target zone or the
//! platform's target), `true-peak` (per 100 ms, with the ceiling and the clipping and overs
//! marked), `spectrum` (the long-term spectrum against the reference tilt), `correlation` (over
//! time), `events`, `platforms` (with the true peak after encoding and the codec table when the
//! codec preview ran) and `format`.

use std::fmt::Write as _;

use preflight_dsp::readiness::{
    self, Profile, Report, Severity, Verdict, HARSH_BAND_HZ, MIX_LOUDNESS_MAX_LUFS,
    MIX_LOUDNESS_MIN_LUFS, MIX_PEAK_MAX_DBTP, MIX_PEAK_MIN_DBTP, MUD_BAND_HZ,
};
use preflight_dsp::{clock, EventKind, HistoryRow, BAND_COUNT, FREQUENCY_GRID_HZ};

use crate::analyze::Analysis;
use crate::check::{CheckReport, CodecReport};
use crate::compare::{region_label, BalanceReport};
use crate::report::{stat, EventReport};

/// Plot size in SVG user units; the page scales it to its width.
const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;
/// Most points a time plot draws; longer histories are reduced to the extreme of each bucket.
const MAX_POINTS: usize = 1800;

const STYLE: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2430;
background:#fff;margin:0 auto;max-width:960px;padding:24px}
h1{font-size:22px;margin:0 0 4px;word-break:break-all}h2{font-size:17px;margin:28px 0 8px;
border-bottom:1px solid #d8dde6;padding-bottom:4px}
.verdict{font-size:20px;font-weight:700;padding:10px 14px;border-radius:6px;margin:12px 0}
.ready{background:#e3f6e8;color:#11652b}.not_ready{background:#fde7e7;color:#a11b1b}
.insufficient{background:#fff4d6;color:#7a5a00}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e7eaf0;vertical-align:top}
th{background:#f4f6f9;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev{font-weight:700;font-size:12px;border-radius:3px;padding:1px 6px;display:inline-block}
.fail{background:#c62828;color:#fff}.warn{background:#f2a900;color:#222}
tr.over td{background:#fff4d6}tr.clips td{background:#fde7e7}
.info{background:#cfe3f7;color:#123}.ok{background:#d9f0de;color:#1b5e20}
.advice{color:#4a5568;font-size:13px}
.notes{color:#8a5a00;font-size:13px}
figure{margin:8px 0 4px}figcaption{font-size:13px;color:#4a5568;margin-bottom:2px}
svg{width:100%;height:auto;display:block;background:#fbfcfd;border:1px solid #e7eaf0}
svg text{font:11px system-ui,sans-serif;fill:#4a5568}
.grid{stroke:#e3e7ee;stroke-width:1}.axis{stroke:#9aa4b2;stroke-width:1}.dotted{stroke-dasharray:2 3}
.m{fill:none;stroke:#7fa7d9;stroke-width:1}.s{fill:none;stroke:#1f4e8c;stroke-width:2}
.tp{fill:none;stroke:#6b4fa3;stroke-width:1.2}.c{fill:none;stroke:#227a5c;stroke-width:1.4}
.sp{fill:none;stroke:#1f4e8c;stroke-width:2}.ref{stroke:#c0392b;stroke-width:1.5;stroke-dasharray:6 4}
.limit{stroke:#c62828;stroke-width:1.5}.zone{fill:#2e7d32;fill-opacity:.10}
.mark{fill:#c62828;fill-opacity:.28}.neg{fill:#e65100;fill-opacity:.18}
.region{fill:#f2a900;fill-opacity:.12}
.legend{font-size:12px;color:#4a5568}.legend span{margin-right:14px}
.key{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:4px}
footer{margin-top:28px;font-size:12px;color:#6b7280}
@media print{body{padding:0;max-width:none}h2{break-after:avoid}figure,table{break-inside:avoid}
svg{border:none}}
";

/// Escapes text for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\
         <footer>Preflight {} · ITU-R BS.1770-4 / EBU R128 measurements</footer>\n</body>\n</html>\n",
        esc(title),
        env!("CARGO_PKG_VERSION")
    )
}

fn verdict_text(report: &Report) -> (&'static str, String) {
    let question = match report.profile {
        Profile::Mix => "Ready for mastering?".to_string(),
        Profile::Master => format!("Ready for release on {}?", report.platform.name),
    };
    let answer = match report.verdict {
        Verdict::Ready => "Ready",
        Verdict::NotReady => "Not ready",
        Verdict::Insufficient => "Insufficient: too little audio to judge",
    };
    (report.verdict.id(), format!("{question} {answer}"))
}

fn severity_badge(s: Severity) -> String {
    let (class, text) = match s {
        Severity::Fail => ("fail", "FAIL"),
        Severity::Warn => ("warn", "WARN"),
        Severity::Info => ("info", "info"),
        Severity::Ok => ("ok", "ok"),
    };
    format!("<span class=\"sev {class}\">{text}</span>")
}

/// A linear axis mapping `range` onto pixels `px`.
#[derive(Clone, Copy)]
struct Axis {
    range: (f64, f64),
    px: (f64, f64),
    log: bool,
}

impl Axis {
    fn at(&self, v: f64) -> f64 {
        let (lo, hi) = self.range;
        let t = if self.log {
            (v.max(1e-9) / lo).ln() / (hi / lo).ln()
        } else {
            (v - lo) / (hi - lo)
        };
        self.px.0 + t.clamp(-0.02, 1.02) * (self.px.1 - self.px.0)
    }
}

fn x_axis(max: f64) -> Axis {
    Axis {
        range: (0.0, max.max(0.1)),
        px: (LEFT, WIDTH - RIGHT),
        log: false,
    }
}

fn y_axis(lo: f64, hi: f64) -> Axis {
    Axis {
        range: (lo, hi),
        px: (HEIGHT - BOTTOM, TOP),
        log: false,
    }
}

/// Tick step for a time axis of `span` seconds: about eight ticks.
fn time_step(span: f64) -> f64 {
    [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
    ]
    .into_iter()
    .find(|&s| span / s <= 9.0)
    .unwrap_or(7200.0)
}

/// Horizontal grid lines at the values `ticks`, labelled on the left.
fn y_grid(y: Axis, ticks: impl IntoIterator<Item = (f64, String)>) -> String {
    let mut out = String::new();
    for (v, label) in ticks {
        let py = y.at(v);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            py + 4.0
        );
    }
    out
}

/// Vertical grid lines at the values `ticks`, labelled below the plot.
fn x_grid(x: Axis, ticks: impl IntoIterator<Item = (f64, String)>) -> String {
    let mut out = String::new();
    for (v, label) in ticks {
        let px = x.at(v);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{px:.1}\" x2=\"{px:.1}\" y1=\"{TOP}\" y2=\"{}\"/>\
             <text x=\"{px:.1}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            HEIGHT - BOTTOM,
            HEIGHT - 8.0
        );
    }
    out
}

/// A shaded span of the plot between `x0` and `x1` (pixels), with an optional tooltip.
fn vspan(class: &str, x0: f64, x1: f64, title: Option<&str>) -> String {
    let title = title.map_or(String::new(), |t| format!("<title>{}</title>", esc(t)));
    format!(
        "<rect class=\"{class}\" x=\"{x0:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\">{title}</rect>",
        (x1 - x0).max(2.0),
        HEIGHT - BOTTOM - TOP
    )
}

/// The frame of a time plot: horizontal grid lines at `y_ticks`, and a time axis.
fn frame_time(x: Axis, y: Axis, y_ticks: &[f64]) -> String {
    let mut out = y_grid(y, y_ticks.iter().map(|&t| (t, t.to_string())));
    let step = time_step(x.range.1);
    let times = (0..)
        .map(|k| f64::from(k) * step)
        .take_while(|&t| t <= x.range.1 + 1e-9);
    out.push_str(&x_grid(
        x,
        times.map(|t| (t, clock(t).trim_end_matches(".0").to_string())),
    ));
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{b}\"/>\
         <line class=\"axis\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{b}\" y2=\"{b}\"/>",
        WIDTH - RIGHT,
        b = HEIGHT - BOTTOM
    );
    out
}

fn svg(label: &str, inner: &str) -> String {
    format!(
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\" \
         xmlns=\"http://www.w3.org/2000/svg\">{inner}</svg>",
        esc(label)
    )
}

/// An SVG path through `points`, broken where a value does not exist.
fn path(class: &str, points: impl Iterator<Item = (f64, Option<f64>)>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for (x, y) in points {
        match y {
            Some(y) => {
                let _ = write!(d, "{}{x:.1},{y:.1}", if pen_down { "L" } else { "M" });
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if d.is_empty() {
        String::new()
    } else {
        format!("<path class=\"{class}\" d=\"{d}\"/>")
    }
}

/// At most [`MAX_POINTS`] (time, value) points: each bucket of rows keeps its highest value
/// (or lowest, for `lowest`), so a peak or a dip is never averaged away.
fn reduce(
    rows: &[HistoryRow],
    value: impl Fn(&HistoryRow) -> Option<f64>,
    lowest: bool,
) -> Vec<(f64, Option<f64>)> {
    let per = rows.len().div_ceil(MAX_POINTS).max(1);
    rows.chunks(per)
        .map(|bucket| {
            let t = bucket[bucket.len() - 1].end_s;
            let v =
                bucket.iter().filter_map(&value).reduce(
                    |a, b| {
                        if lowest {
                            a.min(b)
                        } else {
                            a.max(b)
                        }
                    },
                );
            (t, v)
        })
        .collect()
}

fn clamp_to(y: Axis, v: Option<f64>) -> Option<f64> {
    v.map(|v| y.at(v.clamp(y.range.0, y.range.1)))
}

/// A horizontal line across the plot at value `v`.
fn hline(class: &str, y: Axis, v: f64) -> String {
    let py = y.at(v.clamp(y.range.0, y.range.1));
    format!(
        "<line class=\"{class}\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\"/>",
        WIDTH - RIGHT
    )
}

/// A band across the plot between values `lo` and `hi`.
fn hband(class: &str, y: Axis, (lo, hi): (f64, f64)) -> String {
    let (top, bottom) = (y.at(hi), y.at(lo));
    format!(
        "<rect class=\"{class}\" x=\"{LEFT}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
        WIDTH - RIGHT - LEFT,
        bottom - top
    )
}

/// The events of the kinds `kinds` as shaded spans of the time axis, each titled with its
/// description.
fn event_spans(x: Axis, events: &[EventReport], kinds: &[EventKind], class: &str) -> String {
    events
        .iter()
        .filter(|e| e.kind().is_some_and(|k| kinds.contains(&k)))
        .map(|e| vspan(class, x.at(e.start_s), x.at(e.end_s), Some(&e.describe())))
        .collect()
}

/// A history series on the plot: `value` of each row, reduced to [`MAX_POINTS`].
fn series(
    class: &str,
    x: Axis,
    y: Axis,
    rows: &[HistoryRow],
    value: impl Fn(&HistoryRow) -> Option<f64>,
    lowest: bool,
) -> String {
    let points = reduce(rows, value, lowest);
    path(
        class,
        points.iter().map(|&(t, v)| (x.at(t), clamp_to(y, v))),
    )
}

fn legend(items: &[(&str, &str)]) -> String {
    let mut out = String::from("<div class=\"legend\">");
    for (colour, label) in items {
        let _ = write!(
            out,
            "<span><i class=\"key\" style=\"background:{colour}\"></i>{}</span>",
            esc(label)
        );
    }
    out.push_str("</div>");
    out
}

fn loudness_plot(analysis: &Analysis, report: &Report) -> String {
    let rows = &analysis.history;
    let (x, y) = (x_axis(analysis.report.duration_s), y_axis(-60.0, 0.0));
    let mut inner = frame_time(x, y, &[-60.0, -48.0, -36.0, -24.0, -12.0, 0.0]);
    let target = match report.profile {
        Profile::Mix => {
            inner.push_str(&hband(
                "zone",
                y,
                (MIX_LOUDNESS_MIN_LUFS, MIX_LOUDNESS_MAX_LUFS),
            ));
            format!(
                "target zone for a mix: {MIX_LOUDNESS_MIN_LUFS:.0} to {MIX_LOUDNESS_MAX_LUFS:.0} LUFS integrated"
            )
        }
        Profile::Master => {
            inner.push_str(&hline("ref", y, report.platform.target_lufs));
            format!(
                "{} target: {:.0} LUFS integrated",
                report.platform.name, report.platform.target_lufs
            )
        }
    };
    if let Some(i) = analysis.report.integrated_lufs {
        inner.push_str(&hline("axis dotted", y, i));
    }
    inner.push_str(&series("m", x, y, rows, |r| r.momentary_lufs, false));
    inner.push_str(&series("s", x, y, rows, |r| r.short_term_lufs, false));
    format!(
        "<figure><figcaption>Loudness over time (LUFS). {}; dotted: integrated {}.</figcaption>{}{}</figure>",
        esc(&target),
        analysis
            .report
            .integrated_lufs
            .map_or("not measured".to_string(), |i| format!("{i:.1} LUFS")),
        svg("Momentary and short-term loudness over time", &inner),
        legend(&[
            ("#7fa7d9", "momentary (400 ms)"),
            ("#1f4e8c", "short-term (3 s)"),
            ("#2e7d3340", "target")
        ])
    )
}

fn true_peak_plot(analysis: &Analysis, report: &Report) -> String {
    let (x, y) = (x_axis(analysis.report.duration_s), y_axis(-30.0, 3.0));
    let mut inner = frame_time(x, y, &[-30.0, -24.0, -18.0, -12.0, -6.0, 0.0]);
    inner.push_str(&event_spans(
        x,
        &analysis.report.events,
        &[EventKind::Clipping, EventKind::TruePeakOver],
        "mark",
    ));
    let (ceiling, ceiling_label, note) = match report.profile {
        Profile::Mix => {
            inner.push_str(&hband("zone", y, (MIX_PEAK_MIN_DBTP, MIX_PEAK_MAX_DBTP)));
            (
                MIX_PEAK_MAX_DBTP,
                "most a mix should peak",
                format!(
                    "headroom zone for a mix: peaks between {MIX_PEAK_MIN_DBTP:.0} and {MIX_PEAK_MAX_DBTP:.0} dBTP"
                ),
            )
        }
        Profile::Master => (
            report.platform.true_peak_ceiling_dbtp,
            "platform ceiling",
            format!(
                "{} ceiling: {:.1} dBTP",
                report.platform.name, report.platform.true_peak_ceiling_dbtp
            ),
        ),
    };
    inner.push_str(&hline("limit", y, ceiling));
    inner.push_str(&series(
        "tp",
        x,
        y,
        &analysis.history,
        |r| r.true_peak_dbtp,
        false,
    ));
    format!(
        "<figure><figcaption>True peak per 100 ms (dBTP). {}; red: clipping and overs.</figcaption>{}{}</figure>",
        esc(&note),
        svg("True peak over time", &inner),
        legend(&[
            ("#6b4fa3", "true peak"),
            ("#c62828", ceiling_label),
            ("#c6282848", "clipping / overs")
        ])
    )
}

fn spectrum_plot(analysis: &Analysis) -> String {
    let mut bands: [Option<f64>; BAND_COUNT] = [None; BAND_COUNT];
    for (slot, b) in bands.iter_mut().zip(&analysis.report.spectrum_bands) {
        *slot = b.db;
    }
    let (corrected, reference) = readiness::tilt_corrected(&bands);
    let centre = reference.unwrap_or(-40.0);
    let x = Axis {
        range: (20.0, 20_000.0),
        px: (LEFT, WIDTH - RIGHT),
        log: true,
    };
    let y = y_axis(centre - 30.0, centre + 20.0);
    let mut inner = String::new();
    for (lo, hi) in [MUD_BAND_HZ, HARSH_BAND_HZ] {
        inner.push_str(&vspan("region", x.at(lo), x.at(hi), None));
    }
    inner.push_str(&y_grid(
        y,
        [-30.0, -20.0, -10.0, 0.0, 10.0, 20.0].map(|k: f64| (centre + k, format!("{k:+}"))),
    ));
    inner.push_str(&x_grid(
        x,
        FREQUENCY_GRID_HZ.map(|(hz, label)| (hz, label.to_string())),
    ));
    if reference.is_some() {
        inner.push_str(&hline("ref", y, centre));
    }
    inner.push_str(&path(
        "sp",
        corrected
            .iter()
            .map(|&(hz, db)| (x.at(hz), clamp_to(y, Some(db)))),
    ));
    format!(
        "<figure><figcaption>Long-term spectrum, 1/6 octave, raised {:.1} dB per octave so a balanced \
         mix reads flat (dB against the dashed reference line; shaded: the low-mid {}-{} Hz and \
         harsh {}-{} kHz regions the checks watch).</figcaption>{}</figure>",
        readiness::REFERENCE_TILT_DB_PER_OCTAVE,
        MUD_BAND_HZ.0,
        MUD_BAND_HZ.1,
        HARSH_BAND_HZ.0 / 1000.0,
        HARSH_BAND_HZ.1 / 1000.0,
        svg("Long-term spectrum against the reference tilt", &inner)
    )
}

fn correlation_plot(analysis: &Analysis) -> String {
    let (x, y) = (x_axis(analysis.report.duration_s), y_axis(-1.0, 1.0));
    let mut inner = frame_time(x, y, &[-1.0, -0.5, 0.0, 0.5, 1.0]);
    inner.push_str(&event_spans(
        x,
        &analysis.report.events,
        &[EventKind::NegativeCorrelation],
        "neg",
    ));
    inner.push_str(&hline("axis", y, 0.0));
    inner.push_str(&series(
        "c",
        x,
        y,
        &analysis.history,
        |r| r.correlation,
        true,
    ));
    let note = if analysis.report.channels >= 2 {
        "Stereo correlation per 100 ms: +1 mono, 0 wide, below 0 cancels in mono (orange)."
    } else {
        "Mono file: no stereo correlation."
    };
    format!(
        "<figure><figcaption>{note}</figcaption>{}</figure>",
        svg("Stereo correlation over time", &inner)
    )
}

fn events_table(events: &[EventReport], dropped: u64) -> String {
    if events.is_empty() {
        return "<p>Nothing to place in time.</p>".to_string();
    }
    // A plug-in's export places events on the host's timeline too.
    let host = events.iter().any(|e| e.host_position.is_some());
    let mut out = String::from("<table><tr><th>From</th><th>To</th>");
    if host {
        out.push_str("<th>In the song</th>");
    }
    out.push_str("<th>What</th><th>Detail</th></tr>");
    for e in events {
        let line = e.describe();
        let detail = line.split_once(": ").map_or("", |(_, d)| d);
        let _ = write!(
            out,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            clock(e.start_s),
            clock(e.end_s),
        );
        if host {
            let _ = write!(
                out,
                "<td>{}</td>",
                esc(e.host_position.as_deref().unwrap_or(""))
            );
        }
        let _ = write!(
            out,
            "<td class=\"event\">{}</td><td>{}</td></tr>",
            esc(e.title()),
            esc(detail)
        );
    }
    out.push_str("</table>");
    if dropped > 0 {
        let _ = write!(
            out,
            "<p>{dropped} more clipping or over events were counted but not listed.</p>"
        );
    }
    out
}

fn platforms_table(report: &Report, codecs: &[CodecReport]) -> String {
    let encoded = !codecs.is_empty();
    let mut out = format!(
        "<table><tr><th>Platform</th><th>Target</th><th>Ceiling</th><th>Gain applied</th>\
         <th>True peak after</th>{}<th>What happens</th></tr>",
        if encoded {
            "<th>True peak after encoding</th>"
        } else {
            ""
        }
    );
    for p in &report.platforms {
        let chosen = std::ptr::eq(p.platform, report.platform);
        let after_encoder = if encoded {
            let by = p
                .encoded_by
                .map_or_else(String::new, |c| format!(" <small>{}</small>", esc(c.name)));
            format!(
                "<td class=\"num\">{}{by}</td>",
                stat(p.encoded_true_peak_after_dbtp, "dBTP", true)
            )
        } else {
            String::new()
        };
        let _ =
            write!(
            out,
            "<tr{}><td>{}</td><td class=\"num\">{:.0} LUFS</td><td class=\"num\">{:.1} dBTP</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td>{after_encoder}<td>{}</td></tr>",
            if chosen { " style=\"font-weight:600\"" } else { "" },
            esc(p.platform.name),
            p.platform.target_lufs,
            p.ceiling_dbtp,
            stat(p.gain_db, "dB", true),
            stat(p.true_peak_after_dbtp, "dBTP", true),
            esc(&p.describe())
        );
    }
    out.push_str("</table>");
    if encoded {
        out.push_str(&codec_table(codecs));
    }
    out
}

/// The codec preview: each codec's decoded peak and overs, from sample zero.
fn codec_table(codecs: &[CodecReport]) -> String {
    let mut out = String::from(
        "<h3>After the encoders</h3><p>The master encoded and decoded from sample zero with the \
         codecs the platforms stream. The platforms' own encoders differ in detail: these \
         figures are an estimate of the same kind, not their exact output.</p>\
         <table id=\"codecs\"><tr><th>Codec</th><th>Used by</th><th>True peak decoded</th>\
         <th>Rise</th><th>Ceiling</th><th>Overs above ceiling</th><th>Overs above 0 dBFS</th>\
         <th>Gain to stay under the ceiling</th></tr>",
    );
    for c in codecs {
        let class = if c.overs_0db > 0 {
            " class=\"clips\""
        } else if c.overs_ceiling > 0 {
            " class=\"over\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr{class}><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{:.1} dBTP</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&c.name),
            esc(&c.used_by),
            stat(c.true_peak_dbtp, "dBTP", true),
            stat(c.rise_db, "dB", true),
            c.ceiling_dbtp,
            c.overs_ceiling,
            c.overs_0db,
            stat(c.gain_db, "dB", true),
        );
    }
    out.push_str("</table>");
    out
}

/// The balance against the reference tracks, loudness-matched, region by region.
fn references_table(balance: &BalanceReport) -> String {
    let mut out = String::from(
        "<p>Each track's spectrum taken relative to its own integrated loudness, so the \
         difference is in balance, not in level. Against:</p><ul>",
    );
    for r in &balance.references {
        let _ = write!(out, "<li>{}</li>", esc(r));
    }
    out.push_str(
        "</ul><table id=\"balance\"><tr><th>Check</th><th>Region</th><th>Mix</th>\
         <th>References</th><th>Difference</th></tr>",
    );
    for r in &balance.regions {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&r.id),
            esc(&region_label(&r.id)),
            stat(r.mix_db, "dB", true),
            stat(r.references_db, "dB", true),
            stat(r.difference_db, "dB", true),
        );
    }
    out.push_str("</table>");
    if balance.notes.is_empty() {
        out.push_str("<p>Within 2 dB of the references in every region.</p>");
    } else {
        out.push_str("<ul class=\"notes\">");
        for n in &balance.notes {
            let _ = write!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>");
    }
    out
}

fn format_table(analysis: &Analysis) -> String {
    let r = &analysis.report;
    let cell = |v: Option<f64>, unit: &str| stat(v, unit, false);
    let rows = [
        ("Format", esc(&r.format_line())),
        ("Duration", clock(r.duration_s)),
        ("Integrated", cell(r.integrated_lufs, "LUFS")),
        ("Loudness range", cell(r.loudness_range_lu, "LU")),
        ("True peak", cell(r.true_peak_dbtp, "dBTP")),
        ("PLR", cell(r.plr_db, "dB")),
        ("Micro-dynamics", cell(r.micro_dynamics_db, "dB")),
        ("Clipped samples", r.clipped_samples.to_string()),
    ];
    let mut out = String::from("<table>");
    for (k, v) in rows {
        let _ = write!(out, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    out.push_str("</table>");
    out
}

/// The ids of the sections every report page has, in order (a comparison with reference tracks
/// adds `references` after `spectrum`).
pub const SECTIONS: [&str; 8] = [
    "verdict",
    "loudness",
    "true-peak",
    "spectrum",
    "correlation",
    "events",
    "platforms",
    "format",
];

/// The report page of one checked file, with the codec preview and the comparison with
/// reference tracks when `check` holds them (a `references` section after `spectrum`).
pub fn file_report(analysis: &Analysis, report: &Report, check: &CheckReport) -> String {
    let (class, verdict) = verdict_text(report);
    let mut body = String::new();
    let _ = write!(
        body,
        "<header><h1>{}</h1><div>Preflight check, profile {}</div></header>\n\
         <section id=\"verdict\"><h2>Verdict</h2><div class=\"verdict {class}\">{}</div>\
         <table><tr><th>Check</th><th>Result</th><th>Finding</th></tr>",
        esc(&analysis.report.file),
        report.profile.id(),
        esc(&verdict)
    );
    for f in &report.findings {
        let advice = if f.advice.is_empty() || f.severity < Severity::Info {
            String::new()
        } else {
            format!("<div class=\"advice\">{}</div>", esc(&f.advice))
        };
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}{advice}</td></tr>",
            esc(f.id.title()),
            severity_badge(f.severity),
            esc(&f.message)
        );
    }
    body.push_str("</table>");
    if !analysis.warnings.is_empty() {
        body.push_str("<ul class=\"notes\">");
        for w in &analysis.warnings {
            let _ = write!(body, "<li>Note: {}</li>", esc(w));
        }
        body.push_str("</ul>");
    }
    body.push_str("</section>\n");
    let mut sections = vec![
        ("loudness", "Loudness", loudness_plot(analysis, report)),
        ("true-peak", "True peak", true_peak_plot(analysis, report)),
        ("spectrum", "Spectrum", spectrum_plot(analysis)),
    ];
    if let Some(balance) = &check.references {
        sections.push((
            "references",
            "Against the references",
            references_table(balance),
        ));
    }
    sections.extend([
        (
            "correlation",
            "Stereo correlation",
            correlation_plot(analysis),
        ),
        (
            "events",
            "Events",
            events_table(&analysis.report.events, analysis.report.events_dropped),
        ),
        (
            "platforms",
            "Streaming platforms",
            platforms_table(report, &check.codecs),
        ),
        ("format", "File", format_table(analysis)),
    ]);
    for (id, title, html) in sections {
        let _ = writeln!(
            body,
            "<section id=\"{id}\"><h2>{title}</h2>{html}</section>"
        );
    }
    page(&format!("Preflight: {}", analysis.report.file), &body)
}

/// One line of the index page: the file, its report's file name, and its judgement.
#[derive(Debug)]
pub struct IndexEntry<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// The judgement.
    pub report: &'a Report,
    /// The report page's file name, relative to the index.
    pub href: String,
}

/// The index of several files' reports (an album or a batch).
pub fn index(entries: &[IndexEntry]) -> String {
    let ready = entries
        .iter()
        .filter(|e| e.report.verdict == Verdict::Ready)
        .count();
    let mut body = format!(
        "<header><h1>Preflight check: {} files</h1><div>{ready} of {} ready</div></header>\n\
         <section id=\"files\"><h2>Files</h2><table><tr><th>File</th><th>Verdict</th>\
         <th>Integrated</th><th>True peak</th><th>LRA</th><th>Worst finding</th></tr>",
        entries.len(),
        entries.len()
    );
    let cell = |v: Option<f64>, unit: &str| stat(v, unit, false);
    for e in entries {
        let (class, _) = verdict_text(e.report);
        let worst = e
            .report
            .findings
            .first()
            .filter(|f| f.severity >= Severity::Warn)
            .map_or(String::new(), |f| {
                format!("{} {}", severity_badge(f.severity), esc(&f.message))
            });
        let r = &e.analysis.report;
        let _ = write!(
            body,
            "<tr><td><a href=\"{}\">{}</a></td><td><span class=\"verdict {class}\" \
             style=\"font-size:13px;padding:2px 8px\">{}</span></td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{worst}</td></tr>",
            esc(&e.href),
            esc(&r.file),
            e.report.verdict.id().replace('_', " "),
            cell(r.integrated_lufs, "LUFS"),
            cell(r.true_peak_dbtp, "dBTP"),
            cell(r.loudness_range_lu, "LU"),
        );
    }
    body.push_str("</table></section>\n");
    page("Preflight check", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
    }

    #[test]
    fn paths_break_where_values_are_missing() {
        let p = path(
            "s",
            [
                (0.0, Some(1.0)),
                (1.0, Some(2.0)),
                (2.0, None),
                (3.0, Some(4.0)),
            ]
            .into_iter(),
        );
        assert_eq!(p, "<path class=\"s\" d=\"M0.0,1.0L1.0,2.0M3.0,4.0\"/>");
        assert_eq!(path("s", [(0.0, None)].into_iter()), "");
    }

    #[test]
    fn long_histories_keep_their_extremes() {
        let rows: Vec<HistoryRow> = (0..10_000)
            .map(|i| HistoryRow {
                end_s: (i + 1) as f64 * 0.1,
                momentary_lufs: None,
                short_term_lufs: None,
                true_peak_dbtp: Some(if i == 4321 { 0.5 } else { -6.0 }),
                correlation: Some(if i == 777 { -0.9 } else { 0.5 }),
            })
            .collect();
        let tp = reduce(&rows, |r| r.true_peak_dbtp, false);
        assert!(tp.len() <= MAX_POINTS);
        assert!(tp.iter().any(|&(_, v)| v == Some(0.5)));
        let c = reduce(&rows, |r| r.correlation, true);
        assert!(c.iter().any(|&(_, v)| v == Some(-0.9)));
    }
}
