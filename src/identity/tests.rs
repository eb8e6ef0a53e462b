//! Tests of query preparation, linking and ranking (normalisation is tested
//! next to its code).

use super::*;
use crate::domain::record::LinkKey;
use crate::domain::QueryKind;

/// A record of `system`/`id` with canonical fields set from `fields`.
fn rec(system: &str, id: &str, fields: &[(&str, &str)]) -> Record {
    let mut r = Record {
        system: system.into(),
        id: id.into(),
        ..Record::default()
    };
    for (k, v) in fields {
        let v = Some(v.to_string());
        match *k {
            "name" => r.name = v,
            "name_kana" => r.name_kana = v,
            "email" => r.email = v,
            "phone" => r.phone = v,
            "birth_date" => r.birth_date = v,
            "address" => r.address = v,
            other => panic!("test helper: unknown field {other}"),
        }
    }
    r
}

/// The (system, id) pairs of each person, in order.
fn shape(persons: &[Person]) -> Vec<Vec<String>> {
    persons
        .iter()
        .map(|p| {
            p.records
                .iter()
                .map(|r| format!("{}:{}", r.system, r.id))
                .collect()
        })
        .collect()
}

fn q(s: &str) -> SearchQuery {
    prepare_query(s, 200).expect("valid query")
}

// ---- detect_kind ------------------------------------------------------

#[test]
fn detects_emails() {
    assert_eq!(detect_kind("yamada@example.jp"), QueryKind::Email);
    assert_eq!(
        detect_kind("ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ"),
        QueryKind::Email
    );
    assert_eq!(detect_kind("broken@"), QueryKind::Email);
}

#[test]
fn detects_phones() {
    for p in [
        "090-1234-5678",
        "+81 90 1234 5678",
        "(03) 1234-5678",
        "０９０１２３４５６７８",
        "1234567",
    ] {
        assert_eq!(detect_kind(p), QueryKind::Phone, "{p:?}");
    }
    assert_eq!(
        detect_kind("123456"),
        QueryKind::Name,
        "six digits are not a phone"
    );
}

#[test]
fn detects_names() {
    for n in [
        "山田 太郎",
        "Taro Yamada",
        "ヤマダ",
        "yamada 090",
        "1985年4月12日",
    ] {
        assert_eq!(detect_kind(n), QueryKind::Name, "{n:?}");
    }
}

// ---- prepare_query ----------------------------------------------------

#[test]
fn empty_queries_are_refused() {
    assert_eq!(prepare_query("", 200), Err(QueryError::Empty));
    assert_eq!(prepare_query("  \u{3000}\t ", 200), Err(QueryError::Empty));
    assert_eq!(prepare_query("\u{1b}\u{7}", 200), Err(QueryError::Empty));
    assert_eq!(
        QueryError::Empty.to_string(),
        "the query is empty; type a name, an email or a phone number"
    );
}

#[test]
fn long_queries_are_refused_by_characters() {
    let err = prepare_query(&"a".repeat(10_000), 200).unwrap_err();
    assert_eq!(
        err,
        QueryError::TooLong {
            chars: 10_000,
            max: 200
        }
    );
    assert_eq!(
        err.to_string(),
        "the query is 10000 characters long; the limit is 200"
    );
    // 200 kanji are 600 bytes but within a 200-character limit.
    assert!(prepare_query(&"山".repeat(200), 200).is_ok());
    assert_eq!(
        prepare_query(&"山".repeat(201), 200),
        Err(QueryError::TooLong {
            chars: 201,
            max: 200
        })
    );
}

#[test]
fn control_characters_are_stripped() {
    let query = q("\u{1b}[31mYamada\tTaro\u{7}\n");
    assert_eq!(query.kind, QueryKind::Name);
    assert_eq!(query.raw, "[31mYamada Taro");
    assert!(!query.normalized.chars().any(char::is_control));
}

#[test]
fn email_query_is_normalised() {
    let query = q("  ＹＡＭＡＤＡ＠ＥＸＡＭＰＬＥ．ＪＰ ");
    assert_eq!(query.kind, QueryKind::Email);
    assert_eq!(query.normalized, "yamada@example.jp");
    assert_eq!(query.raw, "ＹＡＭＡＤＡ＠ＥＸＡＭＰＬＥ．ＪＰ");
    assert_eq!(query.phone_e164, None);
}

#[test]
fn phone_query_fills_both_forms() {
    let query = q("090-1234-5678");
    assert_eq!(query.kind, QueryKind::Phone);
    assert_eq!(query.normalized, "+819012345678");
    assert_eq!(query.phone_e164.as_deref(), Some("+819012345678"));
    assert_eq!(query.phone_national.as_deref(), Some("09012345678"));

    let foreign = q("+1 415 555 0100");
    assert_eq!(foreign.phone_e164.as_deref(), Some("+14155550100"));
    assert_eq!(foreign.phone_national, None);
}

