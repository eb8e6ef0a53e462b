//! Text folding for comparing identifiers across systems: names (Latin and
//! Japanese), kana readings, e-mail addresses, phone numbers and birth dates.
//!
//! Every function is total: bad input gives `None` or an empty result, never a
//! panic.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Characters NFKC leaves unchanged and that have no case: hiragana,
/// full-width katakana, the long vowel mark, the middle dot and the common
/// CJK ideographs. Checked before the Unicode tables to keep linking fast.
fn is_plain_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FE}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
    )
}

/// NFKC form of `s`, borrowed when `s` is already normalised (always the
/// case for ASCII), which keeps bulk linking fast.
pub fn nfkc(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| c.is_ascii() || is_plain_cjk(c))
        || is_nfkc_quick(s.chars()) == IsNormalized::Yes
    {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfkc().collect())
    }
}

/// Append the lower-case form of `c` to `out`.
fn push_lower(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if is_plain_cjk(c) {
        out.push(c);
    } else {
        out.extend(c.to_lowercase());
    }
}

/// NFKC, `map` applied, lower-case; whitespace and middle dots dropped when
/// `squash`.
fn lower_nfkc(s: &str, squash: bool, map: fn(char) -> char) -> String {
    let n = nfkc(s);
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if squash && (c.is_whitespace() || is_name_separator(c)) {
            continue;
        }
        push_lower(&mut out, map(c));
    }
    out
}

/// Middle dots used between the parts of a name (`・`, half-width `･`, `·`).
fn is_name_separator(c: char) -> bool {
    matches!(
        c,
        '\u{30FB}' | '\u{FF65}' | '\u{00B7}' | '\u{2027}' | '\u{2219}'
    )
}

/// Dash-like characters people type inside phone numbers (ASCII hyphen, the
/// Unicode hyphens and minus, and the katakana long vowel mark `ー` that
/// Japanese input methods produce for `-`).
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2015}'
            | '\u{2212}'
            | '\u{30FC}'
            | '\u{FF70}'
    )
}

/// NFKC, lower-case, whitespace (including the ideographic space) and middle
/// dots removed. `ＹＡＭＡＤＡ　Ｔａｒｏ` and `yamada taro` both fold to
/// `yamadataro`; `山田 太郎` folds to `山田太郎`.
pub fn fold(s: &str) -> String {
    lower_nfkc(s, true, std::convert::identity)
}

