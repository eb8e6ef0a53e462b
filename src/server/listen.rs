//! The server's socket: created with no access for anyone else, then
//! opened to the operators' group (mode 0660). A socket left behind by a
//! server that died is replaced; one a live server answers on is not.

use nix::sys::stat::{umask, Mode};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use tokio::net::{UnixListener, UnixStream};

#[derive(Debug, Clone)]
pub struct ListenOptions {
    pub socket: PathBuf,
    /// The group that may connect; `None`: the server's own.
    pub group: Option<String>,
}

/// A bound socket; the socket file goes when it is dropped.
pub struct Listener {
    inner: UnixListener,
    path: PathBuf,
}

impl Listener {
    pub async fn accept(&self) -> std::io::Result<UnixStream> {
        self.inner.accept().await.map(|(s, _)| s)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Bind the socket of `opts`; errors name the path and what to do.
pub fn bind(opts: &ListenOptions) -> Result<Listener, String> {
    let path = &opts.socket;
    let shown = path.display();
    let gid = match &opts.group {
        Some(name) => match nix::unistd::Group::from_name(name) {
            Ok(Some(g)) => Some(g.gid),
            Ok(None) => {
                return Err(format!(
                    "[server] socket_group: there is no group \"{name}\" on this host (create it, e.g. groupadd {name})"
                ))
            }
            Err(e) => return Err(format!("[server] socket_group: the group \"{name}\" cannot be looked up: {e}")),
        },
        None => None,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create the socket's folder {}: {e}", dir.display()))?;
        }
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_socket() => {
            if std::os::unix::net::UnixStream::connect(path).is_ok() {
                return Err(format!(
                    "a privdesk server is already listening on {shown}; stop it first (or give another --socket)"
                ));
            }
            std::fs::remove_file(path)
                .map_err(|e| format!("cannot remove the old socket {shown}: {e}"))?;
        }
        Ok(_) => {
            return Err(format!(
                "{shown} exists and is not a socket; remove it or give another --socket"
            ))
        }
        Err(_) => {}
    }
    // Nobody but the server may connect until the socket is set up.
    let old = umask(Mode::from_bits_truncate(0o177));
    let bound = UnixListener::bind(path);
    umask(old);
    let inner = bound.map_err(|e| format!("cannot listen on {shown}: {e}"))?;
    let listener = Listener {
        inner,
        path: path.clone(),
    };
    if let Some(gid) = gid {
        nix::unistd::chown(path.as_path(), None, Some(gid)).map_err(|e| {
            format!(
                "cannot give the socket {shown} to the group {}: {e} (the server's user must be a member of it)",
                opts.group.as_deref().unwrap_or_default()
            )
        })?;
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))
        .map_err(|e| format!("cannot set the mode of {shown}: {e}"))?;
    Ok(listener)
}
