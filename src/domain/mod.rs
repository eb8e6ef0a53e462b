//! Plain types of the privacy desk: records, persons, query kinds, operators,
//! masking and text safety. No I/O, no terminal, no HTTP, no SQL.

pub mod mask;
pub mod operator;
pub mod query;
pub mod record;
pub mod request;
pub mod search;
pub mod status;
pub mod text;

pub use operator::{Operator, Role};
pub use query::{QueryKind, SearchQuery};
pub use record::{ExtraField, LinkKey, Person, Record};
pub use request::{Category, Law, RequestKind};
pub use search::{SearchSnapshot, SystemState};
pub use status::SystemStatus;
