//! The calls behind this screen's effects, each answered by a message.

use crate::tui::app::*;
use crate::tui::effects::{spawn, Cx};
use crate::tui::screens::actions::effects::decide;
use tokio::task::JoinHandle;

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: InboxEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        InboxEffect::Load => spawn(async move {
            let result = c
                .actions_awaiting_approval()
                .await
                .map_err(|e| e.to_string());
            let _ = tx.send(InboxMsg::Loaded { result }.into());
        }),
        InboxEffect::Decide(d) => spawn(async move {
            let (action, approve) = (d.reference.clone(), d.approve);
            let result = decide(&c, d).await;
            let _ = tx.send(
                InboxMsg::Decided {
                    action,
                    approve,
                    result,
                }
                .into(),
            );
        }),
    }
}
