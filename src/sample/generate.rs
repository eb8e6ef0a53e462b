//! The seeded generator of the sample data. Its output is committed as
//! data/sample/<system>.json; a test checks the files still equal it, and
//! `PRIVDESK_REGENERATE_SAMPLE=1 cargo test sample::generate` rewrites them.
//!
//! The random source is a local SplitMix64 with a fixed seed rather than a
//! library generator, so the output can never change with a dependency update.

use super::names::{
    BUILDINGS, DOMAINS, JP_FAMILY, JP_GIVEN_FEMALE, JP_GIVEN_MALE, PLACES, TOWNS, WEST_FAMILY,
    WEST_GIVEN,
};
use super::people::{full_width, hiragana, stories, Person, Phone, Sys};
use crate::connectors::path::JsonPath;
use serde_json::{json, Value};
use std::collections::HashSet;

/// The fixed seed of the sample data.
pub const SEED: u64 = 0x5052_4956_4445_534b; // "PRIVDESK"

/// How many people the generator makes (stories included).
pub const PEOPLE: usize = 320;

/// SplitMix64: small, fast and fully specified.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with the given percentage.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// The generated records of every system, in the order they are served.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleData {
    pub crm: Vec<Value>,
    pub billing: Vec<Value>,
    pub support: Vec<Value>,
    pub loyalty: Vec<Value>,
    pub mailing: Vec<Value>,
}

impl SampleData {
    pub fn get(&self, s: Sys) -> &Vec<Value> {
        match s {
            Sys::Crm => &self.crm,
            Sys::Billing => &self.billing,
            Sys::Support => &self.support,
            Sys::Loyalty => &self.loyalty,
            Sys::Mailing => &self.mailing,
        }
    }

    fn get_mut(&mut self, s: Sys) -> &mut Vec<Value> {
        match s {
            Sys::Crm => &mut self.crm,
            Sys::Billing => &mut self.billing,
            Sys::Support => &mut self.support,
            Sys::Loyalty => &mut self.loyalty,
            Sys::Mailing => &mut self.mailing,
        }
    }
}

/// Generate the sample data (deterministic).
pub fn generate() -> SampleData {
    let mut rng = Rng::new(SEED);
    let people = people(&mut rng);
    let mut data = SampleData {
        crm: vec![],
        billing: vec![],
        support: vec![],
        loyalty: vec![],
        mailing: vec![],
    };
    for s in Sys::ALL {
        for p in people.iter().filter(|p| p.in_sys(s)) {
            let seq = data.get(s).len();
            let mut rec = match s {
                Sys::Crm => crm(p, seq, &mut rng),
                Sys::Billing => billing(p, seq, &mut rng),
                Sys::Support => support(p, seq, &mut rng),
                Sys::Loyalty => loyalty(p, seq, &mut rng),
                Sys::Mailing => mailing(p, seq, &mut rng),
            };
            for (os, path, v) in &p.overrides {
                if *os == s {
                    if let Ok(jp) = JsonPath::parse(path) {
                        jp.set(&mut rec, v.clone());
                    }
                }
            }
            data.get_mut(s).push(rec);
        }
    }
    data
}

/// The committed files: (file name, pretty JSON with a final newline).
pub fn files(data: &SampleData) -> Vec<(String, String)> {
    Sys::ALL
        .iter()
        .map(|s| {
            let text = serde_json::to_string_pretty(data.get(*s)).unwrap_or_default();
            (format!("{}.json", s.name()), text + "\n")
        })
        .collect()
}

/// Story people first, then bulk people up to `PEOPLE`.
fn people(rng: &mut Rng) -> Vec<Person> {
    let mut out = stories();
    let mut emails: HashSet<String> = out.iter().map(|p| p.email.clone()).collect();
    let mut phones: HashSet<String> = out.iter().map(|p| p.phone.digits.clone()).collect();
    while out.len() < PEOPLE {
        let p = bulk_person(rng, &mut emails, &mut phones);
        out.push(p);
    }
    out
}