#[test]
fn unparsable_email_or_phone_becomes_a_name() {
    let bad_email = q("yamada@");
    assert_eq!(bad_email.kind, QueryKind::Name);
    assert_eq!(bad_email.normalized, "yamada@");
    let bad_phone = q("1234567");
    assert_eq!(bad_phone.kind, QueryKind::Name);
    assert_eq!(bad_phone.phone_e164, None);
}

#[test]
fn name_query_keeps_word_breaks() {
    let query = q("ＹＡＭＡＤＡ　　Ｔａｒｏ");
    assert_eq!(query.kind, QueryKind::Name);
    assert_eq!(query.normalized, "YAMADA Taro");
    assert_eq!(q("ﾔﾏﾀﾞ ﾀﾛｳ").normalized, "ヤマダ タロウ");
}

// ---- linking ----------------------------------------------------------

#[test]
fn email_links_across_systems_ignoring_case() {
    let persons = link(vec![
        rec(
            "crm",
            "1",
            &[("name", "山田 太郎"), ("email", "Taro.Yamada@Example.JP")],
        ),
        rec(
            "billing",
            "B7",
            &[("name", "Yamada Taro"), ("email", "taro.yamada@example.jp")],
        ),
        rec(
            "mail",
            "m9",
            &[("email", "ＴＡＲＯ．ＹＡＭＡＤＡ＠ＥＸＡＭＰＬＥ．ＪＰ")],
        ),
    ]);
    assert_eq!(
        shape(&persons),
        vec![vec!["crm:1", "billing:B7", "mail:m9"]]
    );
    assert_eq!(persons[0].linked_by, vec![LinkKey::Email]);
    assert_eq!(persons[0].score, 0);
}

#[test]
fn phone_links_in_three_formats() {
    let persons = link(vec![
        rec(
            "crm",
            "1",
            &[("name", "佐藤 花子"), ("phone", "090-1234-5678")],
        ),
        rec(
            "support",
            "T-1",
            &[("name", "Hanako Sato"), ("phone", "+81 90 1234 5678")],
        ),
        rec("billing", "9", &[("phone", "０９０１２３４５６７８")]),
    ]);
    assert_eq!(
        shape(&persons),
        vec![vec!["crm:1", "support:T-1", "billing:9"]]
    );
    assert_eq!(persons[0].linked_by, vec![LinkKey::Phone]);
}

#[test]
fn kana_and_birth_date_link_different_kanji() {
    // 斉藤 and 齋藤 are the same family name written with different kanji.
    let persons = link(vec![
        rec(
            "crm",
            "1",
            &[
                ("name", "斉藤 一郎"),
                ("name_kana", "サイトウ イチロウ"),
                ("birth_date", "1970-01-05"),
            ],
        ),
        rec(
            "billing",
            "2",
            &[
                ("name", "齋藤 一郎"),
                ("name_kana", "ｻｲﾄｳ ｲﾁﾛｳ"),
                ("birth_date", "1970/1/5"),
            ],
        ),
        rec(
            "mail",
            "3",
            &[
                ("name", "さいとう いちろう"),
                ("birth_date", "昭和45年1月5日"),
            ],
        ),
    ]);
    assert_eq!(shape(&persons), vec![vec!["crm:1", "billing:2", "mail:3"]]);
    assert_eq!(persons[0].linked_by, vec![LinkKey::KanaBirthDate]);
}

#[test]
fn name_and_birth_date_link_reversed_western_order() {
    let persons = link(vec![
        rec(
            "crm",
            "1",
            &[("name", "John Smith"), ("birth_date", "1980-02-29")],
        ),
        rec(
            "shop",
            "2",
            &[("name", "SMITH John"), ("birth_date", "19800229")],
        ),
        rec(
            "shop",
            "3",
            &[("name", "Smith, John"), ("birth_date", "1980年2月29日")],
        ),
    ]);
    assert_eq!(shape(&persons), vec![vec!["crm:1", "shop:2", "shop:3"]]);
    assert_eq!(persons[0].linked_by, vec![LinkKey::NameBirthDate]);
}

#[test]
fn married_name_change_is_linked_by_phone() {
    let persons = link(vec![
        rec(
            "crm",
            "1",
            &[
                ("name", "田中 花子"),
                ("phone", "080-1111-2222"),
                ("birth_date", "1990-03-03"),
            ],
        ),
        rec(
            "billing",
            "2",
            &[
                ("name", "鈴木 花子"),
                ("phone", "08011112222"),
                ("birth_date", "1990-03-03"),
            ],
        ),
    ]);
    assert_eq!(persons.len(), 1);
    assert_eq!(persons[0].linked_by, vec![LinkKey::Phone]);
}

