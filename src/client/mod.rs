//! The client side of the protocol: what the TUI and every command use
//! instead of a desk of their own. A [`Client`] is one session with a
//! server: over the server's socket, or with a server of its own in this
//! process (the embedded desk of `--config FILE`, which the user's own uid
//! operates, as a single-user desk always did).
//!
//! It has one method per desk operation (`ops.rs`, from the protocol's
//! table), the streams (a search, a run, the events), and downloads of
//! the files the server hands over (`download.rs`). A connection found
//! broken before a call is made again, with a new hello; a call whose
//! connection breaks while it is under way is reported as such (it may or
//! may not have been carried out), never sent twice.

mod download;
mod ops;
mod package;
pub mod streams;
mod time;

pub use download::{download_dir, download_file};
pub use package::{build_and_fetch, local_package_dir, verify_local};
pub use streams::{EventStream, RunStream, SearchStream};

use crate::calendar::Calendar;
use crate::config::Config;
use crate::desk::DeskError;
use crate::domain::Operator;
use crate::protocol::{self, Call, ClientSettings, Hello, Welcome, WireError};
use crate::server::Server;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http2::SendRequest;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::net::UnixStream;

/// Where the server is.
#[derive(Clone)]
pub enum Target {
    /// A server's socket.
    Socket(PathBuf),
    /// A server in this process.
    Embedded(Arc<Server>),
}

impl Target {
    fn describe(&self) -> String {
        match self {
            Target::Socket(p) => format!("the privdesk server at {}", p.display()),
            Target::Embedded(_) => "the desk in this process".to_string(),
        }
    }

    async fn connect(&self) -> Result<UnixStream, DeskError> {
        match self {
            Target::Socket(p) => UnixStream::connect(p).await.map_err(|e| {
                // The socket's group said no: a refusal like any other (exit 5).
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    return DeskError::Refused(format!(
                        "cannot connect to the privdesk server at {}: permission denied: only members of the desk's operators group may connect (ask an administrator)",
                        p.display()
                    ));
                }
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "no server listens there (is it running? `systemctl status privdesk`; for a desk of your own, give --config FILE)".to_string(),
                    std::io::ErrorKind::ConnectionRefused => "the socket is there but no server answers (it stopped)".to_string(),
                    _ => e.to_string(),
                };
                DeskError::Unavailable(format!("cannot reach the privdesk server at {}: {why}", p.display()))
            }),
            Target::Embedded(s) => s
                .connect_in_process()
                .map_err(|e| DeskError::Unavailable(format!("cannot open the desk: {e}"))),
        }
    }
}

struct Inner {
    target: Target,
    hello: Hello,
    welcome: Welcome,
    calendar: Calendar,
    conn: Mutex<SendRequest<Full<Bytes>>>,
}

/// One session with a server.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// Open an HTTP/2 connection and say hello on it.
async fn handshake(
    target: &Target,
    hello: &Hello,
) -> Result<(SendRequest<Full<Bytes>>, Welcome), DeskError> {
    let stream = target.connect().await?;
    let mut builder = hyper::client::conn::http2::Builder::new(TokioExecutor::new());
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .max_header_list_size(16 << 10)
        .keep_alive_interval(Some(std::time::Duration::from_secs(30)))
        .keep_alive_timeout(std::time::Duration::from_secs(20));
    let (mut send, conn) = builder.handshake(TokioIo::new(stream)).await.map_err(|e| {
        DeskError::Unavailable(format!(
            "{} does not speak privdesk's protocol: {e}",
            target.describe()
        ))
    })?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "connection to the server ended");
        }
    });
    let body = serde_json::to_vec(hello).unwrap_or_default();
    let answer = send_json(&mut send, hello.protocol, protocol::HELLO, body).await?;
    let welcome: Welcome = serde_json::from_slice(&answer)
        .map_err(|e| DeskError::Version(format!("the server's welcome is not understood ({e}); client and server are of different versions")))?;
    Ok((send, welcome))
}

fn request(protocol: u32, method: Method, path: &str, body: Vec<u8>) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(format!("http://privdesk{path}"))
        .header(protocol::HEADER_PROTOCOL, protocol.to_string())
        .header(
            hyper::header::USER_AGENT,
            format!("privdesk/{}", protocol::VERSION),
        )
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_default()
}

/// The error an answer that is not 200 carries.
async fn answer_error(status: StatusCode, body: hyper::body::Incoming) -> DeskError {
    let bytes = Limited::new(body, 1 << 20)
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    match serde_json::from_slice::<WireError>(&bytes) {
        Ok(w) => w.into(),
        Err(_) => DeskError::Server(format!(
            "the server answered HTTP {status}: {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
        )),
    }
}

