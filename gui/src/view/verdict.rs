//! The verdict banner: ready / not ready / listening, with the failing and warning findings
//! worst first, each with its advice; a finding opens to show the measured value against its
//! threshold. The remaining checks (notes and passes) fold into one line. Below them, where it
//! happened: the clipping, overs and non-finite samples placed in time, newest first.

use egui::collapsing_header::{paint_default_icon, CollapsingState};
use egui::text::LayoutJob;
use egui::{vec2, Align, Label, Layout, RichText, Sense, TextFormat, Ui, UiBuilder};
use preflight_dsp::clock;
use preflight_dsp::readiness::{
    Check, Finding, Profile, Report, Severity, Verdict, LRA_MIN_S, MIN_MEASURED_S,
};

use super::View;
use crate::format::{format_db, NO_VALUE};
use crate::theme;

const VERDICT_WIDTH: f32 = 220.0;

pub(super) fn draw(ui: &mut Ui, view: &View) {
    let rect = ui.max_rect();
    if let Some(report) = view.model.report() {
        // A stripe in the verdict's colour along the banner's left edge.
        let color = theme::verdict_color(report.verdict);
        let stripe = egui::Rect::from_min_size(
            rect.min - vec2(super::PANEL_PADDING.x - 2.0, super::PANEL_PADDING.y - 3.0),
            vec2(3.0, rect.height() + 2.0 * super::PANEL_PADDING.y - 6.0),
        );
        ui.painter().rect_filled(
            stripe,
            1.5,
            theme::faded(color, if view.live { 0.9 } else { 0.4 }),
        );
    }
    let left = egui::Rect::from_min_size(rect.min, vec2(VERDICT_WIDTH, rect.height()));
    let right = egui::Rect::from_min_max(egui::pos2(left.right() + 12.0, rect.top()), rect.max);
    ui.painter().vline(
        left.right() + 4.0,
        rect.y_range(),
        egui::Stroke::new(1.0, theme::PANEL_STROKE),
    );

    ui.scope_builder(UiBuilder::new().max_rect(left), |ui| {
        verdict_block(ui, view)
    });
    ui.scope_builder(
        UiBuilder::new()
            .max_rect(right)
            .layout(Layout::top_down(Align::Min)),
        |ui| {
            egui::ScrollArea::vertical()
                .id_salt("findings")
                .auto_shrink(false)
                .max_height(right.height())
                .show(ui, |ui| findings(ui, view));
        },
    );
}

fn verdict_block(ui: &mut Ui, view: &View) {
    ui.spacing_mut().item_spacing.y = 2.0;
    if let Some(reason) = view.model.not_measured() {
        ui.label(
            RichText::new("○ NOT MEASURED")
                .size(theme::SIZE_VERDICT)
                .strong()
                .color(theme::TEXT_WEAK),
        );
        ui.label(RichText::new(reason).color(theme::TEXT));
        ui.label(
            RichText::new("The audio passes through unchanged")
                .size(theme::SIZE_SMALL)
                .color(theme::TEXT_WEAK),
        );
        return;
    }
    let Some(report) = view.model.report() else {
        ui.label(
            RichText::new("○ NO AUDIO")
                .size(theme::SIZE_VERDICT)
                .strong()
                .color(theme::TEXT_WEAK),
        );
        ui.label(RichText::new("Play the mix to measure it").color(theme::TEXT_WEAK));
        return;
    };
    let color = if view.live {
        theme::verdict_color(report.verdict)
    } else {
        theme::faded(theme::verdict_color(report.verdict), 0.6)
    };
    ui.label(
        RichText::new(theme::verdict_label(report.verdict))
            .size(theme::SIZE_VERDICT)
            .strong()
            .color(color),
    );
    let count = |severity| {
        report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let (fails, warns) = (count(Severity::Fail), count(Severity::Warn));
    let summary = match report.verdict {
        Verdict::Ready if warns == 0 => match report.profile {
            Profile::Mix => "Ready to send to mastering".to_owned(),
            Profile::Master => format!("Ready for {}", report.platform.name),
        },
        Verdict::Ready => format!("Ready · {warns} worth a look"),
        Verdict::NotReady if warns == 0 => format!("{fails} to fix"),
        Verdict::NotReady => format!("{fails} to fix · {warns} worth a look"),
        Verdict::Insufficient => {
            let so_far = view.snapshot.readiness.non_silent_s;
            format!("Needs {MIN_MEASURED_S:.0} s of audio · {so_far:.0} s so far")
        }
    };
    ui.label(RichText::new(summary).color(theme::TEXT));
    let judged = match report.profile {
        Profile::Mix => "Judged as a mix for mastering".to_owned(),
        Profile::Master => format!("Judged as a master for {}", report.platform.name),
    };
    ui.label(
        RichText::new(judged)
            .size(theme::SIZE_SMALL)
            .color(theme::TEXT_WEAK),
    );
    if !view.live {
        ui.label(
            RichText::new("Last measurement — no audio now")
                .size(theme::SIZE_SMALL)
                .color(theme::TEXT_WEAK),
        );
    }
}

fn findings(ui: &mut Ui, view: &View) {
    ui.spacing_mut().item_spacing.y = 1.0;
    ui.spacing_mut().interact_size.y = 15.0;
    let Some(report) = view.model.report() else {
        ui.label(
            RichText::new("Idle — no audio. Findings appear once the meter hears the mix.")
                .color(theme::TEXT_WEAK),
        );
        return;
    };
    let mut shown = 0;
    for finding in report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warn)
    {
        problem(ui, finding);
        shown += 1;
    }
    if shown == 0 {
        let (text, color) = if report.verdict == Verdict::Insufficient {
            (
                "… No problem heard so far; the verdict comes after 10 s of audio",
                theme::TEXT,
            )
        } else {
            ("✔ No problems found", theme::OK)
        };
        ui.label(RichText::new(text).color(color));
    }
    others(ui, report);
    events(ui, view);
}

