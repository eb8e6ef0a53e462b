//! Themes: TOML files that give a style (and optionally a text marker) to each
//! semantic role of the interface.
//!
//! Views never pick colours themselves: they ask the theme for a [`Role`]'s
//! style, e.g. `theme.style(Role::Selection)`. Four themes are built into the
//! binary (`default`, `light`, `high-contrast`, `mono`); a file of the same
//! name in the user's theme folder overrides a built-in one.
//!
//! A theme file looks like this:
//!
//! ```toml
//! description = "For dark backgrounds"
//! [roles]
//! accent = { fg = "cyan", bold = true }
//! selection = { fg = "black", bg = "cyan" }
//! [markers]
//! selection = "▶ "
//! due_late = "!"
//! ```
//!
//! Style keys are `fg`, `bg` (one of the 16 named colours, `reset`, `#rrggbb`
//! or an index 0-255) and the booleans `bold`, `dim`, `italic`, `underline`,
//! `reversed`. Unknown keys, roles and colours are errors located by
//! file, line and column.

use indexmap::IndexMap;
use ratatui::style::{Color, Modifier, Style};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// A semantic role of the interface; the theme decides how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Things to notice first: the focused pane's title, key words.
    Accent,
    /// Secondary text: hints, timestamps, empty-state text.
    Muted,
    /// Errors (a failed system, a refused action).
    Error,
    /// Warnings (partial results, approaching limits).
    Warning,
    /// Success (a system answered, an action completed).
    Ok,
    /// The selected row of a list.
    Selection,
    /// A masked personal value (`****1234`).
    Masked,
    /// A personal value shown in clear after a reveal.
    Revealed,
    /// A deadline that is comfortably far away.
    DueOk,
    /// A deadline that is close.
    DueSoon,
    /// A deadline that has passed.
    DueLate,
    /// Borders of panes and popups.
    Border,
    /// Titles of panes and popups.
    Title,
    /// The status bar at the bottom of the screen.
    StatusBar,
    /// Text being typed (query box, forms).
    Input,
    /// Small labels: system names, roles, case states.
    Badge,
    /// Keys shown in hints (`q quit  ? help`).
    KeyHint,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 17] = [
        Role::Accent,
        Role::Muted,
        Role::Error,
        Role::Warning,
        Role::Ok,
        Role::Selection,
        Role::Masked,
        Role::Revealed,
        Role::DueOk,
        Role::DueSoon,
        Role::DueLate,
        Role::Border,
        Role::Title,
        Role::StatusBar,
        Role::Input,
        Role::Badge,
        Role::KeyHint,
    ];

    /// The role's name in theme files (`due_late`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Accent => "accent",
            Role::Muted => "muted",
            Role::Error => "error",
            Role::Warning => "warning",
            Role::Ok => "ok",
            Role::Selection => "selection",
            Role::Masked => "masked",
            Role::Revealed => "revealed",
            Role::DueOk => "due_ok",
            Role::DueSoon => "due_soon",
            Role::DueLate => "due_late",
            Role::Border => "border",
            Role::Title => "title",
            Role::StatusBar => "status_bar",
            Role::Input => "input",
            Role::Badge => "badge",
            Role::KeyHint => "key_hint",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The names of the built-in themes.
pub const BUILTIN_THEMES: [&str; 4] = ["default", "light", "high-contrast", "mono"];

fn builtin_text(name: &str) -> Option<&'static str> {
    Some(match name {
        "default" => include_str!("../../themes/default.toml"),
        "light" => include_str!("../../themes/light.toml"),
        "high-contrast" => include_str!("../../themes/high-contrast.toml"),
        "mono" => include_str!("../../themes/mono.toml"),
        _ => return None,
    })
}

/// A loaded theme: a style and a marker for every [`Role`].
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// The theme's name (built-in name, file stem, or `default` after a fallback).
    pub name: String,
    /// True when the theme uses no colour at all (only attributes and markers).
    /// Views may lean on markers more when this is set.
    pub mono: bool,
    /// The file's `description`, if any.
    pub description: Option<String>,
    styles: [Style; Role::ALL.len()],
    markers: [String; Role::ALL.len()],
}

