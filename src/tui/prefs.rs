//! The operator's own preferences for the screen: theme, mouse, the start
//! screen, the idle lock (only shorter than the desk's) and key bindings.
//! They come from `$XDG_CONFIG_HOME/privdesk/ui.toml` (`[ui]` and
//! `[keys]`, as in the desk's configuration), laid over the desk's own
//! `[ui]` and `[keys]`, which the server sends. The file holds nothing the
//! desk's rules depend on, so a client may read it.

use crate::config::{KeyBinding, StartScreen, UiConfig};
use crate::protocol::ClientSettings;
use indexmap::IndexMap;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct Prefs {
    pub theme: String,
    pub mouse: bool,
    pub idle_lock_secs: u64,
    pub start_screen: StartScreen,
    pub keys: IndexMap<String, KeyBinding>,
    /// A problem with the file, to show once.
    pub warning: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UiFile {
    #[serde(default)]
    ui: UiPart,
    #[serde(default)]
    keys: IndexMap<String, KeyBinding>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UiPart {
    theme: Option<String>,
    mouse: Option<bool>,
    idle_lock_secs: Option<u64>,
    start_screen: Option<StartScreen>,
}

/// `$XDG_CONFIG_HOME/privdesk/ui.toml`.
pub fn default_path() -> Option<PathBuf> {
    crate::paths::config_dir().map(|d| d.join("ui.toml"))
}

impl Prefs {
    /// The desk's `[ui]` and `[keys]` as they are.
    pub fn of_desk(ui: &UiConfig, keys: &IndexMap<String, KeyBinding>) -> Prefs {
        Prefs {
            theme: ui.theme.clone(),
            mouse: ui.mouse,
            idle_lock_secs: ui.idle_lock_secs,
            start_screen: ui.start_screen,
            keys: keys.clone(),
            warning: None,
        }
    }

    /// The desk's settings with the operator's file (if any) over them.
    pub fn load(settings: &ClientSettings, file: Option<&Path>) -> Prefs {
        let mut p = Prefs::of_desk(&settings.ui, &settings.keys);
        let Some(path) = file.filter(|p| p.is_file()) else {
            return p;
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                p.warning = Some(format!(
                    "{}: cannot be read ({e}); the desk's settings are used",
                    path.display()
                ));
                return p;
            }
        };
        match toml::from_str::<UiFile>(&text) {
            Ok(f) => {
                if let Some(t) = f.ui.theme {
                    p.theme = t;
                }
                if let Some(m) = f.ui.mouse {
                    p.mouse = m;
                }
                if let Some(s) = f.ui.start_screen {
                    p.start_screen = s;
                }
                if let Some(secs) = f.ui.idle_lock_secs {
                    // The desk's lock is a rule: a preference may only shorten it.
                    if secs > 0 && secs <= p.idle_lock_secs {
                        p.idle_lock_secs = secs;
                    } else {
                        p.warning = Some(format!(
                            "{}: idle_lock_secs = {secs} is longer than the desk allows ({}); the desk's is used",
                            path.display(),
                            p.idle_lock_secs
                        ));
                    }
                }
                for (k, v) in f.keys {
                    p.keys.insert(k, v);
                }
            }
            Err(e) => {
                let at = e
                    .span()
                    .map(|s| {
                        let (line, col) = crate::config::line_column(&text, s.start);
                        format!(":{line}:{col}")
                    })
                    .unwrap_or_default();
                let msg = e
                    .message()
                    .lines()
                    .next()
                    .unwrap_or("not valid")
                    .to_string();
                p.warning = Some(format!(
                    "{}{at}: {msg}; the desk's settings are used",
                    path.display()
                ));
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ClientSettings {
        ClientSettings {
            demo: false,
            purposes: vec![],
            systems: vec![],
            channels: vec![],
            assignees: vec![],
            calendar: crate::config::load_str("", Path::new("x.toml"), &Default::default())
                .unwrap()
                .calendar,
            deadlines: Default::default(),
            letter_templates: vec![],
            queue_sections: vec![],
            ui: UiConfig {
                theme: "default".into(),
                mouse: false,
                idle_lock_secs: 300,
                start_screen: StartScreen::Search,
            },
            keys: IndexMap::new(),
        }
    }

    #[test]
    fn the_operators_file_lays_over_the_desk_but_cannot_lengthen_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ui.toml");
        std::fs::write(
            &f,
            "[ui]\ntheme = \"mono\"\nidle_lock_secs = 9999\n[keys]\nquit = \"x\"\n",
        )
        .unwrap();
        let p = Prefs::load(&settings(), Some(&f));
        assert_eq!(p.theme, "mono");
        assert_eq!(p.idle_lock_secs, 300);
        assert!(p.warning.unwrap().contains("longer than the desk allows"));
        assert_eq!(p.keys.get("quit"), Some(&KeyBinding::One("x".into())));
        std::fs::write(&f, "[ui]\nidle_lock_secs = 60\n").unwrap();
        assert_eq!(Prefs::load(&settings(), Some(&f)).idle_lock_secs, 60);
    }

    #[test]
    fn a_broken_file_is_named_with_its_line_and_the_desks_settings_stay() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ui.toml");
        std::fs::write(
            &f,
            "[ui]\ntheme = \"mono\"\n[store]\npath = \"/etc/shadow\"\n",
        )
        .unwrap();
        let p = Prefs::load(&settings(), Some(&f));
        assert_eq!(p.theme, "default");
        let w = p.warning.unwrap();
        assert!(w.contains("ui.toml:3:"), "{w}");
    }
}
