//! `update`: the one place where the TUI's state changes. Pure: no I/O;
//! wall-clock time arrives in `Msg::Tick`. What belongs to one screen
//! is in its folder under `screens/`, reached through the registry; here
//! are the messages every screen shares, the overlays and the moves
//! between screens. `drafts.rs` decides what is saved as a draft, and when.

use super::app::*;
use super::drafts;
use super::form::{Form, FormEvent};
use super::keymap::{is_printable_input, Command, Context};
use super::link_update;
use super::palette;
use super::screens::{self, person};
use super::views::hours::hours_label;
use chrono::{DateTime, FixedOffset};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Instant;

pub use super::drafts::DRAFT_PAUSE;

pub fn update(s: &mut State, msg: Msg) -> Vec<Effect> {
    let fx = match msg {
        Msg::Tick { now, wall } => return tick(s, now, wall),
        Msg::Resize(w, h) => {
            s.size = (w, h);
            vec![]
        }
        Msg::Key(k) => {
            s.last_input = Instant::now();
            if s.refused.is_some() {
                s.dirty = true;
                return super::access::key(s, k);
            }
            if s.locked {
                s.locked = false;
                s.dirty = true;
                return vec![];
            }
            key(s, k)
        }
        Msg::Paste(text) => {
            s.last_input = Instant::now();
            if s.locked {
                s.locked = false;
            }
            paste(s, &text)
        }
        Msg::Run(cmd) => run_command(s, cmd),
        Msg::ServerLost(why) => {
            s.server_lost = Some(why);
            vec![]
        }
        Msg::ServerBack => {
            s.server_lost = None;
            s.info("connected to the server again");
            reconnected(s)
        }
        // Nothing on screen changes until what is reloaded comes back.
        Msg::StoreChanged => return screens::current(s).store_changed(s),
        Msg::AccessChecked(result) => {
            // Asked every few seconds: redraw only when the answer changed.
            let was = s.refused.clone();
            let fx = super::access::checked(s, result);
            if s.refused != was {
                s.dirty = true;
            }
            return fx;
        }
        Msg::HangUp => {
            s.quit = true;
            return drafts::sync(s, Instant::now(), true);
        }
        Msg::Resumed => vec![Effect::Redraw],

        Msg::Screen(m) => screens::update(s, m),
    };
    s.dirty = true;
    fx
}

fn tick(s: &mut State, now: Instant, wall: DateTime<FixedOffset>) -> Vec<Effect> {
    // The status bar shows the business hours: redraw only when they read
    // differently (a new second or minute alone changes nothing on screen).
    if wall != s.wall {
        let calendar = &s.case_settings.calendar;
        if hours_label(calendar, wall) != hours_label(calendar, s.wall) {
            s.dirty = true;
        }
        s.wall = wall;
    }
    if s.searching() {
        s.spinner = s.spinner.wrapping_add(1);
        s.dirty = true;
    }
    if !s.locked
        && !s.idle_lock.is_zero()
        && now.saturating_duration_since(s.last_input) >= s.idle_lock
    {
        lock(s, false);
    }
    drafts::sync(s, now, false)
}

/// Hide everything personal until a key is pressed; revealed values are masked again.
/// Lock the screen: by the operator (`by_hand`), or after the idle time.
pub fn lock(s: &mut State, by_hand: bool) {
    s.locked = true;
    s.locked_by_hand = by_hand;
    for id in ScreenId::ALL {
        screens::of(id).mask(s);
    }
    if matches!(s.overlay, Some(Overlay::Reveal(_))) {
        s.overlay = None;
    }
    s.dirty = true;
}

/// Something was typed: drafts wait for a pause from now.
pub(crate) fn edited(s: &mut State) {
    s.last_edit = Instant::now();
}

