//! Desk tests against a real SQLite store in a temp folder.
