//! Masking of personal data for display. Masked values keep just enough to
//! confirm a customer on the phone ("the one ending 5678") and nothing more.

/// Which canonical fields are personal data that is masked until revealed.
pub fn is_masked_field(field: &str) -> bool {
    matches!(
        field,
        "email" | "phone" | "postal_code" | "address" | "birth_date"
    )
}

/// Mask a canonical field's value; fields that are not masked come back as is.
pub fn mask_field(field: &str, value: &str) -> String {
    match field {
        "email" => mask_email(value),
        "phone" => mask_phone(value),
        "postal_code" => mask_postal_code(value),
        "address" => mask_address(value),
        "birth_date" => mask_birth_date(value),
        _ => value.to_string(),
    }
}

/// `yamada.taro@example.jp` -> `y***@example.jp`.
pub fn mask_email(value: &str) -> String {
    let value = value.trim();
    match value.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// Any phone format -> `***-****-5678` (the last four digits kept). A
/// value masked already comes back as it is.
pub fn mask_phone(value: &str) -> String {
    if let Some(tail) = value.strip_prefix("***-****-") {
        if tail.len() == 4 && tail.bytes().all(|b| b.is_ascii_digit()) {
            return value.to_string();
        }
    }
    let digits: Vec<char> = value
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            // Full-width digits, common in Japanese input.
            '\u{ff10}'..='\u{ff19}' => char::from_u32(c as u32 - 0xff10 + '0' as u32),
            _ => None,
        })
        .collect();
    if digits.len() < 6 {
        return "***".to_string();
    }
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("***-****-{tail}")
}

/// `100-0001` -> `***-****`.
pub fn mask_postal_code(_value: &str) -> String {
    "***-****".to_string()
}

/// Keep the first three characters (the prefecture, usually) and hide the rest.
pub fn mask_address(value: &str) -> String {
    let head: String = value.trim().chars().take(3).collect();
    if head.is_empty() {
        return String::new();
    }
    format!("{head}***")
}

/// A person's name in lists: the first character of each word, the rest
/// hidden (`Yamada Taro` -> `Y**** T***`, `山田 太郎` -> `山* 太*`).
pub fn mask_name(value: &str) -> String {
    value
        .split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            first + &"*".repeat(chars.count().clamp(1, 6))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `1985-04-12` -> `****-**-**`.
pub fn mask_birth_date(_value: &str) -> String {
    "****-**-**".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_a_masked_value_changes_nothing() {
        for (field, value) in [
            ("email", "yamada@example.jp"),
            ("phone", "090-1234-5678"),
            ("phone", "+81 90 1234 5678"),
            ("postal_code", "100-0001"),
            ("address", "東京都千代田区1-2-3"),
            ("birth_date", "1985-04-12"),
        ] {
            let once = mask_field(field, value);
            assert_eq!(mask_field(field, &once), once, "{field}");
        }
        let name = mask_name("山田 太郎");
        assert_eq!(mask_name(&name), name);
    }

    #[test]
    fn email_keeps_first_letter_and_domain() {
        assert_eq!(mask_email("yamada@example.jp"), "y***@example.jp");
        assert_eq!(mask_email("no-at-sign"), "***");
    }

    #[test]
    fn phone_keeps_last_four_digits_in_any_format() {
        assert_eq!(mask_phone("090-1234-5678"), "***-****-5678");
        assert_eq!(mask_phone("+81 90 1234 5678"), "***-****-5678");
        assert_eq!(mask_phone("０９０１２３４５６７８"), "***-****-5678");
        assert_eq!(mask_phone("12"), "***");
    }

    #[test]
    fn names_keep_the_first_character_of_each_word() {
        assert_eq!(mask_name("Yamada Taro"), "Y***** T***");
        assert_eq!(mask_name("山田 太郎"), "山* 太*");
        assert_eq!(mask_name("  "), "");
    }

    #[test]
    fn address_keeps_prefecture() {
        assert_eq!(mask_address("東京都千代田区1-1"), "東京都***");
        assert_eq!(mask_field("name", "山田"), "山田");
    }
}
