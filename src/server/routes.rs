//! The HTTP/2 side of a session: the routes of `protocol`, served on one
//! connection with the session attached to every request.

use super::dispatch;
use super::limits::Act;
use super::mask;
use super::session::Session;
use crate::desk::{DeskError, SearchOptions};
use crate::protocol::stream::{line, RunLine, RunRequest, SearchLine, SearchRequest};
use crate::protocol::{self, Call, ErrorKind, Event, Hello, Welcome, WireError};
use axum::body::{Body, Bytes};
use axum::extract::{Extension, Path, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures::StreamExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::UnixStream;
use tokio::sync::mpsc;

/// Serve `stream` as HTTP/2 until the client goes.
pub(crate) async fn serve(session: Arc<Session>, stream: UnixStream) {
    let app = Router::new()
        .route(protocol::HELLO, post(hello))
        .route(protocol::CALL, post(call))
        .route(protocol::SEARCH, post(search))
        .route(protocol::RUN, post(run))
        .route(protocol::EVENTS, get(events))
        .route(
            &format!("{}/{{token}}/{{name}}", protocol::FILES),
            get(file),
        )
        .fallback(unknown)
        .layer(middleware::from_fn(check_protocol))
        .layer(Extension(session.clone()));
    let service = TowerToHyperService::new(app);
    let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .max_header_list_size(16 << 10)
        .max_concurrent_streams(256)
        .keep_alive_interval(Some(Duration::from_secs(30)))
        .keep_alive_timeout(Duration::from_secs(20));
    if let Err(e) = builder
        .serve_connection(TokioIo::new(stream), service)
        .await
    {
        tracing::debug!(session = session.id, error = %e, "connection ended");
    }
}

/// An error as the client reads it.
fn error_response(w: WireError) -> Response {
    let status = StatusCode::from_u16(w.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(w)).into_response()
}

fn desk_error(e: &DeskError) -> Response {
    error_response(WireError::from(e))
}

async fn check_protocol(req: Request, next: Next) -> Response {
    let theirs = req
        .headers()
        .get(protocol::HEADER_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u32>().ok());
    if theirs != Some(protocol::PROTOCOL) {
        // Clients say which privdesk they are as `privdesk/VERSION`.
        let their_version = req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("privdesk/"));
        return error_response(WireError::new(
            ErrorKind::Version,
            version_message(theirs.map(|p| p.to_string()).as_deref(), their_version),
        ));
    }
    next.run(req).await
}

fn version_message(theirs: Option<&str>, their_version: Option<&str>) -> String {
    format!(
        "this server is privdesk {} (protocol {}); the client is {}{}: use the privdesk installed with the server, or have both upgraded",
        protocol::VERSION,
        protocol::PROTOCOL,
        their_version.map(|v| format!("privdesk {v} ")).unwrap_or_default(),
        match theirs {
            Some(p) => format!("(protocol {p})"),
            None => "of an unknown protocol".to_string(),
        }
    )
}

async fn unknown(req: Request) -> Response {
    error_response(WireError::new(
        ErrorKind::Invalid,
        format!(
            "{} is not a route of this server (privdesk {})",
            req.uri().path(),
            protocol::VERSION
        ),
    ))
}

/// A JSON body, read within the size limit.
async fn read_json<T: serde::de::DeserializeOwned>(body: Body) -> Result<T, Response> {
    let bytes = axum::body::to_bytes(body, protocol::MAX_REQUEST_BYTES)
        .await
        .map_err(|_| {
            error_response(WireError::new(
                ErrorKind::Invalid,
                format!(
                    "the request is over {} MiB",
                    protocol::MAX_REQUEST_BYTES >> 20
                ),
            ))
        })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        error_response(WireError::new(
            ErrorKind::Invalid,
            format!("the request could not be read ({e}); is the client of another version?"),
        ))
    })
}

fn json_response(v: &serde_json::Value) -> Response {
    let body = serde_json::to_vec(v).unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// The session's desk, or the answer to a client that skipped hello.
// The Err is the handler's finished answer, returned as is (as `read_json`'s
// is); it is built once, on a refused request, so boxing it would buy nothing.
#[allow(clippy::result_large_err)]
fn desk_of(session: &Session) -> Result<crate::desk::Desk, Response> {
    session.desk().cloned().ok_or_else(|| {
        error_response(WireError::new(
            ErrorKind::Invalid,
            "say hello first: the session has no operator yet",
        ))
    })
}

async fn hello(Extension(session): Extension<Arc<Session>>, body: Body) -> Response {
    let h: Hello = match read_json(body).await {
        Ok(h) => h,
        Err(r) => return r,
    };
    if h.protocol != protocol::PROTOCOL {
        return error_response(WireError::new(
            ErrorKind::Version,
            version_message(Some(&h.protocol.to_string()), Some(&h.version)),
        ));
    }
    match session.server.welcome(&session, &h) {
        Ok(w) => json_response(&serde_json::to_value::<Welcome>(w).unwrap_or_default()),
        Err(e) => desk_error(&e),
    }
}

async fn call(Extension(session): Extension<Arc<Session>>, body: Body) -> Response {
    let desk = match desk_of(&session) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let c: Call = match read_json(body).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let name = c.name();
    match dispatch::call(&session, &desk, c).await {
        Ok(out) => {
            session.server.publish(out.change);
            json_response(&out.value)
        }
        Err(e) => {
            tracing::debug!(session = session.id, op = name, "refused or failed");
            desk_error(&e)
        }
    }
}

/// A body of JSON lines from a channel.
fn lines(rx: mpsc::UnboundedReceiver<Bytes>) -> Response {
    let stream = receiver(rx).map(Ok::<_, std::convert::Infallible>);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-ndjson"),
        )],
        Body::from_stream(stream),
    )
        .into_response()
}

