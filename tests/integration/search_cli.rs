//! `privdesk search` end to end: the real binary against the sample systems,
//! checking linking, masking, query normalisation and the audit entries.

use crate::common;

use common::*;
use serde_json::Value;

fn search_json(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["search"];
    all.extend_from_slice(args);
    all.push("--json");
    let o = env.run(&all);
    assert_exit(&o, 0);
    json(&o)
}

fn linked_by(person: &Value) -> Vec<String> {
    strings(&person["linked_by"])
}

#[test]
fn yamada_links_the_story_customer_across_every_system() {
    let env = Env::start();
    let o = env.run(&["search", "yamada", "--json"]);
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v["query"], "yamada");
    assert_eq!(v["kind"], "name");
    assert_eq!(v["normalized"], "yamada");
    assert_eq!(v["revealed"], false);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "query",
            "kind",
            "normalized",
            "elapsed_ms",
            "systems",
            "persons",
            "revealed",
            "audit_id"
        ]
    );
    assert!(v["elapsed_ms"].is_u64());

    // Every system reports; mailing searches by email only, so it is not
    // asked by the name but is asked in the second round, by the emails found.
    let names: Vec<String> = v["systems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| str_of(&s["system"]).to_string())
        .collect();
    assert_eq!(names, SAMPLE_SYSTEMS);
    for s in SAMPLE_SYSTEMS {
        let st = system(&v, s);
        assert_eq!(st["status"], "ok", "{st}");
        assert!(st["count"].as_u64().unwrap() >= 1, "{st}");
        assert!(st.get("error").is_none(), "{st}");
    }

    let taro = person_with(&v, "crm", "C-1001");
    assert_eq!(record_keys(taro), TARO);
    let by = linked_by(taro);
    assert!(by.contains(&"email".to_string()), "{by:?}");
    assert!(by.contains(&"phone".to_string()), "{by:?}");
    let mut systems = strings(&taro["systems"]);
    systems.sort();
    let mut expected = SAMPLE_SYSTEMS.map(String::from).to_vec();
    expected.sort();
    assert_eq!(systems, expected);

    // The namesake shares the name and nothing else: a different person.
    let other = person_with(&v, "crm", "C-1002");
    assert_eq!(
        record(other, "crm")["name"],
        record(taro, "crm")["name"],
        "both are 山田 太郎"
    );
    assert!(
        !record_keys(other)
            .iter()
            .any(|k| TARO.contains(&k.as_str())),
        "the namesake was merged with Taro: {other}"
    );
    assert!(record_keys(other).contains(&"loyalty:L-00043".to_string()));

    // Masked everywhere: emails keep one letter and the domain, phones the
    // last four digits; birth dates and postal codes are hidden.
    let mut emails = 0;
    let mut phones = 0;
    for p in v["persons"].as_array().unwrap() {
        for r in p["records"].as_array().unwrap() {
            if let Some(e) = r.get("email") {
                assert!(is_masked_email(str_of(e)), "unmasked email {e}");
                emails += 1;
            }
            if let Some(ph) = r.get("phone") {
                assert!(is_masked_phone(str_of(ph)), "unmasked phone {ph}");
                phones += 1;
            }
            if let Some(b) = r.get("birth_date") {
                assert_eq!(b, "****-**-**");
            }
            if let Some(pc) = r.get("postal_code") {
                assert_eq!(pc, "***-****");
            }
        }
    }
    assert!(emails > 5 && phones > 5, "{emails} emails, {phones} phones");
    assert_eq!(record(taro, "crm")["email"], "t***@example.jp");
    assert_eq!(record(taro, "crm")["phone"], "***-****-5678");
    let out = stdout(&o);
    for raw in ["taro.yamada@example.jp", "090-1234-5678", "1985-04-12"] {
        assert!(!out.contains(raw), "{raw} printed unmasked");
    }

    // One audit entry naming the query and the systems asked.
    let entries = env.audit("search");
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = &entries[0];
    assert_eq!(Some(e.id), v["audit_id"].as_i64());
    assert_eq!(e.operator, privdesk::config::current_username());
    assert_eq!(e.details["query"], "yamada");
    assert_eq!(e.details["kind"], "name");
    let mut asked = strings(&e.details["systems_asked"]);
    asked.sort();
    assert_eq!(asked, expected);
    assert_eq!(strings(&e.details["systems_failed"]), Vec::<String>::new());
}

