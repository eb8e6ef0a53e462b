//! The calls behind this screen's effects, each answered by a message.

use crate::client::Client;
use crate::desk::DeskError;
use crate::domain::{Case, CaseId};
use crate::tui::app::*;
use crate::tui::effects::{spawn, Cx};
use tokio::task::JoinHandle;

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: CaseEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        CaseEffect::Load { id, revealed } => spawn(async move {
            let result = c
                .get_case(id, revealed)
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
            let _ = tx.send(CaseMsg::Loaded { id, result }.into());
        }),
        CaseEffect::Change {
            id,
            version,
            change,
            key,
        } => spawn(async move {
            let result = apply(&c, id, version, &change)
                .await
                .map(Box::new)
                .map_err(|e| match e {
                    DeskError::Conflict(c) => ChangeError::Conflict(c),
                    other => ChangeError::Failed(other.to_string()),
                });
            let _ = tx.send(
                CaseMsg::Changed {
                    id,
                    key,
                    change,
                    result,
                }
                .into(),
            );
        }),
        CaseEffect::Reveal { id, purpose } => spawn(async move {
            let result = c
                .reveal_case(id, purpose)
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
            let _ = tx.send(CaseMsg::Revealed { id, result }.into());
        }),
        CaseEffect::Refresh {
            id,
            version,
            revealed,
        } => spawn(async move {
            match c.case_version(id).await {
                Ok(v) if v == version => {}
                Ok(_) => {
                    let result = c
                        .get_case(id, revealed)
                        .await
                        .map(Box::new)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(CaseMsg::Loaded { id, result }.into());
                }
                Err(e) => tracing::warn!(error = %e, "case not reloaded after a change"),
            }
        }),
    }
}

/// Make one change through the desk, based on `version`.
pub async fn apply(
    c: &Client,
    id: CaseId,
    version: i64,
    change: &CaseChange,
) -> Result<Case, DeskError> {
    match change.clone() {
        CaseChange::Note {
            text,
            internal,
            is_response,
        } => c.add_note(id, version, text, internal, is_response).await,
        CaseChange::Status(sc) => c.change_status(id, version, sc).await,
        CaseChange::Assign(who) => c.assign(id, version, who).await,
        CaseChange::Verify(v) => c.verify_identity(id, version, v).await,
        CaseChange::Letter { text, is_response } => {
            c.record_letter(id, version, text, is_response).await
        }
        CaseChange::Link(records) => c.link_records(id, version, records).await,
    }
}
