//! Files for people: the server writes disclosure packages and audit
//! exports under its own folder (`Config::files_dir`, the server's only)
//! and offers them to the session that asked, which fetches each file into
//! a folder of the operator's.

use super::session::{Files, Session};
use crate::desk::PersonTrail;
use crate::package::files::sha256_hex;
use crate::protocol::files::{Download, FileEntry};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

/// Offer every regular file of a folder (a package) to the session.
pub(crate) fn offer_dir(session: &Session, dir: &Path) -> std::io::Result<Download> {
    let mut entries = Vec::new();
    let mut files = Files::new();
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let bytes = std::fs::read(&path)?;
        entries.push(FileEntry {
            name: name.clone(),
            size: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        });
        files.insert(name, path);
    }
    let token = session.offer(files);
    Ok(Download {
        token,
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "package".into()),
        files: entries,
    })
}

/// Write a person's trail as a new file in the server's exports folder
/// and offer it to the session.
pub(crate) fn export_trail(
    session: &Session,
    base: &Path,
    trail: &PersonTrail,
    csv: bool,
) -> std::io::Result<Download> {
    let dir = base.join("exports");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)?;
    let name = format!(
        "audit-{}.{}",
        trail.audit_id,
        if csv { "csv" } else { "json" }
    );
    let path = dir.join(&name);
    let text = crate::desk::trail_text(trail, csv);
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    let mut files = Files::new();
    files.insert(name.clone(), path);
    let token = session.offer(files);
    Ok(Download {
        token,
        name: name.clone(),
        files: vec![FileEntry {
            name,
            size: text.len() as u64,
            sha256: sha256_hex(text.as_bytes()),
        }],
    })
}