impl Default for Theme {
    fn default() -> Self {
        Theme::builtin("default").unwrap_or_else(Theme::plain)
    }
}

impl Theme {
    /// A theme with no styles and no markers (the last resort if even the
    /// built-in default could not be read, which the tests rule out).
    fn plain() -> Theme {
        Theme {
            name: "default".into(),
            mono: true,
            description: None,
            styles: [Style::new(); Role::ALL.len()],
            markers: Default::default(),
        }
    }

    /// The style of `role`.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role.index()]
    }

    /// The text marker drawn next to items of `role` (`""` when none).
    pub fn marker(&self, role: Role) -> &str {
        &self.markers[role.index()]
    }

    /// A built-in theme by name (`default`, `light`, `high-contrast`, `mono`).
    pub fn builtin(name: &str) -> Option<Theme> {
        let text = builtin_text(name)?;
        let file = PathBuf::from(format!("<built-in>/{name}.toml"));
        let mut theme = Theme::parse(text, &file).ok()?;
        theme.name = name.to_string();
        Some(theme)
    }

    /// Parse a theme file's text. `file` is used for the theme's name (its
    /// stem) and in error messages.
    pub fn parse(text: &str, file: &Path) -> Result<Theme, ThemeError> {
        let raw: ThemeFile =
            toml::from_str(text).map_err(|e| ThemeError::from_toml(text, file, &e))?;
        let mut styles = [Style::new(); Role::ALL.len()];
        for (role, def) in &raw.roles {
            styles[role.index()] = def.to_style();
        }
        let mut markers: [String; Role::ALL.len()] = Default::default();
        for (role, marker) in raw.markers {
            if marker.get_ref().chars().any(char::is_control) {
                let span = marker.span();
                return Err(ThemeError::at(
                    text,
                    file,
                    span.start,
                    format!("marker for `{}` contains a control character", role.name()),
                ));
            }
            markers[role.index()] = marker.into_inner();
        }
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "theme".into());
        let mono = styles.iter().all(|s| is_colourless(*s));
        Ok(Theme {
            name,
            mono,
            description: raw.description,
            styles,
            markers,
        })
    }

    /// Resolve `ui.theme` / `--theme`: a built-in name, a name in `user_dir`
    /// (`<name>.toml`, which overrides a built-in of that name), or a path to
    /// a file (anything containing `/` or ending in `.toml`; `~/` is the home
    /// folder).
    ///
    /// `no_color` (see [`no_color_from_env`]) forces the `mono` theme. A broken
    /// or missing theme gives the default theme (mono with `no_color`) plus the
    /// error, to be shown as a warning.
    pub fn load(name: &str, user_dir: Option<&Path>, no_color: bool) -> (Theme, Option<String>) {
        let wanted = if no_color { "mono" } else { name.trim() };
        let wanted = if wanted.is_empty() { "default" } else { wanted };
        let (theme, warning) = match resolve(wanted, user_dir) {
            Ok(theme) => (theme, None),
            Err(message) => {
                let fallback = if no_color { "mono" } else { "default" };
                let theme = Theme::builtin(fallback).unwrap_or_else(Theme::plain);
                let warning = format!("{message}; using the built-in {fallback} theme");
                (theme, Some(warning))
            }
        };
        let theme = if no_color {
            theme.without_colours()
        } else {
            theme
        };
        (theme, warning)
    }

    /// This theme with every colour removed (attributes and markers kept).
    pub fn without_colours(mut self) -> Theme {
        for style in &mut self.styles {
            style.fg = None;
            style.bg = None;
            style.underline_color = None;
        }
        self.mono = true;
        self
    }
}

/// True when `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
pub fn no_color_from_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn is_colourless(style: Style) -> bool {
    let plain = |c: Option<Color>| matches!(c, None | Some(Color::Reset));
    plain(style.fg) && plain(style.bg) && plain(style.underline_color)
}

fn looks_like_path(name: &str) -> bool {
    name.contains('/') || name.ends_with(".toml")
}

fn expand_home(name: &str) -> PathBuf {
    if let Some(rest) = name.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            return PathBuf::from(home).join(rest);
        }
    }
    PathBuf::from(name)
}

