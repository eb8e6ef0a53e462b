//! `update`: the one place where the TUI's state changes. Pure: no I/O;
//! wall-clock time arrives in `Action::Tick`. The case screens' parts are
//! in `case_update.rs` (list, case, dialogs), `new_case_update.rs` (the
//! new-case form) and `drafts.rs` (what is saved as a draft, and when).

use super::app::*;
use super::drafts;
use super::keymap::{is_printable_input, Command, Context};
use super::link_update;
use super::palette;
use super::screens::actions::update as action_update;
use super::screens::audit::update as audit_update;
use super::screens::case::update as case_update;
use super::screens::new_case::update as new_case_update;
use super::screens::queue::update as queue_update;
use super::screens::report::update as report_update;
use super::views::hours::hours_label;
use crate::domain::SystemStatus;
use chrono::{DateTime, FixedOffset};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::time::Instant;

pub use super::drafts::DRAFT_PAUSE;

pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let fx = match action {
        Action::Tick { now, wall } => return tick(s, now, wall),
        Action::Resize(w, h) => {
            s.size = (w, h);
            vec![]
        }
        Action::Key(k) => {
            s.last_input = Instant::now();
            if s.refused.is_some() {
                s.dirty = true;
                return audit_update::refused_key(s, k);
            }
            if s.locked {
                s.locked = false;
                s.dirty = true;
                return vec![];
            }
            key(s, k)
        }
        Action::Paste(text) => {
            s.last_input = Instant::now();
            if s.locked {
                s.locked = false;
            }
            paste(s, &text)
        }
        Action::Run(cmd) => run_command(s, cmd),
        Action::SearchUpdate { gen, snapshot } => {
            if gen != s.search_gen {
                return vec![];
            }
            if snapshot.done {
                let failed: Vec<String> = snapshot
                    .failed_systems()
                    .iter()
                    .map(|f| format!("{}: {}", f.system, f.status.message().unwrap_or_default()))
                    .collect();
                let cut: Vec<String> = snapshot
                    .systems
                    .iter()
                    .filter(|x| x.truncated && !x.status.is_failure())
                    .map(|x| match &x.status {
                        SystemStatus::Ok { count, .. } => format!("{} (first {count})", x.system),
                        _ => x.system.clone(),
                    })
                    .collect();
                if let Some(err) = &snapshot.audit_error {
                    s.error(format!(
                        "the search was not written to the audit log: {err}"
                    ));
                } else if !failed.is_empty() {
                    s.warn(failed.join("; "));
                } else if !cut.is_empty() {
                    s.warn(format!(
                        "more records than shown from {}; narrow the search (an email or phone)",
                        cut.join(", ")
                    ));
                } else if snapshot.persons.is_empty() {
                    s.info("no customer found in any system");
                }
                // Otherwise the message line stays: it was cleared when the
                // search started, so whatever it says now came later (a
                // reveal cancelled or refused meanwhile) and still matters.
            }
            let n = snapshot.persons.len();
            s.search = Some(*snapshot);
            s.selected = s.selected.min(n.saturating_sub(1));
            vec![]
        }
        Action::SearchFailed { gen, error } => {
            if gen != s.search_gen {
                return vec![];
            }
            s.search = None;
            s.error(error);
            vec![]
        }
        Action::RevealDone { key, result } => {
            let matches = s.person.as_ref().is_some_and(|p| person_key(p) == key);
            if let Some(Overlay::Reveal(d)) = &s.overlay {
                if d.target == RevealTarget::Person {
                    s.overlay = None;
                }
            }
            match result {
                Ok(shown) if matches => {
                    if let Some(p) = s.person.as_mut() {
                        for r in p.person.records.iter_mut() {
                            if let Some(x) = shown.records.iter().find(|x| x.key() == r.key()) {
                                *r = x.clone();
                            }
                        }
                        p.revealed = true;
                    }
                    s.info(format!(
                        "shown for this person until you leave the screen (audit entry {})",
                        shown.audit_id
                    ));
                }
                Ok(_) => {}
                Err(e) => s.error(e),
            }
            vec![]
        }
        Action::FieldRevealDone { key, field, result } => {
            if let Some(Overlay::Reveal(d)) = &s.overlay {
                if matches!(d.target, RevealTarget::Field { .. }) {
                    s.overlay = None;
                }
            }
            let open = s.person.as_mut().filter(|p| person_key(p) == key);
            match (result, open) {
                (Ok(shown), Some(p)) => {
                    for x in &shown.records {
                        if let Some(r) = p.person.records.iter_mut().find(|r| r.key() == x.key()) {
                            if let (Some(slot), Some(v)) =
                                (r.canonical_mut(&field), x.canonical(&field))
                            {
                                *slot = Some(v.to_string());
                            }
                            p.revealed_fields.push((x.key(), field.clone()));
                        }
                    }
                    s.info(format!(
                        "{} shown until you leave the screen; the other values stay masked (audit entry {})",
                        crate::tui::views::field_label(&field),
                        shown.audit_id
                    ));
                }
                (Ok(_), None) => {}
                (Err(e), _) => s.error(e),
            }
            vec![]
        }
        Action::FetchDone { key, result } => {
            if let Some(p) = s.person.as_mut() {
                match result {
                    Ok(record) => {
                        if let Some(r) = p.person.records.iter_mut().find(|r| r.key() == key) {
                            *r = *record;
                        }
                        p.fetch.insert(key, FetchState::Done);
                    }
                    Err(e) => {
                        p.fetch.insert(key, FetchState::Failed(e.clone()));
                        s.error(e);
                    }
                }
            }
            vec![]
        }
        Action::CasesLoaded { gen, result } => case_update::cases_loaded(s, gen, result),
        Action::CaseLoaded { id, result } => case_update::case_loaded(s, id, result),
        Action::CaseChanged {
            id,
            key,
            change,
            result,
        } => case_update::changed(s, id, key, change, result),
        Action::CaseRevealDone { id, result } => case_update::revealed(s, id, result),
        Action::ReportLoaded { gen, result } => {
            report_update::loaded(s, gen, result);
            vec![]
        }
        Action::QueuePage(result) => queue_update::page(s, result),
        Action::QueueIds(result) => queue_update::ids(s, result),
        Action::ServerLost(why) => {
            s.server_lost = Some(why);
            vec![]
        }
        Action::ServerBack => {
            s.server_lost = None;
            s.info("connected to the server again");
            reconnected(s)
        }
        Action::QueueBulkDone { op, results } => queue_update::bulk_done(s, op, results),
        // Nothing on screen changes until what is reloaded comes back.
        Action::StoreChanged => return queue_update::store_changed(s),
        Action::DuplicatesFound { key, result } => {
            new_case_update::duplicates_found(s, &key, result)
        }
        Action::CaseCreated {
            key,
            result,
            warning,
        } => new_case_update::created(s, &key, result, warning),
        Action::ActionsLoaded { case, result } => action_update::loaded(s, case, result),
        Action::ActionPreviewed { case, result } => action_update::previewed(s, case, result),
        Action::ActionPlanned { case, result } => action_update::planned(s, case, result),
        Action::ActionDecided {
            action,
            approve,
            result,
        } => action_update::decided(s, &action, approve, result),
        Action::JobProgress { action, update } => action_update::progress(s, &action, &update),
        Action::ActionRan { action, result } => action_update::ran(s, &action, result),
        Action::JobChanged { op, result } => action_update::job_changed(s, &op, result),
        Action::InboxLoaded { result } => action_update::inbox_loaded(s, result),
        Action::PackageDone {
            case,
            verify,
            result,
        } => action_update::package_done(s, case, verify, result),
        Action::LetterRendered {
            case,
            template,
            result,
        } => action_update::letter_rendered(s, case, &template, result),
        Action::AuditLoaded { gen, result } => audit_update::loaded(s, gen, result),
        Action::AuditVerified(result) => audit_update::verified(s, result),
        Action::AuditExported(result) => audit_update::exported(s, result),
        Action::AccessChecked(result) => {
            // Asked every few seconds: redraw only when the answer changed.
            let was = s.refused.clone();
            let fx = audit_update::access_checked(s, result);
            if s.refused != was {
                s.dirty = true;
            }
            return fx;
        }
        Action::HangUp => {
            s.quit = true;
            return drafts::sync(s, Instant::now(), true);
        }
        Action::Resumed => vec![Effect::Redraw],
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
    let fx = drafts::sync(s, now, false);
    fx
}

