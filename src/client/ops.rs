//! One method per desk operation, from the protocol's table: the same
//! names and arguments as the desk's methods, answered by the server.

use super::Client;
use crate::desk::{ActionRequest, DeskError, DuplicateQuery, ManualInput};
use crate::domain::queue::{BulkOp, QueueQuery};
use crate::domain::{AuditFilter, TaskFilter};
use crate::domain::{
    CaseFilter, CaseId, DeliveryFormat, Lang, LinkedRecord, NewCase, Priority, Representative,
    Requester, StatusChange, VerificationInput,
};
use crate::protocol::calls::{desk_calls, RecordKey};
use crate::protocol::Call;
use chrono::{DateTime, FixedOffset, NaiveDate};

macro_rules! client_methods {
    ($( $(#[$doc:meta])* $variant:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty ; )*) => {
        impl Client {
            $(
                $(#[$doc])*
                pub async fn $name(&self, $($arg: $ty),*) -> Result<$ret, DeskError> {
                    self.call(Call::$variant { $($arg),* }).await
                }
            )*
        }
    };
}

desk_calls!(client_methods);
