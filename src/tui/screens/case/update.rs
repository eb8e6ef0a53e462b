//! `update` for the case list, the case screen and its dialogs, and for
//! continuing unsent drafts. Changes carry the version of the case the
//! operator saw; a conflict shows what the other operator changed, reloads
//! the case and keeps the dialog with the operator's text.

use crate::tui::app::*;
use crate::tui::drafts::{self, DraftTarget, FormDraft};
use crate::tui::form::FormEvent;
use crate::tui::screens::actions::forms as action_forms;
use crate::tui::screens::case::forms::{self as case_forms, field_of_error};
use crate::tui::screens::new_case::update as new_case_update;
use crate::tui::update::{edited, form_fallback, go, open_reveal, show};

use crate::desk::CaseView;
use crate::domain::{CaseId, Role};
use crossterm::event::{KeyCode, KeyEvent};
use std::time::Instant;

/// Show case `id` (loading it), then open `resume`'s dialog from its draft.
pub(crate) fn open_case(s: &mut State, id: CaseId, resume: Option<DialogKind>) -> Vec<Effect> {
    let mut fx = Vec::new();
    if s.screens.get::<CaseScreen>().is_some_and(|c| c.id != id) {
        // Another case: its dialog keeps its draft.
        fx.extend(drafts::sync(s, Instant::now(), true));
        let _ = s.screens.take::<CaseScreen>();
    }
    fx.extend(show(s, |_| CaseScreen::new(id)));
    let Some(c) = s.screens.get_mut::<CaseScreen>() else {
        return fx;
    };
    c.view.start();
    c.resume = resume;
    let revealed = c.revealed;
    s.message = None;
    fx.push(CaseEffect::Load { id, revealed }.into());
    fx
}

pub(crate) fn reload_case(s: &mut State) -> Vec<Effect> {
    match s.screens.get_mut::<CaseScreen>() {
        Some(c) => {
            c.view.start();
            vec![CaseEffect::Load {
                id: c.id,
                revealed: c.revealed,
            }
            .into()]
        }
        None => vec![],
    }
}

pub(crate) fn case_loaded(
    s: &mut State,
    id: CaseId,
    result: Result<Box<CaseView>, String>,
) -> Vec<Effect> {
    let Some(c) = s.screens.get_mut::<CaseScreen>().filter(|c| c.id == id) else {
        return vec![];
    };
    match result {
        Ok(view) => {
            if let Some(d) = c.dialog.as_mut() {
                if d.kind == DialogKind::Status {
                    case_forms::update_status_options(&mut d.form, &view, s.operator.role);
                }
            }
            c.view.finish(Ok(Some(view)));
            let max = max_scroll(s) as u16;
            let Some(c) = s.screens.get_mut::<CaseScreen>() else {
                return vec![];
            };
            c.scroll = c.scroll.min(max);
            if let Some(kind) = c.resume.take() {
                if c.dialog.is_none() {
                    return open_dialog(s, kind);
                }
            }
        }
        Err(e) => {
            c.view.finish(Err(e.clone()));
            c.resume = None;
            s.error(e);
        }
    }
    vec![]
}

/// How far the case screen scrolls: until its last line is at the bottom.
fn max_scroll(s: &State) -> usize {
    let body = s.size.1.saturating_sub(3) as usize;
    super::view::line_count(s, s.size.0).saturating_sub(body)
}

/// Scroll the case screen.
pub(crate) fn scroll(s: &mut State, delta: i64) {
    let max = max_scroll(s) as i64;
    if let Some(c) = s.screens.get_mut::<CaseScreen>() {
        c.scroll = (c.scroll as i64).saturating_add(delta).clamp(0, max) as u16;
    }
}

pub(crate) fn reveal_contact(s: &mut State) {
    match s.screens.get::<CaseScreen>() {
        Some(c) if c.view.data.is_none() => s.info("the case is still loading"),
        Some(c) if c.revealed => s.info("already shown; leave the case to mask again"),
        Some(c) => {
            let id = c.id;
            open_reveal(s, RevealTarget::Case(id));
        }
        None => s.info("open a case first"),
    }
}

pub(crate) fn revealed(
    s: &mut State,
    id: CaseId,
    result: Result<Box<crate::desk::RevealedCase>, String>,
) -> Vec<Effect> {
    if let Some(Overlay::Reveal(d)) = &s.overlay {
        if d.target == RevealTarget::Case(id) {
            s.overlay = None;
        }
    }
    match result {
        Ok(shown) => {
            if let Some(c) = s.screens.get_mut::<CaseScreen>().filter(|c| c.id == id) {
                c.revealed = true;
                c.view.data = Some(Box::new(shown.view));
                s.info(format!(
                    "contact details shown until you leave the case (audit entry {})",
                    shown.audit_id
                ));
            }
        }
        Err(e) => s.error(e),
    }
    vec![]
}

