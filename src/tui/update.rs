//! `update`: the one place where the TUI's state changes. Pure: no I/O, no
//! clock reads; time arrives in `Action::Tick`.

use super::app::*;
use super::keymap::{is_printable_input, Command, Context};
use super::palette;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A draft is saved once typing pauses this long.
pub const DRAFT_PAUSE: Duration = Duration::from_millis(700);

pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Tick { now, clock } => tick(s, now, clock),
        Action::Resize(w, h) => {
            s.size = (w, h);
            s.dirty = true;
            vec![]
        }
        Action::Key(k) => {
            s.last_input = Instant::now();
            if s.locked {
                s.locked = false;
                s.dirty = true;
                return vec![];
            }
            let fx = key(s, k);
            s.dirty = true;
            fx
        }
        Action::Paste(text) => {
            s.last_input = Instant::now();
            if s.locked {
                s.locked = false;
            }
            paste(s, &text);
            s.dirty = true;
            vec![]
        }
        Action::Run(cmd) => {
            let fx = run_command(s, cmd);
            s.dirty = true;
            fx
        }
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
                if let Some(err) = &snapshot.audit_error {
                    s.error(format!(
                        "the search was not written to the audit log: {err}"
                    ));
                } else if !failed.is_empty() {
                    s.warn(failed.join("; "));
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
            s.dirty = true;
            vec![]
        }
        Action::SearchFailed { gen, error } => {
            if gen == s.search_gen {
                s.search = None;
                s.error(error);
                s.dirty = true;
            }
            vec![]
        }
        Action::RevealDone { key, result } => {
            let matches = s.person.as_ref().is_some_and(|p| person_key(p) == key);
            if let Some(Overlay::Reveal(_)) = s.overlay {
                s.overlay = None;
            }
            match result {
                Ok(id) if matches => {
                    if let Some(p) = s.person.as_mut() {
                        p.revealed = true;
                    }
                    s.info(format!(
                        "shown for this person until you leave the screen (audit entry {id})"
                    ));
                }
                Ok(_) => {}
                Err(e) => s.error(e),
            }
            s.dirty = true;
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
            s.dirty = true;
            vec![]
        }
        Action::HangUp => {
            s.quit = true;
            vec![Effect::SaveDraft {
                query: s.query.text().to_string(),
            }]
        }
        Action::Resumed => {
            s.dirty = true;
            vec![Effect::Redraw]
        }
    }
}

fn tick(s: &mut State, now: Instant, clock: String) -> Vec<Effect> {
    let mut fx = vec![];
    if clock != s.clock {
        s.clock = clock;
        s.dirty = true;
    }
    if s.searching() {
        s.spinner = s.spinner.wrapping_add(1);
        s.dirty = true;
    }
    if !s.locked
        && !s.idle_lock.is_zero()
        && now.saturating_duration_since(s.last_input) >= s.idle_lock
    {
        lock(s);
    }
    if s.query.text() != s.draft_saved && now.saturating_duration_since(s.last_edit) >= DRAFT_PAUSE
    {
        s.draft_saved = s.query.text().to_string();
        fx.push(Effect::SaveDraft {
            query: s.draft_saved.clone(),
        });
    }
    fx
}

