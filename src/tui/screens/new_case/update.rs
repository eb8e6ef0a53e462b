//! `update` for the new-case form: opened for the person on screen (linked
//! to their records, the requester filled in from them) or blank, checked
//! for open cases of the same person, created through the desk.

use crate::desk::DuplicateQuery;
use crate::domain::text::escape_controls;
use crate::domain::{CaseSummary, LinkedRecord, Role};
use crate::tui::app::*;
use crate::tui::drafts::{self, FormDraft};
use crate::tui::form::FormEvent;
use crate::tui::keymap::Command;
use crate::tui::screens::case::forms::{self as case_forms, field_of_error};
use crate::tui::screens::case::update as case_update;
use crate::tui::update::{back, edited, form_fallback, go, show_new};
use crossterm::event::KeyEvent;
use std::time::Instant;

/// What the person screen fills in.
struct Prefill {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    /// The person's values were revealed: contact details may be shown.
    revealed: bool,
}

/// Open the form: for the person on screen when `for_person` (and one is
/// open), else blank.
pub(crate) fn open(s: &mut State, for_person: bool) -> Vec<Effect> {
    if s.operator.role == Role::Auditor {
        s.warn("auditors are read-only: they cannot open cases");
        return vec![];
    }
    let person = s.screens.get::<PersonView>().filter(|_| for_person);
    let (links, prefill) = match person {
        Some(pv) => {
            let p = &pv.person;
            let links: Vec<LinkedRecord> = p
                .records
                .iter()
                .map(|r| LinkedRecord {
                    system: r.system.clone(),
                    record_id: r.id.clone(),
                    display_name: r.name.as_deref().map(escape_controls),
                })
                .collect();
            let prefill = Prefill {
                name: p.first("name").map(escape_controls),
                email: p.first("email").map(escape_controls),
                phone: p.first("phone").map(escape_controls),
                revealed: pv.revealed,
            };
            (links, Some(prefill))
        }
        None => (Vec::new(), None),
    };
    let key = drafts::new_case_key(&links);
    open_with(s, &key, links, prefill)
}

/// Open the new-case form of draft `key` (from the list of unsent drafts).
pub(crate) fn open_draft(s: &mut State, key: &str) -> Vec<Effect> {
    let links = s
        .drafts
        .get(key)
        .and_then(|t| FormDraft::parse(t))
        .map(|d| d.links)
        .unwrap_or_default();
    open_with(s, key, links, None)
}

fn open_with(
    s: &mut State,
    key: &str,
    links: Vec<LinkedRecord>,
    prefill: Option<Prefill>,
) -> Vec<Effect> {
    if s.screens
        .get::<NewCaseScreen>()
        .is_some_and(|n| n.draft.key == key)
    {
        if let Some(fx) = go::<NewCaseScreen>(s) {
            return fx;
        }
    }
    // Another form is open: it keeps its draft.
    let mut fx = drafts::sync(s, Instant::now(), true);

    let mut form = case_forms::new_case_form(&s.case_settings, s.wall);
    if let Some(p) = &prefill {
        for (id, value) in [("name", &p.name), ("email", &p.email), ("phone", &p.phone)] {
            if let Some(v) = value {
                form.set(id, v);
                if !p.revealed {
                    if let Some(f) = form.field_mut(id) {
                        f.masked_as = drafts::masked_kind(id);
                    }
                }
            }
        }
    }
    let slot = drafts::slot(s, key, &form, &links);
    let stored = s.drafts.get(key).and_then(|t| FormDraft::parse(t));
    let restored = stored.is_some();
    let mut links = links;
    if let Some(d) = stored {
        d.apply(&mut form);
        case_forms::refresh_new_case(&mut form);
        if !d.links.is_empty() {
            links = d.links;
        }
    }
    let records: Vec<(String, String)> = links
        .iter()
        .map(|l| (l.system.clone(), l.record_id.clone()))
        .collect();
    fx.extend(show_new(
        s,
        NewCaseScreen {
            form,
            draft: slot,
            links,
            duplicates: Vec::new(),
        },
    ));
    if restored {
        s.info("continuing your unsent new case form");
    } else {
        s.message = None;
    }
    if !records.is_empty() {
        fx.push(
            NewCaseEffect::FindDuplicates {
                key: key.to_string(),
                query: DuplicateQuery {
                    records,
                    ..DuplicateQuery::default()
                },
            }
            .into(),
        );
    }
    fx
}

/// Keys of the form.
pub(crate) fn key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    let Some(nc) = s.screens.get_mut::<NewCaseScreen>() else {
        return back(s);
    };
    match nc.form.key(&k) {
        FormEvent::Cancel => {
            let key = nc.draft.key.clone();
            let fx = back(s);
            if s.drafts.contains_key(&key) {
                let keys = s.keymap.hint(Command::ResumeDraft);
                s.info(format!(
                    "new case form kept as a draft; {keys} continues it"
                ));
            }
            fx
        }
        FormEvent::Submit => submit(s),
        FormEvent::Edited(id) => {
            if nc.form.error.as_ref().is_some_and(|(f, _)| f == id) {
                nc.form.error = None;
            }
            edited(s);
            vec![]
        }
        FormEvent::Changed(_) => {
            case_forms::refresh_new_case(&mut nc.form);
            nc.form.error = None;
            edited(s);
            vec![]
        }
        FormEvent::Moved => vec![],
        FormEvent::Ignored => form_fallback(s, k),
    }
}

