//! The screens, one folder each (state, update, view), and the registry
//! that lists them. The rest of the TUI reaches a screen only through the
//! [`Screen`] trait: adding a screen is a new folder, one variant of
//! [`ScreenId`] with its line in [`of`], and its rows in the `commands!`
//! table.

pub mod actions;
pub mod audit;
pub mod case;
pub mod cases;
pub mod inbox;
pub mod new_case;
pub mod person;
pub mod queue;
pub mod report;
pub mod search;
pub mod stack;

pub use stack::{ScreenData, Screens};

/// Every screen's state types, re-exported by `app`.
pub mod states {
    pub use super::actions::state::*;
    pub use super::audit::state::*;
    pub use super::case::state::*;
    pub use super::cases::state::*;
    pub use super::inbox::state::*;
    pub use super::new_case::state::*;
    pub use super::person::state::*;
    pub use super::queue::state::*;
    pub use super::report::state::*;
    pub use super::search::state::*;
}

/// Every screen's messages and effects, re-exported by `app`.
pub mod msgs {
    pub use super::actions::msgs::*;
    pub use super::audit::msgs::*;
    pub use super::case::msgs::*;
    pub use super::cases::msgs::*;
    pub use super::inbox::msgs::*;
    pub use super::new_case::msgs::*;
    pub use super::person::msgs::*;
    pub use super::queue::msgs::*;
    pub use super::report::msgs::*;
    pub use super::search::msgs::*;
}

use super::app::{Effect, Msg, State};
use super::effects::Cx;
use super::form::Form;
use super::keymap::{Command, Context};
use super::update::FormHooks;
use crossterm::event::KeyEvent;
use msgs::*;
use ratatui::layout::Rect;
use ratatui::Frame;
use tokio::task::JoinHandle;

