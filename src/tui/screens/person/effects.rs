//! The calls behind this screen's effects, each answered by a message.

use crate::tui::app::*;
use crate::tui::effects::{spawn, Cx};
use tokio::task::JoinHandle;

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: PersonEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        PersonEffect::Reveal {
            key,
            records,
            purpose,
        } => spawn(async move {
            let keys = records.iter().map(|r| r.key()).collect();
            let result = c.reveal(keys, purpose).await.map_err(|e| e.to_string());
            let _ = tx.send(PersonMsg::Revealed { key, result }.into());
        }),
        PersonEffect::RevealField {
            key,
            record,
            field,
            purpose,
        } => spawn(async move {
            let result = c
                .reveal_field(record, field.clone(), purpose)
                .await
                .map_err(|e| e.to_string());
            let _ = tx.send(PersonMsg::FieldRevealed { key, field, result }.into());
        }),
        PersonEffect::Fetch { key } => spawn(async move {
            let result = c
                .fetch(key.0.clone(), key.1.clone())
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
            let _ = tx.send(PersonMsg::Fetched { key, result }.into());
        }),
    }
}
