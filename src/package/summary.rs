//! The plain-text summary for the person (`summary.ja.txt` or
//! `summary.en.txt`): what is held in which system and why, which systems
//! hold nothing, what the files are, how to ask for correction or deletion,
//! and where to complain. Field values are not repeated here (they are in the
//! data files); only which kinds of data each system holds.

use super::model::{Package, PartStatus, SystemPart};
use crate::domain::text::escape_controls;
use crate::domain::Lang;
use crate::letters::texts::{canonical_label, kind_label, regulator};
use std::collections::HashMap;

/// What the summary says about the company.
#[derive(Debug, Clone, Default)]
pub struct SummaryInfo {
    /// The company's name ("" when not configured).
    pub company: String,
    pub desk: String,
    /// How to reach the desk ("" when not configured).
    pub contact: String,
    /// Where to complain inside the company ("" = the desk's contact).
    pub complaints: String,
    /// Purposes of use per system, in the summary's language.
    pub purposes: HashMap<String, Vec<String>>,
}

/// The summary's file name for a language.
pub fn file_name(lang: Lang) -> String {
    format!("summary.{lang}.txt")
}

struct Words {
    title: &'static str,
    case: &'static str,
    request: &'static str,
    date: &'static str,
    incomplete_head: &'static str,
    incomplete_body: &'static str,
    held_head: &'static str,
    records: &'static str,
    fields: &'static str,
    purposes: &'static str,
    sep: &'static str,
    none_head: &'static str,
    none_none: &'static str,
    provision_head: &'static str,
    provision_body: &'static str,
    files_head: &'static str,
    files: &'static [(&'static str, &'static str)],
    csv_file: &'static str,
    rights_head: &'static str,
    rights_body: &'static str,
    complain_head: &'static str,
    complain_also: &'static str,
    our_company: &'static str,
}

const JA: Words = Words {
    title: "保有個人データ開示のご案内",
    case: "受付番号",
    request: "ご請求の内容",
    date: "作成日",
    incomplete_head: "【ご注意】この開示はまだ完全ではありません",
    incomplete_body: "次の理由により、一部の情報をお届けできていません。準備ができ次第、あらためてお送りします。",
    held_head: "1. 当社が保有しているお客様の情報",
    records: "登録番号",
    fields: "保有している項目",
    purposes: "利用目的",
    sep: "、",
    none_head: "2. お客様の情報を保有していないシステム",
    none_none: "（ありません）",
    provision_head: "第三者提供記録",
    provision_body: "第三者への提供に関する記録は、現在のシステムから電子的に取り出すことができないため、この開示には含まれていません。別途お知らせいたします。",
    files_head: "3. お届けするファイル",
    files: &[
        ("data.json", "すべての情報（システムごとに構造化した形式）"),
        ("manifest.json", "各ファイルの大きさと SHA-256 値（内容が変わっていないことの確認用）"),
    ],
    csv_file: "の一覧（UTF-8・BOM 付きのため Excel でそのまま開けます）",
    rights_head: "4. 訂正・削除などのご請求",
    rights_body: "内容に誤りがある場合の訂正・追加・削除、不要となった情報や不適正な取扱いがある場合の利用停止・消去をご請求いただけます。受付番号を添えて、下記窓口までお申し出ください。",
    complain_head: "5. 苦情・ご相談",
    complain_also: "また、次の機関にご相談いただくこともできます：",
    our_company: "当社",
};

const EN: Words = Words {
    title: "Your personal data: summary of the disclosure",
    case: "Reference",
    request: "Request",
    date: "Date",
    incomplete_head: "PLEASE NOTE: THIS DISCLOSURE IS INCOMPLETE",
    incomplete_body: "Some of your data could not be included yet, for the reasons below. We will send it as soon as it is ready.",
    held_head: "1. The data we hold about you",
    records: "Record",
    fields: "Data held",
    purposes: "Purposes of use",
    sep: ", ",
    none_head: "2. Systems holding no data about you",
    none_none: "(none)",
    provision_head: "Records of provision to third parties",
    provision_body: "The records of when your data was provided to third parties cannot be taken out of our systems electronically yet, so they are not in this package. We will send them separately.",
    files_head: "3. The files",
    files: &[
        ("data.json", "all the data, structured per system (machine-readable)"),
        ("manifest.json", "the size and SHA-256 of every file, to check that none was changed"),
    ],
    csv_file: " as a table (UTF-8 with a byte-order mark, so Excel opens it directly)",
    rights_head: "4. Correcting or deleting your data",
    rights_body: "If any of this data is wrong, you may ask us to correct or complete it; if we no longer need it or handle it improperly, you may ask us to stop using it or to delete it. Please contact the desk below, quoting the reference.",
    complain_head: "5. Complaints",
    complain_also: "You may also turn to:",
    our_company: "the company",
};

/// Why a system's part is not there yet, in words for the person.
fn pending_reason(p: &SystemPart, lang: Lang) -> &'static str {
    match (lang, p.status) {
        (Lang::Ja, PartStatus::Failed) => "システムから情報を取得できませんでした",
        (Lang::Ja, PartStatus::CheckFailed) => "保有の有無を確認するための検索ができませんでした",
        (Lang::Ja, PartStatus::UnlinkedMatches) => "お客様の情報かどうかを確認中の記録があります",
        (Lang::Ja, _) => "保有の有無を確認できていません",
        (Lang::En, PartStatus::Failed) => "the data could not be retrieved from the system",
        (Lang::En, PartStatus::CheckFailed) => {
            "the search to check whether it holds data about you failed"
        }
        (Lang::En, PartStatus::UnlinkedMatches) => {
            "some records are still being checked to see whether they are yours"
        }
        (Lang::En, _) => "we could not yet check whether it holds data about you",
    }
}

