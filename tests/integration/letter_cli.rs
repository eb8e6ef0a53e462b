//! `privdesk letter CASE --template NAME` with the real binary: every
//! built-in template in both languages for sample cases, override templates
//! with located errors, and `--record` storing the sent text as a reply.

use crate::common;

use common::*;
use serde_json::Value;

fn run_ok(env: &Env, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let o = env.run(&all);
    assert_exit(&o, 0);
    json(&o)
}

/// A case opened with `args` added to `case new`; its number.
fn new_case(env: &Env, args: &[&str]) -> String {
    let mut all = vec![
        "case",
        "new",
        "--category",
        "rights_request",
        "--channel",
        "email",
    ];
    all.extend_from_slice(args);
    run_ok(env, &all)["id"].as_str().unwrap().to_string()
}

fn verify_identity(env: &Env, id: &str) {
    run_ok(
        env,
        &[
            "case",
            "verify",
            id,
            "--method",
            "photo ID by post",
            "--evidence",
            "passport",
            "--result",
            "verified",
        ],
    );
}

fn letter(env: &Env, id: &str, template: &str, lang: &str) -> String {
    let v = run_ok(env, &["letter", id, "--template", template, "--lang", lang]);
    assert_eq!(v["recorded"], false);
    v["text"].as_str().unwrap().to_string()
}

fn replies(env: &Env, id: &str) -> Vec<Value> {
    run_ok(env, &["case", "show", id])["replies"]
        .as_array()
        .unwrap()
        .clone()
}

fn assert_rendered(text: &str, id: &str, lang: &str, what: &str) {
    assert!(
        !text.contains("{{") && !text.contains("}}"),
        "{what}: placeholder left:\n{text}"
    );
    assert!(text.contains(id), "{what}: no case number:\n{text}");
    let company = if lang == "ja" {
        "サンプル商事株式会社"
    } else {
        "Sample Trading Co., Ltd."
    };
    assert!(text.contains(company), "{what}: no company:\n{text}");
}