/// Map one katakana character to hiragana; anything else is returned as is.
fn katakana_to_hiragana(c: char) -> char {
    match c {
        // ァ..ヶ map one to one onto ぁ..ゖ; ヽヾ onto ゝゞ.
        '\u{30A1}'..='\u{30F6}' | '\u{30FD}'..='\u{30FE}' => {
            char::from_u32(c as u32 - 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// Reading key: NFKC (half-width katakana become full-width, voiced marks are
/// composed), katakana folded to hiragana, lower-case, whitespace and middle
/// dots removed. `ヤマダ タロウ`, `やまだたろう` and `ﾔﾏﾀﾞ ﾀﾛｳ` are equal.
pub fn kana(s: &str) -> String {
    lower_nfkc(s, true, katakana_to_hiragana)
}

/// True when `s` has at least one kana character and otherwise only kana,
/// the long vowel mark, whitespace and middle dots: a name written as its
/// reading.
pub fn is_kana_only(s: &str) -> bool {
    let mut any = false;
    for c in nfkc(s).chars() {
        match c {
            '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' => {
                if !is_name_separator(c) {
                    any = true;
                }
            }
            c if c.is_whitespace() || is_name_separator(c) => {}
            _ => return false,
        }
    }
    any
}

/// Normalised e-mail address: NFKC, trimmed, lower-case. `None` unless there
/// is exactly one `@`, a non-empty local part, no whitespace, and a domain
/// with a dot that neither starts nor ends it.
pub fn email(s: &str) -> Option<String> {
    let e = nfkc(s).trim().to_lowercase();
    if e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = e.split_once('@')?;
    if local.is_empty() || domain.contains('@') {
        return None;
    }
    if !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return None;
    }
    Some(e)
}

/// Shortest and longest Japanese national significant number (after the
/// trunk `0`): landlines have 9 digits, mobiles and IP phones 10.
const JP_NSN: std::ops::RangeInclusive<usize> = 9..=10;
/// Digits an E.164 number may have (country code included).
const E164_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

/// Phone number in E.164 form (`+819012345678`).
///
/// Accepts full-width digits, spaces, dashes (including `ー`), dots,
/// parentheses and one leading `+`; any other character gives `None`.
/// Japanese numbers may be national (`090-1234-5678`, `(03) 1234-5678`),
/// international with or without `+` (`+81 90 1234 5678`, `81 90 1234 5678`),
/// with the trunk zero in parentheses (`+81-(0)90-1234-5678`), or dialled
/// with an international prefix (`010-81-...`, `0081-...`). Other numbers with
/// a leading `+` are kept as `+digits`. Too few or too many digits give `None`.
pub fn phone(s: &str) -> Option<String> {
    let t = nfkc(s);
    let t = t.trim();
    let mut digits = String::with_capacity(t.len());
    let mut plus = false;
    for (i, c) in t.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            '(' | ')' | '.' => {}
            c if c.is_whitespace() || is_dash(c) => {}
            _ => return None,
        }
    }
    if plus {
        return international(&digits);
    }
    if let Some(rest) = digits
        .strip_prefix("010")
        .or_else(|| digits.strip_prefix("00"))
    {
        return international(rest);
    }
    if let Some(nsn) = digits.strip_prefix('0') {
        return japanese(nsn);
    }
    if let Some(rest) = digits.strip_prefix("81") {
        return japanese(rest.strip_prefix('0').unwrap_or(rest));
    }
    None
}

/// `digits` after the `+` (or an international prefix).
fn international(digits: &str) -> Option<String> {
    if let Some(rest) = digits.strip_prefix("81") {
        // `+81 (0)90...`: the trunk zero written in by habit is dropped.
        return japanese(rest.strip_prefix('0').unwrap_or(rest));
    }
    if E164_DIGITS.contains(&digits.len()) && !digits.starts_with('0') {
        Some(format!("+{digits}"))
    } else {
        None
    }
}

/// A Japanese national significant number (no trunk zero).
fn japanese(nsn: &str) -> Option<String> {
    if JP_NSN.contains(&nsn.len()) && !nsn.starts_with('0') {
        Some(format!("+81{nsn}"))
    } else {
        None
    }
}

/// National form of a Japanese E.164 number: `+819012345678` -> `09012345678`.
/// `None` for other countries or malformed input.
pub fn phone_national(e164: &str) -> Option<String> {
    let nsn = e164.strip_prefix("+81")?;
    if JP_NSN.contains(&nsn.len()) && nsn.chars().all(|c| c.is_ascii_digit()) {
        Some(format!("0{nsn}"))
    } else {
        None
    }
}

/// Name tokens after NFKC and lower-casing, split on whitespace, middle dots
/// and commas (`YAMADA, Taro`).
fn name_tokens(lowered: &str) -> Vec<&str> {
    lowered
        .split(|c: char| c.is_whitespace() || is_name_separator(c) || c == ',' || c == '、')
        .filter(|t| !t.is_empty())
        .collect()
}

/// Keys for linking by name: the folded name with separators removed, plus,
/// when the name has two or more tokens, the tokens sorted and joined, so
/// `Taro Yamada` meets `YAMADA Taro` and `山田 太郎` meets `山田太郎`. An empty
/// name gives no keys; the keys are unique.
pub fn name_keys(s: &str) -> Vec<String> {
    let lowered = lower_nfkc(s, false, std::convert::identity);
    let mut tokens = name_tokens(&lowered);
    if tokens.is_empty() {
        return Vec::new();
    }
    let mut keys = vec![tokens.concat()];
    if tokens.len() >= 2 {
        tokens.sort();
        let sorted = tokens.concat();
        if sorted != keys[0] {
            keys.push(sorted);
        }
    }
    keys
}

/// First year of each Japanese era, by its name.
const ERAS: &[(&str, i32, i32)] = &[
    // (name, first Gregorian year, last year number of the era)
    ("令和", 2019, 99),
    ("平成", 1989, 31),
    ("昭和", 1926, 64),
    ("大正", 1912, 15),
    ("明治", 1868, 45),
];

/// Birth date as `YYYY-MM-DD`. Accepts `1985-04-12`, `1985/4/12`,
/// `1985.4.12`, `19850412`, `1985年4月12日`, Japanese era dates
/// (`昭和60年4月12日`, `平成元年1月8日`), full-width digits, and an ISO
/// timestamp whose date part is valid (`1985-04-12T00:00:00Z`). Impossible
/// dates and years outside 1800-2200 give `None`.
pub fn birth_date(s: &str) -> Option<String> {
    let t = nfkc(s);
    let t = t.trim();
    let (year, rest) = match ERAS
        .iter()
        .find_map(|(name, first, last)| t.strip_prefix(name).map(|r| (*first, *last, r)))
    {
        Some((first, last, r)) => {
            let (n, rest) = r.split_once('年')?;
            let n = n.trim();
            let n: i32 = if n == "元" { 1 } else { n.parse().ok()? };
            if !(1..=last).contains(&n) {
                return None;
            }
            (first + n - 1, rest.to_string())
        }
        None => {
            if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
                let (y, md) = t.split_at(4);
                let (m, d) = md.split_at(2);
                return ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
            }
            // Drop a time part: `1985-04-12T00:00:00Z`, `1985/04/12 00:00`.
            let date = t.split(['T', ' ']).next().unwrap_or(t);
            let (y, rest) = date.split_once(['-', '/', '.', '年'])?;
            (y.trim().parse().ok()?, rest.to_string())
        }
    };
    let (m, d) = rest.split_once(['-', '/', '.', '月'])?;
    let d = d.strip_suffix('日').unwrap_or(d);
    ymd(year, m.trim().parse().ok()?, d.trim().parse().ok()?)
}

