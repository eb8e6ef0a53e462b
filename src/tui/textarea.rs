//! A multi-line text input with a cursor, for descriptions, notes and
//! replies. Lines are kept as typed; [`TextArea::wrapped`] folds them to a
//! width for drawing (at spaces where it can), so long lines need no
//! horizontal scrolling.

use std::cell::Cell;
use unicode_width::UnicodeWidthChar;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextArea {
    /// At least one line; no line holds a line break.
    lines: Vec<String>,
    /// Cursor line.
    row: usize,
    /// Cursor position in the line, in characters.
    col: usize,
    /// The first folded row on screen and how many rows were shown, as the
    /// last drawing left them ([`TextArea::window`]): the view scrolls only
    /// when the cursor would leave it, and a page is what was shown.
    top: Cell<usize>,
    shown: Cell<usize>,
}

impl Default for TextArea {
    fn default() -> Self {
        TextArea {
            lines: vec![String::new()],
            row: 0,
            col: 0,
            top: Cell::new(0),
            shown: Cell::new(0),
        }
    }
}

/// Lines a page moves before the text area was first drawn.
const PAGE: usize = 10;

/// The text folded to a width, and where the cursor is on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapped {
    pub rows: Vec<String>,
    /// Cursor: row in `rows`, column in cells.
    pub cursor: (usize, usize),
}

fn cells(c: char) -> usize {
    c.width().unwrap_or(0)
}

impl TextArea {
    /// A text area holding `text`, the cursor at its end.
    pub fn new(text: &str) -> Self {
        let mut t = TextArea::default();
        t.insert_str(text);
        t
    }

