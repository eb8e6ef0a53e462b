//! Key bindings: named commands, the keys bound to them, and the `[keys]`
//! section of the configuration that remaps them.
//!
//! Every command belongs to a [`Context`]: `Global` commands work on every
//! screen, `List` commands in lists (and, for moving and scrolling, on the
//! person and case screens too), `Person` commands on a person's page,
//! `Case` commands on a case, `Cases` commands in the case list.
//! [`Keymap::command_for`] looks a key up in the screen's context first, then
//! in `Global`; screens with their own context fall back to `List` as well,
//! so a key may not be bound in both (see [`Context::overlaps`]). Help screens and hints are generated from the live keymap with
//! [`Keymap::keys_for`] and [`Keymap::hint`], so they always show what the
//! user configured.
//!
//! Key syntax (as in the config file): `j`, `G`, `?`, `ctrl-p`, `alt-x`,
//! `shift-tab`, `enter`, `esc`, `tab`, `backtab`, `space`, `backspace`,
//! `delete`, `insert`, `up`, `down`, `left`, `right`, `home`, `end`, `pgup`,
//! `pgdn`, `f1`..`f12`. Letters are case-sensitive (`G` is shift+g), except
//! with `ctrl-`, where terminals cannot tell the case apart.

use crate::config::KeyBinding;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use indexmap::IndexMap;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

impl Context {
    /// Whether commands of the two contexts can be active at the same time:
    /// `Global` is active everywhere, and the screens' own contexts fall
    /// back to `List` for moving and scrolling.
    pub fn overlaps(self, other: Context) -> bool {
        self == other
            || self == Context::Global
            || other == Context::Global
            || (self == Context::List && other.is_screen())
            || (other == Context::List && self.is_screen())
    }

    /// A screen's own context (not `Global` or `List`).
    pub fn is_screen(self) -> bool {
        !matches!(self, Context::Global | Context::List)
    }
}

/// The table of contexts and commands: each context once (a screen's own
/// commands have its context), then each command with its name in the
/// config file, its context, its help text and its default keys.
macro_rules! commands {
    (
        contexts { $($(#[$cdoc:meta])* $cvariant:ident => $cname:literal;)* }
        $($variant:ident => $name:literal, $ctx:ident, $desc:literal, [$($key:literal),*];)*
    ) => {
        /// Where a command is active.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Context {
            $($(#[$cdoc])* $cvariant,)*
        }

        impl Context {
            /// Every context.
            pub const ALL: [Context; [$($cname,)*].len()] = [$(Context::$cvariant,)*];

            /// Lower-case name for help screens (`global`, `list`, `case`).
            pub fn name(self) -> &'static str {
                match self { $(Context::$cvariant => $cname,)* }
            }
        }

        /// A named command that keys can be bound to.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $(#[doc = $desc] $variant,)*
        }

        impl Command {
            /// Every command, in help-screen order.
            pub const ALL: &'static [Command] = &[$(Command::$variant),*];

            /// The command's name in the config file (`move_down`).
            pub fn name(self) -> &'static str {
                match self { $(Command::$variant => $name,)* }
            }

            /// Short help text.
            pub fn description(self) -> &'static str {
                match self { $(Command::$variant => $desc,)* }
            }

            /// Where the command is active.
            pub fn context(self) -> Context {
                match self { $(Command::$variant => Context::$ctx,)* }
            }

            fn default_keys(self) -> &'static [&'static str] {
                match self { $(Command::$variant => &[$($key),*],)* }
            }
        }
    };
}