fn bulk_person(
    rng: &mut Rng,
    emails: &mut HashSet<String>,
    phones: &mut HashSet<String>,
) -> Person {
    let western = rng.chance(12);
    let female = rng.chance(50);
    let (family, given) = if western {
        (*rng.pick(WEST_FAMILY), *rng.pick(WEST_GIVEN))
    } else if female {
        (*rng.pick(JP_FAMILY), *rng.pick(JP_GIVEN_FEMALE))
    } else {
        (*rng.pick(JP_FAMILY), *rng.pick(JP_GIVEN_MALE))
    };
    // A few married women whose name changed in crm only.
    let old_family = (!western && female && rng.chance(4))
        .then(|| *rng.pick(JP_FAMILY))
        .filter(|o| *o != family);
    let birth = (
        rng.range(1945, 2005) as u16,
        rng.range(1, 12) as u8,
        rng.range(1, 28) as u8,
    );
    let place = *rng.pick(PLACES);

    let email = loop {
        let g = given.romaji.to_lowercase();
        let f = old_family.unwrap_or(family).romaji.to_lowercase();
        let domain = rng.pick(DOMAINS);
        let local = match rng.below(5) {
            0 => format!("{g}.{f}"),
            1 => format!("{}{f}{:02}", &g[..1], birth.0 % 100),
            2 => format!("{f}.{g}{}", rng.range(1, 99)),
            3 => format!("{g}_{f}"),
            _ => format!("{g}{}", rng.range(100, 999)),
        };
        let e = format!("{local}@{domain}");
        if emails.insert(e.clone()) {
            break e;
        }
    };
    let phone = loop {
        let ph = if rng.chance(80) {
            let prefix = rng.pick(&["070", "080", "090"]);
            Phone::new(&format!("{prefix}{}", rng.digits(8)), [3, 4, 4])
        } else {
            let area = place.area_code;
            let rest = rng.digits(10 - area.len());
            // Keep the local exchange from starting with 0.
            let rest = format!("{}{}", rng.range(2, 9), &rest[1..]);
            let groups = if area.len() == 2 {
                [2, 4, 4]
            } else {
                [3, 3, 4]
            };
            Phone::new(&format!("{area}{rest}"), groups)
        };
        if phones.insert(ph.digits.clone()) {
            break ph;
        }
    };
    let mut line1 = format!(
        "{}{}-{}-{}",
        rng.pick(TOWNS),
        rng.range(1, 9),
        rng.range(1, 30),
        rng.range(1, 20)
    );
    if rng.chance(30) {
        line1.push_str(&format!(
            " {}{}",
            rng.pick(BUILDINGS),
            rng.range(1, 5) * 100 + rng.range(1, 9)
        ));
    }
    let mut systems = [
        rng.chance(85),
        rng.chance(60),
        rng.chance(45),
        rng.chance(50),
        rng.chance(50),
    ];
    if !systems.iter().any(|s| *s) {
        systems[0] = true;
    }
    Person {
        family,
        given,
        western,
        old_family,
        email,
        phone,
        birth,
        place,
        postal: format!("{}-{}", place.postal3, rng.digits(4)),
        line1,
        systems,
        vary: true,
        overrides: Vec::new(),
    }
}

fn date(y: u64, m: u64, d: u64) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

fn random_date(rng: &mut Rng, from_year: u64, to_year: u64) -> String {
    date(
        rng.range(from_year, to_year),
        rng.range(1, 12),
        rng.range(1, 28),
    )
}

/// `Taro.Yamada@Example.jp`: each dot- or at-separated part capitalised.
fn title_case_email(e: &str) -> String {
    let mut out = String::with_capacity(e.len());
    let mut start = true;
    for c in e.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c == '.' || c == '@';
    }
    out
}

/// Name written with family first (Japanese) or given first (Western).
fn written_name(p: &Person, s: Sys, sep: &str) -> String {
    let f = p.family_in(s);
    if p.western {
        format!("{}{sep}{}", p.given.written, f.written)
    } else {
        format!("{}{sep}{}", f.written, p.given.written)
    }
}

fn kana_name(p: &Person, s: Sys) -> String {
    let f = p.family_in(s);
    if p.western {
        format!("{} {}", p.given.kana, f.kana)
    } else {
        format!("{} {}", f.kana, p.given.kana)
    }
}

