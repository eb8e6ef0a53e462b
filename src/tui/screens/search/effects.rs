//! The calls behind this screen's effects, each answered by a message.

use crate::protocol::stream::SearchRequest;
use crate::tui::app::*;
use crate::tui::effects::{spawn, Cx};
use tokio::task::JoinHandle;

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: SearchEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        SearchEffect::Start { gen, query } => spawn(async move {
            let req = SearchRequest {
                query,
                ..Default::default()
            };
            match c.search(&req).await {
                Err(e) => {
                    let _ = tx.send(
                        SearchMsg::Failed {
                            gen,
                            error: e.to_string(),
                        }
                        .into(),
                    );
                }
                Ok(mut run) => {
                    while let Some(snapshot) = run.next().await {
                        let action = match snapshot {
                            Ok(snapshot) => {
                                let done = snapshot.done;
                                let a = SearchMsg::Update {
                                    gen,
                                    snapshot: Box::new(snapshot),
                                }
                                .into();
                                if tx.send(a).is_err() || done {
                                    break;
                                }
                                continue;
                            }
                            Err(e) => SearchMsg::Failed {
                                gen,
                                error: e.to_string(),
                            }
                            .into(),
                        };
                        let _ = tx.send(action);
                        break;
                    }
                }
            }
        }),
    }
}