commands! {
    contexts {
        /// Every screen.
        Global => "global";
        /// Lists (search results, queues).
        List => "list";
        /// A person's page (linked records).
        Person => "person";
        /// A case's page (details, timeline, notes and replies).
        Case => "case";
        /// The case list ("my cases").
        Cases => "cases";
        /// The actions panel of a case.
        Actions => "actions";
        /// The approval inbox.
        Inbox => "inbox";
        /// The audit trail.
        Audit => "audit";
        /// The queue: every case the operator may see, by section.
        Queue => "queue";
    }
    Quit => "quit", Global, "Quit privdesk", ["q", "ctrl-c"];
    Help => "help", Global, "Show the keys of this screen", ["?", "f1"];
    Palette => "palette", Global, "Open the command palette", [":", "ctrl-p"];
    Lock => "lock", Global, "Lock the screen", ["ctrl-l"];
    Suspend => "suspend", Global, "Suspend to the shell (resume with fg)", ["ctrl-z"];
    Back => "back", Global, "Go back / close the popup", ["esc"];
    NewBlankCase => "new_blank_case", Global, "New case (blank form)", ["ctrl-n"];
    ResumeDraft => "resume_draft", Global, "Continue an unsent draft", ["f3"];
    AuditLog => "audit_log", Global, "Audit trail: who did what, chain check", ["f7"];
    Messages => "messages", Global, "The recent messages, in full", ["f8"];
    MoveDown => "move_down", List, "Move down", ["j", "down"];
    MoveUp => "move_up", List, "Move up", ["k", "up"];
    PageDown => "page_down", List, "Page down", ["pgdn", "ctrl-d"];
    PageUp => "page_up", List, "Page up", ["pgup", "ctrl-u"];
    First => "first", List, "Go to the first item", ["g", "home"];
    Last => "last", List, "Go to the last item", ["G", "end"];
    Open => "open", List, "Open the selected item", ["enter"];
    FocusQuery => "focus_query", List, "Search (queue: filter)", ["/"];
    Cases => "cases", List, "My cases (by due date)", ["c"];
    Report => "report", Global, "Report: counts, response times, deadlines met", ["R", "f6"];
    Queue => "queue", Global, "Queue: cases by section", ["w", "f2"];
    Reveal => "reveal", Person, "Reveal all masked values (logged)", ["r"];
    RevealValue => "reveal_value", Person, "Reveal one value of this record (logged)", ["v"];
    Refresh => "refresh", Person, "Fetch the records again", ["f"];
    NewCase => "new_case", Person, "New case for this person", ["n"];
    NextRecord => "next_record", Person, "Next linked record", ["tab"];
    PrevRecord => "prev_record", Person, "Previous linked record", ["shift-tab"];
    LinkToCase => "link_to_case", Person, "Link these records to the case you came from", ["L"];
    AddNote => "add_note", Case, "Add an internal note", ["n"];
    AddReply => "add_reply", Case, "Reply to the requester", ["a"];
    ChangeStatus => "change_status", Case, "Change the status", ["s"];
    Assign => "assign", Case, "Assign (agents: take it)", ["o"];
    VerifyIdentity => "verify_identity", Case, "Record an identity check", ["v"];
    RevealContact => "reveal_contact", Case, "Reveal contact (logged)", ["r"];
    ReloadCase => "reload_case", Case, "Load the case again", ["f"];
    LinkRecords => "link_records", Case, "Link more records: search, pick, link", ["L"];
    CasesView => "cases_view", Cases, "Mine / unassigned / all", ["tab"];
    ReloadCases => "reload_cases", Cases, "Load the list again", ["f"];
    ApprovalInbox => "approval_inbox", Global, "Approval inbox", ["A", "f4"];
    OpenActions => "actions", Case, "Actions of the case", ["x"];
    WriteLetter => "write_letter", Case, "Write a letter", ["l"];
    BuildPackage => "build_package", Case, "Build the package", ["p"];
    VerifyPackage => "verify_package", Case, "Verify the latest package", ["P"];
    PrepareAction => "prepare_action", Actions, "Prepare (shows dry run)", ["p"];
    ApproveAction => "approve_action", Actions, "Approve (supervisors)", ["y"];
    DenyAction => "deny_action", Actions, "Deny (supervisors)", ["d"];
    RunAction => "run_action", Actions, "Run the approved action", ["e"];
    RetryJob => "retry_job", Actions, "Retry the failed job", ["t"];
    SkipJob => "skip_job", Actions, "Skip a job (with reason)", ["s"];
    JobToManual => "job_to_manual", Actions, "Make the job a task", ["m"];
    CompleteTask => "complete_task", Actions, "Record a task done", ["D"];
    ReloadActions => "reload_actions", Actions, "Load the actions again", ["f"];
    InboxApprove => "inbox_approve", Inbox, "Approve (with reason)", ["y"];
    InboxDeny => "inbox_deny", Inbox, "Deny (with reason)", ["d"];
    ReloadInbox => "reload_inbox", Inbox, "Load the inbox again", ["f"];
    AuditFilters => "audit_filters", Audit, "Filter by operator, subject, kind, time", ["e"];
    AuditVerify => "audit_verify", Audit, "Verify the hash chain", ["v"];
    AuditExport => "audit_export", Audit, "Export one person's trail to a file", ["x"];
    ReloadAudit => "reload_audit", Audit, "Load the trail again", ["f"];
    QueueNextSection => "queue_next_section", Queue, "Next section", ["tab"];
    QueuePrevSection => "queue_prev_section", Queue, "Previous section", ["shift-tab"];
    QueueMark => "queue_mark", Queue, "Mark / unmark the case", ["space"];
    QueueMarkAll => "queue_mark_all", Queue, "Mark every case shown (again: unmark)", ["*"];
    QueueAssign => "queue_assign", Queue, "Assign the marked cases", ["o"];
    QueueEscalate => "queue_escalate", Queue, "Escalate the marked cases (urgent)", ["e"];
    ReloadQueue => "reload_queue", Queue, "Load the queue again", ["f"];
}