fn searched_by(kinds: &[String], lang: Lang) -> String {
    let word = |k: &str| -> String {
        match (lang, k) {
            (Lang::Ja, "email") => "メールアドレス".into(),
            (Lang::Ja, "phone") => "電話番号".into(),
            (Lang::Ja, "name") => "氏名".into(),
            (Lang::En, "email") => "email address".into(),
            (Lang::En, "phone") => "phone number".into(),
            (Lang::En, "name") => "name".into(),
            (_, other) => other.to_string(),
        }
    };
    let words: Vec<String> = kinds.iter().map(|k| word(k)).collect();
    match lang {
        Lang::Ja => words.join("・"),
        Lang::En => words.join(" and "),
    }
}

/// The summary text.
pub fn summary_text(p: &Package, info: &SummaryInfo) -> String {
    let lang = p.lang;
    let w = if lang == Lang::Ja { &JA } else { &EN };
    let esc = |s: &str| escape_controls(s);
    let mut o = String::new();
    let mut line = |s: &str| {
        o.push_str(s);
        o.push('\n');
    };
    line(w.title);
    line("");
    line(&format!("{}: {}", w.case, p.case_id));
    line(&format!("{}: {}", w.request, kind_label(p.kind, lang)));
    line(&format!("{}: {}", w.date, lang.date(p.as_of)));
    let company = if info.company.trim().is_empty() {
        w.our_company
    } else {
        info.company.trim()
    };
    line(company);
    line("");
    let pending: Vec<&SystemPart> = p
        .systems
        .iter()
        .filter(|s| !s.status.is_complete())
        .collect();
    if !p.is_complete() {
        line(w.incomplete_head);
        line(w.incomplete_body);
        for s in &pending {
            line(&format!(
                "  - {}: {}",
                esc(&s.display_name),
                pending_reason(s, lang)
            ));
        }
        if p.wants_provision_records() {
            line(&format!("  - {}", w.provision_head));
        }
        line("");
    }
    line(w.held_head);
    let held: Vec<&SystemPart> = p.systems.iter().filter(|s| !s.records.is_empty()).collect();
    if held.is_empty() {
        line(&format!("  {}", w.none_none));
    }
    for s in &held {
        line("");
        line(&format!("■ {}", esc(&s.display_name)));
        let ids: Vec<String> = s.records.iter().map(|r| esc(&r.id)).collect();
        line(&format!("  {}: {}", w.records, ids.join(w.sep)));
        let labels: Vec<String> = s
            .columns()
            .into_iter()
            .filter(|(k, _)| *k != "id")
            .map(|(k, l)| canonical_label(k, lang).map_or_else(|| esc(l), str::to_string))
            .collect();
        line(&format!("  {}: {}", w.fields, labels.join(w.sep)));
        if let Some(purposes) = info.purposes.get(&s.system).filter(|v| !v.is_empty()) {
            line(&format!("  {}:", w.purposes));
            for x in purposes {
                line(&format!("    - {}", x.trim()));
            }
        }
        if s.status == PartStatus::Failed {
            line(&format!("  ({})", pending_reason(s, lang)));
        }
    }
    line("");
    line(w.none_head);
    let none: Vec<&SystemPart> = p
        .systems
        .iter()
        .filter(|s| s.status == PartStatus::NoneHeld)
        .collect();
    if none.is_empty() {
        line(&format!("  {}", w.none_none));
    }
    for s in none {
        let by = searched_by(&s.searched_by, lang);
        let name = esc(&s.display_name);
        line(&match lang {
            Lang::Ja => format!(
                "  - {name}: {}時点で、お客様の個人データは保有していません（{by}で検索）。",
                lang.date(p.as_of)
            ),
            Lang::En => format!(
                "  - {name}: no personal data held about you as of {} (searched by {by}).",
                lang.date(p.as_of)
            ),
        });
    }
    if p.wants_provision_records() {
        line("");
        line(&format!("{}:", w.provision_head));
        line(&format!("  {}", w.provision_body));
    }
    line("");
    line(w.files_head);
    let mut files: Vec<(String, String)> = vec![(file_name(lang), w.title.to_string())];
    files.extend(
        w.files
            .iter()
            .map(|(f, what)| (f.to_string(), what.to_string())),
    );
    files.extend(held.iter().map(|s| {
        (
            Package::csv_name(&s.system),
            format!("{}{}", esc(&s.display_name), w.csv_file),
        )
    }));
    let width = files.iter().map(|(f, _)| f.len()).max().unwrap_or(0);
    for (f, what) in files {
        line(&format!("  {f:width$}  {what}"));
    }
    line("");
    line(w.rights_head);
    line(&format!("  {}", w.rights_body));
    line(&format!("  {}", info.desk.trim()));
    for l in info.contact.trim().lines() {
        line(&format!("  {l}"));
    }
    line("");
    line(w.complain_head);
    let complaints = if info.complaints.trim().is_empty() {
        info.contact.trim()
    } else {
        info.complaints.trim()
    };
    for l in complaints.lines() {
        line(&format!("  {l}"));
    }
    line(&format!("  {}", w.complain_also));
    line(&format!("  {}", regulator(p.law, lang)));
    o
}
