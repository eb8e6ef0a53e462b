//! Packages written to a temp folder and read back.

use super::*;
use crate::domain::{ExtraField, Lang, Law, Record, RequestKind};
use chrono::{NaiveDate, TimeZone, Utc};
use std::os::unix::fs::PermissionsExt;

/// A small CSV reader (RFC 4180, CRLF or LF), to read the files back.
pub(crate) fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes.strip_prefix(csv::BOM).expect("a BOM")).unwrap();
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quote");
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn record(system: &str, id: &str, name: &str, note: &str) -> Record {
    Record {
        system: system.into(),
        id: id.into(),
        name: Some(name.into()),
        email: Some("taro.yamada@example.jp".into()),
        extra: vec![ExtraField {
            key: "notes".into(),
            label: "Notes".into(),
            value: note.into(),
        }],
        ..Record::default()
    }
}

fn package(lang: Lang) -> Package {
    let at = Utc.with_ymd_and_hms(2026, 4, 1, 1, 0, 0).unwrap();
    let mut crm = SystemPart::new("crm", "Customer master (CRM)", PartStatus::Disclosed);
    crm.records = vec![
        FullRecord::from_record(&record("crm", "C-1001", "山田 太郎", "plain")),
        FullRecord::from_record(&record(
            "crm",
            "C-1\"2",
            "Yamada, Taro",
            "line one\r\nline \"two\", with comma\n\u{1b}[31m",
        )),
    ];
    crm.fetched_at = Some(at);
    let mut mailing = SystemPart::new("mailing", "Mailing lists", PartStatus::NoneHeld);
    mailing.searched_by = vec!["email".into()];
    mailing.checked_at = Some(at);
    Package {
        case_id: "PD-2026-000001".into(),
        kind: RequestKind::Disclosure,
        law: Law::Appi,
        lang,
        created_at: at,
        as_of: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        created_by: "alice".into(),
        systems: vec![crm, mailing],
        not_theirs: vec![],
    }
}

fn info() -> SummaryInfo {
    SummaryInfo {
        company: "Example Co., Ltd.".into(),
        desk: "Personal Data Desk".into(),
        contact: "privacy@example.jp".into(),
        complaints: String::new(),
        purposes: [(
            "crm".to_string(),
            vec!["To provide our services".to_string()],
        )]
        .into_iter()
        .collect(),
    }
}

#[test]
fn csv_files_read_back_to_the_same_values() {
    let p = package(Lang::En);
    let files = p.csv_files();
    assert_eq!(files.len(), 1, "only systems holding records get a CSV");
    assert_eq!(files[0].0, "crm.csv");
    let rows = parse_csv(&files[0].1);
    assert_eq!(rows[0], ["id", "name", "email", "notes"]);
    assert_eq!(rows.len(), 3);
    for (row, rec) in rows[1..].iter().zip(&p.systems[0].records) {
        let values: Vec<&str> = rec.fields.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(row, &values);
    }
}

#[test]
fn a_written_package_verifies_and_tampering_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out").join("PD-2026-000001");
    let p = package(Lang::Ja);
    let staged = stage(&target, &package_files(&p, &info()), manifest_of(&p)).unwrap();
    let sha = staged.manifest_sha256.clone();
    let written = staged.commit().unwrap();
    assert_eq!(written, target);
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&target), 0o700);
    let names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for n in &names {
        assert_eq!(mode(&target.join(n)), 0o600, "{n}");
    }
    // Nothing hidden is left beside it.
    assert_eq!(
        std::fs::read_dir(target.parent().unwrap()).unwrap().count(),
        1
    );

    let v = verify(&target).unwrap();
    assert!(v.intact(), "{:?}", v.problems);
    assert_eq!(v.manifest_sha256.as_deref(), Some(sha.as_str()));
    let m = v.manifest.unwrap();
    assert!(m.is_complete());
    assert_eq!(m.files.len(), 3);

    std::fs::write(target.join("extra.txt"), "x").unwrap();
    let mut bytes = std::fs::read(target.join("data.json")).unwrap();
    bytes[10] ^= 1;
    std::fs::write(target.join("data.json"), bytes).unwrap();
    std::fs::remove_file(target.join("crm.csv")).unwrap();
    let v = verify(&target).unwrap();
    let codes: Vec<(&str, &str)> = v.problems.iter().map(|x| (x.code(), x.file())).collect();
    assert_eq!(
        codes,
        [
            ("changed", "data.json"),
            ("missing", "crm.csv"),
            ("extra", "extra.txt")
        ]
    );
}