fn paste(s: &mut State, text: &str) -> Vec<Effect> {
    match s.overlay.as_mut() {
        Some(Overlay::Palette(p)) => {
            p.input.insert_str(text);
            p.selected = 0;
            return vec![];
        }
        Some(Overlay::Reveal(d)) => {
            d.typing = true;
            d.selected = s.purposes.len();
            d.other.insert_str(text);
            return vec![];
        }
        Some(_) => return vec![],
        None => {}
    }
    if let Some(fx) = screens::current(s).paste(s, text) {
        return fx;
    }
    // Pasted text anywhere else is a new search.
    let _ = leave_all(s);
    s.focus = Focus::Query;
    s.query.insert_str(text);
    edited(s);
    vec![]
}

fn key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    if s.overlay.is_some() {
        return overlay_key(s, k);
    }
    let screen = screens::current(s);
    if let Some(fx) = screen.key(s, k) {
        return fx;
    }
    let cmd = screen
        .context()
        .and_then(|ctx| s.keymap.command_for(ctx, &k))
        .or_else(|| {
            screen
                .lists()
                .then(|| s.keymap.command_for(Context::List, &k))
                .flatten()
        });
    if let Some(cmd) = cmd {
        return run_command(s, cmd);
    }
    screen.unbound_key(s, &k);
    vec![]
}

/// A key a form did not take: only commands that are not plain typing
/// (ctrl-p, f1, ctrl-c...) run from inside a form.
/// Where a screen keeps its open form and what closing and sending it do,
/// for [`form_key`].
pub struct FormHooks {
    /// A form is open and takes the keys.
    pub open: fn(&State) -> bool,
    pub form: fn(&mut State) -> Option<&mut Form>,
    pub close: fn(&mut State),
    pub submit: fn(&mut State) -> Vec<Effect>,
    /// A field's value changed (a form may depend on one of its fields).
    pub changed: fn(&mut Form, &str),
}

/// A key for a screen's open form: Esc closes it, ctrl-s sends it, an
/// edit clears the error shown on that field.
pub(crate) fn form_key(s: &mut State, k: KeyEvent, h: &FormHooks) -> Vec<Effect> {
    let Some(form) = (h.form)(s) else {
        return vec![];
    };
    match form.key(&k) {
        FormEvent::Cancel => {
            (h.close)(s);
            s.message = None;
            vec![]
        }
        FormEvent::Submit => (h.submit)(s),
        FormEvent::Edited(id) | FormEvent::Changed(id) => {
            if form.error.as_ref().is_some_and(|(f, _)| f == id) {
                form.error = None;
            }
            (h.changed)(form, id);
            edited(s);
            vec![]
        }
        FormEvent::Moved => vec![],
        FormEvent::Ignored => form_fallback(s, k),
    }
}

pub(crate) fn form_fallback(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    if is_printable_input(&k) {
        return vec![];
    }
    match s.keymap.command_for(Context::Global, &k) {
        Some(Command::Back) | None => vec![],
        // Quitting with typed text: say it is kept, quit on the second press.
        Some(Command::Quit)
            if drafts::typed_unsent(s)
                && s.message
                    .as_ref()
                    .is_none_or(|m| m.text != quit_with_draft(s)) =>
        {
            let mut fx = drafts::sync(s, Instant::now(), true);
            s.warn(quit_with_draft(s));
            fx.retain(|e| matches!(e, Effect::SaveDraft { .. }));
            fx
        }
        Some(cmd) => run_command(s, cmd),
    }
}

/// What the first quit key in a form with typed text says.
pub fn quit_with_draft(s: &State) -> String {
    let key = |c: Command| s.keymap.typing_hint(c);
    format!(
        "what you typed is kept as a draft ({} continues it, also after a restart); {} again quits",
        key(Command::ResumeDraft),
        key(Command::Quit)
    )
}

