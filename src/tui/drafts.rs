//! Drafts: whatever is being typed (the query box, the new-case form, a note
//! or another case dialog) is handed to the store whenever typing pauses,
//! when a form is left without sending, and when the session ends, so that
//! nothing typed is lost. Sending clears the draft.
//!
//! Keys: `search.query`; `case.new` (a blank new-case form) or
//! `case.new.SYSTEM:ID` (one opened for a person, by the first record);
//! `case.PD-2026-000004.note` (`.reply`, `.status`, `.verify`) for the
//! dialogs of a case. Forms are kept as JSON ([`FormDraft`]).

use super::app::{DialogKind, DraftSlot, Effect, State};
use super::form::Form;
use crate::domain::{CaseId, LinkedRecord};
use crate::tui::app::{CaseScreen, NewCaseScreen};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A draft is saved once typing pauses this long (the event loop wakes
/// for it), so that what was typed this long before the process is
/// killed outright is kept, without a write on every key.
pub const DRAFT_PAUSE: Duration = Duration::from_millis(200);

/// The draft key of the query box.
pub const QUERY: &str = "search.query";
/// The draft key of a blank new-case form.
pub const NEW_CASE: &str = "case.new";

/// The draft key of a new-case form linked to `links` (by the first record).
pub fn new_case_key(links: &[LinkedRecord]) -> String {
    match links.first() {
        Some(l) => format!("{NEW_CASE}.{l}"),
        None => NEW_CASE.to_string(),
    }
}

/// The draft key of a dialog of case `id`.
pub fn dialog_key(id: CaseId, kind: DialogKind) -> String {
    format!("case.{id}.{}", kind.as_str())
}

/// What a draft key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftTarget {
    Query,
    NewCase,
    Dialog(CaseId, DialogKind),
    /// Written by another version of privdesk: listed, not opened.
    Unknown,
}

impl DraftTarget {
    pub fn of(key: &str) -> DraftTarget {
        if key == QUERY {
            return DraftTarget::Query;
        }
        if key == NEW_CASE || key.starts_with("case.new.") {
            return DraftTarget::NewCase;
        }
        let dialog = key.strip_prefix("case.").and_then(|rest| {
            let (id, kind) = rest.rsplit_once('.')?;
            Some(DraftTarget::Dialog(
                CaseId::parse(id).ok()?,
                DialogKind::parse(kind)?,
            ))
        });
        dialog.unwrap_or(DraftTarget::Unknown)
    }
}

/// A form kept as a draft: its values, which of them still show a masked
/// value from the records, and the records a new case will be linked to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDraft {
    pub values: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkedRecord>,
}

impl FormDraft {
    pub fn of(form: &Form, links: &[LinkedRecord]) -> FormDraft {
        FormDraft {
            values: form.values(),
            masked: form.masked(),
            links: links.to_vec(),
        }
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for text that is not a form draft.
    pub fn parse(text: &str) -> Option<FormDraft> {
        serde_json::from_str(text).ok()
    }

    /// Put the values back into `form` (masked ones stay masked as `kind`
    /// of the field id: `email`, `phone`).
    pub fn apply(&self, form: &mut Form) {
        form.restore(&self.values);
        for id in &self.masked {
            if let Some(f) = form.field_mut(id) {
                f.masked_as = masked_kind(f.id);
            }
        }
    }
}

/// How a prefilled field is masked (`email`, `phone`); `None` for others.
pub fn masked_kind(id: &str) -> Option<&'static str> {
    match id {
        "email" => Some("email"),
        "phone" => Some("phone"),
        _ => None,
    }
}

/// What a draft is, in words: `new case form (山田 太郎)`, `note on PD-2026-000004`.
pub fn label(key: &str, text: &str) -> String {
    match DraftTarget::of(key) {
        DraftTarget::Query => "search".into(),
        DraftTarget::NewCase => {
            let name = FormDraft::parse(text)
                .and_then(|d| d.values.get("name").cloned())
                .filter(|n| !n.trim().is_empty());
            match name {
                Some(n) => format!(
                    "new case form ({})",
                    crate::domain::text::escape_controls(&n)
                ),
                None => "new case form".into(),
            }
        }
        DraftTarget::Dialog(id, kind) => format!("{} on {id}", kind.draft_name()),
        DraftTarget::Unknown => crate::domain::text::escape_controls(key),
    }
}

/// The drafts to offer back, newest first (not the query box's, which is
/// restored in place).
pub fn unsent(s: &State) -> Vec<(String, String)> {
    s.drafts
        .iter()
        .rev()
        .filter(|(k, _)| DraftTarget::of(k) != DraftTarget::Query)
        .map(|(k, t)| (k.clone(), t.clone()))
        .collect()
}

/// The text a form's draft holds now: empty when the form is as it was
/// opened (nothing worth keeping).
fn form_text(form: &Form, links: &[LinkedRecord], slot: &DraftSlot) -> String {
    let text = FormDraft::of(form, links).to_text();
    if text == slot.pristine {
        String::new()
    } else {
        text
    }
}

