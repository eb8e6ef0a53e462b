//! `privdesk config check` and how every command treats a broken
//! configuration or an operator it does not know.

use crate::common;

use common::*;
use std::path::Path;

/// Replace the one occurrence of `from` in `text`.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` is not unique");
    text.replacen(from, to, 1)
}

/// `FILE:LINE:COL: ` of the first line holding `needle`, the column being
/// where `needle` starts (1-based, in characters).
fn located(path: &Path, text: &str, needle: &str) -> String {
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` is not in the file"));
    let byte = line.find(needle).unwrap();
    let col = line[..byte].chars().count() + 1;
    format!("{}:{}:{}: ", path.display(), n + 1, col)
}

/// The stderr line starting with `prefix`.
fn problem<'a>(err: &'a str, prefix: &str) -> &'a str {
    err.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no problem reported at {prefix}\n{err}"))
}

#[test]
fn config_check_locates_each_problem() {
    let env = Env::start();
    let text = env.config_text();
    let crm_auth = r#"auth = { type = "bearer", token_file = "sample-secrets/crm.token" }"#;
    let text = replace_once(
        &text,
        crm_auth,
        r#"auth = { type = "bearer", token_env = "PRIVDESK_TEST_UNSET_TOKEN" }
colour = "red""#,
    );
    let support_auth = r#"auth = { type = "api_key", header = "X-Api-Key", key_file = "sample-secrets/support.key" }"#;
    let text = replace_once(
        &text,
        support_auth,
        r#"auth = { type = "api_key", header = "X-Api-Key", key = "s3cr3t-inline-key" }"#,
    );
    let path = env.write_config("broken.toml", &text);

    let o = env
        .command_with(&path, &["config", "check"])
        .env_remove("PRIVDESK_TEST_UNSET_TOKEN")
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert!(stdout(&o).is_empty(), "{}", show(&o));
    let err = stderr(&o);

    let unknown = problem(&err, &located(&path, &text, "colour ="));
    assert!(
        unknown.contains("unknown key `systems.crm.colour`"),
        "{unknown}"
    );

    let env_var = problem(
        &err,
        &located(&path, &text, "token_env = \"PRIVDESK_TEST_UNSET_TOKEN\""),
    );
    assert!(
        env_var.contains("environment variable PRIVDESK_TEST_UNSET_TOKEN is not set"),
        "{env_var}"
    );

    let inline = problem(&err, &located(&path, &text, "key = \"s3cr3t"));
    assert!(inline.contains("inline secret refused"), "{inline}");
    assert!(
        inline.contains("key_env") && inline.contains("key_file"),
        "{inline}"
    );
    assert!(
        !err.contains("s3cr3t-inline-key"),
        "the secret is echoed:\n{err}"
    );

    let summary = err.lines().last().unwrap();
    assert!(
        summary.ends_with(&format!("problems in {}", path.display())),
        "{summary}"
    );
}

#[test]
fn malformed_toml_is_located() {
    let env = Env::start();
    let text = replace_once(&env.config_text(), "[store]", "[store");
    let path = env.write_config("malformed.toml", &text);
    let o = env.run_with(&path, &["config", "check"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    let at = located(&path, &text, "[store");
    // The column points into that line; the parser decides exactly where.
    let prefix = at.rsplit_once(':').unwrap().0; // drop the trailing ": "
    let prefix = prefix.rsplit_once(':').unwrap().0; // drop the column
    let line = err
        .lines()
        .find(|l| l.starts_with(&format!("{prefix}:")))
        .unwrap_or_else(|| panic!("no problem on the [store line:\n{err}"));
    let col: usize = line[prefix.len() + 1..]
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no column in {line}"));
    assert!((1..=8).contains(&col), "{line}");
    assert!(
        line.contains(']'),
        "the message does not say what is missing: {line}"
    );
    assert!(
        err.contains(&format!("1 problem in {}", path.display())),
        "{err}"
    );
}

#[test]
fn a_valid_config_is_ok() {
    let env = Env::start();
    let o = env.run(&["config", "check"]);
    assert_exit(&o, 0);
    assert_eq!(stdout(&o), format!("{}: ok\n", env.config.display()));
    assert!(stderr(&o).is_empty(), "{}", show(&o));
}

#[test]
fn commands_refuse_a_broken_config_with_its_problems() {
    let env = Env::start();
    let text = replace_once(
        &env.config_text(),
        "total_path = \"meta.total\"\nmax_pages = 5\n",
        "total_path = \"meta.total\"\nmax_pages = \"five\"\n",
    );
    let path = env.write_config("broken.toml", &text);
    let at = located(&path, &text, "\"five\"");
    for args in [
        &["search", "yamada"][..],
        &["fetch", "crm", "C-1001"][..],
        &["audit", "verify"][..],
    ] {
        let o = env.run_with(&path, args);
        assert_exit(&o, 2);
        let err = stderr(&o);
        assert!(
            err.starts_with("privdesk: the configuration has problems:"),
            "{args:?}: {err}"
        );
        assert!(
            err.lines()
                .any(|l| l.starts_with(&at) && l.contains("pagination.max_pages")),
            "{args:?}: expected a problem at {at}\n{err}"
        );
        assert!(stdout(&o).is_empty(), "{}", show(&o));
    }
    assert!(!env.store_path().exists(), "a store was opened anyway");
    assert_eq!(env.sample_requests(), 0);
}

#[test]
fn a_missing_config_file_is_a_usage_error() {
    let env = Env::start();
    let path = env.dir.path().join("nowhere.toml");
    let o = env.run_with(&path, &["search", "yamada"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{}:1:1: cannot read", path.display())),
        "{err}"
    );
}

#[test]
fn an_os_user_who_is_not_an_operator_is_refused() {
    let env = Env::start_with(|doc| {
        let ops = doc["operators"].as_table_mut().unwrap();
        assert!(
            ops.remove("$USER").is_some(),
            "the sample config has \"$USER\""
        );
    });
    let me = privdesk::config::current_username();
    let o = env.run(&["config", "check"]);
    assert_exit(&o, 0);

    for args in [&["search", "yamada"][..], &["audit", "log"][..]] {
        let o = env.run(args);
        assert_exit(&o, 5);
        let err = stderr(&o);
        assert!(
            err.contains(&format!("user \"{me}\" is not an operator")),
            "{args:?}: {err}"
        );
        assert!(err.contains("[operators."), "{args:?}: {err}");
        assert!(stdout(&o).is_empty(), "{}", show(&o));
    }
    assert_eq!(env.sample_requests(), 0);
    // Other configured operators still work (demo configurations allow --as).
    let o = env.run(&["--as", "demo-agent", "search", "yamada", "--json"]);
    assert_exit(&o, 0);
}

#[test]
fn as_is_refused_outside_demo_configurations() {
    let me = privdesk::config::current_username();
    let env = Env::start_with(|doc| {
        doc["demo"] = toml_edit::value(false);
        let ops = doc["operators"].as_table_mut().unwrap();
        let supervisor = ops.remove("$USER").unwrap();
        ops.insert(&me, supervisor);
    });
    let o = env.run(&["config", "check"]);
    assert_exit(&o, 0);
    // The server refuses it: who the operator is comes from the login.
    let o = env.run(&["--as", "demo-agent", "search", "yamada"]);
    assert_exit(&o, 5);
    assert!(
        stderr(&o).contains("--as demo-agent is accepted only by a demo server"),
        "{}",
        show(&o)
    );
    assert_eq!(env.sample_requests(), 0);
    let refused = env.audit("denied");
    assert_eq!(refused.len(), 1, "the refusal is audited");
    assert_eq!(refused[0].details["acting_as"], "demo-agent");
    // As oneself it works.
    let o = env.run(&["search", "yamada", "--json"]);
    assert_exit(&o, 0);
    assert_eq!(env.audit("search")[0].operator, me);
}

#[test]
fn key_binding_conflicts_and_unknown_themes_are_located() {
    let env = Env::offline();
    let text = format!(
        "{}\n[ui]\ntheme = \"no-such-theme\"\n\n[keys]\nreveal = \"q\"\nfrobnicate = \"x\"\nhelp = \"ctrl-\"\n",
        env.config_text()
    );
    // The sample config has no [ui] or [keys] tables of its own.
    assert!(!env.config_text().contains("[keys]") && !env.config_text().contains("[ui]"));
    let path = env.write_config("keys.toml", &text);
    let o = env.run_with(&path, &["config", "check"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    let reveal = problem(&err, &located(&path, &text, "reveal = \"q\""));
    assert!(reveal.contains("already bound to `quit`"), "{err}");
    let unknown = problem(&err, &located(&path, &text, "frobnicate"));
    assert!(unknown.contains("unknown command `frobnicate`"), "{err}");
    let bad_key = problem(&err, &located(&path, &text, "help = "));
    assert!(bad_key.contains("unknown key `ctrl-`"), "{err}");
    let theme = problem(&err, &located(&path, &text, "theme = "));
    assert!(theme.contains("unknown theme `no-such-theme`"), "{err}");
}
