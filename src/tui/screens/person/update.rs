//! The person screen: opening a person from the results, revealing their
//! masked values with a purpose, fetching a record again.

use super::msgs::*;
use super::state::{FetchState, PersonView};
use crate::domain::Record;
use crate::tui::app::{Effect, Overlay, RevealTarget, State};
use crate::tui::update::{open_reveal, show_new};
use std::collections::HashMap;

/// The key of the person on screen (their first record's).
pub fn person_key(p: &PersonView) -> (String, String) {
    p.person
        .records
        .first()
        .map(|r| r.key())
        .unwrap_or_default()
}

/// Open the person selected in the results.
pub fn open(s: &mut State) -> Vec<Effect> {
    let Some(person) = s.persons().get(s.selected).cloned() else {
        s.info("no person selected");
        return vec![];
    };
    let fx = show_new(
        s,
        PersonView {
            person,
            revealed: false,
            revealed_fields: Vec::new(),
            selected: 0,
            scroll: 0,
            fetch: HashMap::new(),
        },
    );
    s.message = None;
    if let Some(t) = &s.linking {
        let msg = format!(
            "L links this person's records to {} (you pick which)",
            t.case
        );
        s.info(msg);
    }
    fx
}

/// Fetch the record under the cursor again from its system.
pub fn refresh(s: &mut State) -> Vec<Effect> {
    let Some(p) = s.screens.get_mut::<PersonView>() else {
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
    vec![PersonEffect::Fetch { key }.into()]
}

/// Ask for the purpose of revealing every masked value of the person.
pub fn reveal(s: &mut State) {
    match s.screens.get::<PersonView>() {
        None => s.info("open a person first (Enter on a result)"),
        Some(p) if p.revealed => s.info("already shown; leave the screen to mask again"),
        Some(_) => open_reveal(s, RevealTarget::Person),
    }
}

/// Ask for the purpose of revealing one value of the record under the cursor.
pub fn reveal_value(s: &mut State) {
    match s.screens.get::<PersonView>() {
        None => s.info("open a person first (Enter on a result)"),
        Some(p) if p.revealed => s.info("already shown; leave the screen to mask again"),
        Some(p) if p.masked_fields(p.selected).is_empty() => {
            s.info("this record holds no masked value; tab goes to the next record")
        }
        Some(p) => {
            let record = p.selected;
            open_reveal(s, RevealTarget::Field { record, field: 0 })
        }
    }
}

/// The person's records as the systems sent them, or why not.
pub fn revealed(
    s: &mut State,
    key: (String, String),
    result: Result<crate::desk::Revealed, String>,
) -> Vec<Effect> {
    let matches = s
        .screens
        .get::<PersonView>()
        .is_some_and(|p| person_key(p) == key);
    if let Some(Overlay::Reveal(d)) = &s.overlay {
        if d.target == RevealTarget::Person {
            s.overlay = None;
        }
    }
    match result {
        Ok(shown) if matches => {
            if let Some(p) = s.screens.get_mut::<PersonView>() {
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

/// One value of one record, as its system sent it, or why not.
pub fn field_revealed(
    s: &mut State,
    key: (String, String),
    field: String,
    result: Result<crate::desk::Revealed, String>,
) -> Vec<Effect> {
    if let Some(Overlay::Reveal(d)) = &s.overlay {
        if matches!(d.target, RevealTarget::Field { .. }) {
            s.overlay = None;
        }
    }
    let open = s
        .screens
        .get_mut::<PersonView>()
        .filter(|p| person_key(p) == key);
    match (result, open) {
        (Ok(shown), Some(p)) => {
            for x in &shown.records {
                if let Some(r) = p.person.records.iter_mut().find(|r| r.key() == x.key()) {
                    if let (Some(slot), Some(v)) = (r.canonical_mut(&field), x.canonical(&field)) {
                        *slot = Some(v.to_string());
                    }
                    p.revealed_fields.push((x.key(), field.clone()));
                }
            }
            s.info(format!(
                "{} shown until you leave the screen; the other values stay masked (audit entry {})",
                super::view::field_label(&field),
                shown.audit_id
            ));
        }
        (Ok(_), None) => {}
        (Err(e), _) => s.error(e),
    }
    vec![]
}

/// A record fetched again, or why not.
pub fn fetched(
    s: &mut State,
    key: (String, String),
    result: Result<Box<Record>, String>,
) -> Vec<Effect> {
    if let Some(p) = s.screens.get_mut::<PersonView>() {
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

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: PersonMsg) -> Vec<Effect> {
    match m {
        PersonMsg::Revealed { key, result } => revealed(s, key, result),
        PersonMsg::FieldRevealed { key, field, result } => field_revealed(s, key, field, result),
        PersonMsg::Fetched { key, result } => fetched(s, key, result),
    }
}
