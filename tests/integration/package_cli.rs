//! `privdesk package build` and `privdesk package verify` with the real
//! binary, the real sample systems on loopback and a real store: complete
//! packages for story customers, tampering found file by file, systems that
//! are down, systems holding nothing, and who may build.

use crate::common;

use common::actions::action_env;
use common::fake::closed_port_url;
use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Opens a rights request of `kind` for `name` linked to `links`, verifies
/// the requester's identity, has an export approved, and returns the case
/// number.
fn verified_case(env: &Env, kind: &str, name: &str, email: Option<&str>, links: &[&str]) -> String {
    let mut args = vec![
        "case",
        "new",
        "--category",
        "rights_request",
        "--kind",
        kind,
        "--channel",
        "email",
        "--requester-name",
        name,
        "--json",
    ];
    if let Some(e) = email {
        args.extend(["--requester-email", e]);
    }
    for l in links {
        args.extend(["--link", l]);
    }
    let o = env.run(&args);
    assert_exit(&o, 0);
    let id = json(&o)["id"].as_str().unwrap().to_string();
    let o = env.run(&[
        "case",
        "verify",
        &id,
        "--method",
        "photo ID by post",
        "--evidence",
        "driving licence copy",
        "--result",
        "verified",
    ]);
    assert_exit(&o, 0);
    // Building the package is the disclosure: it needs an approved export.
    // With an e-mail address, the analytics processor is asked too, so that
    // its part of the package is there.
    if email.is_some() {
        env.export_approved(&id, &["analytics"], true);
    } else {
        env.export_approved(&id, &[], false);
    }
    id
}

/// Taro Yamada's disclosure request, linked in all five systems.
fn taro_case(env: &Env) -> String {
    verified_case(
        env,
        "disclosure",
        "山田 太郎",
        Some("taro.yamada@example.jp"),
        &TARO,
    )
}

fn out_dir(env: &Env, name: &str) -> PathBuf {
    env.dir.path().join("packages").join(name)
}

fn build(env: &Env, id: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let out = out.display().to_string();
    let mut args = vec!["package", "build", id, "--out", &out, "--json"];
    args.extend_from_slice(extra);
    env.run(&args)
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A CSV reader for the test (RFC 4180), independent of the writer.
fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text =
        std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").expect("UTF-8 BOM")).unwrap();
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CR without LF"),
            (false, '\n') => panic!("a record ends with a bare LF"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the file does not end with CRLF"
    );
    rows
}

fn system_part<'a>(data: &'a Value, name: &str) -> &'a Value {
    data["systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["system"] == name)
        .unwrap_or_else(|| panic!("no {name} in {data}"))
}