fn overlay_key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    let Some(overlay) = s.overlay.take() else {
        return vec![];
    };
    match overlay {
        Overlay::Help(top) => {
            // ↑/↓ and PgUp/PgDn scroll a help longer than the screen.
            let step: isize = match k.code {
                KeyCode::Down | KeyCode::Char('j') => 1,
                KeyCode::Up | KeyCode::Char('k') => -1,
                KeyCode::PageDown => 10,
                KeyCode::PageUp => -10,
                _ => 0,
            };
            if step != 0 {
                let last = crate::tui::views::help_entries(s).len().saturating_sub(1);
                s.overlay = Some(Overlay::Help(top.saturating_add_signed(step).min(last)));
                return vec![];
            }
            // Any other key closes the help; the palette key opens the palette instead.
            if s.keymap.command_for(Context::Global, &k) == Some(Command::Palette) {
                s.overlay = Some(Overlay::Palette(Palette {
                    input: Default::default(),
                    selected: 0,
                }));
            }
            vec![]
        }
        // Any key closes it; the case was reloaded meanwhile.
        Overlay::Conflict(_) => vec![],
        Overlay::Drafts(p) => screens::case::update::drafts_key(s, p, k),
        Overlay::Link(d) => link_update::key(s, d, k),
        // ↑/↓ and PgUp/PgDn scroll; any other key closes the list.
        Overlay::Messages(top) => {
            let step = match k.code {
                KeyCode::Down | KeyCode::Char('j') => 1,
                KeyCode::Up | KeyCode::Char('k') => -1,
                KeyCode::PageDown => 10,
                KeyCode::PageUp => -10,
                _ => return vec![],
            };
            s.overlay = Some(Overlay::Messages(top.saturating_add_signed(step)));
            vec![]
        }
        Overlay::Palette(mut p) => {
            let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
            let n = palette::entries(s, p.input.text()).len();
            match k.code {
                KeyCode::Esc => return vec![],
                KeyCode::Enter => {
                    let chosen = palette::entries(s, p.input.text())
                        .get(p.selected)
                        .map(|e| e.command);
                    return match chosen {
                        Some(cmd) => run_command(s, cmd),
                        None => vec![],
                    };
                }
                KeyCode::Down | KeyCode::Tab => {
                    p.selected = (p.selected + 1).min(n.saturating_sub(1))
                }
                KeyCode::Char('n') if ctrl => {
                    p.selected = (p.selected + 1).min(n.saturating_sub(1))
                }
                KeyCode::Up | KeyCode::BackTab => p.selected = p.selected.saturating_sub(1),
                KeyCode::Char('p') if ctrl => p.selected = p.selected.saturating_sub(1),
                KeyCode::Backspace => {
                    p.input.backspace();
                    p.selected = 0;
                }
                KeyCode::Char('u') if ctrl => {
                    p.input.clear_to_start();
                    p.selected = 0;
                }
                KeyCode::Left => p.input.left(),
                KeyCode::Right => p.input.right(),
                KeyCode::Char(c) if is_printable_input(&k) => {
                    p.input.insert(c);
                    p.selected = 0;
                }
                _ => {}
            }
            s.overlay = Some(Overlay::Palette(p));
            vec![]
        }
        Overlay::Reveal(mut d) => {
            if d.pending {
                s.overlay = Some(Overlay::Reveal(d));
                return vec![];
            }
            let other = s.purposes.len();
            if d.typing {
                match k.code {
                    KeyCode::Esc => d.typing = false,
                    KeyCode::Enter => {
                        let purpose = d.other.text().trim().to_string();
                        if purpose.is_empty() {
                            s.error("type the purpose, or Esc to pick one from the list");
                        } else {
                            return confirm_reveal(s, d, purpose);
                        }
                    }
                    KeyCode::Backspace => d.other.backspace(),
                    KeyCode::Left => d.other.left(),
                    KeyCode::Right => d.other.right(),
                    KeyCode::Char(c) if is_printable_input(&k) => d.other.insert(c),
                    _ => {}
                }
                s.overlay = Some(Overlay::Reveal(d));
                return vec![];
            }
            match k.code {
                KeyCode::Esc => {
                    s.info("nothing revealed");
                    return vec![];
                }
                KeyCode::Left | KeyCode::Right
                    if matches!(d.target, RevealTarget::Field { .. }) =>
                {
                    if let RevealTarget::Field { record, field } = d.target {
                        let n = s
                            .screens
                            .get::<PersonView>()
                            .map_or(0, |p| p.masked_fields(record).len());
                        if n > 0 {
                            let field = if k.code == KeyCode::Right {
                                (field + 1) % n
                            } else {
                                (field + n - 1) % n
                            };
                            d.target = RevealTarget::Field { record, field };
                        }
                    }
                }
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                    d.selected = (d.selected + 1).min(other)
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                    d.selected = d.selected.saturating_sub(1)
                }
                KeyCode::Char(c @ '1'..='9') => {
                    let i = c as usize - '1' as usize;
                    if i <= other {
                        d.selected = i;
                    }
                }
                KeyCode::Enter if d.selected == other => d.typing = true,
                KeyCode::Enter => {
                    let purpose = s.purposes[d.selected].clone();
                    return confirm_reveal(s, d, purpose);
                }
                _ => {}
            }
            s.overlay = Some(Overlay::Reveal(d));
            vec![]
        }
    }
}

