//! The report screen: counts by status and by kind as bar charts, the
//! weekly volume as a sparkline, and a table of days to respond and the
//! share answered by the due date. Counts only, no personal data.

use crate::domain::report::{Count, OnTime, Report};
use crate::tui::app::ReportScreen;
use crate::tui::app::State;
use crate::tui::theme::Role as Ui;
use crate::tui::views::widgets::{cell, fit, safe};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline};
use ratatui::Frame;

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let Some(rs) = s.screens.get::<ReportScreen>() else {
        return;
    };
    let w = area.width as usize;
    let Some(r) = &rs.report.data else {
        let text = match (&rs.report.error, rs.report.loading) {
            (Some(e), _) => format!(" The report could not be loaded: {}", safe(e)),
            (None, true) => " Loading the report…".to_string(),
            (None, false) => String::new(),
        };
        let style = if rs.report.error.is_some() {
            Ui::Error
        } else {
            Ui::Muted
        };
        f.render_widget(
            Paragraph::new(Span::styled(fit(&text, w), s.theme.style(style))),
            area,
        );
        return;
    };
    let chart_h = if area.height >= 30 { 11 } else { 8 };
    let [summary, charts, spark, table] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(chart_h),
        Constraint::Length(3),
        Constraint::Min(3),
    ])
    .areas(area);
    let mut line = format!(
        " {} – {}   {} received · {} answered · {} pending · {} closed",
        r.period.from, r.period.to, r.received, r.answered, r.pending, r.closed
    );
    if rs.report.loading {
        line.push_str("   (loading…)");
    }
    f.render_widget(
        Paragraph::new(Span::styled(fit(&line, w), s.theme.style(Ui::Title))),
        summary,
    );
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(charts);
    bars(s, f, left, " By status ", &r.by_status);
    bars(s, f, right, " By kind ", &kinds(r));
    sparkline(s, f, spark, r);
    times(s, f, table, r, rs.scroll);
}

fn block(s: &State, title: &str) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Border))
        .title(Span::styled(title.to_string(), s.theme.style(Ui::Title)))
}

/// Kinds of rights requests, then complaints and inquiries.
fn kinds(r: &Report) -> Vec<Count> {
    let mut out = r.by_kind.clone();
    out.extend(
        r.by_category
            .iter()
            .filter(|c| c.key != "rights_request")
            .cloned(),
    );
    out
}

/// Horizontal bars of the non-zero counts, largest first.
fn bars(s: &State, f: &mut Frame, area: Rect, title: &str, counts: &[Count]) {
    let mut shown: Vec<&Count> = counts.iter().filter(|c| c.count > 0).collect();
    shown.sort_by_key(|c| std::cmp::Reverse(c.count));
    let rows = area.height.saturating_sub(2) as usize;
    let label_w = 12;
    let data: Vec<Bar> = shown
        .iter()
        .take(rows)
        .map(|c| {
            Bar::default()
                .value(c.count as u64)
                .label(Line::from(cell(&c.key.replace('_', " "), label_w)))
                .text_value(c.count.to_string())
        })
        .collect();
    let mut title = title.to_string();
    if shown.len() > rows {
        title.push_str(&format!("(top {rows}) "));
    }
    let chart = BarChart::default()
        .block(block(s, &title))
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .bar_style(s.theme.style(Ui::Accent))
        .value_style(s.theme.style(Ui::Selection))
        .label_style(s.theme.style(Ui::Muted))
        .data(BarGroup::default().bars(&data));
    f.render_widget(chart, area);
}

fn sparkline(s: &State, f: &mut Frame, area: Rect, r: &Report) {
    let inner = area.width.saturating_sub(2) as usize;
    // The latest weeks that fit.
    let skip = r.weekly.len().saturating_sub(inner);
    let weeks = &r.weekly[skip..];
    let data: Vec<u64> = weeks.iter().map(|w| w.received as u64).collect();
    let max = data.iter().copied().max().unwrap_or(0);
    let title = match weeks.first() {
        Some(w0) => format!(" Received per week since {} (most {max}) ", w0.week),
        None => " Received per week ".to_string(),
    };
    let spark = Sparkline::default()
        .block(block(s, &title))
        .style(s.theme.style(Ui::Accent))
        .data(&data);
    f.render_widget(spark, area);
}

fn days(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.1}"))
}

fn share_role(o: &OnTime) -> Ui {
    match o.share {
        None => Ui::Muted,
        Some(x) if x >= 0.9 => Ui::Ok,
        Some(x) if x >= 0.7 => Ui::Warning,
        Some(_) => Ui::Error,
    }
}

/// Widths: kind, answered, median, p90, business median, on time, overdue.
const WIDTHS: [usize; 7] = [18, 5, 6, 4, 6, 8, 7];
const TITLES: [&str; 7] = [
    "Kind", "Ans.", "Median", "p90", "B.med", "On time", "Overdue",
];

fn times(s: &State, f: &mut Frame, area: Rect, r: &Report, scroll: usize) {
    let b = block(s, " Days to respond · answered by the due date ");
    let inner = b.inner(area);
    f.render_widget(b, area);
    let mut widths = WIDTHS;
    let fixed: usize = widths[1..].iter().sum::<usize>() + widths.len();
    widths[0] = (inner.width as usize).saturating_sub(fixed).clamp(10, 40);
    let header: String = TITLES
        .iter()
        .zip(widths)
        .map(|(t, w)| cell(t, w) + " ")
        .collect();
    let mut lines = vec![Line::from(Span::styled(header, s.theme.style(Ui::Muted)))];
    let rows = inner.height.saturating_sub(1) as usize;
    let all = &r.response_times;
    let first = scroll.min(all.len().saturating_sub(rows));
    for t in all.iter().skip(first).take(rows) {
        let o = r.on_time_by_kind.iter().find(|o| o.key == t.key);
        let share = o
            .and_then(|o| o.share)
            .map_or("–".to_string(), |x| format!("{:.0}%", x * 100.0));
        let values = [
            t.key.replace('_', " "),
            t.answered.to_string(),
            days(t.median_days),
            t.p90_days.map_or("–".into(), |d| d.to_string()),
            days(t.median_business_days),
            share,
            o.map_or(0, |o| o.overdue_open).to_string(),
        ];
        let mut spans = Vec::new();
        for (i, (v, w)) in values.iter().zip(widths).enumerate() {
            let style = match (i, o) {
                (5, Some(o)) => s.theme.style(share_role(o)),
                (6, Some(o)) if o.overdue_open > 0 => s.theme.style(Ui::DueLate),
                _ => Default::default(),
            };
            spans.push(Span::styled(cell(v, w) + " ", style));
        }
        lines.push(Line::from(spans));
    }
    if all.is_empty() {
        lines.push(Line::from(Span::styled(
            "No case was received in the period.",
            s.theme.style(Ui::Muted),
        )));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