/// Hide everything personal until a key is pressed; revealed values are masked again.
pub fn lock(s: &mut State) {
    s.locked = true;
    if let Some(p) = s.person.as_mut() {
        p.revealed = false;
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

fn edited(s: &mut State) {
    s.last_edit = Instant::now();
}

fn paste(s: &mut State, text: &str) {
    match s.overlay.as_mut() {
        Some(Overlay::Palette(p)) => {
            p.input.insert_str(text);
            p.selected = 0;
        }
        Some(Overlay::Reveal(d)) => {
            d.typing = true;
            d.selected = s.purposes.len();
            d.other.insert_str(text);
        }
        Some(Overlay::Help) => {}
        None => {
            // Pasted text is a new search: leaving a person masks it again.
            if s.screen == Screen::Person {
                leave_person(s);
            }
            s.focus = Focus::Query;
            s.query.insert_str(text);
            edited(s);
        }
    }
}

fn key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    if s.overlay.is_some() {
        return overlay_key(s, k);
    }
    if s.screen == Screen::Search && s.focus == Focus::Query {
        if let Some(fx) = query_key(s, k) {
            return fx;
        }
    }
    let cmd = match s.screen {
        Screen::Search => s.keymap.command_for(Context::List, &k),
        Screen::Person => s
            .keymap
            .command_for(Context::Person, &k)
            .or_else(|| s.keymap.command_for(Context::List, &k)),
    };
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

/// Keys of the query box; `None` lets the keymap handle the key.
fn query_key(s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
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

fn submit_search(s: &mut State) -> Vec<Effect> {
    let q = s.query.text().trim().to_string();
    if q.is_empty() {
        s.error("type a name, an email or a phone number, then Enter");
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
        Effect::SaveDraft {
            query: String::new(),
        },
    ]
}

fn overlay_key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    let Some(overlay) = s.overlay.take() else {
        return vec![];
    };
    match overlay {
        Overlay::Help => {
            // Any key closes the help; the palette key opens the palette instead.
            if s.keymap.command_for(Context::Global, &k) == Some(Command::Palette) {
                s.overlay = Some(Overlay::Palette(Palette {
                    input: Default::default(),
                    selected: 0,
                }));
            }
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
    let Some(p) = s.person.as_ref() else {
        return vec![];
    };
    let key = person_key(p);
    let records = p.person.records.clone();
    d.pending = true;
    s.overlay = Some(Overlay::Reveal(d));
    vec![Effect::Reveal {
        key,
        records,
        purpose,
    }]
}

/// Carry out a named command (from a key or the palette).
pub fn run_command(s: &mut State, cmd: Command) -> Vec<Effect> {
    s.overlay = None;
    match cmd {
        Command::Quit => {
            s.quit = true;
            return vec![Effect::SaveDraft {
                query: String::new(),
            }];
        }
        Command::Help => s.overlay = Some(Overlay::Help),
        Command::Palette => {
            s.overlay = Some(Overlay::Palette(Palette {
                input: Default::default(),
                selected: 0,
            }))
        }
        Command::Lock => lock(s),
        Command::Suspend => return vec![Effect::Suspend],
        Command::Back => match (s.screen, s.focus) {
            (Screen::Person, _) => leave_person(s),
            (Screen::Search, Focus::Results) => s.focus = Focus::Query,
            (Screen::Search, Focus::Query) if !s.persons().is_empty() => s.focus = Focus::Results,
            _ => {}
        },
        Command::FocusQuery => {
            if s.screen == Screen::Person {
                leave_person(s);
            }
            s.focus = Focus::Query;
        }
        Command::MoveDown | Command::NextRecord => move_by(s, 1),
        Command::MoveUp | Command::PrevRecord => move_by(s, -1),
        Command::PageDown => move_by(s, page(s)),
        Command::PageUp => move_by(s, -page(s)),
        Command::First => move_by(s, i64::MIN / 2),
        Command::Last => move_by(s, i64::MAX / 2),
        Command::Open => {
            if s.screen == Screen::Search {
                open_person(s);
            }
        }
        Command::Reveal => match s.person.as_ref() {
            None => s.info("open a person first (Enter on a result)"),
            Some(p) if p.revealed => s.info("already shown; leave the screen to mask again"),
            Some(_) => {
                s.overlay = Some(Overlay::Reveal(RevealDialog {
                    selected: 0,
                    other: Default::default(),
                    typing: false,
                    pending: false,
                }))
            }
        },
        Command::Refresh => return refresh(s),
        Command::NewCase => s.info("cases are not available in this version yet"),
    }
    vec![]
}

fn page(s: &State) -> i64 {
    (s.size.1 as i64 - 10).max(1)
}

fn move_by(s: &mut State, delta: i64) {
    let (len, cur) = match s.screen {
        Screen::Search => (s.persons().len(), s.selected),
        Screen::Person => match &s.person {
            Some(p) => (p.person.records.len(), p.selected),
            None => return,
        },
    };
    if len == 0 {
        return;
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
    }
}

fn open_person(s: &mut State) {
    let Some(person) = s.persons().get(s.selected).cloned() else {
        s.info("no person selected");
        return;
    };
    s.person = Some(PersonView {
        person,
        revealed: false,
        selected: 0,
        scroll: 0,
        fetch: HashMap::new(),
    });
    s.screen = Screen::Person;
    s.message = None;
}

fn leave_person(s: &mut State) {
    // Leaving the screen masks the values again.
    s.person = None;
    s.screen = Screen::Search;
    s.focus = Focus::Results;
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
