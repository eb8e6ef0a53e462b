//! The calls behind this screen's effects, each answered by a message.

use crate::tui::app::*;
use crate::tui::effects::{spawn, Cx};
use tokio::task::JoinHandle;

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: CasesEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        CasesEffect::Load { gen, filter } => spawn(async move {
            let result = c.list_cases(filter).await.map_err(|e| e.to_string());
            let _ = tx.send(CasesMsg::Loaded { gen, result }.into());
        }),
    }
}