impl Command {
    /// The command called `name` in the config file.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.iter().copied().find(|c| c.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One key with its modifiers, normalised so that a key parsed from the
/// config equals the same key reported by the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// Whether the key types a character into a text box (so that it cannot
    /// run a command while one has the cursor).
    pub fn is_typed(&self) -> bool {
        matches!(self.code, KeyCode::Char(c) if !c.is_control())
            && !self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    /// A key, normalised: only ctrl/alt/shift are kept; for characters the
    /// case carries shift (`shift-g` is `G`); `ctrl-` letters are lower case;
    /// shift+tab is `BackTab`.
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                let shifted = mods.contains(KeyModifiers::SHIFT);
                mods.remove(KeyModifiers::SHIFT);
                let c = if mods.contains(KeyModifiers::CONTROL) && c.is_ascii_alphabetic() {
                    c.to_ascii_lowercase()
                } else if shifted {
                    single_upper(c)
                } else {
                    c
                };
                KeyCode::Char(c)
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    /// The key of a terminal event.
    pub fn from_event(event: &KeyEvent) -> Key {
        Key::new(event.code, event.modifiers)
    }

    /// Parse the config syntax (`ctrl-p`, `G`, `pgdn`...).
    pub fn parse(text: &str) -> Result<Key, String> {
        if text.is_empty() {
            return Err("empty key".into());
        }
        let mut rest = text;
        let mut mods = KeyModifiers::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let found = [
                ("ctrl-", KeyModifiers::CONTROL),
                ("alt-", KeyModifiers::ALT),
                ("shift-", KeyModifiers::SHIFT),
            ]
            .into_iter()
            .find(|(p, _)| lower.starts_with(p) && rest.len() > p.len());
            match found {
                Some((prefix, m)) => {
                    mods |= m;
                    rest = &rest[prefix.len()..];
                }
                None => break,
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => match c {
                '↑' => KeyCode::Up,
                '↓' => KeyCode::Down,
                '←' => KeyCode::Left,
                '→' => KeyCode::Right,
                c if c.is_control() => {
                    return Err(format!("key `{}` is a control character", c.escape_default()))
                }
                c => {
                    if mods.contains(KeyModifiers::SHIFT)
                        && !mods.contains(KeyModifiers::CONTROL)
                        && !c.is_alphabetic()
                    {
                        return Err(format!(
                            "`{text}`: terminals report shift with `{c}` as another character; write that character instead"
                        ));
                    }
                    KeyCode::Char(c)
                }
            },
            _ => named_key(rest).ok_or_else(|| {
                format!(
                    "unknown key `{text}`; use one character (`j`, `G`, `?`) or a name such as enter, esc, tab, space, up, pgdn, f1, with optional ctrl-, alt-, shift-"
                )
            })?,
        };
        Ok(Key::new(code, mods))
    }
}

fn single_upper(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn named_key(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    Some(match lower.as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        _ => {
            let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
            if !(1..=12).contains(&n) {
                return None;
            }
            KeyCode::F(n)
        }
    })
}

impl FromStr for Key {
    type Err = String;
    fn from_str(s: &str) -> Result<Key, String> {
        Key::parse(s)
    }
}

impl fmt::Display for Key {
    /// Compact form for help and hints: `j`, `↓`, `ctrl-p`, `shift-tab`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{}", format!("{other:?}").to_ascii_lowercase()),
        }
    }
}

