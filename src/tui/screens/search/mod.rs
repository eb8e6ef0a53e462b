//! The search screen: the query box and the persons found across the systems.

pub mod view;
