//! Secrets from environment variables and files; inline secrets refused.

use super::*;
use crate::config::{load_file_with, Problems};

fn bearer(name: &str, auth: &str) -> String {
    system(name, "", "") + &format!("\n[systems.{name}.auth]\ntype = \"bearer\"\n{auth}\n")
}

#[test]
fn missing_env_var_is_located_and_named() {
    let text = bearer("crm", "token_env = \"CRM_TOKEN\"");
    let ps = problems(&text);
    assert_eq!(ps.len(), 1, "{}", Problems(ps.clone()));
    assert_eq!(
        ps[0].message,
        "environment variable CRM_TOKEN is not set (needed by systems.crm.auth.token_env)"
    );
    assert_eq!(at(&ps[0]), pos(&text, "token_env"));
}

#[test]
fn env_token_is_read_and_trimmed() {
    let text = bearer("crm", "token_env = \"CRM_TOKEN\"");
    let c = ok_with(&text, &opts_with(&[("CRM_TOKEN", "tok-123 \n")]));
    let secret = c.systems["crm"].auth.secret.clone().expect("resolved");
    assert_eq!(secret.expose(), "tok-123");
    assert!(!format!("{:?}", c.systems["crm"].auth).contains("tok-123"));
}

#[test]
fn empty_env_var_is_a_problem() {
    let text = bearer("crm", "token_env = \"CRM_TOKEN\"");
    let ps = problems_with(&text, &opts_with(&[("CRM_TOKEN", "  \n")]));
    find(
        &ps,
        "environment variable CRM_TOKEN is empty (needed by systems.crm.auth.token_env)",
    );
}

#[test]
fn token_file_is_relative_to_the_config_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("secrets")).unwrap();
    std::fs::write(dir.path().join("secrets/crm.token"), "file-token\n").unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, bearer("crm", "token_file = \"secrets/crm.token\"")).unwrap();
    let c = load_file_with(&cfg, &opts()).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(
        c.systems["crm"].auth.secret.as_ref().unwrap().expose(),
        "file-token"
    );
    assert_eq!(c.source.as_deref(), Some(cfg.as_path()));
}

#[test]
fn token_file_with_tilde_uses_home() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("crm.token"), "home-token").unwrap();
    let o = LoadOptions::isolated("tester", &[("HOME", home.path().to_str().unwrap())]);
    let c = ok_with(&bearer("crm", "token_file = \"~/crm.token\""), &o);
    assert_eq!(
        c.systems["crm"].auth.secret.as_ref().unwrap().expose(),
        "home-token"
    );
}

#[test]
fn unreadable_or_bad_secret_files_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("two.token"), "line one\nline two\n").unwrap();
    let text = bearer("crm", "token_file = \"gone.token\"")
        + &bearer("billing", "token_file = \"two.token\"");
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, &text).unwrap();
    let ps = load_file_with(&cfg, &opts()).unwrap_err().0;
    let gone = find(&ps, "cannot read secret file");
    assert!(
        gone.message
            .contains(&dir.path().join("gone.token").display().to_string()),
        "{gone}"
    );
    assert!(gone.message.contains("No such file or directory"), "{gone}");
    assert!(
        gone.message
            .ends_with("(needed by systems.crm.auth.token_file)"),
        "{gone}"
    );
    assert_eq!(gone.file, cfg);
    let two = find(&ps, "holds more than one line");
    assert!(!two.message.contains("line one"), "{two}");
    assert!(two.message.contains("systems.billing.auth.token_file"));
}

#[test]
fn disabled_system_needs_no_secret() {
    let text = bearer("crm", "token_env = \"CRM_TOKEN\"").replace(
        "base_url = \"https://crm.example.test/api\"",
        "base_url = \"https://crm.example.test/api\"\nenabled = false",
    );
    let c = ok(&text);
    assert!(!c.systems["crm"].enabled);
    assert!(c.systems["crm"].auth.secret.is_none());
}

#[test]
fn inline_token_is_refused_with_how_to_and_without_its_value() {
    let text = bearer("crm", "token = \"sk-live-9f8e7d\"");
    let ps = problems(&text);
    let p = find(&ps, "inline secret refused");
    assert!(
        p.message.starts_with(
            "inline secret refused: move the token to an environment variable (token_env = \"CRM_TOKEN\") \
             or a file (token_file = \"secrets/crm.token\")"
        ),
        "{p}"
    );
    assert_eq!(at(p), pos(&text, "token ="));
    for q in &ps {
        assert!(!q.message.contains("sk-live-9f8e7d"), "{q}");
        assert!(!q.message.contains("unknown key"), "{q}");
    }
}

#[test]
fn inline_password_and_secret_anywhere_under_a_system() {
    let text = system("shop", "password = \"hunter2\"", "client_secret = 12345");
    let ps = problems(&text);
    let pw = find(&ps, "move the password");
    assert_eq!(at(pw), pos(&text, "password ="));
    assert!(
        pw.message.contains("password_env = \"SHOP_PASSWORD\""),
        "{pw}"
    );
    let key = find(&ps, "move the key");
    assert_eq!(at(key), pos(&text, "client_secret"));
    assert!(ps
        .iter()
        .all(|p| !p.message.contains("hunter2") && !p.message.contains("12345")));
}

#[test]
fn credential_headers_are_refused() {
    let text = system(
        "crm",
        "headers = { Accept = \"application/json\", Authorization = \"Bearer abc.def\", X-Api-Key = \"k-42\" }",
        "",
    );
    let ps = problems(&text);
    assert_eq!(ps.len(), 2, "{}", Problems(ps.clone()));
    let auth = find(&ps, "token_env = \"CRM_TOKEN\"");
    assert_eq!(at(auth), pos(&text, "Authorization"));
    let key = find(&ps, "header = \"X-Api-Key\"");
    assert_eq!(at(key), pos(&text, "X-Api-Key"));
    assert!(key.message.contains("type = \"api_key\""));
    assert!(ps
        .iter()
        .all(|p| !p.message.contains("abc.def") && !p.message.contains("k-42")));
}

#[test]
fn api_key_in_query_is_refused_but_templates_are_not() {
    let text = system("crm", "", "").replace(
        "query = { q = \"{query}\" }",
        "query = { q = \"{query}\", apikey = \"AKIA0000\", key = \"{kind}\" }",
    );
    let ps = problems(&text);
    assert_eq!(ps.len(), 1, "{}", Problems(ps.clone()));
    let p = find(&ps, "query_param = \"apikey\"");
    assert_eq!(at(p), pos(&text, "apikey"));
    assert!(!p.message.contains("AKIA0000"));
}

#[test]
fn credentials_in_base_url_are_refused_without_echo() {
    let text = system("crm", "", "").replace(
        "https://crm.example.test/api",
        "https://admin:pa55word@crm.example.test/api",
    );
    let ps = problems(&text);
    let p = find(
        &ps,
        "inline secret refused: base_url carries a user name or password",
    );
    assert_eq!(at(p), pos(&text, "base_url"));
    assert!(!p.message.contains("pa55word"));
}