#[test]
fn without_expansion_mailing_is_not_asked_by_a_name() {
    let env = Env::start();
    let v = search_json(&env, &["yamada", "--no-expand"]);
    let mailing = system(&v, "mailing");
    assert_eq!(mailing["status"], "not_asked", "{mailing}");
    let reason = str_of(&mailing["reason"]);
    assert!(
        reason.contains("name") && reason.contains("email"),
        "{reason}"
    );
    assert!(persons_with(&v, "mailing", "S-5").is_empty());
    // crm still finds Taro by his romaji name.
    let taro = person_with(&v, "crm", "C-1001");
    assert!(record_keys(taro).contains(&"support:9001".to_string()));

    let e = &env.audit("search")[0];
    let asked = strings(&e.details["systems_asked"]);
    assert!(!asked.contains(&"mailing".to_string()), "{asked:?}");
    assert_eq!(e.details["expanded_by"], 0);
}

#[test]
fn finds_by_misspelt_name_other_phone_formats_and_capitalised_email() {
    let env = Env::start();

    // A letter missing: crm forgives one typo per word, support holds the
    // misspelling itself; billing is linked by email and phone.
    let v = search_json(&env, &["takahasi"]);
    assert_eq!(v["kind"], "name");
    assert_eq!(v["normalized"], "takahasi");
    let kenichi = person_with(&v, "crm", "C-1004");
    assert_eq!(
        record_keys(kenichi),
        ["billing:B-79", "crm:C-1004", "support:9003"]
    );
    assert_eq!(record(kenichi, "support")["name"], "Takahshi Kenichi");
    let by = linked_by(kenichi);
    assert!(
        by.contains(&"email".to_string()) && by.contains(&"phone".to_string()),
        "{by:?}"
    );

    // The same phone written four ways, and the email in capitals.
    let taro_queries = [
        ("+81 90 1234 5678", "phone", "+819012345678"),
        ("090-1234-5678", "phone", "+819012345678"),
        ("０９０－１２３４－５６７８", "phone", "+819012345678"),
        ("09012345678", "phone", "+819012345678"),
        ("TARO.YAMADA@EXAMPLE.JP", "email", "taro.yamada@example.jp"),
    ];
    for (q, kind, normalized) in taro_queries {
        let v = search_json(&env, &[q]);
        assert_eq!(v["query"], q);
        assert_eq!(v["kind"], kind, "{q}");
        assert_eq!(v["normalized"], normalized, "{q}");
        let taro = person_with(&v, "crm", "C-1001");
        assert_eq!(record_keys(taro), TARO, "{q}");
        let by = linked_by(taro);
        assert!(
            by.contains(&"email".to_string()) && by.contains(&"phone".to_string()),
            "{q}: {by:?}"
        );
        assert!(
            persons_with(&v, "crm", "C-1002").is_empty(),
            "{q}: the namesake does not share this {kind}"
        );
    }

    // A Tokyo landline written three ways in three systems.
    let v = search_json(&env, &["03 3210 9876"]);
    assert_eq!(v["kind"], "phone");
    assert_eq!(v["normalized"], "+81332109876");
    let osamu = person_with(&v, "crm", "C-1008");
    assert_eq!(
        record_keys(osamu),
        ["billing:B-82", "crm:C-1008", "loyalty:L-00046"]
    );

    assert_eq!(env.audit("search").len(), 7);
}

