//! Parsing, merging over the defaults, unknown keys and type errors.

use super::*;
use crate::config::{load_file_with, Problems, DEFAULT_CONFIG};

#[test]
fn defaults_alone_are_valid_and_complete() {
    let c = ok("");
    assert_eq!(c.ui.theme, "default");
    assert!(!c.ui.mouse);
    assert_eq!(c.ui.idle_lock_secs, 300);
    assert_eq!(c.ui.idle_lock_secs, 300);
    assert_eq!(c.store.busy_timeout_ms, 5000);
    assert!(c.store.path.is_none());
    assert_eq!(c.search.timeout_secs, 10.0);
    assert_eq!(c.search.max_query_chars, 200);
    assert!(c.search.expand);
    assert_eq!(c.search.expand_max_ids, 6);
    assert!(c.reveal.purposes.len() >= 3, "{:?}", c.reveal.purposes);
    assert!(c.operators.is_empty() && c.systems.is_empty() && !c.demo);
    // The embedded text itself parses as plain TOML.
    assert!(DEFAULT_CONFIG.parse::<toml::Table>().is_ok());
}

#[test]
fn user_file_is_merged_over_defaults() {
    let c = ok("[ui]\ntheme = \"night\"\n");
    assert_eq!(c.ui.theme, "night");
    assert!(!c.ui.mouse);
    assert_eq!(c.ui.idle_lock_secs, 300);
    assert_eq!(c.ui.idle_lock_secs, 300);
    assert_eq!(c.search.expand_max_ids, 6);
    assert_eq!(c.store.busy_timeout_ms, 5000);
    assert_eq!(c.source.as_deref(), Some(Path::new(FILE)));
}

#[test]
fn arrays_are_replaced_not_appended() {
    let c = ok("[reveal]\npurposes = [\"Only this one\"]\n");
    assert_eq!(c.reveal.purposes, vec!["Only this one".to_string()]);
}

#[test]
fn malformed_toml_is_located() {
    let text = "[ui]\ntheme = \"night\"\nmouse = = true\n";
    let ps = problems(text);
    assert!(!ps.is_empty());
    assert_eq!(ps[0].line, 3, "{}", Problems(ps.clone()));
    assert!(ps[0].column > 1);
    assert_eq!(ps[0].file, Path::new(FILE));
}

#[test]
fn unterminated_string_is_located_on_its_line() {
    let text = "[ui]\n\ntheme = \"night\n";
    let ps = problems(text);
    assert_eq!(ps[0].line, 3, "{}", Problems(ps.clone()));
}

#[test]
fn unknown_top_level_key_is_located() {
    let text = "[ui]\ntheme = \"x\"\n\ncolour = \"red\"\n";
    // `colour` after [ui] belongs to ui; a real top-level key comes first.
    let text = format!("colours = true\n{text}");
    let ps = problems(&text);
    let p = find(&ps, "unknown key `colours`");
    assert_eq!(at(p), pos(&text, "colours"));
    let q = find(&ps, "unknown key `ui.colour`");
    assert_eq!(at(q), pos(&text, "colour ="));
    assert!(q.message.contains("expected one of"), "{}", q.message);
}

#[test]
fn unknown_key_in_pagination_is_located() {
    let text = system("crm", "", "")
        + "\n[systems.crm.search.pagination]\nstyle = \"page\"\nparam = \"page\"\n    pagesize = 50\n";
    let ps = problems(&text);
    assert_eq!(ps.len(), 1, "{}", Problems(ps.clone()));
    let p = find(&ps, "unknown key `systems.crm.search.pagination.pagesize`");
    assert_eq!(at(p), pos(&text, "pagesize"));
    assert_eq!(at(p).1, 5);
}

#[test]
fn wrong_type_is_located_at_the_value() {
    let text = system("crm", "timeout_secs = \"five\"", "");
    let ps = problems(&text);
    let p = find(&ps, "systems.crm.timeout_secs");
    assert_eq!(at(p), pos(&text, "\"five\""));
    assert!(p.message.contains("expected a number"), "{}", p.message);
}

#[test]
fn several_type_errors_are_all_reported() {
    let text = "[ui]\nmouse = \"yes\"\nidle_lock_secs = -3\n[search]\nexpand = 1\n";
    let ps = problems(text);
    assert_eq!(ps.len(), 3, "{}", Problems(ps.clone()));
    assert_eq!(at(find(&ps, "ui.mouse")), pos(text, "\"yes\""));
    assert_eq!(at(find(&ps, "ui.idle_lock_secs")), pos(text, "-3"));
    assert_eq!(at(find(&ps, "search.expand")), pos(text, "1"));
}

