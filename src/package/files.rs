//! The package folder on disk: written into a hidden sibling folder first
//! (mode 0700, files 0600, each synced) and renamed into place only when
//! complete, so a half-written package never sits under the final name; and
//! read back, file by file, to verify it.

use super::manifest::{
    check_manifest, compare, Found, Manifest, ManifestFile, VerifyProblem, MANIFEST_FILE,
};
use super::model::PACKAGE_VERSION;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Mode of the package folder.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file in it.
pub const FILE_MODE: u32 = 0o600;

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// An error naming the path it happened at.
fn at(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// A package written to a hidden folder next to its final place, not yet
/// visible under its name. Dropping it without [`Staged::commit`] removes it.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
    /// The manifest as written.
    pub manifest: Manifest,
    /// SHA-256 of `manifest.json` as written.
    pub manifest_sha256: String,
    committed: bool,
}

impl Staged {
    /// The folder the package will have once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Move the package to its final name.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        if self.target.exists() {
            // Only an empty folder may be there (checked before staging);
            // rename(2) replaces an empty folder, but say so if it was filled meanwhile.
            let empty = fs::read_dir(&self.target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "{} was filled by something else while the package was written; nothing was overwritten",
                        self.target.display()
                    ),
                ));
            }
        }
        fs::rename(&self.temp, &self.target).map_err(|e| at(&self.target, e))?;
        if let Some(parent) = self.target.parent() {
            if let Ok(d) = fs::File::open(parent) {
                let _ = d.sync_all();
            }
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

/// Refuse a target that holds anything: a package never overwrites. (Also
/// checked by [`stage`]; call it first to refuse before any work is done.)
pub fn check_target(target: &Path) -> io::Result<()> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(at(target, e)),
        Ok(m) if m.is_dir() => {
            let empty = fs::read_dir(target)
                .map_err(|e| at(target, e))?
                .next()
                .is_none();
            if empty {
                Ok(())
            } else {
                Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "{} is not empty; give a new folder (a package never overwrites files)",
                        target.display()
                    ),
                ))
            }
        }
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a folder", target.display()),
        )),
    }
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let path = dir.join(name);
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(&path)
        .map_err(|e| at(&path, e))?;
    // The mode given at creation is filtered by the umask; make it exact.
    f.set_permissions(fs::Permissions::from_mode(FILE_MODE))
        .and_then(|()| f.write_all(bytes))
        .and_then(|()| f.sync_all())
        .map_err(|e| at(&path, e))
}

/// Write `files` and `manifest` (its file list filled in here) into a
/// hidden folder beside `target`. The parent of `target` is created (mode
/// 0700) when missing; `target` must not exist or be an empty folder.
pub fn stage(
    target: &Path,
    files: &[(String, Vec<u8>)],
    mut manifest: Manifest,
) -> io::Result<Staged> {
    check_target(target)?;
    let name = target
        .file_name()
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} does not name a folder", target.display()),
            )
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(&parent)
            .map_err(|e| at(&parent, e))?;
    }
    let temp = parent.join(format!(".{name}.partial-{}", uuid::Uuid::new_v4().simple()));
    fs::DirBuilder::new()
        .mode(DIR_MODE)
        .create(&temp)
        .map_err(|e| at(&temp, e))?;
    // From here on, an early return removes the hidden folder.
    let mut staged = Staged {
        temp: temp.clone(),
        target: target.to_path_buf(),
        manifest: manifest.clone(),
        manifest_sha256: String::new(),
        committed: false,
    };
    fs::set_permissions(&temp, fs::Permissions::from_mode(DIR_MODE)).map_err(|e| at(&temp, e))?;
    let mut listed = Vec::new();
    for (name, bytes) in files {
        write_file(&temp, name, bytes)?;
        listed.push(ManifestFile {
            name: name.clone(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        });
    }
    manifest.files = listed;
    let mut text = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?;
    text.push(b'\n');
    write_file(&temp, MANIFEST_FILE, &text)?;
    if let Ok(d) = fs::File::open(&temp) {
        let _ = d.sync_all();
    }
    staged.manifest = manifest;
    staged.manifest_sha256 = sha256_hex(&text);
    Ok(staged)
}

/// What verifying a folder found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verification {
    /// The manifest, when it could be read.
    pub manifest: Option<Manifest>,
    /// SHA-256 of `manifest.json` as found.
    pub manifest_sha256: Option<String>,
    /// Every problem, in order; empty when the package is intact.
    pub problems: Vec<VerifyProblem>,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Size and SHA-256 of a file, read in blocks.
fn hash_file(path: &Path) -> io::Result<(u64, String)> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, hex::encode(h.finalize())))
}

/// Check the package in `dir` against its manifest. `Err` only when the
/// folder itself cannot be read; everything wrong inside is a problem.
pub fn verify(dir: &Path) -> io::Result<Verification> {
    let meta = fs::metadata(dir).map_err(|e| at(dir, e))?;
    if !meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a folder", dir.display()),
        ));
    }
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| at(dir, e))? {
        let entry = entry.map_err(|e| at(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(|e| at(&entry.path(), e))?;
        let file = if kind.is_file() {
            match hash_file(&entry.path()) {
                Ok(x) => Some(x),
                Err(e) => {
                    return Err(at(&entry.path(), e));
                }
            }
        } else {
            None
        };
        found.push(Found { name, file });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    let manifest_path = dir.join(MANIFEST_FILE);
    let (manifest, manifest_sha256, mut problems) = match found.iter().find(|f| f.name == MANIFEST_FILE) {
        None => (
            None,
            None,
            vec![VerifyProblem::Manifest(format!(
                "{MANIFEST_FILE} is missing: this folder is not a package, or its manifest was removed"
            ))],
        ),
        Some(Found { file: None, .. }) => (
            None,
            None,
            vec![VerifyProblem::NotAFile(MANIFEST_FILE.to_string())],
        ),
        Some(Found {
            file: Some((_, sha)),
            ..
        }) => {
            let bytes = fs::read(&manifest_path).map_err(|e| at(&manifest_path, e))?;
            match serde_json::from_slice::<Manifest>(&bytes) {
                Ok(m) => {
                    let problems = check_manifest(&m, PACKAGE_VERSION);
                    (Some(m), Some(sha.clone()), problems)
                }
                Err(e) => (
                    None,
                    Some(sha.clone()),
                    vec![VerifyProblem::Manifest(format!(
                        "{MANIFEST_FILE} cannot be read as a package manifest: {e}"
                    ))],
                ),
            }
        }
    };
    if let Some(m) = &manifest {
        problems.extend(compare(m, &found));
    }
    Ok(Verification {
        manifest,
        manifest_sha256,
        problems,
    })
}
