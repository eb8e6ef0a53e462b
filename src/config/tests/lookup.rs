//! Where the configuration is looked for: --config > $PRIVDESK_CONFIG > XDG.

use super::*;
use crate::config::{check_with, config_path, load_with, ConfigOrigin, LookupEnv};
use std::ffi::OsString;
use std::path::PathBuf;

fn env(privdesk: Option<&str>, xdg: Option<&str>, home: Option<&str>) -> LookupEnv {
    LookupEnv {
        privdesk_config: privdesk.map(OsString::from),
        xdg_config_home: xdg.map(OsString::from),
        home: home.map(OsString::from),
    }
}

#[test]
fn explicit_path_beats_environment_and_xdg() {
    let e = env(Some("/env/c.toml"), Some("/xdg"), Some("/home/u"));
    let found = config_path(Some(Path::new("/cli/c.toml")), &e).unwrap();
    assert_eq!(found.path, PathBuf::from("/cli/c.toml"));
    assert_eq!(found.origin, ConfigOrigin::Explicit);
    assert!(found.required());
}

#[test]
fn environment_beats_xdg() {
    let found = config_path(
        None,
        &env(Some("/env/c.toml"), Some("/xdg"), Some("/home/u")),
    )
    .unwrap();
    assert_eq!(found.path, PathBuf::from("/env/c.toml"));
    assert_eq!(found.origin, ConfigOrigin::Env);
    // An empty variable counts as unset.
    let found = config_path(None, &env(Some(""), Some("/xdg"), Some("/home/u"))).unwrap();
    assert_eq!(found.path, PathBuf::from("/xdg/privdesk/config.toml"));
    assert_eq!(found.origin, ConfigOrigin::Xdg);
    assert!(!found.required());
}

#[test]
fn xdg_defaults_to_home_config() {
    let found = config_path(None, &env(None, None, Some("/home/u"))).unwrap();
    assert_eq!(
        found.path,
        PathBuf::from("/home/u/.config/privdesk/config.toml")
    );
    // A relative XDG_CONFIG_HOME is ignored.
    let found = config_path(None, &env(None, Some("rel/dir"), Some("/home/u"))).unwrap();
    assert_eq!(
        found.path,
        PathBuf::from("/home/u/.config/privdesk/config.toml")
    );
    assert_eq!(config_path(None, &env(None, None, None)), None);
}

#[test]
fn no_file_anywhere_means_defaults() {
    let home = tempfile::tempdir().unwrap();
    let o = LoadOptions::isolated("tester", &[("HOME", home.path().to_str().unwrap())]);
    let c = load_with(None, &o).unwrap_or_else(|p| panic!("{p}"));
    assert!(c.source.is_none());
    assert!(c.systems.is_empty() && c.operators.is_empty());
    assert_eq!(check_with(None, &o), (None, vec![]));
}

#[test]
fn xdg_file_is_loaded_when_present() {
    let xdg = tempfile::tempdir().unwrap();
    std::fs::create_dir(xdg.path().join("privdesk")).unwrap();
    let file = xdg.path().join("privdesk/config.toml");
    std::fs::write(&file, "[ui]\ntheme = \"xdg-theme\"\n").unwrap();
    let o = LoadOptions::isolated(
        "tester",
        &[
            ("XDG_CONFIG_HOME", xdg.path().to_str().unwrap()),
            ("HOME", "/nonexistent"),
        ],
    );
    let c = load_with(None, &o).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(c.ui.theme, "xdg-theme");
    assert_eq!(c.source.as_deref(), Some(file.as_path()));

    // $PRIVDESK_CONFIG, when set, wins over the XDG file.
    let other = xdg.path().join("other.toml");
    std::fs::write(&other, "[ui]\ntheme = \"env-theme\"\n").unwrap();
    let o = LoadOptions::isolated(
        "tester",
        &[
            ("XDG_CONFIG_HOME", xdg.path().to_str().unwrap()),
            ("PRIVDESK_CONFIG", other.to_str().unwrap()),
        ],
    );
    assert_eq!(load_with(None, &o).unwrap().ui.theme, "env-theme");
    // ... and --config wins over both.
    assert_eq!(load_with(Some(&file), &o).unwrap().ui.theme, "xdg-theme");
}

#[test]
fn named_file_that_is_missing_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    let o = LoadOptions::isolated("tester", &[("PRIVDESK_CONFIG", missing.to_str().unwrap())]);
    let (path, ps) = check_with(None, &o);
    assert_eq!(path.as_deref(), Some(missing.as_path()));
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0].message, "cannot read: No such file or directory");
    assert!(load_with(None, &o).is_err());
}

#[test]
fn check_reports_problems_of_the_found_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(&file, "[ui]\nthem = \"x\"\n[search]\nmax_query_chars = 0\n").unwrap();
    let (path, ps) = check_with(Some(&file), &opts());
    assert_eq!(path.as_deref(), Some(file.as_path()));
    assert_eq!(ps.len(), 2, "{ps:?}");
    assert!(ps.iter().all(|p| p.file == file));
    assert_eq!((ps[0].line, ps[1].line), (2, 4));
}
