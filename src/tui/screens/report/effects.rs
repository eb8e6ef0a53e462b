//! The calls behind this screen's effects, each answered by a message.

use crate::tui::app::*;
use crate::tui::effects::{spawn, Cx};
use tokio::task::JoinHandle;

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: ReportEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        ReportEffect::Load { gen } => spawn(async move {
            let result = c
                .report(None, None)
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
            let _ = tx.send(ReportMsg::Loaded { gen, result }.into());
        }),
    }
}