/// Whether a key event is plain typing (a character without ctrl or alt),
/// which a focused text box should take instead of a key binding.
pub fn is_printable_input(event: &KeyEvent) -> bool {
    event.kind != KeyEventKind::Release
        && matches!(event.code, KeyCode::Char(c) if !c.is_control())
        && !event
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// A problem in the `[keys]` section, located by its config path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProblem {
    /// Path in the configuration, e.g. `keys.reveal`.
    pub key_path: String,
    pub message: String,
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key_path, self.message)
    }
}

fn key_path(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        format!("keys.{name}")
    } else {
        format!("keys.{name:?}")
    }
}

/// The live key bindings: command -> keys, and the reverse lookup.
#[derive(Debug, Clone)]
pub struct Keymap {
    /// Keys of each command, indexed by `Command as usize`, in config order.
    keys: Vec<Vec<Key>>,
    lookup: HashMap<(Context, Key), Command>,
}

impl Keymap {
    /// The built-in bindings.
    pub fn defaults() -> Keymap {
        let keys = Command::ALL
            .iter()
            .map(|c| {
                c.default_keys()
                    .iter()
                    .filter_map(|k| Key::parse(k).ok())
                    .collect()
            })
            .collect();
        Keymap::build(keys)
    }

    fn build(keys: Vec<Vec<Key>>) -> Keymap {
        let mut lookup = HashMap::new();
        for cmd in Command::ALL {
            for key in &keys[cmd.index()] {
                lookup.entry((cmd.context(), *key)).or_insert(*cmd);
            }
        }
        Keymap { keys, lookup }
    }

