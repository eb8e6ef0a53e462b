//! `privdesk fetch SYSTEM ID`: one full record, masked unless revealed,
//! every fetch audited.

use crate::common;

use common::*;

#[test]
fn fetch_gives_the_full_record_masked() {
    let env = Env::start();
    let o = env.run(&["fetch", "crm", "C-1001", "--json"]);
    assert_exit(&o, 0);
    let r = json(&o);
    assert_eq!(r["system"], "crm");
    assert_eq!(r["id"], "C-1001");
    assert_eq!(r["name"], "山田 太郎");
    assert_eq!(r["email"], "t***@example.jp");
    assert_eq!(r["phone"], "***-****-5678");
    assert_eq!(r["postal_code"], "***-****");
    assert_eq!(r["birth_date"], "****-**-**");
    assert!(r["address"].as_str().unwrap().ends_with("***"), "{r}");
    // Fields only the fetch endpoint has.
    assert_eq!(r["fields"]["Segment"], "gold");
    assert!(r["fields"].get("Notes").is_some(), "{r}");
    assert!(r["fields"].get("Marketing opt-in").is_some(), "{r}");
    let out = stdout(&o);
    for raw in ["taro.yamada@example.jp", "090-1234-5678", "1985-04-12"] {
        assert!(!out.contains(raw), "{raw} printed unmasked");
    }

    let f = env.audit("fetch");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].details["record"], "crm:C-1001");
    assert_eq!(f[0].details["outcome"], "ok");
}

#[test]
fn fetch_with_reveal_unmasks_and_is_audited() {
    let env = Env::start();
    let o = env.run(&[
        "fetch",
        "billing",
        "B-77",
        "--json",
        "--reveal",
        "--purpose",
        "Handling the customer's request",
    ]);
    assert_exit(&o, 0);
    let r = json(&o);
    assert_eq!(r["email"], "Taro.Yamada@Example.jp");
    assert_eq!(r["phone"], "+81 90 1234 5678");
    let rev = env.audit("reveal");
    assert_eq!(rev.len(), 1);
    assert_eq!(strings(&rev[0].details["records"]), ["billing:B-77"]);
}

#[test]
fn fetch_can_reveal_one_field_and_the_rest_stays_masked() {
    let env = Env::start();
    let purpose = "Identity check during a call";
    let o = env.run(&[
        "fetch",
        "billing",
        "B-77",
        "--json",
        "--reveal",
        "--purpose",
        purpose,
        "--field",
        "phone",
    ]);
    assert_exit(&o, 0);
    let r = json(&o);
    assert_eq!(r["phone"], "+81 90 1234 5678");
    assert_ne!(
        r["email"], "Taro.Yamada@Example.jp",
        "the email stays masked: {r}"
    );
    assert!(r["email"].as_str().unwrap().contains("***"), "{r}");
    let rev = env.audit("reveal");
    assert_eq!(rev.len(), 1);
    assert_eq!(rev[0].details["field"], "phone");
    assert_eq!(strings(&rev[0].details["records"]), ["billing:B-77"]);

    // A field that is not masked is refused before anything is asked.
    let o = env.run(&[
        "fetch",
        "billing",
        "B-77",
        "--reveal",
        "--purpose",
        purpose,
        "--field",
        "name",
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--field name"), "{}", stderr(&o));
    assert_eq!(env.audit("reveal").len(), 1, "nothing more was revealed");
}

#[test]
fn text_fetch_escapes_control_characters_and_aligns_labels() {
    let env = Env::start();
    let o = env.run(&["fetch", "support", "9006"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(!o.stdout.contains(&0x1b), "raw ESC in stdout:\n{out}");
    assert!(!o.stdout.contains(&0x07), "raw BEL in stdout:\n{out}");
    assert!(out.contains("Kobayashi Rei ^[[31m[URGENT]^[[0m"), "{out}");
    assert!(
        out.contains("Pasted from a terminal: ^[[2J^[[1;31mALL CAPS RED^[[0m^G"),
        "{out}"
    );
    // Every value starts in the same column, however long its label.
    let starts: Vec<usize> = out
        .lines()
        .skip(1)
        .map(|l| {
            let rest = &l[2..];
            let label_end = rest.find("  ").expect("two spaces after the label");
            let gap = rest[label_end..].len() - rest[label_end..].trim_start().len();
            rest[..label_end].chars().count() + gap
        })
        .collect();
    assert!(starts.len() >= 5, "{out}");
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{out}");
}

#[test]
fn an_unknown_id_fails_that_system() {
    let env = Env::start();
    let o = env.run(&["fetch", "crm", "C-9999"]);
    assert_exit(&o, 3);
    let err = stderr(&o);
    assert!(err.starts_with("privdesk: crm: HTTP 404"), "{err}");
    assert!(err.contains("C-9999"), "{err}");
    assert!(stdout(&o).is_empty(), "{}", show(&o));
    let f = env.audit("fetch");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].details["outcome"], "http_error");
}

#[test]
fn an_unknown_system_is_a_usage_error() {
    let env = Env::start();
    let o = env.run(&["fetch", "warehouse", "C-1001"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("no system named `warehouse`"), "{err}");
    assert_eq!(env.sample_requests(), 0);
}

#[test]
fn auditors_do_not_fetch_customer_records() {
    let env = Env::start();
    let o = env.run(&["--as", "demo-auditor", "fetch", "crm", "C-1001"]);
    assert_exit(&o, 5);
    assert!(
        stderr(&o).contains("not allowed: auditors do not read customer records"),
        "{}",
        show(&o)
    );
    assert!(stdout(&o).is_empty(), "{}", show(&o));
    assert_eq!(env.sample_requests(), 0);
    let denied = env.audit("denied");
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].subject, "fetch");
    assert!(env.audit("fetch").is_empty());
}