async fn search(Extension(session): Extension<Arc<Session>>, body: Body) -> Response {
    let desk = match desk_of(&session) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let req: SearchRequest = match read_json(body).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let limits = session.server.clone();
    let d = desk.clone();
    let checked = tokio::task::spawn_blocking(move || limits.check_limit(&d, Act::Search)).await;
    match checked {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return desk_error(&e),
        Err(e) => return desk_error(&DeskError::Server(format!("the limit check stopped: {e}"))),
    }
    let opts = SearchOptions {
        timeout: req.timeout_ms.map(Duration::from_millis),
        expand: req.expand,
    };
    let mut run = match desk.start_search(&req.query, opts) {
        Ok(r) => r,
        Err(e) => return desk_error(&e),
    };
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(mut snapshot) = run.updates.recv().await {
            // A client slower than the answers gets the newest snapshot,
            // not every one in between (each holds all found so far).
            while !snapshot.done {
                match run.updates.try_recv() {
                    Ok(newer) => snapshot = newer,
                    Err(_) => break,
                }
            }
            let done = snapshot.done;
            session.keep_records(snapshot.persons.iter().flat_map(|p| p.records.iter()));
            mask::snapshot(&mut snapshot);
            if tx
                .send(line(&SearchLine::Snapshot {
                    snapshot: Box::new(snapshot),
                }))
                .is_err()
            {
                // The client went: dropping the run stops the search's
                // updates; the search itself is stopped with the session.
                break;
            }
            if done {
                break;
            }
        }
    });
    lines(rx)
}

async fn run(Extension(session): Extension<Arc<Session>>, body: Body) -> Response {
    let desk = match desk_of(&session) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let req: RunRequest = match read_json(body).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let (tx, rx) = mpsc::unbounded_channel();
    let server = session.server.clone();
    // The run belongs to the server, not to the connection: a client that
    // goes away does not stop it half-way (which would only leave jobs to
    // reconcile); its progress is pushed to whoever shows the case.
    tokio::spawn(async move {
        let d = desk.clone();
        let case = tokio::task::spawn_blocking(move || d.store().get_action(req.id))
            .await
            .ok()
            .and_then(Result::ok)
            .flatten()
            .map(|a| a.case_id);
        let (progress, mut updates) = mpsc::unbounded_channel();
        let out = tx.clone();
        let srv = server.clone();
        let forward = tokio::spawn(async move {
            while let Some(update) = updates.recv().await {
                let _ = out.send(line(&RunLine::Job {
                    update: Box::new(update),
                }));
                if let Some(case) = case {
                    srv.publish(super::Change::actions(case));
                }
            }
        });
        let result = desk.run_action(req.id, Some(progress)).await;
        let _ = tokio::time::timeout(Duration::from_secs(2), forward).await;
        let last = match result {
            Ok(report) => {
                server.publish(super::Change::actions(report.action.case));
                RunLine::Done {
                    report: Box::new(report),
                }
            }
            Err(e) => RunLine::Error {
                error: WireError::from(&e),
            },
        };
        let _ = tx.send(line(&last));
    });
    lines(rx)
}

async fn events(Extension(session): Extension<Arc<Session>>) -> Response {
    if let Err(r) = desk_of(&session) {
        return r;
    }
    let (tx, rx) = mpsc::unbounded_channel::<Bytes>();
    let _ = tx.send(line(&Event::Ready));
    session.open_events(tx);
    let stream = receiver(rx).map(Ok::<_, std::convert::Infallible>);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-ndjson"),
        )],
        Body::from_stream(stream),
    )
        .into_response()
}

async fn file(
    Extension(session): Extension<Arc<Session>>,
    Path((token, name)): Path<(String, String)>,
) -> Response {
    if let Err(r) = desk_of(&session) {
        return r;
    }
    let path = match session
        .offered(&token, &name)
        .filter(|_| protocol::files::safe_name(&name))
    {
        Some(p) => p,
        None => {
            return error_response(WireError::new(
                ErrorKind::Invalid,
                format!("no file {name} is offered to this session under that token"),
            ))
        }
    };
    match tokio::fs::File::open(&path).await {
        Ok(f) => {
            let len = f.metadata().await.map(|m| m.len()).unwrap_or(0);
            if len > protocol::MAX_FILE_BYTES {
                return error_response(WireError::new(
                    ErrorKind::Server,
                    format!("{name} is too large to hand over"),
                ));
            }
            let stream = chunks(f);
            (
                [(header::CONTENT_LENGTH, HeaderValue::from(len))],
                Body::from_stream(stream),
            )
                .into_response()
        }
        Err(e) => error_response(WireError::new(
            ErrorKind::Server,
            format!("{name} cannot be read on the server: {e}"),
        )),
    }
}

/// The items of a channel as a stream.
fn receiver<T: Send + 'static>(
    rx: mpsc::UnboundedReceiver<T>,
) -> impl futures::Stream<Item = T> + Send {
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) })
}

/// A file as a stream of chunks.
fn chunks(f: tokio::fs::File) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send {
    use tokio::io::AsyncReadExt;
    futures::stream::unfold(Some(f), |f| async move {
        let mut f = f?;
        let mut buf = vec![0u8; 64 << 10];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Bytes::from(buf)), Some(f)))
            }
            Err(e) => Some((Err(e), None)),
        }
    })
}
