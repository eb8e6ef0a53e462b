//! How the sample backends match a search term against their records.
//!
//! This is the fake systems' own behaviour (what a company's CRM or ticket
//! desk might do), kept apart from privdesk's identity module on purpose: the
//! desk must cope with backends that match however they like.

use unicode_normalization::UnicodeNormalization;

/// Fold text for comparison: NFKC (full-width to half-width, compatibility
/// forms), lower case, katakana to hiragana, middle dots and runs of
/// whitespace to one space, trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfkc().flat_map(char::to_lowercase) {
        let c = match c {
            // Katakana ァ..ヶ map onto hiragana ぁ..ゖ.
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            '・' | '･' => ' ',
            c => c,
        };
        if c.is_whitespace() || c == ' ' {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// The words of a folded text.
fn words(folded: &str) -> Vec<&str> {
    folded.split(' ').filter(|w| !w.is_empty()).collect()
}

/// An email as compared: NFKC, trimmed, lower case.
pub fn email_key(s: &str) -> String {
    s.nfkc().collect::<String>().trim().to_lowercase()
}

/// True when the term looks like a phone number: only digits and phone
/// punctuation (after NFKC) and at least six digits.
pub fn looks_like_phone(s: &str) -> bool {
    let s: String = s.nfkc().collect();
    let mut digits = 0;
    for c in s.chars() {
        match c {
            '0'..='9' => digits += 1,
            '+' | '-' | '(' | ')' | ' ' | '.' | '‐' | '−' | '—' => {}
            _ => return false,
        }
    }
    digits >= 6
}

/// National digits of a Japanese phone number in any format:
/// `090-1234-5678`, `+81 90 1234 5678`, `０９０１２３４５６７８` all give
/// `09012345678`. None when there are no digits.
pub fn phone_key(s: &str) -> Option<String> {
    let s: String = s.nfkc().collect();
    let s = s.trim();
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let international = s.starts_with('+') || s.starts_with("00");
    let digits = digits
        .strip_prefix("00")
        .filter(|_| s.starts_with("00"))
        .unwrap_or(&digits)
        .to_string();
    if international {
        return Some(match digits.strip_prefix("81") {
            Some(rest) => format!("0{}", rest.trim_start_matches('0')),
            None => digits,
        });
    }
    Some(digits)
}

/// Edit distance in characters (Levenshtein, plus a swap of two adjacent
/// characters counted as one edit), giving up (returning `limit + 1`) once
/// the distance must exceed `limit`.
pub fn levenshtein_within(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 0..a.len() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for j in 0..b.len() {
            let cost = usize::from(a[i] != b[j]);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()].min(limit + 1)
}

/// How forgiving name matching is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    /// Substring of the folded name only.
    Exact,
    /// Also accept one typo in a word of four or more characters.
    OneTypo,
}

/// Whether `query` matches one stored name form. Every word of the query
/// must be found in the name (substring of a word or of the whole name
/// without spaces, or with `OneTypo` within one edit of a word), so word
/// order does not matter; `山田太郎` also matches `山田 太郎`.
pub fn name_matches(query: &str, name: &str, tolerance: Tolerance) -> bool {
    let q = folded(query);
    let n = folded(name);
    if q.folded.is_empty() || n.folded.is_empty() {
        return false;
    }
    let (n_joined, q_joined) = (&n.joined, &q.joined);
    let n = &n.folded;
    let q = &q.folded;
    if n_joined.contains(q_joined.as_str()) {
        return true;
    }
    let name_words = words(n);
    words(q).iter().all(|t| {
        n_joined.contains(t)
            || (tolerance == Tolerance::OneTypo
                && t.chars().count() >= 4
                && name_words.iter().any(|w| typo_match(t, w)))
    })
}

/// A text folded for comparison, with and without its spaces.
struct Folded {
    folded: String,
    joined: String,
}

/// The fold of `s`, remembered: the stored names are a few hundred strings
/// asked again at every search, and folding them each time made the sample
/// systems' CPU, not their answer time, what a load test measured.
fn folded(s: &str) -> std::sync::Arc<Folded> {
    use std::collections::HashMap;
    use std::sync::{Arc, OnceLock, RwLock};
    static CACHE: OnceLock<RwLock<HashMap<String, Arc<Folded>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| RwLock::new(HashMap::new()));
    if let Some(f) = cache.read().unwrap_or_else(|p| p.into_inner()).get(s) {
        return f.clone();
    }
    let folded = fold(s);
    let joined = folded.chars().filter(|c| *c != ' ').collect();
    let f = Arc::new(Folded { folded, joined });
    let mut w = cache.write().unwrap_or_else(|p| p.into_inner());
    // Queries are folded too; keep the cache from growing without end.
    if w.len() > 50_000 {
        w.clear();
    }
    w.insert(s.to_string(), f.clone());
    f
}

