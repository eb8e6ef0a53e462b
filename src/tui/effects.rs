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
    /// Drafts are written one after the other, in the order typed, by one task.
    drafts: UnboundedSender<String>,
    draft_writer: JoinHandle<()>,
}

impl Effects {
    pub fn new(desk: Desk, tx: UnboundedSender<Action>) -> Self {
        let (drafts, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let writer_desk = desk.clone();
        let draft_writer = tokio::spawn(async move {
            while let Some(mut text) = rx.recv().await {
                // Only the newest text matters when several are waiting.
                while let Ok(newer) = rx.try_recv() {
                    text = newer;
                }
                let desk = writer_desk.clone();
                let saved =
                    tokio::task::spawn_blocking(move || desk.save_draft(QUERY_DRAFT, &text)).await;
                if let Ok(Err(e)) = saved {
                    tracing::warn!(error = %e, "draft not saved");
                }
            }
        });
        Effects {
            desk,
            tx,
            drafts,
            draft_writer,
        }
    }

    /// Wait until every draft handed over so far is written.
    pub async fn finish(self) {
        drop(self.drafts);
        let _ = self.draft_writer.await;
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
            Effect::SaveDraft { query } => {
                let _ = self.drafts.send(query);
                None
            }
            Effect::Suspend | Effect::Redraw => None,
        }
    }
}
