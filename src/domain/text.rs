//! Text safety: anything that came from a backend is shown with control
//! characters escaped, so a stored escape sequence can never reach the terminal.

/// Replace control characters with caret notation (`ESC` -> `^[`, `DEL` -> `^?`)
/// and C1 controls with `<U+0085>`-style escapes. Tabs become a space.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(|c| c.is_control()) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            '\u{7f}' => out.push_str("^?"),
            c if (c as u32) < 0x20 => {
                out.push('^');
                out.push(char::from_u32(c as u32 + 0x40).unwrap_or('?'));
            }
            c if c.is_control() => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Cut `s` to at most `max` characters, marking the cut with `…`.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(escape_controls("a\u{1b}[31mred"), "a^[[31mred");
        assert_eq!(escape_controls("bell\u{7}"), "bell^G");
        assert_eq!(escape_controls("x\u{7f}"), "x^?");
        assert_eq!(escape_controls("c1\u{9b}"), "c1<U+009B>");
        assert_eq!(escape_controls("山田 太郎"), "山田 太郎");
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate_chars("abcdef", 4), "abc…");
        assert_eq!(truncate_chars("abc", 4), "abc");
    }
}
