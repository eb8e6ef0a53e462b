//! Identity resolution: normalisation, linking records into persons, ranking.
//!
//! Pure functions, no I/O. A search fans out to every system; the records that
//! come back go through [`resolve`]: [`link`] groups them into persons by shared
//! identifiers, [`rank`] scores each person against the query.

pub mod normalize;

mod link;
mod query;
mod rank;

#[cfg(test)]
mod tests;

pub use link::link;
pub use query::{detect_kind, prepare_query, QueryError};
pub use rank::{dice, rank};

use crate::domain::{Person, Record, SearchQuery};

/// Link `records` into persons and rank them against `query`, best first.
pub fn resolve(records: Vec<Record>, query: &SearchQuery) -> Vec<Person> {
    let mut persons = link(records);
    rank(&mut persons, query);
    persons
}