/// The events, newest first, at their place on the host's timeline when the host gave it, else
/// at their time since the meter was reset.
fn events(ui: &mut Ui, view: &View) {
    let events = view.model.events();
    if events.is_empty() {
        return;
    }
    ui.add_space(4.0);
    let placed = events.iter().any(|e| e.event.host.is_some());
    let how = if placed {
        "in the song where the host said, else since reset"
    } else {
        "times since reset"
    };
    ui.label(
        RichText::new(format!("Where ({}, {how})", events.len()))
            .size(theme::SIZE_SMALL)
            .color(theme::TEXT_WEAK),
    );
    for e in events.iter().rev() {
        let ev = &e.event;
        let at = ev.host.map_or_else(|| clock(ev.start_s), |h| h.label());
        ui.label(
            RichText::new(format!("{at}  {}: {}", ev.kind.title(), ev.detail()))
                .size(theme::SIZE_SMALL)
                .color(theme::TEXT),
        );
    }
}

/// A failing or warning finding: severity, check and message on one line (click to open the
/// measured value and threshold), the advice below.
fn problem(ui: &mut Ui, finding: &Finding) {
    let id = ui.make_persistent_id(("finding", finding.id));
    let mut state = CollapsingState::load_with_default_open(ui.ctx(), id, false);
    let header = ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 0.0;
        state.show_toggle_button(ui, paint_default_icon);
        let response = ui.add(
            Label::new(headline(ui, finding))
                .sense(Sense::click())
                .truncate(),
        );
        if response.clicked() {
            state.toggle(ui);
        }
        response.on_hover_text("Show the measured value and the threshold")
    });
    if !finding.advice.is_empty() {
        ui.horizontal(|ui| {
            ui.add_space(ui.spacing().indent);
            let size = theme::SIZE_SMALL + 0.5;
            let mut job = LayoutJob::default();
            job.append(
                "→ ",
                0.0,
                TextFormat::simple(theme::mono(size), theme::TEXT_WEAK),
            );
            job.append(
                &finding.advice,
                0.0,
                TextFormat::simple(theme::font(size), theme::TEXT_WEAK),
            );
            ui.add(Label::new(job).wrap());
        });
    }
    state.show_body_indented(&header.response, ui, |ui| {
        ui.label(
            RichText::new(measured_vs_threshold(finding))
                .size(theme::SIZE_SMALL + 0.5)
                .monospace()
                .color(theme::TEXT),
        );
    });
    ui.add_space(3.0);
}

/// "✖ FAIL  Clipping — 12 samples at full scale ...", the severity in its colour.
fn headline(ui: &Ui, finding: &Finding) -> LayoutJob {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let mut job = LayoutJob::default();
    job.append(
        theme::severity_label(finding.severity),
        0.0,
        TextFormat::simple(font.clone(), theme::severity_color(finding.severity)),
    );
    // "DC offset — DC offset -59.8 dBFS" says it twice: the message alone is enough then.
    let title = finding.id.title();
    let repeats = finding
        .message
        .to_lowercase()
        .starts_with(&title.to_lowercase());
    let lead = if repeats {
        "  ".to_owned()
    } else {
        format!("  {title} — ")
    };
    job.append(&lead, 0.0, TextFormat::simple(font.clone(), theme::TEXT));
    let message = if repeats {
        capitalised(&finding.message)
    } else {
        finding.message.clone()
    };
    job.append(&message, 0.0, TextFormat::simple(font, theme::TEXT));
    job
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The notes and passes, folded into one line.
fn others(ui: &mut Ui, report: &Report) {
    let rest: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.severity < Severity::Warn)
        .collect();
    if rest.is_empty() {
        return;
    }
    let oks = rest.iter().filter(|f| f.severity == Severity::Ok).count();
    let notes = rest.len() - oks;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let title = match (oks, notes) {
        (o, 0) => plural(o, "check passes", "checks pass"),
        (0, n) => plural(n, "note", "notes"),
        (o, n) => format!(
            "{} · {}",
            plural(o, "check passes", "checks pass"),
            plural(n, "note", "notes")
        ),
    };
    egui::CollapsingHeader::new(RichText::new(title).color(theme::TEXT_WEAK))
        .id_salt("other_checks")
        .show(ui, |ui| {
            for f in rest {
                let mut job = headline(ui, f);
                if !f.advice.is_empty() {
                    let font = egui::TextStyle::Body.resolve(ui.style());
                    job.append(
                        &format!(" ({})", f.advice),
                        0.0,
                        TextFormat::simple(font, theme::TEXT_WEAK),
                    );
                }
                ui.add(Label::new(job).truncate());
            }
        });
}