#[test]
fn a_package_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("pkg");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "mine").unwrap();
    let p = package(Lang::En);
    let e = stage(&target, &package_files(&p, &info()), manifest_of(&p)).unwrap_err();
    assert!(e.to_string().contains("is not empty"), "{e}");
    assert_eq!(
        std::fs::read_to_string(target.join("keep.txt")).unwrap(),
        "mine"
    );
    // An empty folder is taken, and a dropped stage leaves nothing behind.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    drop(stage(&empty, &package_files(&p, &info()), manifest_of(&p)).unwrap());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    let staged = stage(&empty, &package_files(&p, &info()), manifest_of(&p)).unwrap();
    staged.commit().unwrap();
    assert!(verify(&empty).unwrap().intact());
}

#[test]
fn the_summary_names_systems_purposes_and_statements() {
    let ja = summary_text(&package(Lang::Ja), &info());
    assert!(ja.contains("受付番号: PD-2026-000001"), "{ja}");
    assert!(ja.contains("■ Customer master (CRM)"), "{ja}");
    assert!(ja.contains("氏名、メールアドレス、Notes"), "{ja}");
    assert!(ja.contains("To provide our services"), "{ja}");
    assert!(
        ja.contains("Mailing lists: 2026年4月1日時点で、お客様の個人データは保有していません（メールアドレスで検索）。"),
        "{ja}"
    );
    assert!(ja.contains("個人情報保護委員会"), "{ja}");
    assert!(!ja.contains("ご注意"), "{ja}");
    assert!(!ja.contains('\u{1b}'));
    let en = summary_text(&package(Lang::En), &info());
    assert!(
        en.contains("Mailing lists: no personal data held about you as of 1 April 2026 (searched by email address)."),
        "{en}"
    );
    let csv_line = en
        .lines()
        .find(|l| l.trim_start().starts_with("crm.csv "))
        .expect("crm.csv listed");
    assert!(
        csv_line.ends_with(
            "Customer master (CRM) as a table (UTF-8 with a byte-order mark, so Excel opens it directly)"
        ),
        "{en}"
    );
    // File names are padded to one column.
    let column = |name: &str| {
        let l = en
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap();
        l.len() - l[l.find(name).unwrap() + name.len()..].trim_start().len()
    };
    assert_eq!(column("crm.csv"), column("manifest.json"));
}

#[test]
fn one_failed_system_makes_the_package_incomplete_everywhere() {
    let mut p = package(Lang::En);
    let mut billing = SystemPart::new("billing", "Billing", PartStatus::Failed);
    billing
        .failures
        .push(("B-77".into(), "unreachable: connection refused".into()));
    p.systems.insert(1, billing);
    assert!(!p.is_complete());
    assert_eq!(
        p.problems(),
        ["billing: record B-77 could not be fetched: unreachable: connection refused"]
    );
    let m = manifest_of(&p);
    assert_eq!(m.status, "incomplete");
    assert!(!m.is_complete());
    assert_eq!(m.systems[1].status, "failed");
    assert_eq!(p.data_json()["status"], "incomplete");
    let s = summary_text(&p, &info());
    assert!(s.contains("THIS DISCLOSURE IS INCOMPLETE"), "{s}");
    assert!(
        s.contains("Billing: the data could not be retrieved"),
        "{s}"
    );
    // A request for provision records is incomplete whatever the systems say.
    let mut t = package(Lang::Ja);
    t.kind = RequestKind::ThirdPartyRecords;
    assert!(!t.is_complete());
    assert_eq!(
        t.data_json()["third_party_provision_records"]["status"],
        "not_available"
    );
}