fn confirm_reveal(s: &mut State, mut d: RevealDialog, purpose: String) -> Vec<Effect> {
    let effect = match d.target {
        RevealTarget::Person => {
            let Some(p) = s.screens.get::<PersonView>() else {
                return vec![];
            };
            PersonEffect::Reveal {
                key: person::update::person_key(p),
                records: p.person.records.clone(),
                purpose,
            }
            .into()
        }
        RevealTarget::Case(id) => CaseEffect::Reveal { id, purpose }.into(),
        RevealTarget::Field { record, field } => {
            let Some(p) = s.screens.get::<PersonView>() else {
                return vec![];
            };
            let (Some(r), Some(f)) = (
                p.person.records.get(record),
                p.masked_fields(record).get(field).copied(),
            ) else {
                return vec![];
            };
            PersonEffect::RevealField {
                key: person::update::person_key(p),
                record: r.key(),
                field: f.to_string(),
                purpose,
            }
            .into()
        }
    };
    d.pending = true;
    s.overlay = Some(Overlay::Reveal(d));
    vec![effect]
}

/// The purpose dialog, for `target`.
pub(crate) fn open_reveal(s: &mut State, target: RevealTarget) {
    s.overlay = Some(Overlay::Reveal(RevealDialog {
        selected: 0,
        other: Default::default(),
        typing: false,
        pending: false,
        target,
    }));
}

/// Carry out a named command (from a key or the palette): the commands
/// of the session here, the rest by the screen shown, then by the screen
/// the command belongs to, then by the screen it opens.
pub fn run_command(s: &mut State, cmd: Command) -> Vec<Effect> {
    s.overlay = None;
    match cmd {
        Command::Quit => {
            s.quit = true;
            // The query is not a draft once the operator leaves on purpose;
            // an unsent form or note is kept to be offered back.
            s.draft_saved = s.query.text().to_string();
            let mut fx = vec![drafts::save(s, drafts::QUERY, String::new())];
            fx.extend(drafts::sync(s, Instant::now(), true));
            return fx;
        }
        Command::Help => s.overlay = Some(Overlay::Help(0)),
        Command::Palette => {
            s.overlay = Some(Overlay::Palette(Palette {
                input: Default::default(),
                selected: 0,
            }))
        }
        Command::Lock => lock(s, true),
        Command::Suspend => return vec![Effect::Suspend],
        Command::MoveDown => return move_by(s, 1),
        Command::MoveUp => return move_by(s, -1),
        Command::PageDown => return move_by(s, page(s)),
        Command::PageUp => return move_by(s, -page(s)),
        Command::First => return move_by(s, i64::MIN / 2),
        Command::Last => return move_by(s, i64::MAX / 2),
        Command::ResumeDraft => return screens::case::update::resume(s),
        Command::Messages if s.recent.is_empty() => s.info("no messages yet"),
        Command::Messages => s.overlay = Some(Overlay::Messages(0)),
        _ => return screen_command(s, cmd),
    }
    vec![]
}