const NOTES: &[&str] = &[
    "",
    "",
    "Prefers contact by email.",
    "Moved house in 2024; address confirmed by phone.",
    "Asked about the privacy policy at the counter.",
    "VIP event invitee.",
    "Requested paper invoices.",
    "電話は平日夕方希望",
];

fn crm(p: &Person, seq: usize, rng: &mut Rng) -> Value {
    let email = if p.vary && rng.chance(10) {
        title_case_email(&p.email)
    } else {
        p.email.clone()
    };
    let phone = if p.vary && rng.chance(10) {
        p.phone.compact()
    } else {
        p.phone.hyphenated()
    };
    let segment = rng.pick(&["bronze", "silver", "gold", "platinum"]);
    let since = random_date(rng, 2012, 2025);
    let notes = rng.pick(NOTES);
    let opt_in = rng.chance(55);
    let updated = format!(
        "{}T{:02}:{:02}:00+09:00",
        random_date(rng, 2025, 2026),
        rng.range(9, 18),
        rng.range(0, 59)
    );
    let f = p.family;
    json!({
        "id": format!("C-{}", 1001 + seq),
        "full_name": written_name(p, Sys::Crm, " "),
        "name_romaji": format!("{} {}", p.given.romaji, f.romaji),
        "kana": kana_name(p, Sys::Crm),
        "email": email,
        "phone": phone,
        "birth_date": date(p.birth.0 as u64, p.birth.1 as u64, p.birth.2 as u64),
        "address": {
            "postal_code": p.postal,
            "prefecture": p.place.prefecture,
            "city": p.place.city,
            "line1": p.line1,
        },
        "customer_since": since,
        "segment": segment,
        "notes": notes,
        "marketing_opt_in": opt_in,
        "updated_at": updated,
    })
}

fn billing(p: &Person, seq: usize, rng: &mut Rng) -> Value {
    let f = p.family_in(Sys::Billing);
    let email = if p.vary && rng.chance(35) {
        title_case_email(&p.email)
    } else {
        p.email.clone()
    };
    let phone = if p.vary && rng.chance(20) {
        p.phone.hyphenated()
    } else {
        p.phone.international()
    };
    let kana_hira = p.vary && rng.chance(20);
    let reading = |k: &str| {
        if kana_hira {
            hiragana(k)
        } else {
            k.to_string()
        }
    };
    let mut phones =
        vec![json!({"type": if p.phone.is_mobile() { "mobile" } else { "home" }, "number": phone})];
    if rng.chance(15) {
        phones.push(json!({"type": "work", "number": format!("+81 3 {} {}", rng.range(3000, 6999), rng.range(1000, 9999))}));
    }
    let plan = rng.pick(&["basic", "standard", "premium", "family"]);
    let balance = rng.range(0, 300) * 100;
    let status = if rng.chance(90) {
        "active"
    } else {
        rng.pick(&["suspended", "closed"])
    };
    let card = rng.pick(&["visa", "mastercard", "jcb", "amex"]);
    let last4 = rng.digits(4);
    let invoices: Vec<Value> = (0..rng.range(1, 3))
        .map(|n| {
            json!({
                "invoice_id": format!("INV-{}-{}", 77 + seq, n + 1),
                "issued": random_date(rng, 2025, 2026),
                "amount_jpy": rng.range(5, 120) * 100,
                "status": rng.pick(&["paid", "paid", "paid", "overdue"]),
            })
        })
        .collect();
    json!({
        "account_id": format!("B-{}", 77 + seq),
        "holder": {
            "family_name": f.written,
            "given_name": p.given.written,
            "family_name_kana": reading(f.kana),
            "given_name_kana": reading(p.given.kana),
            "date_of_birth": format!("{:04}/{:02}/{:02}", p.birth.0, p.birth.1, p.birth.2),
        },
        "contact": {
            "emails": [{"address": email, "primary": true}],
            "phones": phones,
        },
        "billing_address": {
            "zip": p.postal.replace('-', ""),
            "state": p.place.prefecture,
            "city": p.place.city,
            "street": p.line1,
        },
        "plan": plan,
        "balance_jpy": balance,
        "status": status,
        "payment_method": {"type": "card", "brand": card, "last4": last4},
        "invoices": invoices,
    })
}