/// Hide everything personal until a key is pressed; revealed values are masked again.
/// Lock the screen: by the operator (`by_hand`), or after the idle time.
pub fn lock(s: &mut State, by_hand: bool) {
    s.locked = true;
    s.locked_by_hand = by_hand;
    if let Some(p) = s.person.as_mut() {
        p.mask();
    }
    if let Some(c) = s.case.as_mut() {
        c.revealed = false;
    }
    if matches!(s.overlay, Some(Overlay::Reveal(_))) {
        s.overlay = None;
    }
    s.dirty = true;
}

/// A person is known by its first record.
pub fn person_key(p: &PersonView) -> (String, String) {
    p.person
        .records
        .first()
        .map(|r| r.key())
        .unwrap_or_default()
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
    if audit_update::prompting(s) {
        audit_update::paste(s, text);
        return vec![];
    }
    if s.screen == Screen::Queue {
        if let Some(fx) = queue_update::paste(s, text) {
            return fx;
        }
    }
    let form = match s.screen {
        Screen::NewCase => s.new_case.as_mut().map(|n| &mut n.form),
        Screen::Case => s
            .case
            .as_mut()
            .and_then(|c| c.dialog.as_mut())
            .map(|d| &mut d.form),
        Screen::Actions | Screen::Inbox => action_update::form_mut(s),
        _ => None,
    };
    if let Some(form) = form {
        form.paste(text);
        edited(s);
        return vec![];
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
    match s.screen {
        Screen::NewCase => return new_case_update::key(s, k),
        Screen::Audit if audit_update::prompting(s) => return audit_update::prompt_key(s, k),
        Screen::Case if s.case.as_ref().is_some_and(|c| c.dialog.is_some()) => {
            return case_update::dialog_key(s, k)
        }
        Screen::Actions | Screen::Inbox if action_update::has_form(s) => {
            return action_update::form_key(s, k)
        }
        Screen::Search if s.focus == Focus::Query => {
            if let Some(fx) = query_key(s, k) {
                return fx;
            }
        }
        Screen::Queue => {
            if let Some(fx) = queue_update::key(s, k) {
                return fx;
            }
        }
        _ => {}
    }
    let own = match s.screen {
        Screen::Search | Screen::NewCase | Screen::Report => None,
        Screen::Person => Some(Context::Person),
        Screen::Case => Some(Context::Case),
        Screen::Cases => Some(Context::Cases),
        Screen::Actions => Some(Context::Actions),
        Screen::Inbox => Some(Context::Inbox),
        Screen::Audit => Some(Context::Audit),
        Screen::Queue => Some(Context::Queue),
    };
    let cmd = own
        .and_then(|ctx| s.keymap.command_for(ctx, &k))
        .or_else(|| s.keymap.command_for(Context::List, &k));
    if let Some(cmd) = cmd {
        return run_command(s, cmd);
    }
    // Typing a letter in the result list goes to the query box.
    if s.screen == Screen::Search && is_printable_input(&k) {
        if let KeyCode::Char(c) = k.code {
            s.focus = Focus::Query;
            s.query.insert(c);
            edited(s);
        }
    }
    vec![]
}

/// A key a form did not take: only commands that are not plain typing
/// (ctrl-p, f1, ctrl-c...) run from inside a form.
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

/// Keys of the query box; `None` lets the keymap handle the key.
fn query_key(s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        // No name, e-mail or phone holds `?` or `:`: in the query box they
        // stay the help and palette keys.
        KeyCode::Char('?' | ':') if is_printable_input(&k) && !ctrl => return None,
        KeyCode::Char(c) if is_printable_input(&k) => {
            s.query.insert(c);
            edited(s);
        }
        KeyCode::Enter => return Some(submit_search(s)),
        KeyCode::Down | KeyCode::Tab if !s.persons().is_empty() => s.focus = Focus::Results,
        KeyCode::Backspace => {
            s.query.backspace();
            edited(s);
        }
        KeyCode::Delete => {
            s.query.delete();
            edited(s);
        }
        KeyCode::Left => s.query.left(),
        KeyCode::Right => s.query.right(),
        KeyCode::Home => s.query.home(),
        KeyCode::End => s.query.end(),
        KeyCode::Char('a') if ctrl => s.query.home(),
        KeyCode::Char('e') if ctrl => s.query.end(),
        KeyCode::Char('u') if ctrl => {
            s.query.clear_to_start();
            edited(s);
        }
        KeyCode::Char('w') if ctrl => {
            s.query.delete_word();
            edited(s);
        }
        _ => return None,
    }
    Some(vec![])
}

