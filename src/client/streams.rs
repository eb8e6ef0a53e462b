//! The streamed answers: a search's snapshots, a run's job states and the
//! session's events, each a JSON line, read as they arrive.

use super::Client;
use crate::desk::{DeskError, JobUpdate, RunReport};
use crate::domain::SearchSnapshot;
use crate::protocol::stream::{LineReader, RunLine, RunRequest, SearchLine, SearchRequest};
use crate::protocol::{self, Event};
use http_body_util::BodyExt;
use hyper::Method;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

/// Read the lines of `body` as `T`s into a channel; a broken stream ends
/// with `on_error`'s item.
fn spawn_reader<T: DeserializeOwned + Send + 'static>(
    mut body: hyper::body::Incoming,
    on_error: impl Fn(String) -> Option<T> + Send + 'static,
) -> mpsc::UnboundedReceiver<T> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut reader = LineReader::default();
        loop {
            match body.frame().await {
                Some(Ok(frame)) => {
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    if let Err(e) = reader.push(&data) {
                        if let Some(item) = on_error(e) {
                            let _ = tx.send(item);
                        }
                        return;
                    }
                    while let Some(item) = reader.next_line::<T>() {
                        match item {
                            Ok(v) => {
                                if tx.send(v).is_err() {
                                    return;
                                }
                            }
                            Err(e) => {
                                if let Some(item) = on_error(e) {
                                    let _ = tx.send(item);
                                }
                                return;
                            }
                        }
                    }
                }
                Some(Err(e)) => {
                    if let Some(item) =
                        on_error(format!("the connection to the server broke ({e})"))
                    {
                        let _ = tx.send(item);
                    }
                    return;
                }
                None => return,
            }
        }
    });
    rx
}

/// A search's snapshots as systems answer; the last one is `done`.
pub struct SearchStream {
    rx: mpsc::UnboundedReceiver<Result<SearchSnapshot, DeskError>>,
}

impl SearchStream {
    /// The next snapshot (`None` once the stream ended).
    pub async fn next(&mut self) -> Option<Result<SearchSnapshot, DeskError>> {
        self.rx.recv().await
    }

    /// Wait for the last snapshot.
    pub async fn finish(mut self) -> Result<SearchSnapshot, DeskError> {
        let mut last = None;
        while let Some(s) = self.next().await {
            let s = s?;
            let done = s.done;
            last = Some(s);
            if done {
                break;
            }
        }
        last.ok_or_else(|| DeskError::Unavailable("the search ended without an answer".into()))
    }
}

/// A run's job states as they change, then its report.
pub struct RunStream {
    rx: mpsc::UnboundedReceiver<RunLine>,
}

pub enum RunItem {
    Job(JobUpdate),
    /// Boxed: the report (or error) is far larger than a job's state, and
    /// arrives once per run.
    Done(Box<Result<RunReport, DeskError>>),
}

impl RunStream {
    pub async fn next(&mut self) -> Option<RunItem> {
        Some(match self.rx.recv().await? {
            RunLine::Job { update } => RunItem::Job(*update),
            RunLine::Done { report } => RunItem::Done(Box::new(Ok(*report))),
            RunLine::Error { error } => RunItem::Done(Box::new(Err(error.into()))),
        })
    }
}

/// The session's pushes.
pub struct EventStream {
    rx: mpsc::UnboundedReceiver<Event>,
}

impl EventStream {
    /// The next event; `None` when the connection ended.
    pub async fn next(&mut self) -> Option<Event> {
        self.rx.recv().await
    }
}

impl Client {
    /// Search every system: snapshots stream in as each answers.
    pub async fn search(&self, req: &SearchRequest) -> Result<SearchStream, DeskError> {
        let body = self.stream(Method::POST, protocol::SEARCH, req).await?;
        let lines = spawn_reader::<SearchLine>(body, |e| {
            Some(SearchLine::Error {
                error: crate::protocol::WireError::new(crate::protocol::ErrorKind::Server, e),
            })
        });
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut lines = lines;
            while let Some(l) = lines.recv().await {
                let item = match l {
                    SearchLine::Snapshot { snapshot } => Ok(*snapshot),
                    SearchLine::Error { error } => Err(error.into()),
                };
                if tx.send(item).is_err() {
                    break;
                }
            }
        });
        Ok(SearchStream { rx })
    }

    /// Run an approved action; job states stream in as they change.
    pub async fn run_action(&self, id: i64) -> Result<RunStream, DeskError> {
        let body = self
            .stream(Method::POST, protocol::RUN, &RunRequest { id })
            .await?;
        let rx = spawn_reader::<RunLine>(body, |e| {
            Some(RunLine::Error {
                error: crate::protocol::WireError::new(
                    crate::protocol::ErrorKind::Server,
                    format!("{e}; the run goes on in the server: look again"),
                ),
            })
        });
        Ok(RunStream { rx })
    }

    /// The session's pushes (changes, the open queue, access).
    pub async fn events(&self) -> Result<EventStream, DeskError> {
        let body = self.stream(Method::GET, protocol::EVENTS, &()).await?;
        let rx = spawn_reader::<Event>(body, |_| None);
        Ok(EventStream { rx })
    }
}