const SUBJECTS: &[&str] = &[
    "Cannot log in",
    "Invoice amount looks wrong",
    "Change of address",
    "Delivery delayed",
    "Please stop the newsletter",
    "ポイントが反映されない",
    "Question about my data",
];

fn support(p: &Person, seq: usize, rng: &mut Rng) -> Value {
    let f = p.family_in(Sys::Support);
    let name = if p.western {
        if p.vary && rng.chance(5) {
            format!("{} {}", f.written, p.given.written)
        } else {
            format!("{} {}", p.given.written, f.written)
        }
    } else if p.vary && rng.chance(40) {
        format!("{}{}", f.written, p.given.written)
    } else {
        let mut family = f.romaji.to_string();
        if p.vary && rng.chance(4) && family.len() > 4 {
            // A typing slip: one letter dropped.
            family.remove(family.len() / 2);
        }
        format!("{family} {}", p.given.romaji)
    };
    let email = if p.vary && rng.chance(30) {
        p.email.to_uppercase()
    } else {
        p.email.clone()
    };
    let phone = if p.vary && rng.chance(10) {
        Value::Null
    } else if p.vary && rng.chance(15) {
        json!(p.phone.hyphenated())
    } else {
        json!(p.phone.compact())
    };
    let open = rng.range(0, 3);
    let last = random_date(rng, 2025, 2026);
    let count = open.max(1) + rng.range(0, 2);
    let tickets: Vec<Value> = (0..count)
        .map(|n| {
            json!({
                "ticket_id": 50_000 + seq as u64 * 10 + n,
                "subject": rng.pick(SUBJECTS),
                "status": if n < open { "open" } else { "solved" },
                "created_at": random_date(rng, 2024, 2026),
            })
        })
        .collect();
    json!({
        "requester_id": 9001 + seq,
        "name": name,
        "email": email,
        "phone": phone,
        "open_tickets": open,
        "last_contact": last,
        "tickets": tickets,
        "notes": "",
    })
}

fn loyalty(p: &Person, seq: usize, rng: &mut Rng) -> Value {
    let wide_space = p.vary && rng.chance(30);
    let name = written_name(
        p,
        Sys::Loyalty,
        if wide_space && !p.western {
            "\u{3000}"
        } else {
            " "
        },
    );
    let tel = match (p.vary, rng.below(100)) {
        (true, 0..=24) => full_width(&p.phone.compact()),
        (true, 25..=39) => p.phone.compact(),
        _ => p.phone.hyphenated(),
    };
    let postal = if p.vary && rng.chance(20) {
        full_width(&p.postal)
    } else {
        p.postal.clone()
    };
    let points = rng.range(0, 200) * 50;
    let rank = match points {
        0..=2999 => "bronze",
        3000..=6999 => "silver",
        _ => "gold",
    };
    let joined = random_date(rng, 2015, 2025);
    let history: Vec<Value> = (0..rng.range(1, 3))
        .map(|_| {
            json!({
                "date": random_date(rng, 2025, 2026),
                "points": rng.range(1, 40) * 10,
                "reason": rng.pick(&["purchase", "campaign", "birthday bonus", "redeemed"]),
            })
        })
        .collect();
    json!({
        "member_no": format!("L-{:05}", 42 + seq),
        "profile": {
            "name": {"kanji": name, "kana": kana_name(p, Sys::Loyalty)},
            "birthday": format!("{:04}{:02}{:02}", p.birth.0, p.birth.1, p.birth.2),
            "tel": tel,
            "postal": postal,
            "address": format!("{}{}{}", p.place.prefecture, p.place.city, p.line1),
        },
        "points": points,
        "rank": rank,
        "joined_at": joined,
        "history": history,
    })
}

const LISTS: &[&str] = &["newsletter", "offers", "events", "product-updates"];