/// Open a dialog of the case screen, from its draft if there is one.
/// Agents take a case without a dialog.
pub(crate) fn open_dialog(s: &mut State, kind: DialogKind) -> Vec<Effect> {
    let me = s.operator.clone();
    let Some(c) = s.screens.shown::<CaseScreen>() else {
        s.info("open a case first");
        return vec![];
    };
    let id = c.id;
    let Some(view) = c.view.data.as_deref() else {
        s.info("the case is still loading");
        return vec![];
    };
    if me.role == Role::Auditor {
        s.warn("auditors are read-only: they cannot change cases");
        return vec![];
    }
    let current = view.case.assignee.clone();
    let version = view.case.version;
    let form = match kind {
        DialogKind::Note => case_forms::note_form(false),
        DialogKind::Reply => case_forms::note_form(true),
        DialogKind::Verify => case_forms::verify_form(),
        DialogKind::Status if view.allowed_next.is_empty() => {
            s.info(format!("{id} is {}: no further change", view.case.status));
            return vec![];
        }
        DialogKind::Status if case_forms::statuses_for(view, me.role).is_empty() => {
            s.info(format!(
                "{id} is {}: only a supervisor can move it on",
                view.case.status
            ));
            return vec![];
        }
        DialogKind::Status => case_forms::status_form(view, me.role),
        DialogKind::Assign if me.role == Role::Agent => {
            if current.as_deref() == Some(me.username.as_str()) {
                s.info(format!("{id} is already yours"));
                return vec![];
            }
            s.info(format!("taking {id}…"));
            return vec![CaseEffect::Change {
                id,
                version,
                change: CaseChange::Assign(Some(me.username)),
                key: None,
            }
            .into()];
        }
        DialogKind::Assign => case_forms::assign_form(&s.case_settings, current.as_deref()),
        DialogKind::Letter if s.case_settings.letter_templates.is_empty() => {
            s.warn("no letter templates are available");
            return vec![];
        }
        DialogKind::Letter => {
            let mut f = action_forms::letter_form(&s.case_settings.letter_templates);
            // Start on the template that fits the case as it stands.
            let fits = crate::letters::suggest::suggested_template(&view.case);
            if s.case_settings.letter_templates.iter().any(|t| t == fits) {
                f.set("template", fits);
            }
            f
        }
    };
    let mut fx = Vec::new();
    if s.screens
        .get::<CaseScreen>()
        .is_some_and(|c| c.dialog.is_some())
    {
        fx.extend(drafts::sync(s, Instant::now(), true));
    }
    let key = if kind.has_draft() {
        drafts::dialog_key(id, kind)
    } else {
        String::new()
    };
    let mut form = form;
    let slot = drafts::slot(s, &key, &form, &[]);
    let stored = (!key.is_empty())
        .then(|| s.drafts.get(&key).and_then(|t| FormDraft::parse(t)))
        .flatten();
    let restored = stored.is_some();
    if let Some(d) = stored {
        d.apply(&mut form);
        if let (DialogKind::Status, Some(v)) = (
            kind,
            s.screens
                .get::<CaseScreen>()
                .and_then(|c| c.view.data.as_deref()),
        ) {
            case_forms::refresh_status(&mut form, v.case.status);
        }
    }
    if let Some(c) = s.screens.get_mut::<CaseScreen>() {
        c.dialog = Some(CaseDialog {
            kind,
            form,
            draft: slot,
            rendered: None,
        });
    }
    if restored {
        s.info(format!("continuing your unsent {}", kind.draft_name()));
    } else if kind == DialogKind::Letter {
        fx.extend(render_letter(s));
    }
    fx
}

/// Render the letter dialog's template for its case.
fn render_letter(s: &mut State) -> Vec<Effect> {
    let Some(c) = s.screens.get::<CaseScreen>() else {
        return vec![];
    };
    let Some(d) = c.dialog.as_ref().filter(|d| d.kind == DialogKind::Letter) else {
        return vec![];
    };
    let template = d.form.value("template");
    if template.is_empty() {
        return vec![];
    }
    vec![ActionsEffect::RenderLetter {
        case: c.id,
        template,
    }
    .into()]
}