#[test]
fn links_are_transitive_and_report_every_key() {
    let persons = link(vec![
        rec("crm", "A", &[("email", "a@example.jp")]),
        rec("other", "X", &[("email", "x@example.jp")]),
        rec(
            "billing",
            "B",
            &[("email", "A@EXAMPLE.JP"), ("phone", "03-1234-5678")],
        ),
        rec("support", "C", &[("phone", "+81 3 1234 5678")]),
    ]);
    assert_eq!(
        shape(&persons),
        vec![vec!["crm:A", "billing:B", "support:C"], vec!["other:X"]]
    );
    assert_eq!(persons[0].linked_by, vec![LinkKey::Email, LinkKey::Phone]);
    assert!(persons[1].linked_by.is_empty());
}

#[test]
fn duplicates_inside_one_system_are_linked() {
    let persons = link(vec![
        rec("crm", "1", &[("email", "dup@example.com")]),
        rec("crm", "2", &[("email", "Dup@example.com")]),
    ]);
    assert_eq!(shape(&persons), vec![vec!["crm:1", "crm:2"]]);
}

#[test]
fn namesakes_with_different_birth_dates_stay_apart() {
    let persons = link(vec![
        rec(
            "crm",
            "1",
            &[
                ("name", "山田 太郎"),
                ("name_kana", "ヤマダ タロウ"),
                ("birth_date", "1985-04-12"),
                ("email", "t1@example.jp"),
                ("phone", "090-1111-1111"),
            ],
        ),
        rec(
            "crm",
            "2",
            &[
                ("name", "山田 太郎"),
                ("name_kana", "ヤマダ タロウ"),
                ("birth_date", "1992-11-30"),
                ("email", "t2@example.jp"),
                ("phone", "090-2222-2222"),
            ],
        ),
    ]);
    assert_eq!(shape(&persons), vec![vec!["crm:1"], vec!["crm:2"]]);
}

#[test]
fn same_name_without_birth_date_is_not_linked() {
    let persons = link(vec![
        rec(
            "crm",
            "1",
            &[
                ("name", "山田 太郎"),
                ("name_kana", "ヤマダ タロウ"),
                ("birth_date", "1985-04-12"),
            ],
        ),
        rec(
            "billing",
            "2",
            &[("name", "山田 太郎"), ("name_kana", "ヤマダ タロウ")],
        ),
        rec("mail", "3", &[("name", "山田 太郎")]),
    ]);
    assert_eq!(persons.len(), 3);
}

#[test]
fn records_without_keys_stay_alone_and_order_is_kept() {
    let persons = link(vec![
        rec("a", "1", &[]),
        rec("b", "2", &[("phone", "090-9999-0000")]),
        rec(
            "c",
            "3",
            &[("email", "not an email"), ("birth_date", "1990-01-01")],
        ),
        rec("d", "4", &[("phone", "09099990000")]),
    ]);
    assert_eq!(
        shape(&persons),
        vec![vec!["a:1"], vec!["b:2", "d:4"], vec!["c:3"]]
    );
    assert!(link(Vec::new()).is_empty());
}

#[test]
fn linking_twenty_thousand_records_is_fast() {
    // 5,000 people, each with four records in different shapes.
    let mut records = Vec::new();
    for i in 0..5_000u32 {
        let phone = format!("090-{:04}-{:04}", i / 100, i);
        let email = format!("user{i}@example.jp");
        let name = format!("Name{i} Family{}", i % 97);
        records.push(rec(
            "crm",
            &format!("c{i}"),
            &[("name", &name), ("email", &email)],
        ));
        records.push(rec(
            "billing",
            &format!("b{i}"),
            &[("email", &email.to_uppercase()), ("phone", &phone)],
        ));
        records.push(rec(
            "support",
            &format!("s{i}"),
            &[
                ("phone", &phone.replace('-', "")),
                ("name", &name),
                ("birth_date", "1980-01-01"),
            ],
        ));
        records.push(rec(
            "mail",
            &format!("m{i}"),
            &[("name", &name), ("birth_date", "1980/1/1")],
        ));
    }
    let persons = link(records);
    assert_eq!(persons.len(), 5_000);
    assert!(persons.iter().all(|p| p.records.len() == 4));
    assert_eq!(
        persons[0].linked_by,
        vec![LinkKey::Email, LinkKey::Phone, LinkKey::NameBirthDate]
    );
}

// ---- ranking ----------------------------------------------------------

#[test]
fn exact_email_ranks_first_with_full_score() {
    let persons = resolve(
        vec![
            rec(
                "crm",
                "1",
                &[("name", "Yamada Taro"), ("email", "yamada.t@example.jp")],
            ),
            rec(
                "crm",
                "2",
                &[("name", "Yamada Taro"), ("email", "yamada@example.jp")],
            ),
        ],
        &q("YAMADA@example.jp"),
    );
    assert_eq!(shape(&persons), vec![vec!["crm:2"], vec!["crm:1"]]);
    assert_eq!(persons[0].score, 100);
    assert!(persons[1].score < 100);
}

