//! The terminal backend: crossterm's for everything but the cells of a
//! frame, which are written with fewer bytes for slow links.
//!
//! ratatui's crossterm backend moves the cursor again after every wide
//! character (6-8 bytes for each kanji or kana of a name), sets attributes
//! and colours in separate sequences with 256-colour codes even for the 16
//! named colours, and ends every frame with four resets. Here the cursor is
//! known to advance two cells after a CJK character, a change of style is
//! one SGR sequence with the short codes, and a frame ends with one reset.
//! Wide characters whose width terminals disagree on (emoji and the like)
//! are still followed by a cursor move, so a terminal that counts them
//! differently cannot shift the rest of the line.

use crossterm::cursor::MoveTo;
use crossterm::queue;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// A [`CrosstermBackend`] that draws cells compactly (see the module docs).
/// Escape sequences written to it directly (`queue!`) pass through.
pub struct FrameBackend<W: Write> {
    inner: CrosstermBackend<W>,
}

impl<W: Write> FrameBackend<W> {
    pub fn new(writer: W) -> Self {
        FrameBackend {
            inner: CrosstermBackend::new(writer),
        }
    }
}

impl<W: Write> Write for FrameBackend<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

/// What an SGR sequence sets: attributes and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    modifier: Modifier,
    fg: Color,
    bg: Color,
    underline: Color,
}

impl Pen {
    const PLAIN: Pen = Pen {
        modifier: Modifier::empty(),
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
    };

    fn of(cell: &Cell) -> Pen {
        Pen {
            modifier: cell.modifier,
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
        }
    }

    /// One sequence that resets and sets everything: `ESC[0;1;36;44m`.
    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        const FLAGS: [(Modifier, u8); 9] = [
            (Modifier::BOLD, 1),
            (Modifier::DIM, 2),
            (Modifier::ITALIC, 3),
            (Modifier::UNDERLINED, 4),
            (Modifier::SLOW_BLINK, 5),
            (Modifier::RAPID_BLINK, 6),
            (Modifier::REVERSED, 7),
            (Modifier::HIDDEN, 8),
            (Modifier::CROSSED_OUT, 9),
        ];
        let mut seq = String::from("\x1b[0");
        for (flag, code) in FLAGS {
            if self.modifier.contains(flag) {
                seq.push_str(&format!(";{code}"));
            }
        }
        colour(&mut seq, self.fg, 30, 38);
        colour(&mut seq, self.bg, 40, 48);
        colour(&mut seq, self.underline, 0, 58);
        seq.push('m');
        out.write_all(seq.as_bytes())
    }
}

/// Append a colour's SGR parameters: `base + n` for the eight basic colours
/// (`base + 60 + n` for the bright ones) when `base` is not 0, otherwise
/// `extended;5;index`; `extended;2;r;g;b` for RGB; nothing for `Reset`.
fn colour(seq: &mut String, c: Color, base: u8, extended: u8) {
    let index = match c {
        Color::Reset => return,
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(i) => {
            seq.push_str(&format!(";{extended};5;{i}"));
            return;
        }
        Color::Rgb(r, g, b) => {
            seq.push_str(&format!(";{extended};2;{r};{g};{b}"));
            return;
        }
    };
    match (base, index) {
        (0, i) => seq.push_str(&format!(";{extended};5;{i}")),
        (b, i @ 0..=7) => seq.push_str(&format!(";{}", b + i)),
        (b, i) => seq.push_str(&format!(";{}", b + 60 + i - 8)),
    }
}