/// Keys of an open dialog.
pub(crate) fn dialog_key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    let Some(c) = s.screens.get_mut::<CaseScreen>() else {
        return vec![];
    };
    let from = c.view.data.as_ref().map(|v| v.case.status);
    let Some(d) = c.dialog.as_mut() else {
        return vec![];
    };
    match d.form.key(&k) {
        FormEvent::Cancel => {
            let kind = d.kind;
            let fx = drafts::sync(s, Instant::now(), true);
            let kept = s
                .screens
                .get::<CaseScreen>()
                .and_then(|c| c.dialog.as_ref())
                .is_some_and(|d| !d.draft.saved.is_empty());
            if let Some(c) = s.screens.get_mut::<CaseScreen>() {
                c.dialog = None;
            }
            if kept {
                let keys = s.keymap.hint(crate::tui::keymap::Command::ResumeDraft);
                s.info(format!(
                    "{} kept as a draft; {keys} or the same key continues it",
                    kind.draft_name()
                ));
            } else {
                s.message = None;
            }
            fx
        }
        FormEvent::Submit => submit_dialog(s),
        FormEvent::Edited(id) => {
            if d.form.error.as_ref().is_some_and(|(f, _)| f == id) {
                d.form.error = None;
            }
            edited(s);
            vec![]
        }
        FormEvent::Changed(field) => {
            if let (DialogKind::Status, Some(from)) = (d.kind, from) {
                case_forms::refresh_status(&mut d.form, from);
            }
            d.form.error = None;
            let letter = d.kind == DialogKind::Letter && field == "template";
            edited(s);
            if letter {
                return render_letter(s);
            }
            vec![]
        }
        FormEvent::Moved => vec![],
        FormEvent::Ignored => form_fallback(s, k),
    }
}

fn submit_dialog(s: &mut State) -> Vec<Effect> {
    let Some(c) = s.screens.get_mut::<CaseScreen>() else {
        return vec![];
    };
    let id = c.id;
    let Some((version, from, law)) = c
        .view
        .data
        .as_ref()
        .map(|v| (v.case.version, v.case.status, v.case.law))
    else {
        return vec![];
    };
    let Some(d) = c.dialog.as_mut() else {
        return vec![];
    };
    if d.form.pending {
        return vec![];
    }
    // A refusal explained in the other script: warn once, keep on Enter.
    if d.kind == DialogKind::Status {
        if let Some(w) = case_forms::refusal_script_warning(&d.form, law) {
            let warned = d
                .form
                .error
                .as_ref()
                .is_some_and(|(f, m)| f == "reason" && *m == w);
            if !warned {
                d.form.error = Some(("reason".into(), w.clone()));
                d.form.focus_on("reason");
                s.warn(w);
                return vec![];
            }
        }
    }
    let change = match d.kind {
        DialogKind::Note => case_forms::note_input(&d.form, false),
        DialogKind::Reply => case_forms::note_input(&d.form, true),
        DialogKind::Status => case_forms::status_input(&d.form, from),
        DialogKind::Assign => Ok(case_forms::assign_input(&d.form)),
        DialogKind::Verify => case_forms::verify_input(&d.form),
        DialogKind::Letter => action_forms::letter_input(&d.form),
    };
    match change {
        Err((field, message)) => {
            d.form.error = Some((field.to_string(), message.clone()));
            d.form.focus_on(field);
            s.error(message);
            vec![]
        }
        Ok(change) => {
            d.form.error = None;
            d.form.pending = true;
            let key = (!d.draft.key.is_empty()).then(|| d.draft.key.clone());
            vec![CaseEffect::Change {
                id,
                version,
                change,
                key,
            }
            .into()]
        }
    }
}

