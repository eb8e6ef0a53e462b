//! Small drawing helpers shared by the screens: width-aware fitting (CJK
//! characters take two cells), escaping of backend text, centred boxes.

use crate::domain::mask::{is_masked_field, mask_field};
use crate::domain::text::escape_controls;
use ratatui::layout::Rect;
use ratatui::widgets::Clear;
use ratatui::Frame;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cut `s` to at most `max` cells, ending with `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `fit` and pad with spaces to exactly `w` cells.
pub fn cell(s: &str, w: usize) -> String {
    let mut out = fit(s, w);
    let pad = w.saturating_sub(width(&out));
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// The two cells in front of a list row: the theme's selection marker on
/// the selected row (`▶ ` when the theme sets none), blank elsewhere.
pub fn row_marker(theme: &crate::tui::theme::Theme, selected: bool) -> String {
    if !selected {
        return "  ".to_string();
    }
    match theme.marker(crate::tui::theme::Role::Selection) {
        "" => "▶ ".to_string(),
        m => cell(m, 2),
    }
}

/// Backend text made safe to draw.
pub fn safe(s: &str) -> String {
    escape_controls(s)
}

/// A canonical field's value for the screen: escaped, masked unless revealed.
pub fn shown(field: &str, value: &str, revealed: bool) -> String {
    let v = if revealed || !is_masked_field(field) {
        value.to_string()
    } else {
        mask_field(field, value)
    };
    safe(&v)
}

/// Text from the store or a backend folded to `w` cells, escaped first.
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let escaped: Vec<String> = text
        .split('\n')
        .map(|l| safe(l.trim_end_matches('\r')))
        .collect();
    crate::tui::textarea::wrap(&escaped.join("\n"), w)
}

/// A box of at most `w` x `h` cells centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Empty `area` for a box drawn over the screen, and the column on each
/// side of it: text behind the box never touches its border, where it would
/// read as part of the box (`│…`, `┘)`). A wide character (CJK) that starts
/// just left of that margin and reaches into it is blanked too: otherwise
/// the terminal keeps it and it hides the margin.
pub fn clear(f: &mut Frame, area: Rect) {
    let screen = f.area();
    let left = area.x.saturating_sub(1).max(screen.x);
    let right = (area.right() + 1).min(screen.right());
    let area = Rect {
        x: left,
        width: right.saturating_sub(left),
        ..area
    }
    .intersection(screen);
    f.render_widget(Clear, area);
    if area.x == 0 {
        return;
    }
    let buf = f.buffer_mut();
    for y in area.top()..area.bottom() {
        let left = &mut buf[(area.x - 1, y)];
        if width(left.symbol()) > 1 {
            left.set_symbol(" ");
        }
    }
}

pub const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_are_measured_in_cells() {
        assert_eq!(width("山田"), 4);
        assert_eq!(fit("山田太郎", 5), "山田…");
        assert_eq!(cell("山田", 6), "山田  ");
        assert_eq!(cell("abcdef", 4), "abc…");
        assert_eq!(width(&cell("ヤマダ タロウ", 9)), 9);
        assert_eq!(
            wrap("one two\r\n\u{1b}[2J three", 8),
            ["one two", "^[[2J", "three"]
        );
    }
}