/// Whether every terminal advances the cursor by the symbol's width: narrow
/// symbols, and wide ones from the CJK, kana, hangul and full-width blocks.
fn advance_is_certain(symbol: &str, width: usize) -> bool {
    if width <= 1 {
        return true;
    }
    let mut chars = symbol.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Write the changed cells of a frame (ratatui's diff: a cell hidden under a
/// wide character is left out) with as few cursor moves and style changes as
/// possible, ending with the style reset.
fn draw_cells<'a>(
    out: &mut impl Write,
    content: impl Iterator<Item = (u16, u16, &'a Cell)>,
) -> io::Result<()> {
    let mut pen = Pen::PLAIN;
    // Where the terminal's cursor is, when known.
    let mut cursor: Option<(u16, u16)> = None;
    for (x, y, cell) in content {
        if cursor != Some((x, y)) {
            queue!(out, MoveTo(x, y))?;
        }
        let want = Pen::of(cell);
        if want != pen {
            want.write(out)?;
            pen = want;
        }
        let symbol = cell.symbol();
        out.write_all(symbol.as_bytes())?;
        let width = symbol.width();
        cursor =
            advance_is_certain(symbol, width).then(|| (x.saturating_add(width.max(1) as u16), y));
    }
    if pen != Pen::PLAIN {
        out.write_all(b"\x1b[0m")?;
    }
    Ok(())
}

impl<W: Write> Backend for FrameBackend<W> {
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        draw_cells(&mut self.inner, content)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn drawn(buf: &Buffer) -> Vec<u8> {
        let empty = Buffer::empty(buf.area);
        let mut out = Vec::new();
        draw_cells(&mut out, empty.diff(buf).into_iter()).unwrap();
        out
    }

    fn screen(bytes: &[u8], w: u16, h: u16) -> vt100::Parser {
        let mut p = vt100::Parser::new(h, w, 0);
        p.process(bytes);
        p
    }

    #[test]
    fn wide_characters_need_no_cursor_move_and_land_in_place() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 2));
        buf.set_string(0, 0, "山田-太郎-ヤマダ", Style::new());
        buf.set_string(0, 1, "a😀b-ｶﾅ", Style::new());
        let out = drawn(&buf);
        let text = String::from_utf8_lossy(&out);
        // One move for each row, one more after the emoji.
        assert_eq!(text.matches('H').count(), 3, "{text:?}");
        let p = screen(&out, 20, 2);
        assert_eq!(p.screen().contents(), "山田-太郎-ヤマダ\na😀b-ｶﾅ");
    }

    #[test]
    fn styles_are_one_short_sequence_and_the_frame_ends_plain() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 1));
        let selected = Style::new()
            .fg(Color::Black)
            .bg(Color::Cyan)
            .add_modifier(Modifier::BOLD);
        buf.set_string(0, 0, "ab", selected);
        buf.set_string(2, 0, "cd", Style::new().fg(Color::LightRed));
        buf.set_string(
            4,
            0,
            "e",
            Style::new().fg(Color::Indexed(208)).bg(Color::Rgb(1, 2, 3)),
        );
        buf.set_string(5, 0, "f", Style::new().add_modifier(Modifier::REVERSED));
        let out = String::from_utf8(drawn(&buf)).unwrap();
        assert_eq!(
            out,
            "\x1b[1;1H\x1b[0;1;30;46mab\x1b[0;91mcd\x1b[0;38;5;208;48;2;1;2;3me\x1b[0;7mf\x1b[0m"
        );
        let p = screen(out.as_bytes(), 10, 1);
        let a = p.screen().cell(0, 0).unwrap();
        assert!(a.bold());
        assert_eq!(a.fgcolor(), vt100::Color::Idx(0));
        assert_eq!(a.bgcolor(), vt100::Color::Idx(6));
        let c = p.screen().cell(0, 2).unwrap();
        assert!(!c.bold());
        assert_eq!(c.fgcolor(), vt100::Color::Idx(9));
        assert!(p.screen().cell(0, 5).unwrap().inverse());
        assert_eq!(
            p.screen().cell(0, 6).unwrap().fgcolor(),
            vt100::Color::Default
        );
    }

    #[test]
    fn a_frame_of_plain_text_sends_no_style_at_all() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 5, 1));
        buf.set_string(0, 0, "plain", Style::new());
        assert_eq!(drawn(&buf), b"\x1b[1;1Hplain");
    }
}
