//! The start of a session: the version was checked by the route; here the
//! peer's uid becomes an operator (or is refused, audited), and the client
//! gets what its screens need of the configuration.

use super::session::Session;
use super::Server;
use crate::desk::DeskError;
use crate::domain::AuditKind;
use crate::protocol::{ClientSettings, Hello, Welcome};
use crate::store::NewAuditEntry;
use serde_json::json;

impl Server {
    pub(crate) fn welcome(&self, session: &Session, h: &Hello) -> Result<Welcome, DeskError> {
        if session.desk().is_some() {
            return Err(DeskError::Invalid("this session said hello already".into()));
        }
        let peer = &session.peer;
        let found = match (&peer.user, &h.act_as) {
            (None, _) => Err(format!(
                "uid {} has no name in this host's user database, so it cannot be an operator; an administrator must give it a user name and add it to [operators]",
                peer.uid
            )),
            (Some(_), Some(other)) if self.config().demo => self.operators.operator(other),
            (Some(user), Some(other)) => Err(format!(
                "--as {other} is accepted only by a demo server; this desk knows you as \"{user}\" by your login, and nothing a client sends changes that"
            )),
            (Some(user), None) => self.operators.operator(user),
        };
        let operator = match found {
            Ok(op) => op,
            Err(why) => {
                self.audit_refusal(session, h, &why);
                return Err(DeskError::Refused(why));
            }
        };
        let desk = self.core.desk_as(operator.clone());
        if let Some(other) = &h.act_as {
            desk.audit(
                AuditKind::SessionAs,
                "session",
                json!({ "os_user": peer.label(), "uid": peer.uid, "acting_as": other }),
            )?;
        }
        let settings = ClientSettings {
            demo: self.config().demo,
            purposes: self.config().reveal.purposes.clone(),
            systems: self
                .core
                .connectors()
                .iter()
                .map(|c| (c.name().to_string(), c.badge()))
                .collect(),
            channels: self.config().cases.channels.clone(),
            assignees: self.operators.assignees(),
            calendar: self.config().calendar.clone(),
            deadlines: self.config().deadlines.clone(),
            letter_templates: desk.letter_templates(),
            queue_sections: desk.queue_sections(),
            ui: self.config().ui.clone(),
            keys: self.config().keys.clone(),
        };
        session.set_desk(desk);
        tracing::info!(session = session.id, client = %h.client, role = %operator.role, "session opened");
        Ok(Welcome {
            protocol: crate::protocol::PROTOCOL,
            version: crate::protocol::VERSION.to_string(),
            operator,
            settings,
        })
    }

    /// A refused connection leaves its trace like every other refusal.
    fn audit_refusal(&self, session: &Session, h: &Hello, why: &str) {
        let peer = &session.peer;
        let entry = NewAuditEntry {
            operator: peer.label(),
            kind: AuditKind::Denied,
            subject: "session".into(),
            details: json!({
                "uid": peer.uid,
                "pid": peer.pid,
                "reason": why,
                "client": h.client,
                "acting_as": h.act_as,
            }),
        };
        if let Err(e) = self.core.store().append_audit(&entry) {
            tracing::warn!(error = %e, "a refused connection could not be audited");
        }
        tracing::warn!(uid = peer.uid, "a connection was refused");
    }
}
