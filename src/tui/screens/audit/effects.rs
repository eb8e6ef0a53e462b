//! The calls behind this screen's effects, each answered by a message.

use crate::client::Client;
use crate::tui::app::*;
use crate::tui::effects::{spawn, Cx};
use tokio::task::JoinHandle;

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: AuditEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        AuditEffect::Load { gen, filter } => spawn(async move {
            let result = c.audit_log(filter).await.map_err(|e| e.to_string());
            let _ = tx.send(AuditMsg::Loaded { gen, result }.into());
        }),
        AuditEffect::Verify => spawn(async move {
            let result = c.audit_verify().await.map_err(|e| e.to_string());
            let _ = tx.send(AuditMsg::Verified(result).into());
        }),
        AuditEffect::Export { person, csv } => spawn(async move {
            let result = export(&c, person, csv).await;
            let _ = tx.send(AuditMsg::Exported(result).into());
        }),
    }
}

/// Export one person's audit trail into a new file of the operator's;
/// what to tell them.
async fn export(c: &Client, person: String, csv: bool) -> Result<String, String> {
    let export = c
        .audit_export(person, csv)
        .await
        .map_err(|e| e.to_string())?;
    let dir = crate::paths::user_data_dir()
        .map(|d| d.join("exports"))
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let path = dir.join(&export.download.name);
    let path = crate::client::download_file(c, &export.download, &path)
        .await
        .map_err(|e| e.to_string())?;
    let n = export.entries;
    Ok(format!(
        "{n} {} about this person written to {}",
        if n == 1 { "entry" } else { "entries" },
        path.display()
    ))
}