/// Send a request and read the whole answer.
async fn send_json(
    send: &mut SendRequest<Full<Bytes>>,
    protocol: u32,
    path: &str,
    body: Vec<u8>,
) -> Result<Bytes, DeskError> {
    let resp = send_request(send, request(protocol, Method::POST, path, body)).await?;
    let status = resp.status();
    let body = resp.into_body();
    if status != StatusCode::OK {
        return Err(answer_error(status, body).await);
    }
    Limited::new(body, protocol::MAX_ANSWER_BYTES)
        .collect()
        .await
        .map(|c| c.to_bytes())
        .map_err(|e| DeskError::Unavailable(format!("the server's answer was cut off ({e}); the operation may or may not have been carried out: look again")))
}

async fn send_request(
    send: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
) -> Result<hyper::Response<hyper::body::Incoming>, DeskError> {
    send.ready().await.map_err(|e| {
        DeskError::Unavailable(format!("the connection to the server is gone ({e})"))
    })?;
    send.send_request(req).await.map_err(|e| {
        DeskError::Unavailable(format!(
            "the connection to the server broke ({e}); the operation may or may not have been carried out: look again"
        ))
    })
}

impl Client {
    /// Connect to `target` and say hello: the server tells who the
    /// operator is (or refuses).
    pub async fn connect(target: Target, hello: Hello) -> Result<Client, DeskError> {
        let (send, welcome) = handshake(&target, &hello).await?;
        let calendar =
            Calendar::from_config(&welcome.settings.calendar).map_err(DeskError::Config)?;
        Ok(Client {
            inner: Arc::new(Inner {
                target,
                hello,
                welcome,
                calendar,
                conn: Mutex::new(send),
            }),
        })
    }

    /// A desk of one's own over `config`, served in this process.
    pub async fn embedded(config: Config, hello: Hello) -> Result<Client, DeskError> {
        let server = Server::start(config)?;
        Client::connect(Target::Embedded(server), hello).await
    }

    /// The socket a client connects to: `--server`, else
    /// `$PRIVDESK_SERVER`, else the default.
    pub fn socket_path(flag: Option<&Path>) -> PathBuf {
        if let Some(p) = flag {
            return p.to_path_buf();
        }
        match std::env::var_os("PRIVDESK_SERVER").filter(|v| !v.is_empty()) {
            Some(v) => PathBuf::from(v),
            None => PathBuf::from(protocol::DEFAULT_SOCKET),
        }
    }

    pub fn operator(&self) -> &Operator {
        &self.inner.welcome.operator
    }

    pub fn settings(&self) -> &ClientSettings {
        &self.inner.welcome.settings
    }

    pub fn welcome(&self) -> &Welcome {
        &self.inner.welcome
    }

    /// The desk's business calendar (from the server's configuration).
    pub fn calendar(&self) -> &Calendar {
        &self.inner.calendar
    }

    /// The server in this process, for an embedded desk.
    pub fn embedded_server(&self) -> Option<&Arc<Server>> {
        match &self.inner.target {
            Target::Embedded(s) => Some(s),
            Target::Socket(_) => None,
        }
    }

    pub fn target(&self) -> &Target {
        &self.inner.target
    }

    /// The connection, opened again (with a new hello) if it is known to be
    /// closed; nothing was sent on a closed one.
    async fn sender(&self) -> Result<SendRequest<Full<Bytes>>, DeskError> {
        let current = self
            .inner
            .conn
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if !current.is_closed() {
            return Ok(current);
        }
        let (send, _) = handshake(&self.inner.target, &self.inner.hello).await?;
        *self.inner.conn.lock().unwrap_or_else(|p| p.into_inner()) = send.clone();
        Ok(send)
    }

    /// Whether the connection is known to be gone.
    pub fn is_closed(&self) -> bool {
        self.inner
            .conn
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_closed()
    }

    /// Connect again now (after the server restarted).
    pub async fn reconnect(&self) -> Result<(), DeskError> {
        let (send, _) = handshake(&self.inner.target, &self.inner.hello).await?;
        *self.inner.conn.lock().unwrap_or_else(|p| p.into_inner()) = send;
        Ok(())
    }

    /// One desk operation.
    pub async fn call<T: DeserializeOwned>(&self, call: Call) -> Result<T, DeskError> {
        let body = serde_json::to_vec(&call)
            .map_err(|e| DeskError::Invalid(format!("the request could not be written: {e}")))?;
        let mut send = self.sender().await?;
        let bytes = send_json(&mut send, self.inner.hello.protocol, protocol::CALL, body).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            DeskError::Version(format!(
                "the server's answer to {} is not understood ({e}); client and server are of different versions",
                call.name()
            ))
        })
    }

    /// Start a streamed request; the answer's body.
    async fn stream<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<hyper::body::Incoming, DeskError> {
        let body = if method == Method::GET {
            Vec::new()
        } else {
            serde_json::to_vec(body).unwrap_or_default()
        };
        let mut send = self.sender().await?;
        let resp = send_request(
            &mut send,
            request(self.inner.hello.protocol, method, path, body),
        )
        .await?;
        let status = resp.status();
        if status != StatusCode::OK {
            return Err(answer_error(status, resp.into_body()).await);
        }
        Ok(resp.into_body())
    }
}