#[test]
fn a_package_for_taro_holds_every_system_and_verifies() {
    let env = action_env(|_| {});
    let id = taro_case(&env);
    let dir = out_dir(&env, "taro");
    let o = build(&env, &id, &dir, &[]);
    assert_exit(&o, 0);
    let r = json(&o);
    assert_eq!(r["status"], "complete");
    assert_eq!(r["complete"], true);

    assert_eq!(mode(&dir), 0o700);
    let names = file_names(&dir);
    assert_eq!(
        names,
        [
            "analytics.csv",
            "billing.csv",
            "crm.csv",
            "data.json",
            "loyalty.csv",
            "mailing.csv",
            "manifest.json",
            "summary.ja.txt",
            "support.csv",
        ]
    );
    for n in &names {
        assert_eq!(mode(&dir.join(n)), 0o600, "{n}");
    }

    let data = read_json(&dir.join("data.json"));
    assert_eq!(data["case_id"], id.as_str());
    assert_eq!(data["status"], "complete");
    for key in TARO {
        let (sys, rec) = key.split_once(':').unwrap();
        let part = system_part(&data, sys);
        assert_eq!(part["status"], "disclosed", "{part}");
        assert!(part["fetched_at"].is_string(), "{part}");
        assert!(part["display_name"].is_string(), "{part}");
        let records = part["records"].as_array().unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["id"], rec);

        // The CSV holds the same values, in the same columns, read back.
        let rows = parse_csv(&std::fs::read(dir.join(format!("{sys}.csv"))).unwrap());
        let header: Vec<&String> = part["labels"].as_object().unwrap().keys().collect();
        assert_eq!(rows[0].iter().collect::<Vec<_>>(), header, "{sys}");
        assert_eq!(rows.len(), 2, "{sys}");
        for (col, key) in header.iter().enumerate() {
            let want = records[0][key.as_str()].as_str().unwrap_or("");
            assert_eq!(rows[1][col], want, "{sys}.{key}");
        }
    }
    // Full data, unmasked, including fields only the fetch endpoint has.
    let crm = &system_part(&data, "crm")["records"][0];
    assert_eq!(crm["name"], "山田 太郎");
    assert_eq!(crm["email"], "taro.yamada@example.jp");
    assert!(crm["notes"].is_string(), "{crm}");
    assert_eq!(
        system_part(&data, "billing")["records"][0]["email"],
        "Taro.Yamada@Example.jp"
    );
    // The mailing lists value holds a comma: the CSV round trip above read a quoted value.
    let lists = system_part(&data, "mailing")["records"][0]["lists"]
        .as_str()
        .unwrap();
    assert!(lists.contains(", "), "{lists}");

    let summary = std::fs::read_to_string(dir.join("summary.ja.txt")).unwrap();
    assert!(summary.contains(&format!("受付番号: {id}")), "{summary}");
    assert!(summary.contains("■ Customer master (CRM)"), "{summary}");
    assert!(
        summary.contains("サービスの提供及びご本人確認のため"),
        "{summary}"
    );
    assert!(summary.contains("個人情報保護委員会"), "{summary}");

    // The manifest lists every other file with its size and hash, and its
    // own hash is in the audit log.
    let manifest_bytes = std::fs::read(dir.join("manifest.json")).unwrap();
    let manifest: Value = serde_json::from_slice(&manifest_bytes).unwrap();
    assert_eq!(manifest["case_id"], id.as_str());
    assert_eq!(manifest["status"], "complete");
    assert_eq!(manifest["package_version"], 1);
    assert!(manifest["created_by"].is_string());
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), names.len() - 1);
    for f in files {
        let bytes = std::fs::read(dir.join(f["name"].as_str().unwrap())).unwrap();
        assert_eq!(f["size"], bytes.len() as u64);
        assert_eq!(f["sha256"], hex::encode(Sha256::digest(&bytes)));
    }
    let sha = hex::encode(Sha256::digest(&manifest_bytes));
    assert_eq!(r["manifest_sha256"], sha.as_str());
    let audit = env.audit("package");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].subject, id);
    assert_eq!(audit[0].details["manifest_sha256"], sha.as_str());
    assert_eq!(audit[0].details["complete"], true);

    let o = env.run(&["package", "verify", &dir.display().to_string()]);
    assert_exit(&o, 0);
    assert!(
        stdout(&o).contains(&format!("Package for {id}: intact (9 files), complete")),
        "{}",
        show(&o)
    );
    let v = env.audit("package_verify");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].subject, id);
    assert_eq!(v[0].details["intact"], true);
}

#[test]
fn verify_reports_a_changed_a_missing_and_an_extra_file() {
    let env = action_env(|_| {});
    let id = taro_case(&env);
    let dir = out_dir(&env, "original");
    assert_exit(&build(&env, &id, &dir, &[]), 0);
    let copy = |name: &str| {
        let to = out_dir(&env, name);
        copy_dir(&dir, &to);
        to
    };
    let verify = |d: &Path| env.run(&["package", "verify", &d.display().to_string()]);

    let changed = copy("changed");
    let mut bytes = std::fs::read(changed.join("crm.csv")).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0x01;
    std::fs::write(changed.join("crm.csv"), bytes).unwrap();
    let o = verify(&changed);
    assert_exit(&o, 1);
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        ["changed: crm.csv does not match its SHA-256 in the manifest"]
    );
    assert!(
        stderr(&o).contains("1 problem; the package is not as it was built"),
        "{}",
        show(&o)
    );

    let missing = copy("missing");
    std::fs::remove_file(missing.join("data.json")).unwrap();
    let o = verify(&missing);
    assert_exit(&o, 1);
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        ["missing: data.json is listed in the manifest but not in the folder"]
    );

    let extra = copy("extra");
    std::fs::write(extra.join("notes.txt"), "added later").unwrap();
    let o = env.run(&["package", "verify", &extra.display().to_string(), "--json"]);
    assert_exit(&o, 1);
    let v = json(&o);
    assert_eq!(v["intact"], false);
    assert_eq!(v["file_problems"][0]["problem"], "extra");
    assert_eq!(v["file_problems"][0]["file"], "notes.txt");
    assert_eq!(v["file_problems"].as_array().unwrap().len(), 1);

    // A manifest rewritten to match a changed file is not the one built.
    let forged = copy("forged");
    std::fs::write(forged.join("crm.csv"), "\u{feff}id\r\nC-9999\r\n").unwrap();
    let mut m = read_json(&forged.join("manifest.json"));
    for f in m["files"].as_array_mut().unwrap() {
        if f["name"] == "crm.csv" {
            let bytes = std::fs::read(forged.join("crm.csv")).unwrap();
            f["size"] = bytes.len().into();
            f["sha256"] = hex::encode(Sha256::digest(&bytes)).into();
        }
    }
    std::fs::write(
        forged.join("manifest.json"),
        serde_json::to_vec_pretty(&m).unwrap(),
    )
    .unwrap();
    let o = verify(&forged);
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains(&format!(
            "manifest: no package with this manifest was built for {id}"
        )),
        "{}",
        show(&o)
    );

    // The original is untouched, and every check was audited.
    assert_exit(&verify(&dir), 0);
    let audited: Vec<bool> = env
        .audit("package_verify")
        .iter()
        .map(|e| e.details["intact"].as_bool().unwrap())
        .collect();
    assert_eq!(audited, [false, false, false, false, true]);
}