/// The shortest query sent to the systems.
pub const MIN_QUERY_CHARS: usize = 2;

fn submit_search(s: &mut State) -> Vec<Effect> {
    let q = s.query.text().trim().to_string();
    if q.is_empty() {
        s.error("type a name, an email or a phone number, then Enter");
        return vec![];
    }
    // A lone letter is a command key typed into the box, not a customer.
    if q.chars().count() < MIN_QUERY_CHARS {
        s.warn(format!(
            "nothing searched: type at least {MIN_QUERY_CHARS} characters of a name, an email or a phone number; letter keys are typed here, {} and {} run commands from anywhere",
            s.keymap.typing_hint(Command::Palette),
            s.keymap.typing_hint(Command::Help)
        ));
        return vec![];
    }
    s.search_gen += 1;
    s.search = None;
    s.selected = 0;
    s.message = None;
    // The text is sent now: it is no longer a draft.
    s.draft_saved = s.query.text().to_string();
    vec![
        Effect::StartSearch {
            gen: s.search_gen,
            query: q,
        },
        drafts::save(s, drafts::QUERY, String::new()),
    ]
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
        Overlay::Drafts(p) => case_update::drafts_key(s, p, k),
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
                            .person
                            .as_ref()
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
            let Some(p) = s.person.as_ref() else {
                return vec![];
            };
            Effect::Reveal {
                key: person_key(p),
                records: p.person.records.clone(),
                purpose,
            }
        }
        RevealTarget::Case(id) => Effect::RevealCase { id, purpose },
        RevealTarget::Field { record, field } => {
            let Some(p) = s.person.as_ref() else {
                return vec![];
            };
            let (Some(r), Some(f)) = (
                p.person.records.get(record),
                p.masked_fields(record).get(field).copied(),
            ) else {
                return vec![];
            };
            Effect::RevealField {
                key: person_key(p),
                record: r.key(),
                field: f.to_string(),
                purpose,
            }
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

/// Carry out a named command (from a key or the palette).
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
        Command::Back => match (s.screen, s.focus) {
            (Screen::Search, Focus::Results) => s.focus = Focus::Query,
            (Screen::Search, Focus::Query) if !s.persons().is_empty() => s.focus = Focus::Results,
            (Screen::Search, _) => {}
            (Screen::Actions | Screen::Inbox, _) => return action_update::back(s),
            (Screen::Queue, _) if queue_update::back_clears(s) => return queue_update::run(s, cmd),
            _ => return back(s),
        },
        Command::FocusQuery if s.screen == Screen::Queue => return queue_update::run(s, cmd),
        Command::FocusQuery => {
            let fx = leave_all(s);
            s.focus = Focus::Query;
            return fx;
        }
        Command::MoveDown | Command::NextRecord => return move_by(s, 1),
        Command::MoveUp | Command::PrevRecord => return move_by(s, -1),
        Command::PageDown => return move_by(s, page(s)),
        Command::PageUp => return move_by(s, -page(s)),
        Command::First => return move_by(s, i64::MIN / 2),
        Command::Last => return move_by(s, i64::MAX / 2),
        Command::Open => match s.screen {
            Screen::Search => open_person(s),
            Screen::Cases => return case_update::open_selected(s),
            Screen::Actions | Screen::Inbox => return action_update::open_selected(s),
            Screen::Queue => return queue_update::run(s, cmd),
            _ => {}
        },
        Command::Reveal => match s.person.as_ref() {
            None => s.info("open a person first (Enter on a result)"),
            Some(p) if p.revealed => s.info("already shown; leave the screen to mask again"),
            Some(_) => open_reveal(s, RevealTarget::Person),
        },
        Command::RevealValue => match s.person.as_ref() {
            None => s.info("open a person first (Enter on a result)"),
            Some(p) if p.revealed => s.info("already shown; leave the screen to mask again"),
            Some(p) if p.masked_fields(p.selected).is_empty() => {
                s.info("this record holds no masked value; tab goes to the next record")
            }
            Some(p) => {
                let record = p.selected;
                open_reveal(s, RevealTarget::Field { record, field: 0 })
            }
        },
        Command::Refresh => return refresh(s),
        Command::NewCase => return new_case_update::open(s, true),
        Command::NewBlankCase => return new_case_update::open(s, false),
        Command::ResumeDraft => return case_update::resume(s),
        Command::Cases => return case_update::open_cases(s),
        Command::Report => return report_update::open(s),
        Command::CasesView => return case_update::next_tab(s),
        Command::ReloadCases => return case_update::load_cases(s),
        Command::ReloadCase => return case_update::reload_case(s),
        Command::LinkRecords => return link_update::start(s),
        Command::LinkToCase => link_update::open(s),
        Command::RevealContact => case_update::reveal_contact(s),
        Command::AddNote => return case_update::open_dialog(s, DialogKind::Note),
        Command::AddReply => return case_update::open_dialog(s, DialogKind::Reply),
        Command::ChangeStatus => return case_update::open_dialog(s, DialogKind::Status),
        Command::Assign => return case_update::open_dialog(s, DialogKind::Assign),
        Command::VerifyIdentity => return case_update::open_dialog(s, DialogKind::Verify),
        Command::WriteLetter => return case_update::open_dialog(s, DialogKind::Letter),
        Command::ApprovalInbox => return action_update::open_inbox(s),
        Command::OpenActions => return action_update::open(s),
        Command::BuildPackage => return action_update::package(s, false),
        Command::VerifyPackage => return action_update::package(s, true),
        Command::PrepareAction => return action_update::prepare(s),
        Command::ApproveAction | Command::InboxApprove => return action_update::decide(s, true),
        Command::DenyAction | Command::InboxDeny => return action_update::decide(s, false),
        Command::RunAction => return action_update::run(s),
        Command::RetryJob => return action_update::job_command(s, None),
        Command::SkipJob => return action_update::job_command(s, Some(ActionDialogKind::Skip)),
        Command::JobToManual => {
            return action_update::job_command(s, Some(ActionDialogKind::Manual))
        }
        Command::CompleteTask => {
            return action_update::job_command(s, Some(ActionDialogKind::TaskDone))
        }
        Command::ReloadActions => return action_update::reload(s),
        Command::ReloadInbox => return action_update::load_inbox(s),
        Command::AuditLog => return audit_update::open(s),
        Command::Messages if s.recent.is_empty() => s.info("no messages yet"),
        Command::Messages => s.overlay = Some(Overlay::Messages(0)),
        Command::AuditFilters => audit_update::open_filters(s),
        Command::AuditVerify => return audit_update::verify(s),
        Command::AuditExport => audit_update::open_export(s),
        Command::ReloadAudit => return audit_update::load(s),
        Command::Queue => return queue_update::open(s),
        Command::QueueNextSection
        | Command::QueuePrevSection
        | Command::QueueMark
        | Command::QueueMarkAll
        | Command::QueueAssign
        | Command::QueueEscalate
        | Command::ReloadQueue => return queue_update::run(s, cmd),
    }
    vec![]
}