#[test]
fn every_problem_of_a_file_is_reported_in_order() {
    let text = format!(
        "mystery = 1\n{}\n[systems.crm.search.pagination]\nstyle = \"offset\"\nparam = \"offset\"\nsize = 20\nlimit = 3\n\n[operators.ann]\ndisplay_name = \"Ann\"\nrole = \"boss\"\n",
        system("crm", "concurrency = 0\nauth = { type = \"bearer\", token_env = \"CRM_TOKEN\" }", "")
    );
    let ps = problems(&text);
    let unknown = find(&ps, "unknown key `mystery`");
    let conc = find(&ps, "concurrency must be from 1 to 64");
    let env = find(&ps, "environment variable CRM_TOKEN is not set");
    let limit = find(&ps, "unknown key `systems.crm.search.pagination.limit`");
    let role = find(&ps, "operators.ann.role");
    assert_eq!(at(unknown), (1, 1));
    assert_eq!(at(conc), pos(&text, "concurrency"));
    assert_eq!(at(env), pos(&text, "token_env"));
    assert_eq!(at(limit), pos(&text, "limit = 3"));
    assert_eq!(at(role), pos(&text, "\"boss\""));
    assert_eq!(ps.len(), 5, "{}", Problems(ps.clone()));
    let lines: Vec<usize> = ps.iter().map(|p| p.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted);
}

#[test]
fn problems_display_as_file_line_column() {
    let text = "[ui]\nblink = true\n";
    let err = load_str(text, Path::new(FILE), &opts()).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.starts_with("/etc/privdesk/config.toml:2:1: unknown key `ui.blink`"),
        "{shown}"
    );
    let as_error: &dyn std::error::Error = &err;
    assert_eq!(as_error.to_string(), shown);
}

#[test]
fn missing_required_key_is_located_at_its_table() {
    let text = "[systems.crm]\ndisplay_name = \"CRM\"\n";
    let ps = problems(text);
    let p = find(&ps, "`systems.crm` is missing the required key `base_url`");
    assert_eq!(p.line, 1, "{p}");
}

#[test]
fn missing_explicit_file_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let err = load_file_with(&path, &opts()).unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert_eq!(
        err.0[0].to_string(),
        format!(
            "{}:1:1: cannot read: No such file or directory",
            path.display()
        )
    );
}

#[test]
fn systems_keep_file_order() {
    let text = system("zeta", "", "") + &system("alpha", "", "") + &system("mid", "", "");
    let c = ok(&text);
    let names: Vec<&str> = c.systems.keys().map(String::as_str).collect();
    assert_eq!(names, ["zeta", "alpha", "mid"]);
}

#[test]
fn semantic_problems_in_top_level_sections() {
    let text = "[search]\ntimeout_secs = 0.0\nexpand_max_ids = 0\n[reveal]\npurposes = [\"a\", \"  \", \"a\"]\n";
    let ps = problems(text);
    assert_eq!(
        at(find(&ps, "timeout_secs must be")),
        pos(text, "timeout_secs")
    );
    assert_eq!(
        at(find(&ps, "expand_max_ids must be")),
        pos(text, "expand_max_ids")
    );
    assert_eq!(at(find(&ps, "purpose is empty")), pos(text, "\"  \""));
    let twice = find(&ps, "listed twice");
    assert_eq!(twice.line, 5);
    assert!(twice.column > pos(text, "\"  \"").1);
}

#[test]
fn store_path_is_relative_to_the_config_folder() {
    let c = ok("[store]\npath = \"db/desk.db\"\n");
    assert_eq!(c.store_path(), Path::new("/etc/privdesk/db/desk.db"));
    let c = ok("[store]\npath = \"~/desk.db\"\n");
    assert_eq!(
        c.store_path_with(Some(Path::new("/home/x")), None),
        Path::new("/home/x/desk.db")
    );
    let c = ok("");
    assert_eq!(
        c.store_path_with(Some(Path::new("/home/x")), None),
        Path::new("/home/x/.local/share/privdesk/privdesk.db")
    );
    assert_eq!(
        c.store_path_with(Some(Path::new("/home/x")), Some(Path::new("/data"))),
        Path::new("/data/privdesk/privdesk.db")
    );
    assert_eq!(ok("").base_dir(), Path::new("/etc/privdesk"));
}

#[test]
fn key_bindings_accept_one_key_or_a_list() {
    let c = ok("[keys]\nquit = \"q\"\nsearch = [\"/\", \"ctrl-f\"]\n");
    assert_eq!(c.keys["quit"].keys(), ["q"]);
    assert_eq!(c.keys["search"].keys(), ["/", "ctrl-f"]);
    let text = "[keys]\nquit = 5\nhelp = []\n";
    let ps = problems(text);
    assert_eq!(
        at(find(&ps, "expected a key or a list of keys")),
        pos(text, "5")
    );
    assert_eq!(
        at(find(&ps, "key binding for `help` is empty")),
        pos(text, "help")
    );
}
