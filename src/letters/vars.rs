//! The placeholders a letter may use, and their values for one case.

use super::template::Vars;
use super::texts::{category_label, ground_text, kind_label, regulator, yen};
use crate::config::LettersConfig;
use crate::domain::{Case, DeliveryFormat, Lang, Law};
use chrono::NaiveDate;

/// Every placeholder name, with what it holds (for docs and error hints).
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("case_id", "the case number, e.g. PD-2026-000001"),
    ("today", "the date the letter is written"),
    ("company", "letters.company (or company_ja)"),
    ("desk", "letters.desk (or desk_ja)"),
    ("desk_contact", "letters.contact (or contact_ja)"),
    (
        "complaint_contact",
        "letters.complaints (or complaints_ja); the desk's contact when empty",
    ),
    (
        "regulator",
        "the authority to complain to under the case's law",
    ),
    (
        "operator",
        "the display name of the operator writing the letter",
    ),
    ("requester_name", "the name of the person the data is about"),
    ("representative_name", "the representative's name, if any"),
    (
        "representative_relation",
        "the representative's relation, if any",
    ),
    ("received_date", "the date the request was received"),
    (
        "due_date",
        "the date the answer is due (after any extension)",
    ),
    ("original_due_date", "the due date before any extension"),
    ("extended_due", "the extended due date"),
    ("extension_reason", "why the deadline was extended"),
    (
        "extension_notice_date",
        "the date the extension was notified",
    ),
    (
        "kind",
        "the request kind (or the category for other contacts)",
    ),
    ("law", "APPI, GDPR or CCPA"),
    ("is_appi", "set for APPI cases (for {{#if}})"),
    ("is_gdpr", "set for GDPR cases"),
    ("is_ccpa", "set for CCPA cases"),
    ("grounds", "the refusal grounds, one per line"),
    ("resolution", "the refusal's explanation or the resolution"),
    ("fee", "the fee, e.g. 800円 / JPY 800"),
    ("fee_paid", "set when the fee is paid"),
    (
        "delivery_electronic",
        "set when disclosure is in electronic form",
    ),
    ("delivery_paper", "set when disclosure is on paper"),
    (
        "package_sha256",
        "the SHA-256 of manifest.json of the last package built, only when it is complete",
    ),
];

/// Whether `name` is a placeholder letters know.
pub fn is_known(name: &str) -> bool {
    PLACEHOLDERS.iter().any(|(n, _)| *n == name)
}

/// What a letter is rendered with besides the case.
pub struct LetterContext<'a> {
    pub letters: &'a LettersConfig,
    pub lang: Lang,
    pub today: NaiveDate,
    /// Display name of the operator writing.
    pub operator: &'a str,
    /// The last disclosure package built for the case: manifest SHA-256
    /// and whether it is complete.
    pub package: Option<(&'a str, bool)>,
}

/// The values of every placeholder for `case`.
pub fn case_vars(case: &Case, cx: &LetterContext<'_>) -> Vars {
    let l = cx.letters;
    let lang = cx.lang;
    let ja = lang == Lang::Ja;
    let date = |d: NaiveDate| lang.date(d);
    let mut v = Vars::default();
    v.set("case_id", case.id.to_string());
    v.set("today", date(cx.today));
    v.set_opt(
        "company",
        Some(l.pick(&l.company, &l.company_ja, ja).to_string()),
        "letters.company is not set in the configuration",
    );
    v.set_opt(
        "desk",
        Some(l.pick(&l.desk, &l.desk_ja, ja).to_string()),
        "letters.desk is not set in the configuration",
    );
    let contact = l.pick(&l.contact, &l.contact_ja, ja).trim_end().to_string();
    let complaints = l.pick(&l.complaints, &l.complaints_ja, ja).trim_end();
    v.set_opt(
        "complaint_contact",
        Some(if complaints.trim().is_empty() {
            contact.clone()
        } else {
            complaints.to_string()
        }),
        "neither letters.complaints nor letters.contact is set in the configuration",
    );
    v.set_opt(
        "desk_contact",
        Some(contact),
        "letters.contact is not set in the configuration",
    );
    v.set("regulator", regulator(case.law, lang));
    v.set("operator", cx.operator);
    let r = &case.requester;
    v.set_opt(
        "requester_name",
        r.name.clone(),
        "the case has no requester name",
    );
    let rep = r.representative.as_ref();
    v.set_opt(
        "representative_name",
        rep.map(|x| x.name.clone()),
        "the request was not made by a representative",
    );
    v.set_opt(
        "representative_relation",
        rep.map(|x| x.relation.clone()),
        "the request was not made by a representative",
    );
    v.set("received_date", date(case.received_at.date_naive()));
    let dl = case.deadlines.as_ref();
    v.set_opt(
        "due_date",
        case.queue_due().map(date),
        "the case has no due date",
    );
    v.set_opt(
        "original_due_date",
        dl.map(|d| date(d.practical_due)),
        "the case has no due date",
    );
    let not_extended = "the deadline has not been extended (privdesk case extend)";
    v.set_opt(
        "extended_due",
        dl.and_then(|d| d.practical_extended_due).map(date),
        not_extended,
    );
    v.set_opt(
        "extension_reason",
        case.extension.as_ref().map(|e| e.reason.clone()),
        not_extended,
    );
    v.set_opt(
        "extension_notice_date",
        case.extension.as_ref().map(|e| date(e.notice_date)),
        not_extended,
    );
    let kind = match case.kind {
        Some(k) => kind_label(k, lang),
        None => category_label(case.category, lang),
    };
    v.set("kind", kind);
    v.set("law", case.law.label());
    for (name, law) in [
        ("is_appi", Law::Appi),
        ("is_gdpr", Law::Gdpr),
        ("is_ccpa", Law::Ccpa),
    ] {
        v.set(name, if case.law == law { "yes" } else { "" });
    }
    let grounds: Vec<String> = case
        .refusal_grounds
        .iter()
        .map(|g| format!("{}{}", if ja { "・" } else { "- " }, ground_text(*g, lang)))
        .collect();
    v.set_opt(
        "grounds",
        (!grounds.is_empty()).then(|| grounds.join("\n")),
        "the case has no refusal grounds (refuse it with privdesk case status CASE refused --ground ...)",
    );
    v.set_opt(
        "resolution",
        case.resolution.clone(),
        "the case has no resolution or refusal explanation",
    );
    v.set_opt(
        "fee",
        case.fee.map(|f| yen(f.amount_jpy, lang)),
        "the case has no fee",
    );
    v.set(
        "fee_paid",
        if case.fee.is_some_and(|f| f.paid) {
            "yes"
        } else {
            ""
        },
    );
    let format = case.delivery_format;
    v.set(
        "delivery_electronic",
        if format == Some(DeliveryFormat::Electronic) {
            "yes"
        } else {
            ""
        },
    );
    v.set(
        "delivery_paper",
        if format == Some(DeliveryFormat::Paper) {
            "yes"
        } else {
            ""
        },
    );
    let package = match cx.package {
        Some((sha, true)) => Ok(sha.to_string()),
        Some((_, false)) => Err(
            "the last package built for the case is INCOMPLETE; build a complete one first (privdesk package build)",
        ),
        None => Err("no disclosure package was built for the case (privdesk package build)"),
    };
    match package {
        Ok(sha) => v.set("package_sha256", sha),
        Err(why) => v.set_opt("package_sha256", None, why),
    }
    v
}
