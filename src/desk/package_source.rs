//! Where a disclosure package gets "the full data of this record" from.

use crate::connectors::{Connector, ConnectorError};
use crate::package::FullRecord;
use futures::future::BoxFuture;
use std::sync::Arc;

/// Gives the full data one system holds in one record.
///
/// Today every system answers with its `fetch` request ([`FetchSource`]).
/// When the connector format gains an `export` request (everything a system
/// holds about a person, beyond the fields `fetch` maps), a source that uses
/// it for the systems that declare one, and `fetch` for the others, is
/// passed to [`super::Desk::build_package_with`] instead: the package
/// workflow stays as it is. A source is also how tests put a failing system
/// in front of the workflow.
pub trait RecordSource: Send + Sync {
    /// The record `record_id` of `system`, with every field the system returned.
    fn full_record<'a>(
        &'a self,
        system: &'a str,
        record_id: &'a str,
    ) -> BoxFuture<'a, Result<FullRecord, ConnectorError>>;
}

/// Full records from each system's `fetch` request.
pub struct FetchSource {
    connectors: Vec<Arc<Connector>>,
}

impl FetchSource {
    pub fn new(connectors: &[Arc<Connector>]) -> FetchSource {
        FetchSource {
            connectors: connectors.to_vec(),
        }
    }
}

impl RecordSource for FetchSource {
    fn full_record<'a>(
        &'a self,
        system: &'a str,
        record_id: &'a str,
    ) -> BoxFuture<'a, Result<FullRecord, ConnectorError>> {
        Box::pin(async move {
            let conn = self
                .connectors
                .iter()
                .find(|c| c.name() == system)
                .ok_or_else(|| {
                    ConnectorError::NotSupported(format!(
                        "{system} is not an enabled system in the configuration"
                    ))
                })?;
            conn.fetch(record_id)
                .await
                .map(|r| FullRecord::from_record(&r))
        })
    }
}
