//! Errors on the wire: the desk's [`DeskError`] as a kind, the operator's
//! message, and what the kind needs (the changes of a conflict, the case or
//! system concerned), so a client gets back the same error the desk raised
//! and the command line keeps its exit codes.

use crate::desk::DeskError;
use crate::domain::{CaseConflict, CaseId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The operator may not use the desk (unknown uid, removed).
    Refused,
    /// The operator may not do this.
    Denied,
    Invalid,
    Config,
    System,
    NotFound,
    Conflict,
    /// The store or the server itself failed.
    Server,
    /// Client and server speak different protocols.
    Version,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireError {
    pub kind: ErrorKind,
    /// Worded for the operator.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<CaseId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<CaseConflict>>,
}

impl WireError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> WireError {
        WireError {
            kind,
            message: message.into(),
            system: None,
            case: None,
            conflict: None,
        }
    }

    /// The HTTP status the error travels with.
    pub fn status(&self) -> u16 {
        match self.kind {
            ErrorKind::Refused | ErrorKind::Denied => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::Invalid | ErrorKind::Config => 422,
            ErrorKind::Version => 426,
            ErrorKind::System => 502,
            ErrorKind::Server => 500,
        }
    }
}

impl From<&DeskError> for WireError {
    fn from(e: &DeskError) -> WireError {
        let (kind, message) = match e {
            DeskError::Refused(m) => (ErrorKind::Refused, m.clone()),
            DeskError::Denied(m) => (ErrorKind::Denied, m.clone()),
            DeskError::Invalid(m) => (ErrorKind::Invalid, m.clone()),
            DeskError::Config(m) => (ErrorKind::Config, m.clone()),
            DeskError::System { system, message } => {
                let mut w = WireError::new(ErrorKind::System, message.clone());
                w.system = Some(system.clone());
                return w;
            }
            DeskError::NotFound(id) => {
                let mut w = WireError::new(ErrorKind::NotFound, e.to_string());
                w.case = Some(*id);
                return w;
            }
            DeskError::Conflict(c) => {
                let mut w = WireError::new(ErrorKind::Conflict, e.to_string());
                w.conflict = Some(c.clone());
                return w;
            }
            DeskError::Store(_) | DeskError::Server(_) | DeskError::Unavailable(_) => {
                (ErrorKind::Server, e.to_string())
            }
            DeskError::Version(m) => (ErrorKind::Version, m.clone()),
        };
        WireError::new(kind, message)
    }
}

impl From<WireError> for DeskError {
    fn from(w: WireError) -> DeskError {
        match w.kind {
            ErrorKind::Refused => DeskError::Refused(w.message),
            ErrorKind::Denied => DeskError::Denied(w.message),
            ErrorKind::Invalid => DeskError::Invalid(w.message),
            ErrorKind::Config => DeskError::Config(w.message),
            ErrorKind::System => DeskError::System {
                system: w.system.unwrap_or_default(),
                message: w.message,
            },
            ErrorKind::NotFound => match w.case {
                Some(id) => DeskError::NotFound(id),
                None => DeskError::Invalid(w.message),
            },
            ErrorKind::Conflict => match w.conflict {
                Some(c) => DeskError::Conflict(c),
                None => DeskError::Invalid(w.message),
            },
            ErrorKind::Server => DeskError::Server(w.message),
            ErrorKind::Version => DeskError::Version(w.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(e: DeskError) -> DeskError {
        let w = WireError::from(&e);
        let text = serde_json::to_string(&w).unwrap();
        DeskError::from(serde_json::from_str::<WireError>(&text).unwrap())
    }

    #[test]
    fn desk_errors_come_back_as_they_left() {
        let id = CaseId::parse("PD-2026-000007").unwrap();
        for e in [
            DeskError::Refused("user \"eve\" is not an operator".into()),
            DeskError::Denied("agents cannot approve".into()),
            DeskError::Invalid("no such status".into()),
            DeskError::Config("systems.crm: bad".into()),
            DeskError::System {
                system: "crm".into(),
                message: "timed out after 5 s".into(),
            },
            DeskError::NotFound(id),
            DeskError::Conflict(Box::new(CaseConflict {
                case_id: id,
                seen_version: 2,
                current_version: 3,
                changes: vec![],
            })),
            DeskError::Version("protocol 2, server 1".into()),
        ] {
            let text = e.to_string();
            let back = round(e);
            assert_eq!(back.to_string(), text);
        }
        assert!(matches!(round(DeskError::NotFound(id)), DeskError::NotFound(x) if x == id));
        assert!(matches!(
            round(DeskError::Server("disk full".into())),
            DeskError::Server(m) if m == "disk full"
        ));
    }
}