    /// Apply `[keys]` from the config: command name -> key or list of keys.
    /// A configured command's keys replace its defaults. Problems (unknown
    /// command, unparsable key, a key already used by a command active at
    /// the same time) are returned; the offending entry or key is left out
    /// and the rest applies.
    pub fn from_config(config: &IndexMap<String, KeyBinding>) -> (Keymap, Vec<KeyProblem>) {
        let mut problems = Vec::new();
        let mut keys: Vec<Vec<Key>> = Keymap::defaults().keys;
        let mut configured: Vec<(Command, &str, Vec<Key>)> = Vec::new();

        for (name, binding) in config {
            let problem = |message: String| KeyProblem {
                key_path: key_path(name),
                message,
            };
            let Some(cmd) = Command::from_name(name) else {
                let known: Vec<&str> = Command::ALL.iter().map(|c| c.name()).collect();
                problems.push(problem(format!(
                    "unknown command `{name}`; known commands: {}",
                    known.join(", ")
                )));
                continue;
            };
            let mut parsed = Vec::new();
            let mut bad = false;
            for text in binding.keys() {
                match Key::parse(text) {
                    Ok(k) if !parsed.contains(&k) => parsed.push(k),
                    Ok(_) => {}
                    Err(e) => {
                        problems.push(problem(format!("{e}; `{name}` keeps its default keys")));
                        bad = true;
                    }
                }
            }
            if bad {
                continue;
            }
            if parsed.is_empty() && cmd == Command::Quit {
                problems.push(problem(
                    "`quit` needs at least one key; keeping its default keys".into(),
                ));
                continue;
            }
            // A global command needs a key that works while typing.
            if cmd.context() == Context::Global
                && !parsed.is_empty()
                && parsed.iter().all(Key::is_typed)
            {
                problems.push(problem(format!(
                    "every key given types a character in a text box, where `{name}` would not work; add a function or ctrl key (e.g. `f9` or `ctrl-o`)"
                )));
            }
            configured.push((cmd, name.as_str(), parsed));
        }

        // Clear every configured command first, so that keys can be swapped
        // between commands regardless of their order in the file.
        for (cmd, _, _) in &configured {
            keys[cmd.index()].clear();
        }
        for (cmd, name, wanted) in configured {
            for key in wanted {
                let clash = Command::ALL.iter().copied().find(|other| {
                    *other != cmd
                        && other.context().overlaps(cmd.context())
                        && keys[other.index()].contains(&key)
                });
                match clash {
                    Some(other) => problems.push(KeyProblem {
                        key_path: key_path(name),
                        message: format!(
                            "`{key}` is already bound to `{other}` ({}), which is active together with `{cmd}` ({}); `{key}` is left out",
                            other.context().name(),
                            cmd.context().name()
                        ),
                    }),
                    None => keys[cmd.index()].push(key),
                }
            }
        }
        (Keymap::build(keys), problems)
    }

    /// The problems [`Keymap::from_config`] would report, without building.
    pub fn validate(config: &IndexMap<String, KeyBinding>) -> Vec<KeyProblem> {
        Keymap::from_config(config).1
    }

    /// The command bound to `key` in `ctx`, or else in `Global`. Key releases
    /// are ignored.
    pub fn command_for(&self, ctx: Context, key: &KeyEvent) -> Option<Command> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let key = Key::from_event(key);
        self.lookup
            .get(&(ctx, key))
            .or_else(|| self.lookup.get(&(Context::Global, key)))
            .copied()
    }

    /// The keys bound to `cmd`.
    pub fn keys(&self, cmd: Command) -> &[Key] {
        &self.keys[cmd.index()]
    }

    /// The keys bound to `cmd`, as display strings for help screens.
    pub fn keys_for(&self, cmd: Command) -> Vec<String> {
        self.keys(cmd).iter().map(Key::to_string).collect()
    }

    /// A compact hint of the keys bound to `cmd`, e.g. `j/↓`; empty when the
    /// command has no key.
    pub fn hint(&self, cmd: Command) -> String {
        self.keys_for(cmd).join("/")
    }

    /// The first key of `cmd` that works while a text box has the cursor
    /// (a function, ctrl or alt key), or else its first key.
    pub fn typing_hint(&self, cmd: Command) -> String {
        let keys = self.keys(cmd);
        keys.iter()
            .find(|k| !k.is_typed())
            .or(keys.first())
            .map(Key::to_string)
            .unwrap_or_default()
    }
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::defaults()
    }
}