/// Lists each screen once: its id, the type of its state on the stack,
/// and the value carrying its behaviour. Generates [`ScreenId`] (with
/// `ALL`), [`ScreenState`], [`of`] and the [`ScreenData`] impls.
macro_rules! screens {
    ($($(#[$doc:meta])* $name:ident($state:ty) => $screen:expr,)*) => {
        /// Which screen is shown.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ScreenId {
            $($(#[$doc])* $name,)*
        }

        impl ScreenId {
            pub const ALL: [ScreenId; [$(stringify!($name),)*].len()] =
                [$(ScreenId::$name,)*];
        }

        /// One screen's state, as it sits on the stack. A handful are on it
        /// at once, so the variants are not boxed to even out their sizes.
        #[derive(Debug, Clone)]
        #[allow(clippy::large_enum_variant)]
        pub enum ScreenState {
            $($name($state),)*
        }

        impl ScreenState {
            pub fn id(&self) -> ScreenId {
                match self {
                    $(ScreenState::$name(_) => ScreenId::$name,)*
                }
            }
        }

        /// The one place a screen id is turned into the screen's behaviour.
        pub fn of(id: ScreenId) -> &'static dyn Screen {
            match id {
                $(ScreenId::$name => &$screen,)*
            }
        }

        $(
            impl ScreenData for $state {
                const ID: ScreenId = ScreenId::$name;

                fn of(state: &ScreenState) -> Option<&Self> {
                    match state {
                        ScreenState::$name(x) => Some(x),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }

                fn of_mut(state: &mut ScreenState) -> Option<&mut Self> {
                    match state {
                        ScreenState::$name(x) => Some(x),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }

                fn into_state(self) -> ScreenState {
                    ScreenState::$name(self)
                }

                fn from_state(state: ScreenState) -> Result<Self, ScreenState> {
                    match state {
                        ScreenState::$name(x) => Ok(x),
                        #[allow(unreachable_patterns)]
                        other => Err(other),
                    }
                }
            }
        )*
    };
}

screens! {
    Search(states::SearchScreen) => search::Search,
    Person(states::PersonView) => person::Person,
    /// The case list ("my cases").
    Cases(states::CasesView) => cases::Cases,
    /// One case.
    Case(states::CaseScreen) => case::Case,
    /// The new-case form.
    NewCase(states::NewCaseScreen) => new_case::NewCase,
    /// The actions panel of the case.
    Actions(states::ActionsScreen) => actions::Actions,
    /// Actions awaiting a supervisor's approval.
    Inbox(states::InboxScreen) => inbox::Inbox,
    /// Counts, response times and deadlines met (supervisors, auditors).
    Report(states::ReportScreen) => report::Report,
    /// The audit trail (supervisors and auditors).
    Audit(states::AuditScreen) => audit::Audit,
    /// The queue: every case the operator may see, by section.
    Queue(states::QueueView) => queue::Queue,
}

/// Lists each screen's message and effect types once: the wrapping enums,
/// the conversions into the app's `Msg` and `Effect`, and the dispatch of
/// each to its screen's `update::message` and `effects::run`.
macro_rules! screen_messages {
    ($($name:ident($msg:ident, $effect:ident) => $module:ident,)*) => {
        /// A message for one screen.
        #[derive(Debug, Clone)]
        pub enum ScreenMsg {
            $($name($msg),)*
        }

        /// Work one screen asks for.
        #[derive(Debug, Clone, PartialEq)]
        pub enum ScreenEffect {
            $($name($effect),)*
        }

        $(
            impl From<$msg> for Msg {
                fn from(m: $msg) -> Msg {
                    Msg::Screen(ScreenMsg::$name(m))
                }
            }

            impl From<$effect> for Effect {
                fn from(e: $effect) -> Effect {
                    Effect::Screen(ScreenEffect::$name(e))
                }
            }
        )*

        /// Hand a message to its screen's update.
        pub fn update(s: &mut State, m: ScreenMsg) -> Vec<Effect> {
            match m {
                $(ScreenMsg::$name(m) => $module::update::message(s, m),)*
            }
        }

        /// Start a screen's effect; the task, for callers that wait for it.
        pub fn run(cx: &Cx, e: ScreenEffect) -> Option<JoinHandle<()>> {
            match e {
                $(ScreenEffect::$name(e) => $module::effects::run(cx, e),)*
            }
        }
    };
}

screen_messages! {
    Search(SearchMsg, SearchEffect) => search,
    Person(PersonMsg, PersonEffect) => person,
    Cases(CasesMsg, CasesEffect) => cases,
    Case(CaseMsg, CaseEffect) => case,
    NewCase(NewCaseMsg, NewCaseEffect) => new_case,
    Actions(ActionsMsg, ActionsEffect) => actions,
    Inbox(InboxMsg, InboxEffect) => inbox,
    Report(ReportMsg, ReportEffect) => report,
    Audit(AuditMsg, AuditEffect) => audit,
    Queue(QueueMsg, QueueEffect) => queue,
}

/// The screen shown now.
pub fn current(s: &State) -> &'static dyn Screen {
    of(s.screens.top())
}

/// A key hint of the status bar: a command (shown with its configured key)
/// or a fixed key name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintKey {
    Cmd(Command),
    Text(&'static str),
}

pub type Hint = (HintKey, &'static str);

/// What every screen does. The state a screen works on lives on the
/// stack (`State::screens`); these are the screen's entry points, called
/// only through the registry.
pub trait Screen: Sync {
    /// The keymap context of the screen's own commands, if it has any.
    fn context(&self) -> Option<Context> {
        None
    }

    /// Whether the list commands (move, open, search) apply: false for a
    /// screen that is a form taking every typed key.
    fn lists(&self) -> bool {
        true
    }

    /// The header's title.
    fn title(&self, s: &State) -> String;

    /// The status bar's key hints when no form is open.
    fn hints(&self, s: &State) -> Vec<Hint>;

    /// The screen's form (a dialog, a form preparing something) when its
    /// keys are the common ones ([`super::update::form_key`]).
    fn form_hooks(&self) -> Option<&'static FormHooks> {
        None
    }

    /// A form (or dialog with fields) is open: keys are typing, the status
    /// bar shows the form's keys.
    fn form_open(&self, s: &State) -> bool {
        self.form_hooks().is_some_and(|h| (h.open)(s))
    }

    /// Plain keys are typed into a text box now (hints then show keys that
    /// are not letters).
    fn typing(&self, s: &State) -> bool {
        self.form_open(s)
    }

    /// A key, before the keymap: `None` lets the keymap handle it. An
    /// open form takes it by default.
    fn key(&self, s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
        let h = self.form_hooks()?;
        (h.open)(s).then(|| super::update::form_key(s, k, h))
    }

    /// A key neither the screen nor the keymap took.
    fn unbound_key(&self, _s: &mut State, _k: &KeyEvent) {}

    /// The form that takes typed and pasted text now, if one is open.
    fn form<'a>(&self, s: &'a mut State) -> Option<&'a mut Form> {
        (self.form_hooks()?.form)(s)
    }

    /// Pasted text: `None` when the screen has nowhere to put it (it then
    /// becomes a new search). Goes into the open form by default.
    fn paste(&self, s: &mut State, text: &str) -> Option<Vec<Effect>> {
        self.form(s)?.paste(text);
        super::update::edited(s);
        Some(vec![])
    }

    /// A command: those of the screen's context, and the list and global
    /// ones it reads its own way while shown (back, open, search).
    /// `None` when the screen does not handle `cmd`.
    fn command(&self, _s: &mut State, _cmd: Command) -> Option<Vec<Effect>> {
        None
    }

    /// A command that opens this screen from anywhere.
    fn open_from_anywhere(&self, _s: &mut State, _cmd: Command) -> Option<Vec<Effect>> {
        None
    }

    /// Move the cursor or scroll by `delta` (list commands).
    fn move_by(&self, _s: &mut State, _delta: i64) -> Vec<Effect> {
        vec![]
    }

    /// The screen keeps its place (a tab, a filter) for its next visit
    /// when closed; otherwise its state is dropped with it.
    fn keeps_place(&self) -> bool {
        false
    }

    /// Hide every value revealed on the screen (the desk was locked).
    fn mask(&self, _s: &mut State) {}

    /// Another screen goes on top of this one.
    fn covered(&self, _s: &mut State) {}

    /// The screen is shown again after the one above it closed.
    fn returned(&self, _s: &mut State) -> Vec<Effect> {
        vec![]
    }

    /// Something changed in the store: what to load again while shown.
    fn store_changed(&self, _s: &mut State) -> Vec<Effect> {
        vec![]
    }

    /// Connected to the server again; `shown` when the screen is on top.
    fn reconnected(&self, _s: &mut State, _shown: bool) -> Vec<Effect> {
        vec![]
    }

    /// The status bar counts how the systems answered the search.
    fn shows_systems(&self) -> bool {
        false
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect);
}

/// The keymap contexts whose commands make sense on `screen`.
pub fn contexts(screen: &dyn Screen) -> Vec<Context> {
    let mut out: Vec<Context> = screen.context().into_iter().collect();
    if screen.lists() {
        out.push(Context::List);
    }
    out.push(Context::Global);
    out
}

/// The screen whose own commands are those of `ctx`.
pub fn owner_of(ctx: Context) -> Option<&'static dyn Screen> {
    ScreenId::ALL
        .into_iter()
        .map(of)
        .find(|x| x.context() == Some(ctx))
}

/// Move a cursor over `len` items from `cur` by `delta`, or `None` when
/// there is nothing to move over.
pub fn step(len: usize, cur: usize, delta: i64) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some((cur as i64).saturating_add(delta).clamp(0, len as i64 - 1) as usize)
}
