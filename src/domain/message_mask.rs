//! What a system said about a job is kept as it said it, but shown with
//! values that look like personal data: systems often echo the value they
//! refused (`phone 090-1234-5678 is not valid`). E-mail addresses and
//! phone-like runs of digits are masked as the screens mask them elsewhere.

use crate::domain::mask::{mask_email, mask_phone};

/// Digits in a run before it is taken for a phone number (dates and HTTP
/// statuses have fewer).
const PHONE_DIGITS: usize = 9;

/// `text` with e-mail addresses and phone-like numbers masked.
pub fn mask_message(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(&mask_word(word));
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '`' | '"' | '\'' | ',' | ';' | '(' | ')' | '[' | ']') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn mask_word(word: &str) -> String {
    let trimmed = word.trim_end_matches(['.', ':']);
    let tail = &word[trimmed.len()..];
    if trimmed.contains('@') && trimmed.len() > 1 {
        return format!("{}{tail}", mask_email(trimmed));
    }
    let digits = trimmed
        .chars()
        .filter(|c| c.is_ascii_digit() || ('\u{ff10}'..='\u{ff19}').contains(c))
        .count();
    let phone_like = trimmed.chars().all(|c| {
        c.is_ascii_digit() || matches!(c, '-' | '+' | '.') || ('\u{ff10}'..='\u{ff19}').contains(&c)
    });
    if digits >= PHONE_DIGITS && phone_like {
        return format!("{}{tail}", mask_phone(trimmed));
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::mask_message;

    #[test]
    fn personal_values_in_a_system_message_are_masked() {
        assert_eq!(
            mask_message("HTTP 422: email: `taro.yamada@example.jp` is not valid"),
            "HTTP 422: email: `t***@example.jp` is not valid"
        );
        assert_eq!(
            mask_message("phone 090-1234-5678 rejected."),
            "phone ***-****-5678 rejected."
        );
        assert_eq!(
            mask_message("tel ０９０１２３４５６７８"),
            "tel ***-****-5678"
        );
        // What is not personal stays as it was.
        for plain in [
            "HTTP 503: try again after 2026-11-24",
            "timed out after 5 s",
            "record C-1001 not found",
            "email: `not-an-email` is not a valid e-mail address",
        ] {
            assert_eq!(mask_message(plain), plain);
        }
    }
}