/// What a finding measured and what it was held against, in the check's own units.
pub(crate) fn measured_vs_threshold(f: &Finding) -> String {
    let v = f.value.map(|v| v as f32);
    let t = f.threshold.map(|t| t as f32);
    let dash = || NO_VALUE.to_owned();
    let count = |x: Option<f32>| x.map_or_else(dash, |x| format!("{x:.0}"));
    let (measured, threshold) = match f.id {
        Check::Headroom => (format_db(v, "dBTP"), format_db(t, "dBTP")),
        Check::Clipping => (
            format!("{} clipped samples or overs", count(v)),
            "none at full scale / above 0 dBTP".to_owned(),
        ),
        Check::Limiting => (
            v.map_or_else(dash, |x| {
                format!("{:.0} % of loud windows at the top", x * 100.0)
            }),
            t.map_or_else(dash, |x| format!("{:.0} %", x * 100.0)),
        ),
        Check::MixLoudness => (
            v.map_or_else(dash, |x| format!("{x:.1} LUFS")),
            t.map_or_else(dash, |x| format!("{x:.1} LUFS")),
        ),
        Check::MonoCompat => (
            v.map_or_else(dash, |x| format!("{x:.1} dB quieter in mono")),
            t.map_or_else(dash, |x| format!("{x:.1} dB")),
        ),
        Check::LowEnd | Check::SubBass | Check::Harshness | Check::TopEnd => (
            format!("{} (normalised band level)", format_db(v, "dB")),
            format!("{} (edge of the target's range)", format_db(t, "dB")),
        ),
        Check::Dynamics => (
            v.map_or_else(dash, |x| format!("PLR {x:.1} dB")),
            t.map_or_else(dash, |x| format!("{x:.1} dB")),
        ),
        Check::MicroDynamics => (
            v.map_or_else(dash, |x| format!("{x:.1} dB within 50 ms")),
            t.map_or_else(dash, |x| format!("{x:.1} dB")),
        ),
        Check::LoudnessRange if f.threshold == Some(LRA_MIN_S) => (
            v.map_or_else(dash, |x| format!("{x:.1} LU (not settled)")),
            format!("{LRA_MIN_S:.0} s of audio"),
        ),
        Check::LoudnessRange => (
            v.map_or_else(dash, |x| format!("{x:.1} LU")),
            t.map_or_else(dash, |x| format!("{x:.1} LU")),
        ),
        Check::DcOffset => (format_db(v, "dBFS"), format_db(t, "dBFS")),
        Check::NonFinite => (format!("{} samples", count(v)), "none".to_owned()),
        Check::Format => (
            v.map_or_else(dash, |x| format!("{x:.0}-bit")),
            t.map_or_else(dash, |x| format!("{x:.0}-bit")),
        ),
    };
    format!("measured {measured}   ·   threshold {threshold}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: Check, value: Option<f64>, threshold: Option<f64>) -> Finding {
        Finding {
            id,
            severity: Severity::Warn,
            value,
            threshold,
            message: String::new(),
            advice: String::new(),
        }
    }

    #[test]
    fn values_are_written_in_each_checks_units() {
        assert_eq!(
            measured_vs_threshold(&finding(Check::Headroom, Some(-0.44), Some(-1.0))),
            "measured -0.4 dBTP   ·   threshold -1.0 dBTP"
        );
        assert_eq!(
            measured_vs_threshold(&finding(Check::Limiting, Some(0.42), Some(0.1))),
            "measured 42 % of loud windows at the top   ·   threshold 10 %"
        );
        assert_eq!(
            measured_vs_threshold(&finding(Check::MonoCompat, Some(9.5), Some(6.0))),
            "measured 9.5 dB quieter in mono   ·   threshold 6.0 dB"
        );
        assert!(
            measured_vs_threshold(&finding(Check::LoudnessRange, None, Some(LRA_MIN_S)))
                .ends_with("threshold 60 s of audio")
        );
        assert_eq!(Check::MonoCompat.title(), "Mono compatibility");
    }
}