/// The desk's answer to a change.
pub(crate) fn changed(
    s: &mut State,
    id: CaseId,
    key: Option<String>,
    change: CaseChange,
    result: Result<Box<crate::domain::Case>, ChangeError>,
) -> Vec<Effect> {
    let here = s.screens.get::<CaseScreen>().is_some_and(|c| c.id == id);
    match result {
        Ok(case) => {
            // Sent: no longer a draft.
            let mut fx = key
                .as_deref()
                .map(|k| drafts::clear(s, k))
                .unwrap_or_default();
            if let Some(c) = s.screens.get_mut::<CaseScreen>().filter(|_| here) {
                if c.dialog.as_ref().is_some_and(|d| d.form.pending) {
                    c.dialog = None;
                }
                c.view.start();
                fx.push(
                    CaseEffect::Load {
                        id,
                        revealed: c.revealed,
                    }
                    .into(),
                );
            }
            s.info(format!(
                "{id}: {} (version {})",
                change.done(),
                case.version
            ));
            fx
        }
        Err(ChangeError::Conflict(conflict)) => {
            if let Some(c) = s.screens.get_mut::<CaseScreen>().filter(|_| here) {
                if let Some(d) = c.dialog.as_mut() {
                    d.form.pending = false;
                }
                c.view.start();
            }
            s.overlay = Some(Overlay::Conflict(conflict.to_string()));
            s.warn(
                "nothing was written: the case changed meanwhile; your text is kept, \
                 check the case and send it again",
            );
            if here {
                let revealed = s.screens.get::<CaseScreen>().is_some_and(|c| c.revealed);
                vec![CaseEffect::Load { id, revealed }.into()]
            } else {
                vec![]
            }
        }
        Err(ChangeError::Failed(message)) => {
            if let Some(d) = s
                .screens
                .get_mut::<CaseScreen>()
                .filter(|_| here)
                .and_then(|c| c.dialog.as_mut())
            {
                d.form.pending = false;
                if let Some(field) = field_of_error(&message).filter(|f| d.form.field(f).is_some())
                {
                    d.form.error = Some((field.to_string(), message.clone()));
                    d.form.focus_on(field);
                }
            }
            s.error(message);
            vec![]
        }
    }
}

/// Continue an unsent draft: the only one, or pick from a list.
pub(crate) fn resume(s: &mut State) -> Vec<Effect> {
    let list = drafts::unsent(s);
    match list.len() {
        0 => {
            s.info("nothing unsent: no form or note is waiting");
            vec![]
        }
        1 => resume_key(s, &list[0].0),
        _ => {
            s.overlay = Some(Overlay::Drafts(DraftPicker { selected: 0 }));
            vec![]
        }
    }
}

/// Open the form or dialog a draft belongs to, filled in from it.
pub(crate) fn resume_key(s: &mut State, key: &str) -> Vec<Effect> {
    match DraftTarget::of(key) {
        DraftTarget::NewCase => new_case_update::open_draft(s, key),
        DraftTarget::Dialog(id, kind) => {
            let loaded = s
                .screens
                .get::<CaseScreen>()
                .is_some_and(|c| c.id == id && c.view.data.is_some());
            if loaded {
                let fx = go::<CaseScreen>(s).unwrap_or_default();
                if s.screens
                    .get::<CaseScreen>()
                    .is_some_and(|c| c.dialog.is_some())
                {
                    return fx;
                }
                let mut fx = fx;
                fx.extend(open_dialog(s, kind));
                fx
            } else {
                open_case(s, id, Some(kind))
            }
        }
        DraftTarget::Query | DraftTarget::Unknown => {
            s.info("this draft cannot be opened by this version of privdesk");
            vec![]
        }
    }
}

/// Keys of the list of unsent drafts: ↑/↓ choose, Enter continues,
/// Delete discards, Esc closes.
pub(crate) fn drafts_key(s: &mut State, mut p: DraftPicker, k: KeyEvent) -> Vec<Effect> {
    let list = drafts::unsent(s);
    let n = list.len();
    match k.code {
        KeyCode::Esc => return vec![],
        KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
            p.selected = (p.selected + 1).min(n.saturating_sub(1))
        }
        KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
            p.selected = p.selected.saturating_sub(1)
        }
        KeyCode::Enter => {
            if let Some((key, _)) = list.get(p.selected) {
                let key = key.clone();
                return resume_key(s, &key);
            }
            return vec![];
        }
        KeyCode::Delete | KeyCode::Char('d') => {
            if let Some((key, text)) = list.get(p.selected) {
                let what = drafts::label(key, text);
                let key = key.clone();
                let fx = drafts::clear(s, &key);
                s.info(format!("discarded: {what}"));
                if n > 1 {
                    p.selected = p.selected.min(n - 2);
                    s.overlay = Some(Overlay::Drafts(p));
                }
                return fx;
            }
        }
        _ => {}
    }
    s.overlay = Some(Overlay::Drafts(p));
    vec![]
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: CaseMsg) -> Vec<Effect> {
    match m {
        CaseMsg::Loaded { id, result } => case_loaded(s, id, result),
        CaseMsg::Changed {
            id,
            key,
            change,
            result,
        } => changed(s, id, key, change, result),
        CaseMsg::Revealed { id, result } => revealed(s, id, result),
    }
}