/// Show `screen`, remembering the current one to go back to. Going to a
/// screen already on the way back drops what was above it.
pub(crate) fn go(s: &mut State, screen: Screen) {
    if s.screen == screen {
        return;
    }
    // Revealed values do not follow the operator to the next screen.
    if s.screen == Screen::Person {
        if let Some(p) = s.person.as_mut() {
            p.mask();
        }
    }
    match s.stack.iter().position(|x| *x == screen) {
        Some(i) => s.stack.truncate(i),
        None => s.stack.push(s.screen),
    }
    s.screen = screen;
}

/// Close the current screen: forms keep their drafts, a person or a case
/// is masked again.
fn close_screen(s: &mut State) -> Vec<Effect> {
    let fx = drafts::sync(s, Instant::now(), true);
    match s.screen {
        Screen::Person => s.person = None,
        Screen::Case => s.case = None,
        Screen::NewCase => s.new_case = None,
        Screen::Actions => s.actions = None,
        Screen::Inbox => s.inbox = None,
        Screen::Report => s.report = None,
        Screen::Audit => s.audit = None,
        Screen::Search | Screen::Cases | Screen::Queue => {}
    }
    fx
}

/// Back to the screen the operator came from.
pub(crate) fn back(s: &mut State) -> Vec<Effect> {
    let mut fx = close_screen(s);
    s.screen = s.stack.pop().unwrap_or(Screen::Search);
    match s.screen {
        Screen::Search => {
            s.focus = if s.persons().is_empty() {
                Focus::Query
            } else {
                Focus::Results
            }
        }
        // The list may have changed while a case was open.
        Screen::Cases => fx.extend(case_update::load_cases(s)),
        _ => {}
    }
    fx
}