#[test]
fn every_template_renders_for_sample_cases_in_both_languages() {
    let env = common::actions::action_env(|_| {});
    // Taro's disclosure request, made by his representative, with a fee and
    // a complete package.
    let taro = new_case(
        &env,
        &[
            "--kind",
            "disclosure",
            "--requester-name",
            "山田 太郎",
            "--requester-email",
            "taro.yamada@example.jp",
            "--representative",
            "山田 花子",
            "--relation",
            "spouse",
            "--proof",
            "power of attorney",
        ],
    );
    for l in TARO {
        run_ok(&env, &["case", "link", &taro, l]);
    }
    run_ok(&env, &["case", "fee", &taro, "--amount", "1000", "--paid"]);
    verify_identity(&env, &taro);
    env.export_approved(&taro, &["analytics"], true);
    let out = env.dir.path().join("taro-package");
    assert_exit(
        &env.run(&[
            "package",
            "build",
            &taro,
            "--out",
            &out.display().to_string(),
        ]),
        0,
    );
    let sha = env.audit("package")[0].details["manifest_sha256"]
        .as_str()
        .unwrap()
        .to_string();

    // Emily Johnson's GDPR access request, extended.
    let emily = new_case(
        &env,
        &["--kind", "access", "--requester-name", "Emily Johnson"],
    );
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive()
        .to_string();
    run_ok(
        &env,
        &[
            "case",
            "extend",
            &emily,
            "--reason",
            "Records in five systems to collect",
            "--notice-date",
            &today,
        ],
    );

    // Kenichi's request refused: his identity could not be verified.
    let kenichi = new_case(
        &env,
        &["--kind", "disclosure", "--requester-name", "高橋 健一"],
    );
    run_ok(&env, &["case", "status", &kenichi, "awaiting_identity"]);
    run_ok(
        &env,
        &[
            "case",
            "status",
            &kenichi,
            "refused",
            "--ground",
            "identity_not_verified",
            "--reason",
            "No documents arrived",
        ],
    );

    let plan = [
        ("receipt", &taro),
        ("identity_request", &taro),
        ("disclosure_done", &taro),
        ("action_done", &taro),
        ("extension", &emily),
        ("refusal", &kenichi),
    ];
    for (template, id) in plan {
        for lang in ["ja", "en"] {
            let text = letter(&env, id, template, lang);
            let what = format!("{template}.{lang}");
            assert_rendered(&text, id, lang, &what);
            match (template, lang) {
                ("receipt", "ja") => {
                    assert!(
                        text.starts_with("山田 花子 様（山田 太郎 様の代理人）\n"),
                        "{what}:\n{text}"
                    );
                    assert!(text.contains("保有個人データの開示"), "{what}:\n{text}");
                }
                ("receipt", "en") => {
                    assert!(
                        text.contains("Dear 山田 花子,\n(representative of 山田 太郎)"),
                        "{what}:\n{text}"
                    )
                }
                ("identity_request", "ja") => {
                    assert!(text.contains("手数料 1,000円"), "{what}:\n{text}");
                    assert!(text.contains("代理権を確認できる書類"), "{what}:\n{text}");
                }
                ("disclosure_done", _) => {
                    assert!(text.contains(&sha), "{what}: no package reference:\n{text}");
                    let paid = if lang == "ja" {
                        "お支払いを確認"
                    } else {
                        "payment received"
                    };
                    assert!(text.contains(paid), "{what}:\n{text}");
                }
                ("extension", "en") => {
                    assert!(
                        text.contains("Records in five systems to collect"),
                        "{what}:\n{text}"
                    );
                    assert!(text.contains("New date for our answer:"), "{what}:\n{text}");
                    assert!(text.contains("Dear Emily Johnson,"), "{what}:\n{text}");
                }
                ("refusal", "ja") => {
                    assert!(
                        text.contains(
                            "・ご請求者がご本人（又はその代理人）であることを確認できないため"
                        ),
                        "{what}:\n{text}"
                    );
                    assert!(
                        text.contains("個人情報保護委員会の「個人情報保護法相談ダイヤル」"),
                        "{what}:\n{text}"
                    );
                    assert!(
                        text.contains("（補足）No documents arrived"),
                        "{what}:\n{text}"
                    );
                }
                ("refusal", "en") => {
                    assert!(
                        text.contains("- We could not verify that the request comes from you"),
                        "{what}:\n{text}"
                    );
                    assert!(
                        text.contains("Personal Information Protection Commission"),
                        "{what}:\n{text}"
                    );
                }
                _ => {}
            }
        }
    }
    // The default language follows the law: Japanese for APPI, English for GDPR.
    assert!(
        run_ok(&env, &["letter", &taro, "--template", "receipt"])["text"]
            .as_str()
            .unwrap()
            .contains("ご請求受付のお知らせ")
    );
    assert!(
        run_ok(&env, &["letter", &emily, "--template", "receipt"])["text"]
            .as_str()
            .unwrap()
            .contains("We confirm that we received")
    );
    assert_eq!(env.audit("letter").len(), 14);
}

