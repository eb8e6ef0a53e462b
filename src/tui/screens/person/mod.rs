//! One person: their records in every system, masked until revealed with a purpose.

pub mod view;
