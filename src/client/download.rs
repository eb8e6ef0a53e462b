//! Fetching what the server handed over into the operator's own folder:
//! a new folder (mode 0700) of new files (mode 0600), each checked against
//! the size and SHA-256 the server gave.

use super::Client;
use crate::desk::DeskError;
use crate::package::files::sha256_hex;
use crate::protocol::files::{safe_name, Download, FileEntry};
use crate::protocol::{self};
use http_body_util::{BodyExt, Limited};
use hyper::Method;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

impl Client {
    async fn fetch_file(&self, d: &Download, f: &FileEntry) -> Result<Vec<u8>, DeskError> {
        if !safe_name(&f.name) {
            return Err(DeskError::Server(format!(
                "the server offered a file named {:?}",
                f.name
            )));
        }
        let path = format!("{}/{}/{}", protocol::FILES, d.token, f.name);
        let body = self.stream(Method::GET, &path, &()).await?;
        let limit = usize::try_from(f.size.min(protocol::MAX_FILE_BYTES)).unwrap_or(usize::MAX);
        let bytes = Limited::new(body, limit.max(1))
            .collect()
            .await
            .map_err(|e| {
                DeskError::Unavailable(format!(
                    "{} was cut off on its way ({e}); fetch it again",
                    f.name
                ))
            })?
            .to_bytes();
        if bytes.len() as u64 != f.size || sha256_hex(&bytes) != f.sha256 {
            return Err(DeskError::Server(format!(
                "{} arrived different from what the server announced; fetch it again",
                f.name
            )));
        }
        Ok(bytes.to_vec())
    }
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<(), DeskError> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| DeskError::Invalid(format!("cannot write {}: {e}", path.display())))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| DeskError::Invalid(format!("cannot write {}: {e}", path.display())))
}

/// Fetch every file of `d` into `dir`: a new folder, or an empty one.
pub async fn download_dir(client: &Client, d: &Download, dir: &Path) -> Result<PathBuf, DeskError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(DeskError::Invalid(format!(
                    "{} is not empty; give a new folder",
                    dir.display()
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| DeskError::Invalid(format!("cannot create {}: {e}", dir.display())))?;
        }
        Err(e) => {
            return Err(DeskError::Invalid(format!(
                "cannot use {}: {e}",
                dir.display()
            )))
        }
    }
    for f in &d.files {
        let bytes = client.fetch_file(d, f).await?;
        write_new(&dir.join(&f.name), &bytes)?;
    }
    Ok(std::path::absolute(dir).unwrap_or(dir.to_path_buf()))
}

/// Fetch the one file of `d` into `path` (a new file; its folder is made).
pub async fn download_file(
    client: &Client,
    d: &Download,
    path: &Path,
) -> Result<PathBuf, DeskError> {
    let f = d
        .files
        .first()
        .ok_or_else(|| DeskError::Server("the server offered no file".into()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| DeskError::Invalid(format!("cannot create {}: {e}", dir.display())))?;
    }
    let bytes = client.fetch_file(d, f).await?;
    write_new(path, &bytes)?;
    Ok(std::path::absolute(path).unwrap_or(path.to_path_buf()))
}
