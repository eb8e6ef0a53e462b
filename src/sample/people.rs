//! The people behind the sample data: one canonical person each, with the
//! systems they appear in and hand-set differences for the story customers
//! (documented in data/sample/README.md).

use super::names::{NamePart, Place, PLACES};
use serde_json::{json, Value};

/// The five sample systems, in port order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sys {
    Crm,
    Billing,
    Support,
    Loyalty,
    Mailing,
}

impl Sys {
    pub const ALL: [Sys; 5] = [
        Sys::Crm,
        Sys::Billing,
        Sys::Support,
        Sys::Loyalty,
        Sys::Mailing,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Sys::Crm => "crm",
            Sys::Billing => "billing",
            Sys::Support => "support",
            Sys::Loyalty => "loyalty",
            Sys::Mailing => "mailing",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A phone number: national digits and how they group when written
/// (`[3, 4, 4]` for `090-1234-5678`, `[2, 4, 4]` for `03-1234-5678`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub digits: String,
    pub groups: [usize; 3],
}

impl Phone {
    pub fn new(digits: &str, groups: [usize; 3]) -> Phone {
        Phone {
            digits: digits.to_string(),
            groups,
        }
    }

    pub fn is_mobile(&self) -> bool {
        ["070", "080", "090"]
            .iter()
            .any(|p| self.digits.starts_with(p))
    }

    fn parts(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = 0;
        for g in self.groups {
            let end = (at + g).min(self.digits.len());
            out.push(&self.digits[at..end]);
            at = end;
        }
        if at < self.digits.len() {
            out.push(&self.digits[at..]);
        }
        out
    }

    /// `090-1234-5678`
    pub fn hyphenated(&self) -> String {
        self.parts().join("-")
    }

    /// `09012345678`
    pub fn compact(&self) -> String {
        self.digits.clone()
    }

    /// `+81 90 1234 5678`
    pub fn international(&self) -> String {
        let mut parts = self.parts();
        let first = parts[0].strip_prefix('0').unwrap_or(parts[0]);
        parts[0] = first;
        format!("+81 {}", parts.join(" "))
    }
}

/// ASCII to full-width forms (`0` -> `０`, `-` -> `－`, space -> ideographic space).
pub fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// Katakana to hiragana (for systems that store readings in hiragana).
pub fn hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// One fictional customer.
#[derive(Debug, Clone)]
pub struct Person {
    pub family: NamePart,
    pub given: NamePart,
    pub western: bool,
    /// Family name before marriage, still held by every system but crm.
    pub old_family: Option<NamePart>,
    /// Canonical email, lower case.
    pub email: String,
    pub phone: Phone,
    pub birth: (u16, u8, u8),
    pub place: Place,
    /// `100-0001`
    pub postal: String,
    /// Street line (fictional).
    pub line1: String,
    pub systems: [bool; 5],
    /// Bulk people get random formatting differences; story people keep the
    /// canonical formats plus their `overrides`.
    pub vary: bool,
    /// Values set after rendering: (system, JSON path in the record, value).
    pub overrides: Vec<(Sys, &'static str, Value)>,
}

impl Person {
    pub fn in_sys(&self, s: Sys) -> bool {
        self.systems[s.index()]
    }