#[test]
fn text_output_lists_systems_and_persons_masked() {
    let env = Env::start();
    let o = env.run(&["search", "yamada"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    let first = out.lines().next().unwrap_or_default();
    assert!(first.starts_with("yamada (name) - "), "{out}");
    for s in SAMPLE_SYSTEMS {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(s) && l.contains("ok ")),
            "no status line for {s}:\n{out}"
        );
    }
    assert!(
        out.contains("crm C-1001  山田 太郎  t***@example.jp  ***-****-5678"),
        "{out}"
    );
    assert!(out.contains("linked by email, phone"), "{out}");
    assert!(out.contains("--reveal --purpose"), "{out}");
    assert!(!out.contains("taro.yamada@example.jp"), "{out}");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn reveal_with_a_purpose_unmasks_and_is_audited() {
    let env = Env::start();
    let purpose = "Identity check during a call";
    let v = search_json(
        &env,
        &["taro.yamada@example.jp", "--reveal", "--purpose", purpose],
    );
    assert_eq!(v["revealed"], true);
    let taro = person_with(&v, "crm", "C-1001");
    let crm = record(taro, "crm");
    assert_eq!(crm["email"], "taro.yamada@example.jp");
    assert_eq!(crm["phone"], "090-1234-5678");
    assert_eq!(crm["birth_date"], "1985-04-12");
    assert_eq!(record(taro, "billing")["phone"], "+81 90 1234 5678");

    let reveals = env.audit("reveal");
    assert_eq!(reveals.len(), 1, "{reveals:?}");
    assert_eq!(reveals[0].details["purpose"], purpose);
    let revealed = strings(&reveals[0].details["records"]);
    for key in TARO {
        assert!(
            revealed.contains(&key.to_string()),
            "{key} not in {revealed:?}"
        );
    }
    assert_eq!(env.audit("search").len(), 1);
}

#[test]
fn reveal_needs_a_purpose_before_anything_is_asked() {
    let env = Env::start();
    let o = env.run(&["search", "yamada", "--reveal"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--purpose"), "{}", show(&o));

    let o = env.run(&["search", "yamada", "--reveal", "--purpose", "   "]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("a purpose is required"), "{}", show(&o));
    assert!(stdout(&o).is_empty(), "{}", show(&o));
    // Refused up front: no system was asked, nothing was searched or revealed.
    assert_eq!(env.sample_requests(), 0);
    assert!(env.audit("search").is_empty());
    assert!(env.audit("reveal").is_empty());
}

#[test]
fn auditors_neither_search_nor_reveal_and_the_attempt_is_audited() {
    let env = Env::start();
    let o = env.run(&["--as", "demo-auditor", "search", "yamada"]);
    assert_exit(&o, 5);
    let err = stderr(&o);
    assert!(
        err.contains("not allowed") && err.contains("auditors do not search"),
        "{err}"
    );
    assert!(stdout(&o).is_empty(), "{}", show(&o));

    let o = env.run(&[
        "--as",
        "demo-auditor",
        "search",
        "yamada",
        "--reveal",
        "--purpose",
        "curiosity",
    ]);
    assert_exit(&o, 5);
    let err = stderr(&o);
    assert!(
        err.contains("not allowed") && err.contains("cannot reveal"),
        "{err}"
    );
    assert!(stdout(&o).is_empty(), "{}", show(&o));

    assert_eq!(
        env.sample_requests(),
        0,
        "an auditor's search reached a system"
    );
    assert!(env.audit("search").is_empty());
    assert!(env.audit("reveal").is_empty());
    let denied = env.audit("denied");
    let what: Vec<(&str, &str)> = denied
        .iter()
        .map(|e| (e.operator.as_str(), e.subject.as_str()))
        .collect();
    assert_eq!(
        what,
        [("demo-auditor", "search"), ("demo-auditor", "reveal")]
    );
}

#[test]
fn agents_search_and_reveal_in_their_own_name() {
    let env = Env::start();
    let v = search_json(
        &env,
        &[
            "--as",
            "demo-agent",
            "090-1234-5678",
            "--reveal",
            "--purpose",
            "Handling the customer's request",
        ],
    );
    assert_eq!(v["revealed"], true);
    assert_eq!(env.audit("search")[0].operator, "demo-agent");
    assert_eq!(env.audit("reveal")[0].operator, "demo-agent");
}

#[test]
fn escape_sequences_from_a_backend_never_reach_the_terminal() {
    let env = Env::start();
    let o = env.run(&["search", "kobayashi rei"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("support 9006  Kobayashi Rei ^[[31m[URGENT]^[[0m"),
        "{out}"
    );
    assert!(!o.stdout.contains(&0x1b), "raw ESC in stdout:\n{out}");
    assert!(!o.stderr.contains(&0x1b), "raw ESC in stderr");

    // JSON keeps the data as it is, escaped the JSON way.
    let o = env.run(&["search", "kobayashi rei", "--json"]);
    assert_exit(&o, 0);
    assert!(!o.stdout.contains(&0x1b), "raw ESC in JSON output");
    let v = json(&o);
    let rei = person_with(&v, "support", "9006");
    assert_eq!(
        record(rei, "support")["name"],
        "Kobayashi Rei \u{1b}[31m[URGENT]\u{1b}[0m"
    );
    assert!(record_keys(rei).contains(&"crm:C-1007".to_string()));
}

#[test]
fn empty_and_overlong_queries_are_refused_with_the_reason() {
    let env = Env::start();
    for q in ["", "   ", "\t"] {
        let o = env.run(&["search", q]);
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(
            err.contains("the query is empty") && err.contains("type a name"),
            "{q:?}: {err}"
        );
    }

    let limit = privdesk::config::load(Some(&env.config))
        .expect("config loads")
        .search
        .max_query_chars;
    let long = "a".repeat(10_000);
    let o = env.run(&["search", &long]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("10000 characters") && err.contains(&format!("the limit is {limit}")),
        "{err}"
    );
    assert!(err.len() < 500, "the message repeats the query: {err}");

    assert_eq!(env.sample_requests(), 0);
    assert!(env.audit("search").is_empty());
}

#[test]
fn the_query_limit_comes_from_the_configuration() {
    let env = Env::start_with(|doc| {
        doc["search"]["max_query_chars"] = toml_edit::value(8);
    });
    let o = env.run(&["search", "yamada taro"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("the query is 11 characters long; the limit is 8"),
        "{}",
        show(&o)
    );
}

#[test]
fn bad_timeouts_are_usage_errors() {
    let env = Env::start();
    for t in ["0", "-1", "nan"] {
        let o = env.run(&["search", "yamada", &format!("--timeout={t}")]);
        assert_exit(&o, 2);
        assert!(stderr(&o).contains("--timeout"), "{t}: {}", show(&o));
    }
    let o = env.run(&["search", "yamada", "--timeout", "soon"]);
    assert_exit(&o, 2);
    assert_eq!(env.sample_requests(), 0);
}

#[test]
fn the_log_file_records_the_search_but_no_personal_data() {
    let env = Env::start();
    let o = env.run(&[
        "search",
        "taro.yamada@example.jp",
        "--reveal",
        "--purpose",
        "Identity check during a call",
    ]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains("taro.yamada@example.jp"),
        "{}",
        show(&o)
    );
    let log = std::fs::read_to_string(env.dir.path().join("state/privdesk/privdesk.log"))
        .expect("the log file is written");
    assert!(log.contains("search finished"), "{log}");
    for secret in [
        "yamada",
        "Yamada",
        "山田",
        "@example",
        // Whole phone forms: bare digit runs like `090` also occur in the
        // log's own timestamps and durations.
        "09012345678",
        "090-1234",
        "1234-5678",
        "+8190",
        "Identity check",
    ] {
        assert!(!log.contains(secret), "the log holds `{secret}`:\n{log}");
    }
}