/// A command of a screen: the one shown reads it first (back, open and
/// search mean something different on each).
fn screen_command(s: &mut State, cmd: Command) -> Vec<Effect> {
    let shown = screens::current(s);
    if let Some(fx) = shown.command(s, cmd) {
        return fx;
    }
    if let Some(owner) = screens::owner_of(cmd.context()) {
        if let Some(fx) = owner.command(s, cmd) {
            return fx;
        }
    }
    for id in ScreenId::ALL {
        if let Some(fx) = screens::of(id).open_from_anywhere(s, cmd) {
            return fx;
        }
    }
    match cmd {
        Command::Back => back(s),
        Command::FocusQuery => {
            let fx = leave_all(s);
            s.focus = Focus::Query;
            fx
        }
        _ => vec![],
    }
}

/// Show screen `T`, remembering the current one to go back to: the state
/// already open (see [`go`]), or a new one from `make`.
pub(crate) fn show<T: ScreenData>(s: &mut State, make: impl FnOnce(&State) -> T) -> Vec<Effect> {
    if let Some(fx) = go::<T>(s) {
        return fx;
    }
    let state = make(s).into_state();
    push(s, state);
    vec![]
}

/// Show a new state of screen `T` on top, in place of any it had.
pub(crate) fn show_new<T: ScreenData>(s: &mut State, state: T) -> Vec<Effect> {
    let _ = s.screens.take::<T>();
    show(s, move |_| state)
}

/// Show screen `T` when it is open: on the stack (the screens above it
/// close, keeping their drafts) or kept from an earlier visit. `None`
/// when it is not open.
pub(crate) fn go<T: ScreenData>(s: &mut State) -> Option<Vec<Effect>> {
    if s.screen() == T::ID {
        return Some(vec![]);
    }
    if s.screens.on_stack(T::ID) {
        screens::current(s).covered(s);
        let fx = drafts::sync(s, Instant::now(), true);
        for state in s.screens.above(T::ID) {
            closed(s, state);
        }
        return Some(fx);
    }
    let kept = s.screens.unkeep(T::ID)?;
    push(s, kept);
    Some(vec![])
}

/// Show `state` on top, a screen of its own even when one like it is
/// below (the search opened again to link records to the case below).
pub(crate) fn push(s: &mut State, state: ScreenState) {
    screens::current(s).covered(s);
    s.screens.push(state);
}

/// A screen came off the stack: kept for its next visit, or dropped.
fn closed(s: &mut State, state: ScreenState) {
    if screens::of(state.id()).keeps_place() {
        s.screens.keep(state);
    }
}

/// Back to the screen the operator came from: forms keep their drafts, a
/// person or a case is masked again.
pub(crate) fn back(s: &mut State) -> Vec<Effect> {
    let mut fx = drafts::sync(s, Instant::now(), true);
    if let Some(state) = s.screens.pop() {
        closed(s, state);
    }
    fx.extend(screens::current(s).returned(s));
    fx
}

/// Leave every screen for the search (forms keep their drafts).
fn leave_all(s: &mut State) -> Vec<Effect> {
    let fx = drafts::sync(s, Instant::now(), true);
    while let Some(state) = s.screens.pop() {
        closed(s, state);
    }
    fx
}

fn page(s: &State) -> i64 {
    (s.size.1 as i64 - 10).max(1)
}

fn move_by(s: &mut State, delta: i64) -> Vec<Effect> {
    screens::current(s).move_by(s, delta)
}

/// Connected again after the server was gone: what the screen shows is
/// asked for again (the new session knows nothing of the old one).
fn reconnected(s: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    let shown = s.screen();
    for id in ScreenId::ALL {
        fx.extend(screens::of(id).reconnected(s, shown == id));
    }
    fx.extend(screens::current(s).store_changed(s));
    fx
}