/// Leave every screen for the search (forms keep their drafts).
fn leave_all(s: &mut State) -> Vec<Effect> {
    let fx = drafts::sync(s, Instant::now(), true);
    s.person = None;
    s.case = None;
    s.new_case = None;
    s.actions = None;
    s.inbox = None;
    s.report = None;
    s.stack.clear();
    s.screen = Screen::Search;
    fx
}

fn page(s: &State) -> i64 {
    (s.size.1 as i64 - 10).max(1)
}

fn move_by(s: &mut State, delta: i64) -> Vec<Effect> {
    if s.screen == Screen::Case {
        case_update::scroll(s, delta);
        return vec![];
    }
    if matches!(s.screen, Screen::Actions | Screen::Inbox) {
        action_update::move_by(s, delta);
        return vec![];
    }
    if s.screen == Screen::Report {
        report_update::scroll(s, delta);
        return vec![];
    }
    if s.screen == Screen::Audit {
        audit_update::move_by(s, delta);
        return vec![];
    }
    if s.screen == Screen::Queue {
        return queue_update::move_by(s, delta);
    }
    let (len, cur) = match s.screen {
        Screen::Search => (s.persons().len(), s.selected),
        Screen::Person => match &s.person {
            Some(p) => (p.person.records.len(), p.selected),
            None => return vec![],
        },
        Screen::Cases => match &s.cases {
            Some(c) => (c.rows.len(), c.selected),
            None => return vec![],
        },
        Screen::Case
        | Screen::NewCase
        | Screen::Actions
        | Screen::Inbox
        | Screen::Report
        | Screen::Audit
        | Screen::Queue => return vec![],
    };
    if len == 0 {
        return vec![];
    }
    let next = (cur as i64).saturating_add(delta).clamp(0, len as i64 - 1) as usize;
    match s.screen {
        Screen::Search => {
            s.selected = next;
            s.focus = Focus::Results;
        }
        Screen::Person => {
            if let Some(p) = s.person.as_mut() {
                p.selected = next;
            }
        }
        Screen::Cases => {
            if let Some(c) = s.cases.as_mut() {
                c.selected = next;
            }
        }
        Screen::Case
        | Screen::NewCase
        | Screen::Actions
        | Screen::Inbox
        | Screen::Report
        | Screen::Audit
        | Screen::Queue => {}
    }
    vec![]
}