fn submit(s: &mut State) -> Vec<Effect> {
    let settings = s.case_settings.clone();
    let Some(nc) = s.screens.get_mut::<NewCaseScreen>() else {
        return vec![];
    };
    if nc.form.pending {
        return vec![];
    }
    match case_forms::new_case_input(&nc.form, &settings, &nc.links) {
        Err((field, message)) => {
            nc.form.error = Some((field.to_string(), message.clone()));
            nc.form.focus_on(field);
            s.error(message);
            vec![]
        }
        Ok((new, fee)) => {
            nc.form.error = None;
            nc.form.pending = true;
            let effect = NewCaseEffect::Create {
                key: nc.draft.key.clone(),
                new: Box::new(new),
                fee,
                seen: nc.duplicates.iter().map(|d| d.id).collect(),
                fill: nc.form.masked(),
            }
            .into();
            s.info("creating the case…");
            vec![effect]
        }
    }
}

fn duplicate_warning(rows: &[CaseSummary]) -> String {
    let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
    let which = if ids.len() == 1 {
        "another open case exists"
    } else {
        "other open cases exist"
    };
    format!("{which} for this person: {}", ids.join(", "))
}

pub(crate) fn duplicates_found(
    s: &mut State,
    key: &str,
    result: Result<Vec<CaseSummary>, String>,
) -> Vec<Effect> {
    let Some(nc) = s
        .screens
        .get_mut::<NewCaseScreen>()
        .filter(|n| n.draft.key == key)
    else {
        return vec![];
    };
    match result {
        Ok(rows) => {
            nc.duplicates = rows;
            if !nc.duplicates.is_empty() {
                let text = duplicate_warning(&nc.duplicates);
                s.warn(text);
            }
        }
        Err(e) => s.warn(format!("could not look for open cases of this person: {e}")),
    }
    vec![]
}

pub(crate) fn created(
    s: &mut State,
    key: &str,
    result: Result<Box<crate::domain::Case>, CreateError>,
    warning: Option<String>,
) -> Vec<Effect> {
    let here = s
        .screens
        .get::<NewCaseScreen>()
        .is_some_and(|n| n.draft.key == key);
    match result {
        Ok(case) => {
            let mut fx = drafts::clear(s, key);
            let due = case
                .queue_due()
                .map(|d| format!("; due {}", d.format("%Y-%m-%d (%a)")))
                .unwrap_or_default();
            if here {
                if let Some(nc) = s.screens.get_mut::<NewCaseScreen>() {
                    drafts::sent(nc);
                }
                // A case open before keeps its dialog's draft.
                fx.extend(drafts::sync(s, Instant::now(), true));
                let _ = s.screens.take::<CaseScreen>();
                // The case takes the form's place: back leads where the
                // form was opened from.
                let _ = s
                    .screens
                    .replace::<NewCaseScreen>(CaseScreen::new(case.id).into_state());
                fx.extend(case_update::reload_case(s));
            }
            match warning {
                Some(w) => s.warn(format!("case {} opened{due}, but {w}", case.id)),
                None => s.info(format!("case {} opened{due}", case.id)),
            }
            fx
        }
        Err(CreateError::Duplicates(rows)) => {
            if let Some(nc) = s.screens.get_mut::<NewCaseScreen>().filter(|_| here) {
                nc.form.pending = false;
                for r in rows {
                    if !nc.duplicates.iter().any(|d| d.id == r.id) {
                        nc.duplicates.push(r);
                    }
                }
                let text = format!(
                    "{}; nothing was created: ctrl-s again creates it anyway",
                    duplicate_warning(&nc.duplicates)
                );
                s.warn(text);
            }
            vec![]
        }
        Err(CreateError::Failed(message)) => {
            if let Some(nc) = s.screens.get_mut::<NewCaseScreen>().filter(|_| here) {
                nc.form.pending = false;
                let field = field_of_error(&message)
                    .filter(|f| nc.form.field(f).is_some_and(|x| !x.hidden));
                if let Some(field) = field {
                    nc.form.error = Some((field.to_string(), message.clone()));
                    nc.form.focus_on(field);
                }
            }
            s.error(message);
            vec![]
        }
    }
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: NewCaseMsg) -> Vec<Effect> {
    match m {
        NewCaseMsg::DuplicatesFound { key, result } => duplicates_found(s, &key, result),
        NewCaseMsg::Created {
            key,
            result,
            warning,
        } => created(s, &key, result, warning),
    }
}