#[test]
fn exact_phone_in_another_format_scores_full() {
    let persons = resolve(
        vec![
            rec("crm", "1", &[("phone", "03-9999-8888")]),
            rec("crm", "2", &[("phone", "+81 90 1234 5678")]),
        ],
        &q("090 1234 5678"),
    );
    assert_eq!(persons[0].records[0].id, "2");
    assert_eq!(persons[0].score, 100);
    assert!(
        persons[1].score < 50,
        "unrelated phone scored {}",
        persons[1].score
    );
}

#[test]
fn typo_in_name_still_ranks_above_unrelated() {
    let records = vec![
        rec("crm", "1", &[("name", "Suzuki Ichiro")]),
        rec("crm", "2", &[("name", "Yamada Taro")]),
    ];
    let persons = resolve(records.clone(), &q("yamda taro"));
    assert_eq!(persons[0].records[0].id, "2");
    assert!(persons[0].score > 0);
    assert!(persons[0].score > persons[1].score);

    // A substitution the fuzzy matcher cannot follow still ranks by similarity.
    let persons = resolve(records, &q("yamasa taro"));
    assert_eq!(persons[0].records[0].id, "2");
    assert!(
        persons[0].score > persons[1].score + 20,
        "scores {} / {}",
        persons[0].score,
        persons[1].score
    );
}

#[test]
fn reversed_name_order_scores_full() {
    let persons = resolve(
        vec![rec("crm", "1", &[("name", "Taro Yamada")])],
        &q("YAMADA Taro"),
    );
    assert_eq!(persons[0].score, 100);
}

#[test]
fn hiragana_query_matches_katakana_reading() {
    let persons = resolve(
        vec![
            rec(
                "crm",
                "1",
                &[("name", "鈴木 一郎"), ("name_kana", "スズキ イチロウ")],
            ),
            rec(
                "crm",
                "2",
                &[("name", "山田 太郎"), ("name_kana", "ヤマダ タロウ")],
            ),
        ],
        &q("やまだ たろう"),
    );
    assert_eq!(persons[0].records[0].id, "2");
    assert_eq!(persons[0].score, 100);
    assert!(persons[1].score < persons[0].score);
}

#[test]
fn partial_name_scores_high_but_not_full() {
    let persons = resolve(vec![rec("crm", "1", &[("name", "山田 太郎")])], &q("山田"));
    assert!(
        persons[0].score >= 90 && persons[0].score < 100,
        "score {}",
        persons[0].score
    );
}

#[test]
fn ties_prefer_more_records_then_name() {
    let persons = resolve(
        vec![
            rec(
                "crm",
                "1",
                &[("name", "Yamada Taro"), ("birth_date", "1990-01-01")],
            ),
            rec("crm", "2", &[("name", "Yamada Taro")]),
            rec(
                "billing",
                "3",
                &[("name", "Yamada Taro"), ("birth_date", "1990-01-01")],
            ),
        ],
        &q("Yamada Taro"),
    );
    assert_eq!(
        shape(&persons),
        vec![vec!["crm:1", "billing:3"], vec!["crm:2"]]
    );
    assert_eq!(persons[0].score, persons[1].score);
}

#[test]
fn dice_measures_bigram_overlap() {
    assert_eq!(dice("abc", "abc"), 1.0);
    assert_eq!(dice("ab", "cd"), 0.0);
    assert!((dice("yamada", "yamasa") - 0.6).abs() < 1e-9);
    assert_eq!(dice("a", "a"), 1.0);
    assert_eq!(dice("", ""), 0.0);
}

#[test]
fn a_romaji_name_kept_as_an_extra_field_ranks_the_kanji_record() {
    use crate::domain::ExtraField;
    let q = prepare_query("yamada", 200).unwrap();
    let mut kanji = Record {
        system: "crm".into(),
        id: "1".into(),
        name: Some("山田 直樹".into()),
        ..Default::default()
    };
    kanji.extra.push(ExtraField {
        key: "name_romaji".into(),
        label: "Name (romaji)".into(),
        value: "Naoki Yamada".into(),
    });
    let other = Record {
        system: "crm".into(),
        id: "2".into(),
        name: Some("山崎 悠真".into()),
        email: Some("yuma.yamazaki@example.com".into()),
        ..Default::default()
    };
    let persons = resolve(vec![other, kanji], &q);
    assert_eq!(persons[0].records[0].id, "1", "{persons:?}");
    assert!(persons[0].score > persons[1].score);
}