fn read_file(path: &Path) -> Result<Theme, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read theme file {}: {e}", path.display()))?;
    Theme::parse(&text, path).map_err(|e| e.to_string())
}

fn resolve(name: &str, user_dir: Option<&Path>) -> Result<Theme, String> {
    if looks_like_path(name) {
        return read_file(&expand_home(name));
    }
    if let Some(dir) = user_dir {
        let path = dir.join(format!("{name}.toml"));
        if path.is_file() {
            return read_file(&path);
        }
    }
    Theme::builtin(name).ok_or_else(|| {
        let place = user_dir
            .map(|d| format!(" in {}", d.display()))
            .unwrap_or_default();
        format!(
            "unknown theme `{name}` (built-in: {}; none{place})",
            BUILTIN_THEMES.join(", ")
        )
    })
}

/// A theme file that could not be read, located by file, line and column.
/// Displays as `FILE:LINE:COL: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", file.display())]
pub struct ThemeError {
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub message: String,
}

impl ThemeError {
    fn at(text: &str, file: &Path, offset: usize, message: String) -> ThemeError {
        let (line, column) = line_col(text, offset);
        ThemeError {
            file: file.to_path_buf(),
            line,
            column,
            message,
        }
    }

    fn from_toml(text: &str, file: &Path, err: &toml::de::Error) -> ThemeError {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        let message = err.message().trim().replace('\n', " ");
        ThemeError::at(text, file, offset, message)
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    roles: IndexMap<Role, StyleDef>,
    #[serde(default)]
    markers: IndexMap<Role, toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleDef {
    fg: Option<ColourDef>,
    bg: Option<ColourDef>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

impl StyleDef {
    fn to_style(&self) -> Style {
        let mut style = Style::new();
        style.fg = self.fg.map(|c| c.0);
        style.bg = self.bg.map(|c| c.0);
        let flags = [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ];
        for (on, modifier) in flags {
            if on {
                style = style.add_modifier(modifier);
            }
        }
        style
    }
}

/// The 16 named colours plus `reset`, as written in theme files.
const NAMED_COLOURS: [(&str, Color); 17] = [
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("darkgray", Color::DarkGray),
    ("lightred", Color::LightRed),
    ("lightgreen", Color::LightGreen),
    ("lightyellow", Color::LightYellow),
    ("lightblue", Color::LightBlue),
    ("lightmagenta", Color::LightMagenta),
    ("lightcyan", Color::LightCyan),
    ("white", Color::White),
    ("reset", Color::Reset),
];

#[derive(Clone, Copy)]
struct ColourDef(Color);

fn parse_hex(s: &str) -> Option<Color> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some(Color::Rgb(byte(0)?, byte(2)?, byte(4)?))
}

impl<'de> Deserialize<'de> for ColourDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ColourDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a colour name, `reset`, `#rrggbb` or an index 0-255")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ColourDef, E> {
                if let Some((_, c)) = NAMED_COLOURS.iter().find(|(n, _)| *n == s) {
                    return Ok(ColourDef(*c));
                }
                if let Some(c) = parse_hex(s) {
                    return Ok(ColourDef(c));
                }
                let names: Vec<&str> = NAMED_COLOURS.iter().map(|(n, _)| *n).collect();
                Err(E::custom(format!(
                    "unknown colour `{s}`; expected one of {}, `#rrggbb` or an index 0-255",
                    names.join(", ")
                )))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<ColourDef, E> {
                u8::try_from(n)
                    .map(|i| ColourDef(Color::Indexed(i)))
                    .map_err(|_| E::custom(format!("colour index {n} is outside 0-255")))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<ColourDef, E> {
                u8::try_from(n)
                    .map(|i| ColourDef(Color::Indexed(i)))
                    .map_err(|_| E::custom(format!("colour index {n} is outside 0-255")))
            }
        }
        d.deserialize_any(V)
    }
}