/// One edit away from the word, or from a prefix of it as long as the term
/// (so a typo in a partly typed word still matches).
fn typo_match(term: &str, word: &str) -> bool {
    if levenshtein_within(term, word, 1) <= 1 {
        return true;
    }
    let n = term.chars().count();
    let prefix: String = word.chars().take(n).collect();
    prefix.chars().count() == n && levenshtein_within(term, &prefix, 1) <= 1
}

/// Whether `query` matches any of several stored name forms.
pub fn any_name_matches<'a>(
    query: &str,
    forms: impl IntoIterator<Item = &'a str>,
    tolerance: Tolerance,
) -> bool {
    forms.into_iter().any(|f| name_matches(query, f, tolerance))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_handles_width_case_and_kana() {
        assert_eq!(fold("ＹＡＭＡＤＡ　Taro"), "yamada taro");
        assert_eq!(fold("ヤマダ タロウ"), "やまだ たろう");
        assert_eq!(fold("ﾔﾏﾀﾞ"), "やまだ");
        assert_eq!(fold("  ジョン・スミス "), "じょん すみす");
    }

    #[test]
    fn phones_compare_on_national_digits() {
        let want = Some("09012345678".to_string());
        assert_eq!(phone_key("090-1234-5678"), want);
        assert_eq!(phone_key("+81 90 1234 5678"), want);
        assert_eq!(phone_key("+819012345678"), want);
        assert_eq!(phone_key("０９０１２３４５６７８"), want);
        assert_eq!(phone_key("0081 90-1234-5678"), want);
        assert_eq!(phone_key("+81 3 1234 5678"), Some("0312345678".into()));
        assert_eq!(phone_key("abc"), None);
        assert!(looks_like_phone("+81 90 1234 5678"));
        assert!(looks_like_phone("０９０－１２３４－５６７８"));
        assert!(!looks_like_phone("yamada"));
        assert!(!looks_like_phone("123"));
    }

    #[test]
    fn levenshtein_is_bounded() {
        assert_eq!(levenshtein_within("yamda", "yamada", 1), 1);
        assert_eq!(levenshtein_within("kitten", "sitting", 5), 3);
        assert_eq!(levenshtein_within("kitten", "sitting", 1), 2);
        assert_eq!(levenshtein_within("", "", 1), 0);
        assert_eq!(levenshtein_within("takahsahi", "takahashi", 1), 1);
        assert_eq!(levenshtein_within("ab", "ba", 2), 1);
    }

    #[test]
    fn names_match_in_any_order_width_and_script() {
        let t = Tolerance::Exact;
        assert!(name_matches("yamada", "Taro Yamada", t));
        assert!(name_matches("Taro Yamada", "Yamada Taro", t));
        assert!(name_matches("山田太郎", "山田 太郎", t));
        assert!(name_matches("やまだ", "ヤマダ タロウ", t));
        assert!(name_matches("ＹＡＭＡＤＡ", "Yamada Taro", t));
        assert!(!name_matches("yamda", "Taro Yamada", t));
        assert!(!name_matches("", "Taro Yamada", t));
    }

    #[test]
    fn one_typo_is_tolerated_on_long_words_only() {
        let t = Tolerance::OneTypo;
        assert!(name_matches("yamda", "Taro Yamada", t));
        assert!(name_matches("Takahasi Kenichi", "Kenichi Takahashi", t));
        assert!(name_matches("Takahshi", "Kenichi Takahashi", t));
        assert!(name_matches("Takahas", "Kenichi Takahashi", t));
        assert!(name_matches("Takahsa", "Kenichi Takahashi", t));
        assert!(!name_matches("yammmda", "Taro Yamada", t));
        // Short words need an exact substring: "tora" is not "taro".
        assert!(!name_matches("ken", "Taro Yamada", t));
        assert!(!name_matches("太朗", "山田 太郎", t));
    }
}