/// `YYYY-MM-DD` when the date exists (Gregorian calendar).
fn ymd(y: i32, m: u32, d: u32) -> Option<String> {
    if !(1800..=2200).contains(&y) {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d == 0 || d > days {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_handles_width_case_and_spaces() {
        assert_eq!(fold("ＹＡＭＡＤＡ　Ｔａｒｏ"), "yamadataro");
        assert_eq!(fold("  Yamada   Taro "), "yamadataro");
        assert_eq!(fold("山田　太郎"), "山田太郎");
        assert_eq!(fold("ジョン・スミス"), "ジョンスミス");
        assert_eq!(fold("ｼﾞｮﾝ･ｽﾐｽ"), "ジョンスミス");
        assert_eq!(fold("Anne-Marie O'Neil"), "anne-marieo'neil");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn kana_folds_script_and_width() {
        let a = kana("ヤマダ タロウ");
        assert_eq!(a, "やまだたろう");
        assert_eq!(kana("やまだたろう"), a);
        assert_eq!(kana("ﾔﾏﾀﾞ ﾀﾛｳ"), a);
        assert_eq!(kana("ヤマダ・タロウ"), a);
        assert_eq!(kana("ヴァン"), "ゔぁん");
        assert_eq!(kana("コーヒー"), "こーひー");
        assert_ne!(kana("ヤマダ"), kana("ヤマモト"));
    }

    #[test]
    fn kana_only_detection() {
        assert!(is_kana_only("ヤマダ タロウ"));
        assert!(is_kana_only("ﾔﾏﾀﾞ"));
        assert!(is_kana_only("やまだ・たろう"));
        assert!(!is_kana_only("山田 太郎"));
        assert!(!is_kana_only("Yamada"));
        assert!(!is_kana_only("・ "));
    }

    #[test]
    fn email_normalises_and_validates() {
        assert_eq!(
            email("ＹＡＭＡＤＡ＠ＥＸＡＭＰＬＥ．ＪＰ").as_deref(),
            Some("yamada@example.jp")
        );
        assert_eq!(
            email("  Taro.Yamada@Example.CO.JP ").as_deref(),
            Some("taro.yamada@example.co.jp")
        );
        assert_eq!(
            email("jane+news@mail.example.com").as_deref(),
            Some("jane+news@mail.example.com")
        );
        assert_eq!(email("yamada@localhost"), None);
        assert_eq!(email("@example.jp"), None);
        assert_eq!(email("a@b@example.jp"), None);
        assert_eq!(email("yamada example.jp"), None);
        assert_eq!(email("ya mada@example.jp"), None);
        assert_eq!(email("yamada@.example.jp"), None);
        assert_eq!(email("yamada@example..jp"), None);
        assert_eq!(email(""), None);
    }

    #[test]
    fn japanese_phone_formats_meet_in_e164() {
        let mobile = Some("+819012345678".to_string());
        for input in [
            "090-1234-5678",
            "09012345678",
            "+81 90 1234 5678",
            "+81-(0)90-1234-5678",
            "+81 090 1234 5678",
            "０９０１２３４５６７８",
            "０９０－１２３４－５６７８",
            "090ー1234ー5678",
            "81 90 1234 5678",
            "090.1234.5678",
            "010-81-90-1234-5678",
            "0081 90 1234 5678",
        ] {
            assert_eq!(phone(input), mobile, "input {input:?}");
        }
        assert_eq!(phone("(03) 1234-5678").as_deref(), Some("+81312345678"));
        assert_eq!(phone("03-1234-5678").as_deref(), Some("+81312345678"));
        assert_eq!(phone("0120-123-456").as_deref(), Some("+81120123456"));
    }

    #[test]
    fn foreign_and_bad_phones() {
        assert_eq!(phone("+1 (415) 555-0100").as_deref(), Some("+14155550100"));
        assert_eq!(phone("+44 20 7946 0958").as_deref(), Some("+442079460958"));
        assert_eq!(phone("0312345"), None, "too few digits");
        assert_eq!(phone("090-1234-56789"), None, "too many digits");
        assert_eq!(phone("1234567890"), None, "no country known");
        assert_eq!(phone("090-1234-5678 ext 2"), None);
        assert_eq!(phone("tel 09012345678"), None);
        assert_eq!(phone("+81+9012345678"), None);
        assert_eq!(phone("+123"), None);
        assert_eq!(phone(""), None);
    }

    #[test]
    fn national_form_of_japanese_numbers() {
        assert_eq!(
            phone_national("+819012345678").as_deref(),
            Some("09012345678")
        );
        assert_eq!(
            phone_national("+81312345678").as_deref(),
            Some("0312345678")
        );
        assert_eq!(phone_national("+14155550100"), None);
        assert_eq!(phone_national("+81abc"), None);
    }

    #[test]
    fn name_keys_meet_across_orders_and_spacing() {
        let k = |s: &str| name_keys(s);
        let meets = |a: &str, b: &str| k(a).iter().any(|x| k(b).contains(x));
        assert!(meets("Taro Yamada", "YAMADA Taro"));
        assert!(meets("YAMADA, Taro", "Taro Yamada"));
        assert!(meets("山田太郎", "山田 太郎"));
        assert!(meets("山田　太郎", "山田・太郎"));
        assert!(meets("ＴＡＲＯ　ＹＡＭＡＤＡ", "taro yamada"));
        assert!(!meets("Taro Yamada", "Jiro Yamada"));
        assert_eq!(k("Taro Yamada"), vec!["taroyamada".to_string()]);
        assert_eq!(
            k("Yamada Taro"),
            vec!["yamadataro".to_string(), "taroyamada".to_string()]
        );
        assert!(k("").is_empty());
        assert!(k("  　 ").is_empty());
    }

    #[test]
    fn birth_dates_in_common_formats() {
        let want = Some("1985-04-12".to_string());
        for input in [
            "1985-04-12",
            "1985/4/12",
            "1985.04.12",
            "19850412",
            "1985年4月12日",
            "１９８５年４月１２日",
            "１９８５－０４－１２",
            "昭和60年4月12日",
            "1985-04-12T00:00:00Z",
            " 1985/04/12 ",
        ] {
            assert_eq!(birth_date(input), want, "input {input:?}");
        }
        assert_eq!(birth_date("平成元年1月8日").as_deref(), Some("1989-01-08"));
        assert_eq!(birth_date("令和2年2月29日").as_deref(), Some("2020-02-29"));
    }

    #[test]
    fn impossible_birth_dates_are_rejected() {
        assert_eq!(birth_date("1985-02-30"), None);
        assert_eq!(birth_date("2023-02-29"), None);
        assert_eq!(birth_date("1985-13-01"), None);
        assert_eq!(birth_date("19851301"), None);
        assert_eq!(birth_date("昭和65年1月1日"), None);
        assert_eq!(birth_date("0000-01-01"), None);
        assert_eq!(birth_date("1900-02-29"), None);
        assert_eq!(birth_date("2000-02-29").as_deref(), Some("2000-02-29"));
        assert_eq!(birth_date("1985-04-00"), None);
        assert_eq!(birth_date("April 12, 1985"), None);
        assert_eq!(birth_date("1985"), None);
        assert_eq!(birth_date(""), None);
    }
}