/// A `ui.theme` that is missing or broken, for `privdesk config check`.
pub fn config_check(cfg: &crate::config::Config) -> Vec<(String, String)> {
    let user_dir = crate::paths::config_dir().map(|d| d.join("themes"));
    match Theme::load(&cfg.ui.theme, user_dir.as_deref(), false).1 {
        Some(warning) => vec![("ui.theme".to_string(), warning)],
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Vec<(&'static str, &'static str)> {
        BUILTIN_THEMES
            .iter()
            .map(|n| (*n, builtin_text(n).expect("built-in text")))
            .collect()
    }

    fn colours(theme: &Theme) -> Vec<Color> {
        Role::ALL
            .iter()
            .flat_map(|r| {
                let s = theme.style(*r);
                [s.fg, s.bg, s.underline_color]
            })
            .flatten()
            .collect()
    }

    #[test]
    fn every_shipped_theme_parses_and_defines_every_role() {
        for (name, text) in shipped() {
            let file = PathBuf::from(format!("themes/{name}.toml"));
            let theme = Theme::parse(text, &file).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(theme.name, name);
            let raw: ThemeFile = toml::from_str(text).expect("parses");
            for role in Role::ALL {
                assert!(
                    raw.roles.contains_key(&role),
                    "{name}.toml does not define role `{}`",
                    role.name()
                );
            }
            assert!(Theme::builtin(name).is_some(), "{name} not built in");
        }
    }

    #[test]
    fn role_names_match_serde_names() {
        for role in Role::ALL {
            let text = format!("[roles]\n{} = {{ bold = true }}\n", role.name());
            let theme = Theme::parse(&text, Path::new("t.toml")).expect("parses");
            assert!(theme.style(role).add_modifier.contains(Modifier::BOLD));
        }
    }

    #[test]
    fn default_uses_only_named_colours() {
        let theme = Theme::builtin("default").expect("default");
        let found = colours(&theme);
        assert!(!found.is_empty(), "the default theme should have colours");
        for c in found {
            assert!(
                !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                "default theme uses {c:?}"
            );
        }
        assert!(!theme.mono);
    }

    #[test]
    fn mono_has_no_colour_and_a_visible_selection() {
        let theme = Theme::builtin("mono").expect("mono");
        assert!(theme.mono);
        for c in colours(&theme) {
            assert_eq!(c, Color::Reset, "mono uses colour {c:?}");
        }
        let sel = theme.style(Role::Selection);
        assert!(sel.add_modifier.contains(Modifier::REVERSED));
        assert!(!theme.marker(Role::Selection).is_empty());
        assert_eq!(theme.marker(Role::Ok), "");
    }

    #[test]
    fn styles_and_markers_are_read() {
        let text = "description = \"x\"\n[roles]\nselection = { fg = \"#ff8000\", bg = 17, underline = true }\n[markers]\ndue_late = \"!!\"\n";
        let theme = Theme::parse(text, Path::new("/tmp/mine.toml")).expect("parses");
        assert_eq!(theme.name, "mine");
        assert_eq!(theme.description.as_deref(), Some("x"));
        let s = theme.style(Role::Selection);
        assert_eq!(s.fg, Some(Color::Rgb(0xff, 0x80, 0)));
        assert_eq!(s.bg, Some(Color::Indexed(17)));
        assert!(s.add_modifier.contains(Modifier::UNDERLINED));
        assert_eq!(theme.marker(Role::DueLate), "!!");
        assert_eq!(theme.style(Role::Accent), Style::new());
    }

    fn parse_err(text: &str) -> ThemeError {
        Theme::parse(text, Path::new("/etc/x/bad.toml")).expect_err("should fail")
    }

    #[test]
    fn bad_toml_is_located() {
        let e = parse_err("[roles]\naccent = { fg = \"cyan\"\n");
        assert_eq!(e.line, 2, "{e}");
        assert!(e.to_string().starts_with("/etc/x/bad.toml:2:"), "{e}");
    }

    #[test]
    fn unknown_role_is_located() {
        let e = parse_err("[roles]\naccent = { bold = true }\n  shiny = { bold = true }\n");
        assert_eq!((e.line, e.column), (3, 3), "{e}");
        assert!(e.message.contains("shiny"), "{e}");
    }

    #[test]
    fn unknown_colour_is_located() {
        let e = parse_err("[roles]\naccent = { fg = \"cyann\" }\n");
        assert_eq!((e.line, e.column), (2, 17), "{e}");
        assert!(e.message.contains("cyann"), "{e}");
        assert_eq!(
            e.to_string(),
            format!("/etc/x/bad.toml:2:17: {}", e.message)
        );
    }

    #[test]
    fn unknown_style_key_bad_index_and_control_marker_fail() {
        let e = parse_err("[roles]\naccent = { blink = true }\n");
        assert!(e.message.contains("blink"), "{e}");
        let e = parse_err("[roles]\naccent = { fg = 300 }\n");
        assert!(e.message.contains("300"), "{e}");
        let e = parse_err("[markers]\nselection = \"\\u001b[31m\"\n");
        assert!(e.message.contains("control"), "{e}");
        assert_eq!(e.line, 2);
        let e = parse_err("colour = 1\n");
        assert!(e.message.contains("colour"), "{e}");
    }

    #[test]
    fn load_builtin_and_fallbacks() {
        let (t, w) = Theme::load("light", None, false);
        assert_eq!((t.name.as_str(), w), ("light", None));
        let (t, w) = Theme::load("", None, false);
        assert_eq!((t.name.as_str(), w), ("default", None));
        let (t, w) = Theme::load("nosuch", None, false);
        assert_eq!(t.name, "default");
        assert!(w.expect("warning").contains("nosuch"));
    }

    #[test]
    fn broken_theme_file_falls_back_to_default_with_located_warning() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("broken.toml");
        std::fs::write(&path, "[roles]\naccent = { fg = \"purple\" }\n").expect("write");
        let (t, w) = Theme::load(path.to_str().expect("utf-8"), None, false);
        assert_eq!(t, Theme::builtin("default").expect("default"));
        let w = w.expect("warning");
        assert!(w.starts_with(&format!("{}:2:17: ", path.display())), "{w}");
        // The same file found by name in the user folder.
        let (t, w) = Theme::load("broken", Some(dir.path()), false);
        assert_eq!(t.name, "default");
        assert!(w.expect("warning").contains("broken.toml:2:17"));
        // A missing file.
        let (t, w) = Theme::load("/nonexistent/x.toml", None, false);
        assert_eq!(t.name, "default");
        assert!(w.expect("warning").contains("/nonexistent/x.toml"));
    }

    #[test]
    fn no_color_forces_mono() {
        let (t, w) = Theme::load("high-contrast", None, true);
        assert!(w.is_none());
        assert_eq!(t.name, "mono");
        assert!(t.mono);
        assert!(colours(&t).iter().all(|c| *c == Color::Reset));
        // Even a coloured user override of `mono` loses its colours.
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("mono.toml"),
            "[roles]\nselection = { fg = \"red\", reversed = true }\n",
        )
        .expect("write");
        let (t, _) = Theme::load("default", Some(dir.path()), true);
        assert_eq!(t.style(Role::Selection).fg, None);
        assert!(t
            .style(Role::Selection)
            .add_modifier
            .contains(Modifier::REVERSED));
    }

    #[test]
    fn no_color_env_reading() {
        // Only this test touches NO_COLOR.
        std::env::set_var("NO_COLOR", "");
        assert!(!no_color_from_env());
        std::env::set_var("NO_COLOR", "1");
        assert!(no_color_from_env());
        std::env::remove_var("NO_COLOR");
        assert!(!no_color_from_env());
    }

    #[test]
    fn user_theme_overrides_builtin() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("default.toml"),
            "[roles]\naccent = { fg = \"#102030\" }\n",
        )
        .expect("write");
        let (t, w) = Theme::load("default", Some(dir.path()), false);
        assert!(w.is_none());
        assert_eq!(t.style(Role::Accent).fg, Some(Color::Rgb(0x10, 0x20, 0x30)));
        // Other built-ins are still found when the folder lacks them.
        let (t, w) = Theme::load("light", Some(dir.path()), false);
        assert_eq!((t.name.as_str(), w), ("light", None));
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nあい x";
        let off = text.find('x').expect("x");
        assert_eq!(line_col(text, off), (2, 4));
        assert_eq!(line_col(text, 999), (2, 5));
    }
}