    /// The text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines.len() == 1 && self.lines[0].is_empty()
    }

    /// (line, character in the line).
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    fn line_len(&self, row: usize) -> usize {
        self.lines[row].chars().count()
    }

    fn byte_at(&self, row: usize, chars: usize) -> usize {
        let line = &self.lines[row];
        line.char_indices()
            .nth(chars)
            .map(|(i, _)| i)
            .unwrap_or(line.len())
    }

    /// Type one character; control characters are dropped (use
    /// [`TextArea::newline`] for a line break), a tab becomes a space.
    pub fn insert(&mut self, c: char) {
        let c = if c == '\t' { ' ' } else { c };
        if c.is_control() {
            return;
        }
        let at = self.byte_at(self.row, self.col);
        self.lines[self.row].insert(at, c);
        self.col += 1;
    }

    /// Break the line at the cursor.
    pub fn newline(&mut self) {
        let at = self.byte_at(self.row, self.col);
        let rest = self.lines[self.row].split_off(at);
        self.row += 1;
        self.lines.insert(self.row, rest);
        self.col = 0;
    }

    /// Insert pasted or restored text: line breaks (`\n`, `\r\n`, `\r`)
    /// are kept, tabs become spaces, other control characters are dropped.
    pub fn insert_str(&mut self, s: &str) {
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    self.newline();
                }
                '\n' => self.newline(),
                c => self.insert(c),
            }
        }
    }

    pub fn backspace(&mut self) {
        if self.col > 0 {
            let start = self.byte_at(self.row, self.col - 1);
            let end = self.byte_at(self.row, self.col);
            self.lines[self.row].replace_range(start..end, "");
            self.col -= 1;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.line_len(self.row);
            self.lines[self.row].push_str(&line);
        }
    }

    pub fn delete(&mut self) {
        if self.col < self.line_len(self.row) {
            let start = self.byte_at(self.row, self.col);
            let end = self.byte_at(self.row, self.col + 1);
            self.lines[self.row].replace_range(start..end, "");
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }

    pub fn left(&mut self) {
        if self.col > 0 {
            self.col -= 1;
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.line_len(self.row);
        }
    }

    pub fn right(&mut self) {
        if self.col < self.line_len(self.row) {
            self.col += 1;
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    /// Up one line; false when already on the first line.
    pub fn up(&mut self) -> bool {
        if self.row == 0 {
            return false;
        }
        self.row -= 1;
        self.col = self.col.min(self.line_len(self.row));
        true
    }

    /// Down one line; false when already on the last line.
    pub fn down(&mut self) -> bool {
        if self.row + 1 >= self.lines.len() {
            return false;
        }
        self.row += 1;
        self.col = self.col.min(self.line_len(self.row));
        true
    }

    /// Up a page (the rows last shown, less one kept for context); false
    /// when already on the first line.
    pub fn page_up(&mut self) -> bool {
        let moved = self.row > 0;
        let page = self.page();
        for _ in 0..page {
            self.up();
        }
        self.top.set(self.top.get().saturating_sub(page));
        moved
    }

    /// Down a page; false when already on the last line.
    pub fn page_down(&mut self) -> bool {
        let moved = self.row + 1 < self.lines.len();
        let page = self.page();
        for _ in 0..page {
            self.down();
        }
        self.top.set(self.top.get() + page);
        moved
    }

    fn page(&self) -> usize {
        match self.shown.get() {
            0 => PAGE,
            n => n.saturating_sub(1).max(1),
        }
    }

    /// The first of `rows` folded rows to draw so that the cursor is in
    /// view: the window moves only when the cursor would leave it, and is
    /// kept for the next drawing.
    pub fn window(&self, wrapped: &Wrapped, rows: usize) -> usize {
        let rows = rows.max(1);
        let mut top = self.top.get();
        let cursor = wrapped.cursor.0;
        if cursor < top {
            top = cursor;
        } else if cursor >= top + rows {
            top = cursor + 1 - rows;
        }
        top = top.min(wrapped.rows.len().saturating_sub(rows));
        self.top.set(top);
        self.shown.set(rows);
        top
    }

    pub fn home(&mut self) {
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.col = self.line_len(self.row);
    }

    /// Delete from the start of the line to the cursor (ctrl-u).
    pub fn clear_to_start(&mut self) {
        let at = self.byte_at(self.row, self.col);
        self.lines[self.row].replace_range(..at, "");
        self.col = 0;
    }

    /// Delete the word before the cursor (ctrl-w), within the line.
    pub fn delete_word(&mut self) {
        let chars: Vec<char> = self.lines[self.row].chars().collect();
        let mut i = self.col;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        let start = self.byte_at(self.row, i);
        let end = self.byte_at(self.row, self.col);
        self.lines[self.row].replace_range(start..end, "");
        self.col = i;
    }

    /// The lines folded to `width` cells (at the last space of a row where
    /// there is one, else anywhere), with the cursor's place. Control
    /// characters cannot be in the text, so rows are safe to draw.
    pub fn wrapped(&self, width: usize) -> Wrapped {
        let width = width.max(2);
        let mut rows = Vec::new();
        let mut cursor = (0, 0);
        for (r, line) in self.lines.iter().enumerate() {
            let chars: Vec<char> = line.chars().collect();
            let starts = fold(&chars, width);
            for (i, &start) in starts.iter().enumerate() {
                let end = starts.get(i + 1).copied().unwrap_or(chars.len());
                if r == self.row && self.col >= start && (self.col < end || i + 1 == starts.len()) {
                    let cell: usize = chars[start..self.col].iter().map(|c| cells(*c)).sum();
                    cursor = (rows.len(), cell);
                }
                rows.push(chars[start..end].iter().collect::<String>());
            }
        }
        // A cursor after a full last row goes to the start of a new row.
        if cursor.1 >= width {
            rows.insert(cursor.0 + 1, String::new());
            cursor = (cursor.0 + 1, 0);
        }
        Wrapped { rows, cursor }
    }
}

/// Read-only text folded to `width` cells as a text area would show it:
/// line breaks kept, long lines broken at spaces where possible. Control
/// characters must have been escaped before.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut rows = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r').replace('\t', " ");
        let chars: Vec<char> = line.chars().collect();
        let starts = fold(&chars, width);
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(chars.len());
            rows.push(
                chars[start..end]
                    .iter()
                    .collect::<String>()
                    .trim_end()
                    .to_string(),
            );
        }
    }
    rows
}

/// Characters a Japanese line never starts with (closing punctuation,
/// small kana, the long-vowel mark) and never ends with (opening brackets).
const NO_START: &str = "。、，．・：；？！ー」』）］｝〕〉》】ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々…‥,.)]}";
const NO_END: &str = "「『（［｛〔〈《【([{";

/// A break before `at` moved back so that no line starts with a closing
/// mark or ends with an opening one (kinsoku shori, by pushing characters
/// down); never back to `start`, where the row would be empty.
fn kinsoku(chars: &[char], start: usize, at: usize) -> usize {
    let mut b = at;
    while b > start + 1 && (NO_START.contains(chars[b]) || NO_END.contains(chars[b - 1])) {
        b -= 1;
    }
    if b == start + 1 && (NO_START.contains(chars[b]) || NO_END.contains(chars[b - 1])) {
        at
    } else {
        b
    }
}

