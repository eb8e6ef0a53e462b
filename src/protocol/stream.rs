//! Streams of JSON lines: a search's snapshots as each system answers, a
//! run's job states, the session's events. Each line is one value; a line
//! longer than [`super::MAX_LINE_BYTES`] ends the stream with an error.

use super::WireError;
use crate::desk::{JobUpdate, RunReport};
use crate::domain::SearchSnapshot;
use bytes::{Buf, Bytes, BytesMut};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// What to search (the body of [`super::SEARCH`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub query: String,
    /// Upper bound of the whole search, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Ask again by the identifiers found.
    #[serde(default)]
    pub expand: Option<bool>,
}

/// One line of a search stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "snake_case")]
pub enum SearchLine {
    /// The results so far (personal data masked); the last has `done`.
    Snapshot {
        snapshot: Box<SearchSnapshot>,
    },
    Error {
        error: WireError,
    },
}

/// What to run (the body of [`super::RUN`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRequest {
    pub id: i64,
}

/// One line of a run stream.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "snake_case")]
pub enum RunLine {
    Job { update: Box<JobUpdate> },
    Done { report: Box<RunReport> },
    Error { error: WireError },
}

/// `value` as one line.
pub fn line<T: Serialize>(value: &T) -> Bytes {
    let mut v = serde_json::to_vec(value).unwrap_or_else(|e| {
        serde_json::to_vec(&WireError::new(
            super::ErrorKind::Server,
            format!("an answer could not be written: {e}"),
        ))
        .unwrap_or_default()
    });
    v.push(b'\n');
    Bytes::from(v)
}

/// Splits a byte stream into lines and reads each as a `T`.
#[derive(Default)]
pub struct LineReader {
    buf: BytesMut,
}

impl LineReader {
    /// Add what arrived.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), String> {
        self.buf.extend_from_slice(chunk);
        if self.buf.len() > super::MAX_LINE_BYTES && !self.buf.contains(&b'\n') {
            return Err(format!(
                "the server sent a line over {} MiB",
                super::MAX_LINE_BYTES >> 20
            ));
        }
        Ok(())
    }

    /// The next whole line, read as a `T`.
    pub fn next_line<T: DeserializeOwned>(&mut self) -> Option<Result<T, String>> {
        let end = self.buf.iter().position(|&b| b == b'\n')?;
        let line = self.buf.split_to(end + 1);
        let mut line = line.freeze();
        line.truncate(end);
        if line.iter().all(u8::is_ascii_whitespace) {
            return self.next_line();
        }
        Some(
            serde_json::from_slice(line.chunk())
                .map_err(|e| format!("a line the server sent is not understood: {e}")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_wherever_the_chunks_break() {
        let mut text = Vec::new();
        for i in 0..3 {
            text.extend_from_slice(&line(&RunRequest { id: i }));
        }
        for cut in 0..text.len() {
            let mut r = LineReader::default();
            let mut got = Vec::new();
            for part in [&text[..cut], &text[cut..]] {
                r.push(part).unwrap();
                while let Some(v) = r.next_line::<RunRequest>() {
                    got.push(v.unwrap().id);
                }
            }
            assert_eq!(got, [0, 1, 2], "cut at {cut}");
        }
    }

    #[test]
    fn a_line_without_end_past_the_limit_is_an_error() {
        let mut r = LineReader::default();
        let big = vec![b'x'; crate::protocol::MAX_LINE_BYTES + 1];
        assert!(r.push(&big).is_err());
    }
}