/// Connected again after the server was gone: what the screen shows is
/// asked for again (the new session knows nothing of the old one).
fn reconnected(s: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    if let Some(q) = s.queue.as_mut() {
        q.opened = false;
        if s.screen == Screen::Queue {
            fx.extend(queue_update::load(s));
        }
    }
    fx.extend(queue_update::store_changed(s));
    if s.screen == Screen::Actions {
        if let Some(a) = &s.actions {
            fx.push(Effect::LoadActions { case: a.case });
        }
    }
    fx
}

fn open_person(s: &mut State) {
    let Some(person) = s.persons().get(s.selected).cloned() else {
        s.info("no person selected");
        return;
    };
    s.person = Some(PersonView {
        person,
        revealed: false,
        revealed_fields: Vec::new(),
        selected: 0,
        scroll: 0,
        fetch: HashMap::new(),
    });
    go(s, Screen::Person);
    s.message = None;
    if let Some(t) = &s.linking {
        let msg = format!(
            "L links this person's records to {} (you pick which)",
            t.case
        );
        s.info(msg);
    }
}

fn refresh(s: &mut State) -> Vec<Effect> {
    let Some(p) = s.person.as_mut() else {
        s.info("open a person first");
        return vec![];
    };
    let Some(r) = p.person.records.get(p.selected) else {
        return vec![];
    };
    let key = r.key();
    if p.fetch.get(&key) == Some(&FetchState::Loading) {
        return vec![];
    }
    p.fetch.insert(key.clone(), FetchState::Loading);
    vec![Effect::Fetch { key }]
}
