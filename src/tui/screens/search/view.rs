//! The search screen: query box, live systems strip, persons found.

use crate::domain::{Person, SystemStatus};
use crate::tui::app::{Focus, State};
use crate::tui::theme::Role as Ui;
use crate::tui::views::widgets::{cell, fit, row_marker, safe, shown, width, SPINNER};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let [query, strip, results] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(area);
    query_box(s, f, query);
    systems_strip(s, f, strip);
    persons(s, f, results);
}

fn query_box(s: &State, f: &mut Frame, area: Rect) {
    let focused = s.focus == Focus::Query && s.overlay.is_none();
    let border = if focused {
        s.theme.style(Ui::Accent)
    } else {
        s.theme.style(Ui::Border)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(" Find a customer ", s.theme.style(Ui::Title)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let prompt = "› ";
    let text = s.query.display();
    let avail = (inner.width as usize).saturating_sub(width(prompt) + 1);
    // Keep the cursor visible: show the tail of a long query.
    let chars: Vec<char> = text.chars().collect();
    let before: String = chars[..s.query.cursor().min(chars.len())].iter().collect();
    let mut start = 0;
    while width(
        &chars[start..s.query.cursor().min(chars.len())]
            .iter()
            .collect::<String>(),
    ) > avail
    {
        start += 1;
    }
    let visible: String = chars[start..].iter().collect();
    let line = if s.query.is_empty() {
        Line::from(vec![
            Span::styled(prompt, s.theme.style(Ui::Accent)),
            Span::styled(
                fit("name, reading, email or phone; Enter to search", avail),
                s.theme.style(Ui::Muted),
            ),
        ])
    } else {
        Line::from(vec![
            Span::styled(prompt, s.theme.style(Ui::Accent)),
            Span::styled(fit(&visible, avail), s.theme.style(Ui::Input)),
        ])
    };
    f.render_widget(Paragraph::new(line), inner);
    if focused {
        let cx = width(prompt) + width(&before) - width(&chars[..start].iter().collect::<String>());
        let x = inner.x + (cx as u16).min(inner.width.saturating_sub(1));
        f.set_cursor_position(Position::new(x, inner.y));
    }
}

fn systems_strip(s: &State, f: &mut Frame, area: Rect) {
    let total = area.width as usize;
    let Some(snap) = &s.search else {
        let names: Vec<String> = s.systems.iter().map(|(_, b)| b.clone()).collect();
        let text = format!(" {} systems: {}", s.systems.len(), names.join(" "));
        f.render_widget(
            Paragraph::new(Span::styled(fit(&text, total), s.theme.style(Ui::Muted))),
            area,
        );
        return;
    };
    let n = snap.systems.len().max(1);
    let each = (total / n).max(6);
    let mut spans = Vec::new();
    let mut used = 0;
    for st in &snap.systems {
        if used + each > total {
            break;
        }
        let (text, role) = match &st.status {
            SystemStatus::Pending => (SPINNER[s.spinner % SPINNER.len()].to_string(), Ui::Muted),
            SystemStatus::Ok { count, elapsed_ms } if st.truncated => {
                (format!("✓{count}+ {elapsed_ms}ms"), Ui::Warning)
            }
            SystemStatus::Ok { count, elapsed_ms } => (format!("✓{count} {elapsed_ms}ms"), Ui::Ok),
            SystemStatus::NotAsked { .. } => ("– not asked".to_string(), Ui::Muted),
            SystemStatus::Timeout { .. } => ("✗ timeout".to_string(), Ui::Error),
            SystemStatus::Unreachable { .. } => ("✗ down".to_string(), Ui::Error),
            SystemStatus::HttpError { code, .. } => (format!("✗ HTTP {code}"), Ui::Error),
            SystemStatus::BadResponse { .. } => ("✗ bad reply".to_string(), Ui::Error),
        };
        let badge = format!(" {} ", safe(&st.badge));
        spans.push(Span::styled(badge.clone(), s.theme.style(Ui::Badge)));
        let rest = each.saturating_sub(width(&badge));
        spans.push(Span::styled(
            cell(&format!(" {text}"), rest),
            s.theme.style(role),
        ));
        used += each;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A column of the result table: title, priority (lower = kept longer), width.
struct Col {
    title: &'static str,
    priority: u8,
    min: usize,
    ideal: usize,
}

/// Widths for the columns that fit, by priority; the name column takes the rest.
fn layout(cols: &[Col], total: usize) -> Vec<Option<usize>> {
    let mut widths: Vec<Option<usize>> = vec![None; cols.len()];
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| cols[i].priority);
    let mut left = total;
    for &i in &order {
        let need = cols[i].min + 1;
        if need <= left {
            widths[i] = Some(cols[i].min);
            left -= need;
        }
    }
    for &i in &order {
        if let Some(w) = widths[i] {
            let extra = (cols[i].ideal.saturating_sub(w)).min(left);
            widths[i] = Some(w + extra);
            left -= extra;
        }
    }
    if let Some(w) = widths[0].as_mut() {
        *w += left;
    }
    widths
}

fn persons(s: &State, f: &mut Frame, area: Rect) {
    let list = s.persons();
    if list.is_empty() {
        let text = match &s.search {
            None => "Type a name (kanji, kana or romaji), an email or a phone number, then Enter."
                .to_string(),
            Some(snap) if !snap.done => {
                let waiting = snap
                    .systems
                    .iter()
                    .filter(|x| x.status == SystemStatus::Pending)
                    .count();
                format!(
                    "Searching… waiting for {waiting} of {} systems",
                    snap.systems.len()
                )
            }
            Some(_) => "No customer found in any system.".to_string(),
        };
        let p = Paragraph::new(Span::styled(
            fit(&format!(" {text}"), area.width as usize),
            s.theme.style(Ui::Muted),
        ));
        // One blank line above the text when there is room for it; never
        // below the area (on a tiny terminal that is outside the screen).
        let y = if area.height >= 2 { area.y + 1 } else { area.y };
        f.render_widget(
            p,
            Rect {
                y,
                height: area.height.min(1),
                ..area
            },
        );
        return;
    }
    let full_badges: usize = s.systems.iter().map(|(_, b)| b.chars().count() + 1).sum();
    let cols = [
        Col {
            title: "Name",
            priority: 0,
            min: 10,
            ideal: 16,
        },
        Col {
            title: "Reading",
            priority: 3,
            min: 8,
            ideal: 14,
        },
        Col {
            title: "Email",
            priority: 2,
            min: 12,
            ideal: 17,
        },
        Col {
            title: "Phone",
            priority: 4,
            min: 5,
            ideal: 5,
        },
        Col {
            title: "Systems",
            priority: 1,
            min: s.systems.len() * 2,
            ideal: full_badges.saturating_sub(1),
        },
        Col {
            title: "Linked by",
            priority: 5,
            min: 5,
            ideal: 21,
        },
    ];
    // A column needs no more than its widest value on screen (or its title).
    let rows = area.height.saturating_sub(1) as usize;
    let first = if s.selected >= rows {
        s.selected + 1 - rows
    } else {
        0
    };
    let visible: Vec<[String; 6]> = list.iter().skip(first).take(rows).map(row_values).collect();
    let mut cols = cols;
    for (i, c) in cols.iter_mut().enumerate() {
        if i == 4 {
            continue;
        }
        let widest = visible
            .iter()
            .map(|v| width(&v[i]))
            .max()
            .unwrap_or(0)
            .max(width(c.title));
        c.ideal = c.ideal.min(widest);
        c.min = c.min.min(c.ideal);
    }
    let marker_w = 2;
    let widths = layout(&cols, (area.width as usize).saturating_sub(marker_w));
    let mut header = vec![Span::raw("  ")];
    for (c, w) in cols.iter().zip(&widths) {
        if let Some(w) = w {
            header.push(Span::styled(
                cell(c.title, *w) + " ",
                s.theme.style(Ui::Muted),
            ));
        }
    }
    let mut lines = vec![Line::from(header)];
    let rows = area.height.saturating_sub(1) as usize;
    let first = if s.selected >= rows {
        s.selected + 1 - rows
    } else {
        0
    };
    for (i, p) in list.iter().enumerate().skip(first).take(rows) {
        let selected = i == s.selected;
        lines.push(person_row(s, p, &widths, selected));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn person_row(s: &State, p: &Person, widths: &[Option<usize>], selected: bool) -> Line<'static> {
    let base = if selected && s.focus == Focus::Results {
        s.theme.style(Ui::Selection)
    } else {
        Style::default()
    };
    let marker = row_marker(&s.theme, selected);
    let values = row_values(p);
    // On the highlighted row the marker takes the selection's colours: the
    // accent's own foreground could be the selection's background (cyan on
    // cyan in the default theme) and hide it.
    let marker_style = if base == Style::default() {
        s.theme.style(Ui::Accent)
    } else {
        base.add_modifier(Modifier::BOLD)
    };
    let mut spans = vec![Span::styled(marker, marker_style)];
    for (i, (v, w)) in values.iter().zip(widths).enumerate() {
        let Some(w) = w else { continue };
        if i == 4 {
            let held = p.systems();
            let mut text = String::new();
            for (name, badge) in &s.systems {
                if held.contains(&name.as_str()) {
                    text.push_str(&format!("{} ", safe(badge)));
                }
            }
            if width(text.trim_end()) > *w {
                // Not enough room for the badges: their first letters, in system order.
                text = s
                    .systems
                    .iter()
                    .map(|(name, badge)| {
                        if held.contains(&name.as_str()) {
                            format!("{} ", safe(badge).chars().next().unwrap_or('?'))
                        } else {
                            "· ".to_string()
                        }
                    })
                    .collect();
            }
            spans.push(Span::styled(
                cell(text.trim_end(), *w) + " ",
                base.patch(s.theme.style(Ui::Badge)),
            ));
            continue;
        }
        let role = match i {
            2 | 3 => Some(Ui::Masked),
            1 | 5 => Some(Ui::Muted),
            _ => None,
        };
        let style = match role {
            Some(r) if !selected => s.theme.style(r),
            _ => base,
        };
        spans.push(Span::styled(cell(v, *w) + " ", style));
    }
    Line::from(spans)
}

/// The last four digits of a phone number, enough to confirm it on a call.
fn last_digits(phone: &str) -> String {
    let masked = shown("phone", phone, false);
    match masked.rsplit_once('-') {
        Some((_, tail)) => format!("…{tail}"),
        None => masked,
    }
}

/// Why a person's records were linked, in one word each.
fn short_link(k: crate::domain::LinkKey) -> &'static str {
    use crate::domain::LinkKey::*;
    match k {
        Email => "email",
        Phone => "phone",
        NameBirthDate => "name",
        KanaBirthDate => "kana",
    }
}

/// The text of a person's row, column by column (systems are drawn apart).
fn row_values(p: &Person) -> [String; 6] {
    [
        safe(p.first("name").unwrap_or("(no name)")),
        safe(p.first("name_kana").unwrap_or("")),
        p.first("email")
            .map(|v| shown("email", v, false))
            .unwrap_or_default(),
        p.first("phone").map(last_digits).unwrap_or_default(),
        String::new(),
        p.linked_by
            .iter()
            .map(|k| short_link(*k))
            .collect::<Vec<_>>()
            .join(" "),
    ]
}