/// Where each row of one line starts (character indices) when folded to `width`.
fn fold(chars: &[char], width: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut start = 0;
    let mut used = 0;
    let mut i = 0;
    while i < chars.len() {
        let w = cells(chars[i]);
        if used + w > width && i > start {
            // Break after the last space of the row, if any.
            let space = (start + 1..=i).rev().find(|&j| chars[j - 1] == ' ');
            let next = space.unwrap_or_else(|| kinsoku(chars, start, i));
            starts.push(next);
            start = next;
            used = chars[start..i].iter().map(|c| cells(*c)).sum();
            continue;
        }
        used += w;
        i += 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_lines_never_start_with_closing_marks() {
        // 10 cells: five full-width characters per row.
        let text = "ご請求を受け付けました。ご本人確認の書類（写し）を、お送りください」。";
        for width in 6..=40 {
            let rows = wrap(text, width);
            assert_eq!(rows.concat(), text, "width {width}");
            for r in rows.iter().skip(1) {
                let first = r.chars().next().unwrap();
                assert!(
                    !"。、」）".contains(first),
                    "width {width}: row starts with {first}: {rows:?}"
                );
            }
            for r in &rows[..rows.len() - 1] {
                let last = r.chars().last().unwrap();
                assert!(
                    last != '（',
                    "width {width}: row ends with an opening bracket: {rows:?}"
                );
            }
        }
    }

    #[test]
    fn typing_lines_and_joining_them() {
        let mut t = TextArea::default();
        assert!(t.is_empty());
        for c in "山田".chars() {
            t.insert(c);
        }
        t.newline();
        t.insert_str("line two\r\nthree\rfour\u{1b}[31m\tx");
        assert_eq!(t.text(), "山田\nline two\nthree\nfour[31m x");
        assert_eq!(t.lines().len(), 4);
        t.home();
        t.backspace();
        assert_eq!(t.text(), "山田\nline two\nthreefour[31m x");
        assert_eq!(t.cursor(), (2, 5));
        t.end();
        t.delete();
        assert_eq!(
            t.lines().len(),
            3,
            "delete at the end of the last line does nothing"
        );
        t.delete_word();
        assert_eq!(t.text(), "山田\nline two\nthreefour[31m ");
        t.clear_to_start();
        assert_eq!(t.text(), "山田\nline two\n");
    }

    #[test]
    fn moving_across_lines_keeps_the_column_where_it_can() {
        let mut t = TextArea::new("abcdef\nxy\nlonger line");
        assert_eq!(t.cursor(), (2, 11));
        assert!(t.up());
        assert_eq!(t.cursor(), (1, 2));
        assert!(t.up());
        assert_eq!(t.cursor(), (0, 2));
        assert!(!t.up(), "first line");
        t.left();
        t.left();
        t.left();
        assert_eq!(t.cursor(), (0, 0));
        t.left();
        assert_eq!(t.cursor(), (0, 0));
        t.end();
        t.right();
        assert_eq!(
            t.cursor(),
            (1, 0),
            "right at a line end goes to the next line"
        );
        assert!(t.down());
        assert!(!t.down(), "last line");
        t.delete();
        t.up();
        t.end();
        t.delete();
        assert_eq!(t.text(), "abcdef\nxyonger line");
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_counts_wide_characters() {
        let t = TextArea::new("the quick brown fox");
        let w = t.wrapped(10);
        assert_eq!(w.rows, ["the quick ", "brown fox"]);
        assert_eq!(w.cursor, (1, 9));

        let t = TextArea::new("山田太郎山田太郎");
        let w = t.wrapped(7);
        assert_eq!(w.rows, ["山田太", "郎山田", "太郎"]);
        assert_eq!(w.cursor, (2, 4));

        // A word longer than the width is cut anywhere.
        let t = TextArea::new("abcdefghij");
        assert_eq!(t.wrapped(4).rows, ["abcd", "efgh", "ij"]);

        // A cursor right after a full row starts the next one.
        let t = TextArea::new("abcd");
        let w = t.wrapped(4);
        assert_eq!(w.rows, ["abcd", ""]);
        assert_eq!(w.cursor, (1, 0));

        let mut t = TextArea::new("one\n\nthree");
        t.up();
        let w = t.wrapped(20);
        assert_eq!(w.rows, ["one", "", "three"]);
        assert_eq!(w.cursor, (1, 0));
    }

    #[test]
    fn the_window_scrolls_only_when_the_cursor_leaves_it_and_pages_by_it() {
        let text: Vec<String> = (1..=30).map(|n| format!("line {n}")).collect();
        let mut t = TextArea::new(&text.join("\n"));
        let w = t.wrapped(40);
        assert_eq!(t.window(&w, 5), 25, "the end in view");
        // Up three lines: the cursor is still in view, nothing scrolls.
        for _ in 0..3 {
            t.up();
        }
        let w = t.wrapped(40);
        assert_eq!(w.cursor.0, 26);
        assert_eq!(t.window(&w, 5), 25);
        // A page is what was shown, less one line kept.
        assert!(t.page_up());
        assert_eq!(t.cursor().0, 22);
        let w = t.wrapped(40);
        assert_eq!(t.window(&w, 5), 21, "the window moves up a page too");
        while t.page_up() {}
        assert_eq!(t.cursor().0, 0);
        assert!(!t.page_up(), "already at the top");
        assert!(t.page_down());
        assert_eq!(t.cursor().0, 4);
    }
}
