//! Effects run off the drawing path as tokio tasks, each a call to the
//! server through the session's client; each result comes back to the
//! loop as a `Msg`. The server's pushes (changes, the queue's rows,
//! access) come back the same way (see [`Effects::listen`]).

use super::app::{Effect, Msg};
use crate::client::Client;
use crate::desk::DeskError;
use crate::protocol::Event;
use indexmap::IndexMap;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

/// The draft key of the query box.
pub const QUERY_DRAFT: &str = super::drafts::QUERY;

/// What a screen's effects run with: the session's client, the way back
/// to the loop, and what this session is running.
pub struct Cx {
    pub client: Client,
    pub tx: UnboundedSender<Msg>,
    /// Actions being run by this session: a second run of one waits.
    pub running: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<i64>>>,
}

/// Start `f` as a task; the task, for callers that wait for it.
pub fn spawn(f: impl std::future::Future<Output = ()> + Send + 'static) -> Option<JoinHandle<()>> {
    Some(tokio::spawn(f))
}

pub struct Effects {
    cx: Cx,
    /// Drafts are written one after the other, in the order typed, by one task.
    drafts: UnboundedSender<(String, String)>,
    draft_writer: JoinHandle<()>,
}

/// Write drafts as they come; when several wait, only the newest text of
/// each key is written. A draft the server could not take (the connection
/// is gone) is kept and written once it is back: nothing typed is lost.
async fn write_drafts(client: Client, mut rx: UnboundedReceiver<(String, String)>) {
    let mut pending: IndexMap<String, String> = IndexMap::new();
    loop {
        if pending.is_empty() {
            match rx.recv().await {
                Some((key, text)) => {
                    pending.insert(key, text);
                }
                None => return,
            }
        }
        while let Ok((key, text)) = rx.try_recv() {
            pending.shift_remove(&key);
            pending.insert(key, text);
        }
        let batch: Vec<(String, String)> = pending
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut failed = false;
        for (key, text) in batch {
            match client.save_draft(key.clone(), text.clone()).await {
                Ok(()) => {
                    if pending.get(&key) == Some(&text) {
                        pending.shift_remove(&key);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "draft not saved yet; kept to save again");
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            // Wait for the server (or for more typing) before trying again.
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                more = rx.recv() => match more {
                    Some((key, text)) => {
                        pending.shift_remove(&key);
                        pending.insert(key, text);
                    }
                    None => {
                        // Leaving: one last try for what is left.
                        for (key, text) in pending.drain(..) {
                            let _ = client.save_draft(key, text).await;
                        }
                        return;
                    }
                },
            }
        }
    }
}

impl Effects {
    pub fn new(client: Client, tx: UnboundedSender<Msg>) -> Self {
        let (drafts, rx) = tokio::sync::mpsc::unbounded_channel();
        let draft_writer = tokio::spawn(write_drafts(client.clone(), rx));
        Effects {
            cx: Cx {
                client,
                tx,
                running: Default::default(),
            },
            drafts,
            draft_writer,
        }
    }

    pub fn client(&self) -> &Client {
        &self.cx.client
    }

    /// Listen to the server's pushes until the session ends; when the
    /// connection is lost, say so and connect again (once a second) until
    /// the server is back, then listen again.
    pub fn listen(&self) -> JoinHandle<()> {
        let client = self.cx.client.clone();
        let tx = self.cx.tx.clone();
        tokio::spawn(async move {
            let mut lost = false;
            loop {
                match client.events().await {
                    Ok(mut events) => {
                        if lost {
                            lost = false;
                            if tx.send(Msg::ServerBack).is_err() {
                                return;
                            }
                        }
                        while let Some(e) = events.next().await {
                            let action = match e {
                                Event::Ready => continue,
                                Event::Changed { .. } => Msg::StoreChanged,
                                Event::Queue { page } => {
                                    crate::tui::screens::queue::msgs::QueueMsg::Page(Ok(Box::new(
                                        page,
                                    )))
                                    .into()
                                }
                                Event::Refused { reason } => Msg::AccessChecked(Err(reason)),
                                Event::Restored => Msg::AccessChecked(Ok(())),
                                Event::Closing { reason } => Msg::ServerLost(reason),
                            };
                            if tx.send(action).is_err() {
                                return;
                            }
                        }
                    }
                    Err(DeskError::Refused(why)) => {
                        if tx.send(Msg::AccessChecked(Err(why))).is_err() {
                            return;
                        }
                    }
                    Err(_) => {}
                }
                if !lost {
                    lost = true;
                    let why = "the connection to the server is lost; connecting again (what you type is kept)";
                    if tx.send(Msg::ServerLost(why.into())).is_err() {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                if tx.is_closed() {
                    return;
                }
                let _ = client.reconnect().await;
            }
        })
    }

    /// Wait until every draft handed over so far is written.
    pub async fn finish(self) {
        drop(self.drafts);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.draft_writer).await;
    }

    /// Start an effect. Terminal effects (suspend, redraw) are the loop's and
    /// are ignored here. Returns the task, for callers that must wait for it.
    pub fn run(&self, effect: Effect) -> Option<JoinHandle<()>> {
        let c = self.cx.client.clone();
        let tx = self.cx.tx.clone();
        match effect {
            Effect::SaveDraft { key, text } => {
                let _ = self.drafts.send((key, text));
                None
            }
            Effect::CheckAccess => spawn(async move {
                let result = c.check_access().await.map_err(|e| e.to_string());
                let _ = tx.send(Msg::AccessChecked(result));
            }),
            Effect::Suspend | Effect::Redraw => None,
            Effect::Screen(e) => super::screens::run(&self.cx, e),
        }
    }
}
