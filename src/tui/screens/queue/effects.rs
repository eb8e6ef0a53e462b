//! The calls behind this screen's effects, each answered by a message.

use crate::client::Client;
use crate::domain::CaseId;
use crate::tui::app::*;
use crate::tui::effects::{spawn, Cx};
use tokio::task::JoinHandle;

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: QueueEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        QueueEffect::Query { open, query } => spawn(async move {
            let result = if open {
                c.queue_open(query).await
            } else {
                c.queue_view(query).await
            };
            let _ = tx.send(QueueMsg::Page(result.map(Box::new).map_err(|e| e.to_string())).into());
        }),
        QueueEffect::Ids(query) => spawn(async move {
            let result = c.queue_ids(query).await.map_err(|e| e.to_string());
            let _ = tx.send(QueueMsg::Ids(result).into());
        }),
        QueueEffect::Bulk { op, items } => spawn(async move {
            let results = bulk(&c, &op, items).await;
            let _ = tx.send(QueueMsg::BulkDone { op, results }.into());
        }),
    }
}

/// A bulk change through the server; a failure of the whole call is a
/// failure of each case.
async fn bulk(c: &Client, op: &BulkOp, items: Vec<(CaseId, i64)>) -> Vec<BulkResult> {
    match c.bulk(op.clone(), items.clone()).await {
        Ok(r) => r,
        Err(e) => items
            .into_iter()
            .map(|(id, _)| BulkResult {
                id,
                outcome: crate::domain::queue::BulkOutcome::Failed(e.to_string()),
            })
            .collect(),
    }
}