#[test]
fn a_system_that_is_down_makes_the_package_incomplete() {
    let env = action_env(|doc| {
        doc["systems"]["billing"]["base_url"] = toml_edit::value(closed_port_url());
        doc["systems"]["mailing"]["base_url"] = toml_edit::value(closed_port_url());
    });
    // Linked in billing (down) but not in mailing (down too: its check fails).
    let links = [
        "crm:C-1001",
        "billing:B-77",
        "support:9001",
        "loyalty:L-00042",
    ];
    let id = verified_case(
        &env,
        "disclosure",
        "山田 太郎",
        Some("taro.yamada@example.jp"),
        &links,
    );
    let dir = out_dir(&env, "down");
    let o = build(&env, &id, &dir, &[]);
    assert_exit(&o, 3);
    let err = stderr(&o);
    assert!(
        err.contains("privdesk: the package is INCOMPLETE: billing: record B-77 could not be fetched: unreachable"),
        "{err}"
    );
    assert!(
        err.contains("privdesk: the package is INCOMPLETE: mailing: no record is linked and the search to confirm that failed: unreachable"),
        "{err}"
    );
    let r = json(&o);
    assert_eq!(r["status"], "incomplete");
    assert_eq!(r["complete"], false);

    let manifest = read_json(&dir.join("manifest.json"));
    assert_eq!(manifest["status"], "incomplete");
    assert_eq!(manifest["problems"].as_array().unwrap().len(), 2);
    let status = |name: &str| {
        manifest["systems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["system"] == name)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("billing"), "failed");
    assert_eq!(status("mailing"), "check_failed");
    assert_eq!(status("crm"), "disclosed");
    assert_eq!(read_json(&dir.join("data.json"))["status"], "incomplete");
    let summary = std::fs::read_to_string(dir.join("summary.ja.txt")).unwrap();
    assert!(
        summary.contains("この開示はまだ完全ではありません"),
        "{summary}"
    );
    assert!(
        summary.contains("Billing: システムから情報を取得できませんでした"),
        "{summary}"
    );
    assert_eq!(mode(&dir), 0o700);

    // Intact, but never reported as complete.
    let o = env.run(&["package", "verify", &dir.display().to_string()]);
    assert_exit(&o, 3);
    assert!(
        stdout(&o).contains("intact (7 files), INCOMPLETE"),
        "{}",
        show(&o)
    );
    assert_eq!(env.audit("package")[0].details["complete"], false);

    // The case cannot be closed as fulfilled on an incomplete package.
    for args in [
        vec!["case", "status", &id, "in_progress"],
        vec![
            "case",
            "note",
            &id,
            "--text",
            "Your data is enclosed.",
            "--reply",
            "--response",
        ],
        vec!["case", "status", &id, "responded"],
    ] {
        let o = env.run(&args);
        assert_exit(&o, 0);
    }
    let o = env.run(&["case", "status", &id, "closed", "--outcome", "fulfilled"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("the latest disclosure package")
            && stderr(&o).contains("is INCOMPLETE"),
        "{}",
        show(&o)
    );
    let o = env.run(&["case", "show", &id, "--json"]);
    assert_eq!(json(&o)["case"]["status"], "responded", "{}", show(&o));
}

#[test]
fn systems_holding_nothing_get_a_statement() {
    // The analytics processor is asked by the requester's e-mail, which this
    // request lacks; it has its own test.
    let env = action_env(|doc| {
        doc["systems"]["analytics"]["enabled"] = toml_edit::value(false);
    });
    // Kenichi Takahashi is in crm, billing and support only; the request
    // gives no email, so the fetched records' email and phone are searched.
    let links = ["crm:C-1004", "billing:B-79", "support:9003"];
    let id = verified_case(&env, "access", "Kenichi Takahashi", None, &links);
    let dir = out_dir(&env, "kenichi");
    let o = build(&env, &id, &dir, &["--lang", "en"]);
    assert_exit(&o, 0);
    let data = read_json(&dir.join("data.json"));
    let today = data["as_of"].as_str().unwrap().to_string();
    let loyalty = system_part(&data, "loyalty");
    assert_eq!(loyalty["status"], "none_held");
    assert_eq!(
        loyalty["statement"],
        format!("No personal data held in Loyalty programme as of {today} (searched by phone).")
    );
    let mailing = system_part(&data, "mailing");
    assert_eq!(
        mailing["statement"],
        format!("No personal data held in Mailing lists as of {today} (searched by email).")
    );
    assert!(mailing.get("records").is_none());
    assert!(!dir.join("mailing.csv").exists());
    let summary = std::fs::read_to_string(dir.join("summary.en.txt")).unwrap();
    assert!(
        summary.contains("Loyalty programme: no personal data held about you as of"),
        "{summary}"
    );
    assert!(!dir.join("summary.ja.txt").exists());
    let checked = &env.audit("package")[0].details["checked"];
    assert_eq!(checked.as_array().unwrap().len(), 2, "{checked}");
}

#[test]
fn a_record_found_but_not_linked_holds_the_package_up() {
    let env = action_env(|_| {});
    let links = [
        "crm:C-1001",
        "billing:B-77",
        "support:9001",
        "loyalty:L-00042",
    ];
    let id = verified_case(
        &env,
        "disclosure",
        "山田 太郎",
        Some("taro.yamada@example.jp"),
        &links,
    );
    let o = build(&env, &id, &out_dir(&env, "first"), &[]);
    assert_exit(&o, 3);
    assert!(
        stderr(&o).contains("the search by email found mailing:S-5"),
        "{}",
        show(&o)
    );

    // Once reviewed as someone else's, it is recorded and no longer holds it up.
    let o = build(
        &env,
        &id,
        &out_dir(&env, "second"),
        &["--not-theirs", "mailing:S-5"],
    );
    assert_exit(&o, 0);
    let data = read_json(&out_dir(&env, "second").join("data.json"));
    assert_eq!(system_part(&data, "mailing")["status"], "none_held");
    let audit = env.audit("package");
    assert_eq!(audit.len(), 2);
    assert_eq!(strings(&audit[1].details["not_theirs"]), ["mailing:S-5"]);

    // A linked record cannot be waved away.
    let o = build(
        &env,
        &id,
        &out_dir(&env, "third"),
        &["--not-theirs", "crm:C-1001"],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("crm:C-1001 is linked to case"),
        "{}",
        show(&o)
    );
    assert!(!out_dir(&env, "third").exists());
}

#[test]
fn third_party_provision_records_are_reported_missing() {
    let env = action_env(|_| {});
    let id = verified_case(
        &env,
        "third_party_records",
        "山田 太郎",
        Some("taro.yamada@example.jp"),
        &TARO,
    );
    let dir = out_dir(&env, "provision");
    let o = build(&env, &id, &dir, &[]);
    assert_exit(&o, 3);
    assert!(
        stderr(&o).contains("third-party provision records: no connected system exposes them"),
        "{}",
        show(&o)
    );
    let data = read_json(&dir.join("data.json"));
    assert_eq!(
        data["third_party_provision_records"]["status"],
        "not_available"
    );
    assert_eq!(system_part(&data, "crm")["status"], "disclosed");
}

#[test]
fn only_those_who_work_on_the_case_build_it_and_only_when_due() {
    let env = action_env(|_| {});
    let id = taro_case(&env);
    let mut asked = env.sample_requests();
    // Exit 5: not allowed; 2: not possible yet.
    let refused = |args: &[&str], needle: &str, dir: &str| {
        let out = out_dir(&env, dir);
        let out_s = out.display().to_string();
        let mut all = args.to_vec();
        all.extend(["--out", out_s.as_str()]);
        let o = env.run(&all);
        let code = if needle.contains("not allowed") || needle.contains("is assigned to") {
            5
        } else {
            2
        };
        assert_exit(&o, code);
        assert!(stderr(&o).contains(needle), "{}", show(&o));
        assert!(!out.exists(), "{dir} was written");
    };
    refused(
        &["--as", "demo-auditor", "package", "build", &id],
        "not allowed: auditors are read-only",
        "auditor",
    );
    let me = privdesk::config::current_username();
    assert_exit(&env.run(&["case", "assign", &id, &me]), 0);
    refused(
        &["--as", "demo-agent", "package", "build", &id],
        &format!("case {id} is assigned to {me}"),
        "agent",
    );
    let denied = env.audit("denied");
    assert_eq!(denied.len(), 2);
    assert!(denied.iter().all(|e| e.subject == id));

    let o = env.run(&[
        "case",
        "new",
        "--category",
        "rights_request",
        "--kind",
        "disclosure",
        "--channel",
        "email",
        "--requester-name",
        "山田 太郎",
        "--link",
        "crm:C-1001",
        "--json",
    ]);
    let unverified = json(&o)["id"].as_str().unwrap().to_string();
    refused(
        &["package", "build", &unverified],
        "the requester's identity is not verified",
        "unverified",
    );
    assert_eq!(env.sample_requests(), asked);
    let correction = verified_case(&env, "correction", "山田 太郎", None, &["crm:C-1001"]);
    asked = env.sample_requests();
    refused(
        &["package", "build", &correction],
        "a correction request; packages are built for disclosure",
        "correction",
    );
    assert!(env.audit("package").is_empty());
    assert_eq!(env.sample_requests(), asked);
}

#[test]
fn a_folder_in_use_is_refused_before_any_system_is_asked() {
    let env = action_env(|_| {});
    let id = taro_case(&env);
    let asked = env.sample_requests();
    let dir = out_dir(&env, "in-use");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("letter.txt"), "mine").unwrap();
    let o = build(&env, &id, &dir, &[]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("is not empty; give a new folder"),
        "{}",
        show(&o)
    );
    assert_eq!(file_names(&dir), ["letter.txt"]);
    assert_eq!(env.sample_requests(), asked);
    assert!(env.audit("package").is_empty());
}

#[test]
fn no_package_before_a_supervisor_approved_the_export() {
    let env = action_env(|_| {});
    let mut args = vec![
        "case",
        "new",
        "--category",
        "rights_request",
        "--kind",
        "disclosure",
        "--channel",
        "phone",
        "--requester-name",
        "山田 太郎",
        "--requester-email",
        "taro.yamada@example.jp",
        "--json",
    ];
    for l in TARO {
        args.extend(["--link", l]);
    }
    let o = env.run_as(common::actions::AGENT, &args);
    assert_exit(&o, 0);
    let id = json(&o)["id"].as_str().unwrap().to_string();
    let o = env.run_as(
        common::actions::AGENT,
        &[
            "case",
            "verify",
            &id,
            "--method",
            "call-back",
            "--evidence",
            "date of birth",
            "--result",
            "verified",
        ],
    );
    assert_exit(&o, 0);
    let asked = env.sample_requests();
    let try_build = |name: &str| {
        let dir = out_dir(&env, name);
        let out = dir.display().to_string();
        let o = env.run_as(
            common::actions::AGENT,
            &["package", "build", &id, "--out", &out],
        );
        (o, dir)
    };
    let (o, dir) = try_build("fresh");
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains(&format!("case {id} has no approved export; prepare one (privdesk action plan {id} --kind export)")),
        "{}",
        show(&o)
    );
    assert!(!dir.exists());
    assert_eq!(
        env.sample_requests(),
        asked,
        "a refused package asked a system"
    );

    // Prepared by the agent: still not approved.
    let planned = env.plan(common::actions::AGENT, &id, &["--kind", "export"]);
    let action = planned["action"]["id"].as_str().unwrap().to_string();
    let (o, _) = try_build("awaiting");
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains(&format!("export {action} awaits a supervisor's approval")),
        "{}",
        show(&o)
    );
    assert!(env.audit("package").is_empty());

    let o = env.run_as(
        common::actions::SAM,
        &["action", "approve", &action, "--reason", "checked"],
    );
    assert_exit(&o, 0);
    // Approved but not run: the processor's part is missing, and says so.
    let (o, _) = try_build("approved");
    assert_exit(&o, 3);
    assert!(
        stderr(&o).contains("INCOMPLETE: analytics: the processor has not been asked yet"),
        "{}",
        show(&o)
    );
    let o = env.run_as(common::actions::AGENT, &["action", "run", &action]);
    assert_exit(&o, 0);
    let (o, dir) = try_build("done");
    assert_exit(&o, 0);
    let data = read_json(&dir.join("data.json"));
    let ana = system_part(&data, "analytics");
    assert_eq!(ana["status"], "disclosed", "{ana}");
    assert_eq!(ana["records"][0]["email"], "taro.yamada@example.jp");
    assert_eq!(env.audit("package").len(), 2);
}