#[test]
fn letters_that_need_what_the_case_lacks_are_refused_by_line() {
    let env = Env::offline();
    let id = new_case(
        &env,
        &["--kind", "disclosure", "--requester-name", "山田 太郎"],
    );
    let o = env.run(&["letter", &id, "--template", "extension", "--lang", "en"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("built-in data/templates/extension.en.txt:")
            && err.contains("has no value for this case: the deadline has not been extended"),
        "{err}"
    );
    let o = env.run(&["letter", &id, "--template", "disclosure_done"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains(
            "`{{package_sha256}}` has no value for this case: no disclosure package was built"
        ),
        "{}",
        show(&o)
    );
    let o = env.run(&["letter", &id, "--template", "apology"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o)
            .contains("no letter template named `apology`; templates: receipt, identity_request"),
        "{}",
        show(&o)
    );
    let o = env.run(&[
        "--as",
        "demo-auditor",
        "letter",
        &id,
        "--template",
        "receipt",
    ]);
    assert_exit(&o, 5);
    assert!(stderr(&o).contains("not allowed"), "{}", show(&o));
}

#[test]
fn an_unknown_placeholder_in_an_override_is_located() {
    let env = Env::offline();
    let id = new_case(
        &env,
        &["--kind", "access", "--requester-name", "Emily Johnson"],
    );
    let dir = env.dir.path().join("templates");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("receipt.en.txt");
    std::fs::write(
        &file,
        "Dear {{requester_name}},\n\nYour reference is {{case_number}}.\n",
    )
    .unwrap();
    let o = env.run(&["letter", &id, "--template", "receipt", "--lang", "en"]);
    assert_exit(&o, 2);
    assert_eq!(
        stderr(&o),
        format!(
            "privdesk: {}:3: unknown placeholder `{{{{case_number}}}}`\n",
            file.display()
        )
    );
    assert!(stdout(&o).is_empty());
    // Fixed, the override is what is rendered; the Japanese one is still built in.
    std::fs::write(
        &file,
        "Dear {{requester_name}},\n\nYour reference is {{case_id}}.\n",
    )
    .unwrap();
    let v = run_ok(
        &env,
        &["letter", &id, "--template", "receipt", "--lang", "en"],
    );
    assert_eq!(
        v["text"],
        format!("Dear Emily Johnson,\n\nYour reference is {id}.\n")
    );
    assert_eq!(v["source"], file.display().to_string());
    let v = run_ok(
        &env,
        &["letter", &id, "--template", "receipt", "--lang", "ja"],
    );
    assert_eq!(v["source"], "built-in data/templates/receipt.ja.txt");
}

#[test]
fn record_stores_the_sent_text_as_a_reply() {
    let env = Env::offline();
    let id = new_case(
        &env,
        &["--kind", "disclosure", "--requester-name", "伊藤 美咲"],
    );
    let v = run_ok(&env, &["letter", &id, "--template", "receipt", "--record"]);
    assert_eq!(v["recorded"], true);
    let sent = v["text"].as_str().unwrap();
    let r = replies(&env, &id);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["text"], sent.trim_end());
    assert_eq!(r[0]["internal"], false);
    assert_eq!(r[0]["is_response"], false);

    // An edited text is stored as edited, here as THE response.
    let edited = env.dir.path().join("edited.txt");
    std::fs::write(
        &edited,
        format!("伊藤 美咲 様\n\n受付番号 {id} を受け付けました。\n"),
    )
    .unwrap();
    let edited_s = edited.display().to_string();
    let v = run_ok(
        &env,
        &[
            "letter",
            &id,
            "--template",
            "receipt",
            "--record",
            "--response",
            "--edit-file",
            &edited_s,
        ],
    );
    assert_eq!(v["response"], true);
    let r = replies(&env, &id);
    assert_eq!(r.len(), 2);
    assert_eq!(
        r[1]["text"],
        format!("伊藤 美咲 様\n\n受付番号 {id} を受け付けました。")
    );
    assert_eq!(r[1]["is_response"], true);

    // A placeholder left in the edit is refused and nothing is stored.
    std::fs::write(&edited, "Dear {{requester_name}},\n").unwrap();
    let o = env.run(&[
        "letter",
        &id,
        "--template",
        "receipt",
        "--record",
        "--edit-file",
        &edited_s,
    ]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("line 1 of the letter still holds a {{...}} placeholder"),
        "{}",
        show(&o)
    );
    assert_eq!(replies(&env, &id).len(), 2);
    // --edit-file without --record is refused by the parser.
    let o = env.run(&[
        "letter",
        &id,
        "--template",
        "receipt",
        "--edit-file",
        &edited_s,
    ]);
    assert_exit(&o, 2);
}