/// Whether the form on screen holds typed text that is not sent yet.
pub fn typed_unsent(s: &State) -> bool {
    if let Some(nc) = s.screens.shown::<NewCaseScreen>() {
        return !form_text(&nc.form, &nc.links, &nc.draft).is_empty();
    }
    s.screens
        .get::<CaseScreen>()
        .and_then(|c| c.dialog.as_ref())
        .is_some_and(|d| !d.draft.key.is_empty() && !form_text(&d.form, &[], &d.draft).is_empty())
}

/// A new slot for a form with this key: remembers the untouched form, and
/// what the store holds for the key.
pub fn slot(s: &State, key: &str, form: &Form, links: &[LinkedRecord]) -> DraftSlot {
    DraftSlot {
        key: key.to_string(),
        saved: s.drafts.get(key).cloned().unwrap_or_default(),
        pristine: FormDraft::of(form, links).to_text(),
    }
}

/// Record a save in the mirror of the store and return the effect.
pub fn save(s: &mut State, key: &str, text: String) -> Effect {
    s.drafts.shift_remove(key);
    if !text.is_empty() {
        s.drafts.insert(key.to_string(), text.clone());
    }
    Effect::SaveDraft {
        key: key.to_string(),
        text,
    }
}

/// Hand every draft that changed to the writer: the query box and the open
/// forms. Without `force`, only once typing has paused for [`DRAFT_PAUSE`].
pub fn sync(s: &mut State, now: Instant, force: bool) -> Vec<Effect> {
    if !force && now.saturating_duration_since(s.last_edit) < DRAFT_PAUSE {
        return vec![];
    }
    let mut fx = Vec::new();
    if s.query.text() != s.draft_saved {
        s.draft_saved = s.query.text().to_string();
        let text = s.draft_saved.clone();
        fx.push(save(s, QUERY, text));
    }
    let mut pending: Vec<(String, String)> = Vec::new();
    if let Some(nc) = s.screens.get_mut::<NewCaseScreen>() {
        let text = form_text(&nc.form, &nc.links, &nc.draft);
        if text != nc.draft.saved {
            nc.draft.saved = text.clone();
            pending.push((nc.draft.key.clone(), text));
        }
    }
    if let Some(d) = s
        .screens
        .get_mut::<CaseScreen>()
        .and_then(|c| c.dialog.as_mut())
    {
        if !d.draft.key.is_empty() {
            let text = form_text(&d.form, &[], &d.draft);
            if text != d.draft.saved {
                d.draft.saved = text.clone();
                pending.push((d.draft.key.clone(), text));
            }
        }
    }
    for (key, text) in pending {
        fx.push(save(s, &key, text));
    }
    fx
}

/// The new-case form was sent: what it holds is no draft any more.
pub fn sent(nc: &mut NewCaseScreen) {
    nc.draft.saved = form_text(&nc.form, &nc.links, &nc.draft);
}

/// Forget a draft that was sent: clear it in the store.
pub fn clear(s: &mut State, key: &str) -> Vec<Effect> {
    if key.is_empty() {
        return vec![];
    }
    vec![save(s, key, String::new())]
}

/// The words for the unsent drafts, for the message shown at start:
/// `new case form, note on PD-2026-000004`.
pub fn summary(s: &State) -> Option<String> {
    let list = unsent(s);
    if list.is_empty() {
        return None;
    }
    let words: Vec<String> = list.iter().map(|(k, t)| label(k, t)).collect();
    Some(words.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_targets() {
        let id = CaseId::new(2026, 4);
        assert_eq!(dialog_key(id, DialogKind::Note), "case.PD-2026-000004.note");
        assert_eq!(
            DraftTarget::of("case.PD-2026-000004.note"),
            DraftTarget::Dialog(id, DialogKind::Note)
        );
        assert_eq!(DraftTarget::of(QUERY), DraftTarget::Query);
        assert_eq!(DraftTarget::of("case.new"), DraftTarget::NewCase);
        let link = LinkedRecord::parse("crm:C-1001").unwrap();
        assert_eq!(new_case_key(&[link]), "case.new.crm:C-1001");
        assert_eq!(DraftTarget::of("case.new.crm:C-1001"), DraftTarget::NewCase);
        assert_eq!(
            DraftTarget::of("case.PD-2026-000004.x"),
            DraftTarget::Unknown
        );
        assert_eq!(DraftTarget::of("other"), DraftTarget::Unknown);
        assert_eq!(
            label("case.PD-2026-000004.note", ""),
            "note on PD-2026-000004"
        );
        assert_eq!(
            label("case.PD-2026-000004.status", ""),
            "status change on PD-2026-000004"
        );
        let mut d = FormDraft::default();
        d.values.insert("name".into(), "山田 太郎".into());
        assert_eq!(label("case.new", &d.to_text()), "new case form (山田 太郎)");
        assert_eq!(label("case.new", "not json"), "new case form");
    }
}
