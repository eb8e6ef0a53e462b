//! Who is on the other end of a connection: the uid, gid and pid the
//! kernel recorded for the peer of the Unix socket (`SO_PEERCRED`), and the
//! user name the user database gives that uid. This is the only source of
//! the operator's identity.

use tokio::net::UnixStream;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub uid: u32,
    pub gid: u32,
    pub pid: Option<i32>,
    /// The uid's name in the user database, if it has one.
    pub user: Option<String>,
}

impl Peer {
    pub fn of(stream: &UnixStream) -> std::io::Result<Peer> {
        let cred = stream.peer_cred()?;
        let user = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(cred.uid()))
            .ok()
            .flatten()
            .map(|u| u.name);
        Ok(Peer {
            uid: cred.uid(),
            gid: cred.gid(),
            pid: cred.pid(),
            user,
        })
    }

    /// How the audit log names someone who is not (yet) an operator.
    pub fn label(&self) -> String {
        match &self.user {
            Some(u) => u.clone(),
            None => format!("uid:{}", self.uid),
        }
    }
}