fn mailing(p: &Person, seq: usize, rng: &mut Rng) -> Value {
    let lists: Vec<&str> = LISTS.iter().copied().filter(|_| rng.chance(45)).collect();
    let lists = if lists.is_empty() {
        vec!["newsletter"]
    } else {
        lists
    };
    let status = match rng.below(10) {
        0 => "unsubscribed",
        1 => "bounced",
        _ => "subscribed",
    };
    let at = format!(
        "{}T{:02}:{:02}:00+09:00",
        random_date(rng, 2018, 2026),
        rng.range(0, 23),
        rng.range(0, 59)
    );
    let unsubscribed = (status == "unsubscribed").then(|| random_date(rng, 2025, 2026));
    let source = rng.pick(&["signup-form", "checkout", "store-event", "import"]);
    json!({
        "sid": format!("S-{}", 5 + seq),
        "email": p.email,
        "status": status,
        "lists": lists,
        "subscribed_at": at,
        "unsubscribed_at": unsubscribed,
        "consent_source": source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// data/sample/ of the crate this file belongs to.
    fn data_dir() -> PathBuf {
        let here = PathBuf::from(file!());
        let here = if here.is_absolute() {
            here
        } else {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(here)
        };
        // src/sample/generate.rs -> crate root
        let root = here
            .parent()
            .and_then(|p| p.parent())
            .and_then(|p| p.parent())
            .expect("crate root");
        root.join("data").join("sample")
    }

    #[test]
    fn committed_files_equal_the_generator_output() {
        let data = generate();
        let dir = data_dir();
        let regenerate = std::env::var("PRIVDESK_REGENERATE_SAMPLE").is_ok_and(|v| v == "1");
        for (name, text) in files(&data) {
            let path = dir.join(&name);
            if regenerate {
                std::fs::write(&path, &text)
                    .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
            }
            let committed = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            assert!(
                committed == text,
                "{} differs from the generator's output; run PRIVDESK_REGENERATE_SAMPLE=1 cargo test sample::generate",
                path.display()
            );
        }
    }

    #[test]
    fn generation_is_deterministic_and_sized() {
        let a = generate();
        assert_eq!(a, generate());
        let total: usize = Sys::ALL.iter().map(|s| a.get(*s).len()).sum();
        assert!(a.crm.len() >= 250, "crm has {}", a.crm.len());
        assert!(
            total >= 2 * PEOPLE,
            "only {total} records for {PEOPLE} people"
        );
        for s in Sys::ALL {
            assert!(
                a.get(s).len() >= 100,
                "{} has only {}",
                s.name(),
                a.get(s).len()
            );
        }
    }

    #[test]
    fn ids_are_unique_per_system() {
        let d = generate();
        for (s, key) in [
            (Sys::Crm, "id"),
            (Sys::Billing, "account_id"),
            (Sys::Support, "requester_id"),
            (Sys::Loyalty, "member_no"),
            (Sys::Mailing, "sid"),
        ] {
            let ids: HashSet<String> = d.get(s).iter().map(|r| r[key].to_string()).collect();
            assert_eq!(ids.len(), d.get(s).len(), "duplicate ids in {}", s.name());
        }
    }

    #[test]
    fn only_fictional_mail_domains() {
        let d = generate();
        let texts = [
            d.crm
                .iter()
                .map(|r| r["email"].as_str().unwrap_or("").to_string())
                .collect::<Vec<_>>(),
            d.mailing
                .iter()
                .map(|r| r["email"].as_str().unwrap_or("").to_string())
                .collect(),
        ];
        for e in texts.iter().flatten() {
            let e = e.to_lowercase();
            assert!(DOMAINS.iter().any(|d| e.ends_with(&format!("@{d}"))), "{e}");
        }
    }

    #[test]
    fn phone_formats() {
        let p = Phone::new("09012345678", [3, 4, 4]);
        assert_eq!(p.hyphenated(), "090-1234-5678");
        assert_eq!(p.international(), "+81 90 1234 5678");
        assert_eq!(full_width(&p.compact()), "０９０１２３４５６７８");
        let l = Phone::new("0332109876", [2, 4, 4]);
        assert_eq!(l.international(), "+81 3 3210 9876");
        assert_eq!(
            title_case_email("taro.yamada@example.jp"),
            "Taro.Yamada@Example.Jp"
        );
    }
}