    /// Family name as a given system holds it (old name outside crm).
    pub fn family_in(&self, s: Sys) -> NamePart {
        match (s, self.old_family) {
            (Sys::Crm, _) | (_, None) => self.family,
            (_, Some(old)) => old,
        }
    }
}

const fn np(written: &'static str, kana: &'static str, romaji: &'static str) -> NamePart {
    NamePart {
        written,
        kana,
        romaji,
    }
}

#[allow(clippy::too_many_arguments)]
fn story(
    family: NamePart,
    given: NamePart,
    western: bool,
    birth: (u16, u8, u8),
    email: &str,
    phone: Phone,
    place: usize,
    postal_tail: &str,
    line1: &str,
    systems: &[Sys],
) -> Person {
    let place = PLACES[place % PLACES.len()];
    let mut in_sys = [false; 5];
    for s in systems {
        in_sys[s.index()] = true;
    }
    Person {
        family,
        given,
        western,
        old_family: None,
        email: email.to_string(),
        phone,
        birth,
        place,
        postal: format!("{}-{}", place.postal3, postal_tail),
        line1: line1.to_string(),
        systems: in_sys,
        vary: false,
        overrides: Vec::new(),
    }
}

/// The story customers, in a fixed order (they get the first ids).
pub fn stories() -> Vec<Person> {
    use Sys::*;
    let yamada = np("山田", "ヤマダ", "Yamada");
    let taro = np("太郎", "タロウ", "Taro");
    let mut out = Vec::new();

    // 1. Taro Yamada: in all five systems, formatted differently in each.
    let mut p = story(
        yamada,
        taro,
        false,
        (1985, 4, 12),
        "taro.yamada@example.jp",
        Phone::new("09012345678", [3, 4, 4]),
        0,
        "0001",
        "みどり台1-2-3",
        &[Crm, Billing, Support, Loyalty, Mailing],
    );
    p.overrides = vec![
        (Crm, "segment", json!("gold")),
        (
            Billing,
            "contact.emails[0].address",
            json!("Taro.Yamada@Example.jp"),
        ),
        (Billing, "plan", json!("premium")),
        (Billing, "balance_jpy", json!(1200)),
        (Support, "email", json!("TARO.YAMADA@EXAMPLE.JP")),
        (Support, "open_tickets", json!(2)),
        (Support, "last_contact", json!("2026-10-02")),
        (Loyalty, "profile.tel", json!("０９０１２３４５６７８")),
        (Loyalty, "points", json!(4200)),
        (Loyalty, "rank", json!("silver")),
    ];
    out.push(p);

    // 2. The other 山田 太郎: a different person (birth date, email, landline).
    out.push(story(
        yamada,
        taro,
        false,
        (1962, 11, 3),
        "yamada.t62@example.com",
        Phone::new("0452223344", [3, 3, 4]),
        4,
        "0033",
        "桜ヶ丘4-5-6",
        &[Crm, Loyalty],
    ));

    // 3. Hanako Suzuki, née Sato: crm has the married name, the rest the old one.
    let mut p = story(
        np("鈴木", "スズキ", "Suzuki"),
        np("花子", "ハナコ", "Hanako"),
        false,
        (1990, 7, 21),
        "hanako.sato@example.net",
        Phone::new("08055501234", [3, 4, 4]),
        8,
        "0011",
        "若葉町2-8-1 サンプルハイツ302",
        &[Crm, Billing, Support, Mailing],
    );
    p.old_family = Some(np("佐藤", "サトウ", "Sato"));
    out.push(p);

    // 4. Kenichi Takahashi: support holds a misspelt name.
    let mut p = story(
        np("高橋", "タカハシ", "Takahashi"),
        np("健一", "ケンイチ", "Kenichi"),
        false,
        (1978, 1, 30),
        "k.takahashi@example.org",
        Phone::new("07031415926", [3, 4, 4]),
        12,
        "0008",
        "栄町3-3-9",
        &[Crm, Billing, Support],
    );
    p.overrides = vec![(Support, "name", json!("Takahshi Kenichi"))];
    out.push(p);

    // 5. Emily Johnson: Western name, written family-first by support.
    let mut p = story(
        np("Johnson", "ジョンソン", "Johnson"),
        np("Emily", "エミリー", "Emily"),
        true,
        (1992, 9, 5),
        "emily.johnson@example.com",
        Phone::new("08098765432", [3, 4, 4]),
        1,
        "0022",
        "本町5-1-10 グリーンテラス105",
        &[Crm, Billing, Support, Loyalty],
    );
    p.overrides = vec![
        (
            Billing,
            "contact.emails[0].address",
            json!("Emily.Johnson@example.com"),
        ),
        (Support, "name", json!("Johnson Emily")),
    ];
    out.push(p);

    // 6. Misaki Ito: full-width and half-width characters in several systems.
    let mut p = story(
        np("伊藤", "イトウ", "Ito"),
        np("美咲", "ミサキ", "Misaki"),
        false,
        (1999, 12, 24),
        "misaki.ito@example.jp",
        Phone::new("09024681357", [3, 4, 4]),
        10,
        "0815",
        "柳町7-2",
        &[Crm, Billing, Support, Loyalty, Mailing],
    );
    p.overrides = vec![
        (Billing, "holder.family_name_kana", json!("ｲﾄｳ")),
        (Billing, "holder.given_name_kana", json!("ﾐｻｷ")),
        (
            Support,
            "email",
            json!("ｍｉｓａｋｉ．ｉｔｏ＠ｅｘａｍｐｌｅ．ｊｐ"),
        ),
        (Loyalty, "profile.name.kanji", json!("伊藤\u{3000}美咲")),
        (Loyalty, "profile.tel", json!("０９０－２４６８－１３５７")),
    ];
    out.push(p);

    // 7. Rei Kobayashi: support text carries a terminal escape sequence.
    let mut p = story(
        np("小林", "コバヤシ", "Kobayashi"),
        np("玲", "レイ", "Rei"),
        false,
        (1988, 3, 3),
        "rei.kobayashi@example.net",
        Phone::new("08043218765", [3, 4, 4]),
        13,
        "0012",
        "東雲1-1-1",
        &[Crm, Support],
    );
    p.overrides = vec![
        (
            Support,
            "name",
            json!("Kobayashi Rei \u{1b}[31m[URGENT]\u{1b}[0m"),
        ),
        (
            Support,
            "notes",
            json!("Pasted from a terminal: \u{1b}[2J\u{1b}[1;31mALL CAPS RED\u{1b}[0m\u{7}"),
        ),
    ];
    out.push(p);

    // 8. Osamu Nakamura: a Tokyo landline in three formats.
    let mut p = story(
        np("中村", "ナカムラ", "Nakamura"),
        np("修", "オサム", "Osamu"),
        false,
        (1955, 6, 15),
        "osamu.nakamura@example.org",
        Phone::new("0332109876", [2, 4, 4]),
        1,
        "0023",
        "富士見町6-6-6",
        &[Crm, Billing, Loyalty],
    );
    p.overrides = vec![(Loyalty, "profile.tel", json!("0332109876"))];
    out.push(p);

    // 9. Two different 田中 美穂.
    let tanaka = np("田中", "タナカ", "Tanaka");
    let miho = np("美穂", "ミホ", "Miho");
    out.push(story(
        tanaka,
        miho,
        false,
        (1983, 2, 14),
        "miho.tanaka@example.jp",
        Phone::new("09011119999", [3, 4, 4]),
        11,
        "0001",
        "旭町2-2-2",
        &[Crm, Billing],
    ));
    out.push(story(
        tanaka,
        miho,
        false,
        (1996, 8, 8),
        "mtanaka96@example.net",
        Phone::new("07022228888", [3, 4, 4]),
        15,
        "0044",
        "花園8-1-4",
        &[Crm, Support, Mailing],
    ));

    // 10. Two different John Smiths.
    let smith = np("Smith", "スミス", "Smith");
    let john = np("John", "ジョン", "John");
    out.push(story(
        smith,
        john,
        true,
        (1975, 5, 5),
        "john.smith@example.com",
        Phone::new("08077776666", [3, 4, 4]),
        2,
        "0002",
        "青葉台3-9-1",
        &[Crm, Billing],
    ));
    out.push(story(
        smith,
        john,
        true,
        (1989, 10, 10),
        "jsmith89@example.org",
        Phone::new("0662345678", [2, 4, 4]),
        8,
        "0017",
        "光町4-4-12",
        &[Crm, Support, Mailing],
    ));
    out
}
