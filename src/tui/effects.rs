//! Effects run off the drawing path as tokio tasks; each result comes back to
//! the loop as an `Action`.

use super::app::{Action, Effect};
use crate::desk::{Desk, SearchOptions};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// The draft key of the query box.
pub const QUERY_DRAFT: &str = "search.query";

pub struct Effects {
    desk: Desk,
    tx: UnboundedSender<Action>,
}

impl Effects {
    pub fn new(desk: Desk, tx: UnboundedSender<Action>) -> Self {
        Effects { desk, tx }
    }

    /// Start an effect. Terminal effects (suspend, redraw) are the loop's and
    /// are ignored here. Returns the task, for callers that must wait for it.
    pub fn run(&self, effect: Effect) -> Option<JoinHandle<()>> {
        let desk = self.desk.clone();
        let tx = self.tx.clone();
        match effect {
            Effect::StartSearch { gen, query } => Some(tokio::spawn(async move {
                match desk.start_search(&query, SearchOptions::default()) {
                    Err(e) => {
                        let _ = tx.send(Action::SearchFailed {
                            gen,
                            error: e.to_string(),
                        });
                    }
                    Ok(mut run) => {
                        while let Some(snapshot) = run.updates.recv().await {
                            let done = snapshot.done;
                            if tx
                                .send(Action::SearchUpdate {
                                    gen,
                                    snapshot: Box::new(snapshot),
                                })
                                .is_err()
                                || done
                            {
                                break;
                            }
                        }
                    }
                }
            })),
            Effect::Reveal {
                key,
                records,
                purpose,
            } => Some(tokio::task::spawn_blocking(move || {
                let result = desk.reveal(&records, &purpose).map_err(|e| e.to_string());
                let _ = tx.send(Action::RevealDone { key, result });
            })),
            Effect::Fetch { key } => Some(tokio::spawn(async move {
                let result = desk
                    .fetch(&key.0, &key.1)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::FetchDone { key, result });
            })),
            Effect::SaveDraft { query } => Some(tokio::task::spawn_blocking(move || {
                if let Err(e) = desk.save_draft(QUERY_DRAFT, &query) {
                    tracing::warn!(error = %e, "draft not saved");
                }
            })),
            Effect::Suspend | Effect::Redraw => None,
        }
    }
}