/// `[keys]` problems for `privdesk config check`, located by key path.
pub fn config_check(cfg: &crate::config::Config) -> Vec<(String, String)> {
    Keymap::validate(&cfg.keys)
        .into_iter()
        .map(|p| (p.key_path, p.message))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    fn ch(c: char) -> KeyEvent {
        ev(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn cfg(pairs: &[(&str, &[&str])]) -> IndexMap<String, KeyBinding> {
        pairs
            .iter()
            .map(|(n, ks)| {
                let b = if ks.len() == 1 {
                    KeyBinding::One(ks[0].to_string())
                } else {
                    KeyBinding::Many(ks.iter().map(|k| k.to_string()).collect())
                };
                (n.to_string(), b)
            })
            .collect()
    }

    #[test]
    fn defaults_parse_and_have_no_conflicts() {
        for cmd in Command::ALL {
            assert_eq!(
                Keymap::defaults().keys(*cmd).len(),
                cmd.default_keys().len(),
                "a default key of {cmd} does not parse"
            );
            assert!(!cmd.default_keys().is_empty(), "{cmd} has no default key");
            assert_eq!(Command::from_name(cmd.name()), Some(*cmd));
        }
        // Re-applying every default through the config path finds no clash.
        let all: Vec<(&str, &[&str])> = Command::ALL
            .iter()
            .map(|c| (c.name(), c.default_keys()))
            .collect();
        assert_eq!(Keymap::validate(&cfg(&all)), vec![]);
        // And pairwise: no key shared by two commands active together.
        let map = Keymap::defaults();
        for a in Command::ALL {
            for b in Command::ALL {
                if a < b && a.context().overlaps(b.context()) {
                    for k in map.keys(*a) {
                        assert!(!map.keys(*b).contains(k), "{k} bound to {a} and {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn lookup_uses_context_then_global() {
        let map = Keymap::defaults();
        assert_eq!(
            map.command_for(Context::List, &ch('j')),
            Some(Command::MoveDown)
        );
        assert_eq!(map.command_for(Context::Person, &ch('j')), None);
        assert_eq!(
            map.command_for(Context::Person, &ch('q')),
            Some(Command::Quit)
        );
        assert_eq!(map.command_for(Context::Global, &ch('r')), None);
        assert_eq!(
            map.command_for(
                Context::List,
                &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Command::Quit)
        );
        let mut release = ch('q');
        release.kind = KeyEventKind::Release;
        assert_eq!(map.command_for(Context::List, &release), None);
    }

    #[test]
    fn parse_display_round_trip() {
        let cases = [
            ("j", "j"),
            ("G", "G"),
            ("?", "?"),
            (":", ":"),
            ("/", "/"),
            ("-", "-"),
            ("ctrl--", "ctrl--"),
            ("ctrl-p", "ctrl-p"),
            ("alt-x", "alt-x"),
            ("alt-X", "alt-X"),
            ("shift-tab", "shift-tab"),
            ("backtab", "shift-tab"),
            ("enter", "enter"),
            ("Esc", "esc"),
            ("tab", "tab"),
            ("space", "space"),
            ("backspace", "backspace"),
            ("delete", "delete"),
            ("up", "↑"),
            ("down", "↓"),
            ("left", "←"),
            ("right", "→"),
            ("home", "home"),
            ("end", "end"),
            ("pgup", "pgup"),
            ("pagedown", "pgdn"),
            ("f1", "f1"),
            ("f12", "f12"),
            ("shift-up", "shift-↑"),
            ("ctrl-alt-delete", "ctrl-alt-delete"),
            ("ctrl-P", "ctrl-p"),
            ("shift-g", "G"),
            ("é", "é"),
        ];
        for (input, shown) in cases {
            let key = Key::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(key.to_string(), shown, "display of {input}");
            assert_eq!(Key::parse(shown), Ok(key), "re-parse of {shown}");
        }
    }

    #[test]
    fn bad_keys_are_rejected() {
        for bad in [
            "",
            "jj",
            "f13",
            "f0",
            "ctrl-",
            "hyper-x",
            "shift-1",
            "ctrl-enterr",
        ] {
            assert!(Key::parse(bad).is_err(), "{bad:?} should not parse");
        }
        let e = Key::parse("jj").expect_err("jj");
        assert!(e.contains("jj"), "{e}");
    }

    #[test]
    fn uppercase_matches_with_or_without_shift() {
        let map = Keymap::defaults();
        let plain = ch('G');
        let shifted = ev(KeyCode::Char('G'), KeyModifiers::SHIFT);
        let lower_shifted = ev(KeyCode::Char('g'), KeyModifiers::SHIFT);
        for e in [plain, shifted, lower_shifted] {
            assert_eq!(
                map.command_for(Context::List, &e),
                Some(Command::Last),
                "{e:?}"
            );
        }
        assert_eq!(
            map.command_for(Context::List, &ch('g')),
            Some(Command::First)
        );
        // shift-tab arrives as BackTab, sometimes with SHIFT.
        for e in [
            ev(KeyCode::BackTab, KeyModifiers::NONE),
            ev(KeyCode::BackTab, KeyModifiers::SHIFT),
            ev(KeyCode::Tab, KeyModifiers::SHIFT),
        ] {
            assert_eq!(
                map.command_for(Context::Person, &e),
                Some(Command::PrevRecord)
            );
        }
        // `?` may come with SHIFT.
        let q = ev(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(map.command_for(Context::List, &q), Some(Command::Help));
    }

    #[test]
    fn remapping_replaces_the_defaults() {
        let (map, problems) = Keymap::from_config(&cfg(&[("reveal", &["z"])]));
        assert_eq!(problems, vec![]);
        assert_eq!(
            map.command_for(Context::Person, &ch('z')),
            Some(Command::Reveal)
        );
        assert_eq!(map.command_for(Context::Person, &ch('r')), None);
        assert_eq!(map.keys_for(Command::Reveal), vec!["z"]);
        // Other commands keep their defaults.
        assert_eq!(
            map.command_for(Context::Person, &ch('f')),
            Some(Command::Refresh)
        );
    }

    #[test]
    fn keys_can_be_swapped_in_any_order() {
        let (map, problems) =
            Keymap::from_config(&cfg(&[("reveal", &["f"]), ("refresh", &["r", "ctrl-r"])]));
        assert_eq!(problems, vec![]);
        assert_eq!(
            map.command_for(Context::Person, &ch('f')),
            Some(Command::Reveal)
        );
        assert_eq!(
            map.command_for(Context::Person, &ch('r')),
            Some(Command::Refresh)
        );
        assert_eq!(map.hint(Command::Refresh), "r/ctrl-r");
    }

    #[test]
    fn conflicts_are_reported_with_the_key_path() {
        let (map, problems) = Keymap::from_config(&cfg(&[("reveal", &["q"])]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].key_path, "keys.reveal");
        assert!(problems[0].message.contains("`q`"), "{}", problems[0]);
        assert!(problems[0].message.contains("quit"), "{}", problems[0]);
        // The clashing key is left out: q still quits.
        assert_eq!(
            map.command_for(Context::Person, &ch('q')),
            Some(Command::Quit)
        );
        assert_eq!(map.keys_for(Command::Reveal), Vec::<String>::new());
        // Same context clashes too; different non-global contexts do not.
        let problems = Keymap::validate(&cfg(&[("first", &["j"])]));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key_path, "keys.first");
        assert!(problems[0].message.contains("move_down"));
        assert_eq!(Keymap::validate(&cfg(&[("reveal", &["s"])])), vec![]);
        // The person screen moves with list keys, so they clash there.
        let problems = Keymap::validate(&cfg(&[("reveal", &["j"])]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("move_down"));
        // The case screen and the case list likewise.
        let problems = Keymap::validate(&cfg(&[("add_note", &["g"]), ("cases_view", &["G"])]));
        let paths: Vec<&str> = problems.iter().map(|p| p.key_path.as_str()).collect();
        assert_eq!(paths, ["keys.add_note", "keys.cases_view"]);
        // A global command stealing a list key.
        let problems = Keymap::validate(&cfg(&[("lock", &["k"])]));
        assert_eq!(problems[0].key_path, "keys.lock");
        // Two configured commands clash with each other.
        let problems = Keymap::validate(&cfg(&[("help", &["f9"]), ("back", &["f9"])]));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key_path, "keys.back");
    }

    #[test]
    fn a_global_command_keeps_a_key_that_works_while_typing() {
        let problems = Keymap::validate(&cfg(&[("approval_inbox", &["A"])]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].key_path, "keys.approval_inbox");
        assert!(problems[0].message.contains("text box"), "{}", problems[0]);
        assert_eq!(
            Keymap::validate(&cfg(&[("approval_inbox", &["A", "f9"])])),
            vec![]
        );
        // Every default global command has such a key.
        let map = Keymap::defaults();
        for cmd in Command::ALL
            .iter()
            .filter(|c| c.context() == Context::Global)
        {
            let key = map.typing_hint(*cmd);
            assert!(
                key.starts_with('f') && key.len() > 1 || key.contains('-') || key == "esc",
                "{cmd}: {key}"
            );
        }
    }

    #[test]
    fn unknown_commands_and_bad_keys_are_reported() {
        let (map, problems) = Keymap::from_config(&cfg(&[
            ("explode", &["x"]),
            ("reveal", &["v", "ctrl-shift-hyper"]),
            ("quit", &[]),
            ("with space", &["y"]),
        ]));
        let paths: Vec<&str> = problems.iter().map(|p| p.key_path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "keys.explode",
                "keys.reveal",
                "keys.quit",
                "keys.\"with space\""
            ]
        );
        assert!(problems[0].message.contains("unknown command `explode`"));
        assert!(problems[1].message.contains("ctrl-shift-hyper"));
        // A command with a bad key keeps its defaults; quit keeps its keys.
        assert_eq!(map.keys_for(Command::Reveal), vec!["r"]);
        assert_eq!(map.keys_for(Command::Quit), vec!["q", "ctrl-c"]);
    }

    #[test]
    fn an_empty_list_unbinds_a_command() {
        let (map, problems) = Keymap::from_config(&cfg(&[("new_case", &[])]));
        assert_eq!(problems, vec![]);
        assert_eq!(map.command_for(Context::Person, &ch('n')), None);
        assert_eq!(map.hint(Command::NewCase), "");
    }

    #[test]
    fn case_keys_work_on_their_screens_only() {
        let map = Keymap::defaults();
        assert_eq!(
            map.command_for(Context::Case, &ch('n')),
            Some(Command::AddNote)
        );
        assert_eq!(
            map.command_for(Context::Person, &ch('n')),
            Some(Command::NewCase)
        );
        assert_eq!(
            map.command_for(Context::List, &ch('c')),
            Some(Command::Cases)
        );
        assert_eq!(
            map.command_for(Context::Case, &ch('f')),
            Some(Command::ReloadCase)
        );
        assert_eq!(
            map.command_for(Context::Cases, &ev(KeyCode::Tab, KeyModifiers::NONE)),
            Some(Command::CasesView)
        );
        assert_eq!(
            map.command_for(Context::Case, &ev(KeyCode::F(3), KeyModifiers::NONE)),
            Some(Command::ResumeDraft)
        );
        for ctx in Context::ALL {
            assert!(Context::Global.overlaps(ctx) && ctx.overlaps(Context::Global));
        }
        assert!(!Context::Case.overlaps(Context::Person));
        assert!(!Context::Cases.overlaps(Context::Case));
    }

    #[test]
    fn hints_come_from_the_live_keymap() {
        let map = Keymap::defaults();
        assert_eq!(map.hint(Command::MoveDown), "j/↓");
        assert_eq!(map.hint(Command::Palette), ":/ctrl-p");
        assert_eq!(map.keys_for(Command::Open), vec!["enter"]);
        assert_eq!(map.hint(Command::ResumeDraft), "f3");
        assert_eq!(map.hint(Command::PrevRecord), "shift-tab");
    }

    #[test]
    fn printable_input() {
        assert!(is_printable_input(&ch('q')));
        assert!(is_printable_input(&ev(
            KeyCode::Char('Q'),
            KeyModifiers::SHIFT
        )));
        assert!(is_printable_input(&ch('山')));
        assert!(is_printable_input(&ch(' ')));
        assert!(!is_printable_input(&ev(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL
        )));
        assert!(!is_printable_input(&ev(
            KeyCode::Char('x'),
            KeyModifiers::ALT
        )));
        assert!(!is_printable_input(&ev(KeyCode::Enter, KeyModifiers::NONE)));
        assert!(!is_printable_input(&ch('\u{7}')));
    }
}
