//! Sending one request to a system: authentication, the per-system limit on
//! requests in flight, retries with backoff and `Retry-After`, the response
//! size limit and JSON decoding.

use super::error::{describe_transport, error_excerpt, ConnectorError};
use crate::config::{AuthKind, HttpMethod, SystemDef};
use crate::domain::status::fmt_ms;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, RETRY_AFTER};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

/// Largest response body read (8 MiB); a larger one is a bad response.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Longest request URL the HTTP stack accepts.
const MAX_URL_BYTES: usize = 65_534;
/// Most of an error body read for its excerpt.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
enum Auth {
    None,
    Header(HeaderName, HeaderValue),
    Basic { user: String, password: String },
    Query { param: String, key: String },
}

/// A request ready to go.
pub(crate) struct Outgoing {
    pub method: HttpMethod,
    pub url: Url,
    pub body: Option<Value>,
    /// GET, or marked idempotent: may be sent again after a transient failure.
    pub retryable: bool,
}

/// A successful (2xx) answer, its body as received (at most
/// [`MAX_BODY_BYTES`]): each caller parses it as it needs.
pub(crate) struct Incoming {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Incoming {
    pub fn json(&self) -> Result<Value, ConnectorError> {
        parse_json(&self.body)
    }
}

/// The HTTP side of one connector.
pub(crate) struct Http {
    /// The system's name (a session's slots are counted per system).
    name: String,
    client: reqwest::Client,
    auth: Auth,
    /// The server-wide cap (`max_in_flight`).
    permits: Arc<Semaphore>,
    /// Each session's share (`concurrency`).
    per_session: usize,
    /// The system asked everyone to wait until then (`Retry-After`).
    cooldown: std::sync::Mutex<Option<Instant>>,
    retries: u32,
    backoff: Duration,
}

/// Redirects are followed (up to 5) to the origin of `base_url` and to the
/// hosts in `redirect_hosts`; any other is refused before anything is sent
/// there, with an error naming the host.
fn redirects(def: &SystemDef) -> reqwest::redirect::Policy {
    let home_url = Url::parse(&def.base_url).ok();
    let home = home_url.as_ref().map(|u| u.origin());
    // Plain http to a listed host only where the system itself is plain.
    let plain_ok = home_url.as_ref().is_some_and(|u| u.scheme() == "http");
    let allowed: Vec<(String, Option<u16>)> = def
        .redirect_hosts
        .iter()
        .filter_map(|h| crate::config::systems::redirect_host(h).ok())
        .collect();
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 {
            return attempt.error(Refused("more than 5 redirects".into()));
        }
        let to = attempt.url();
        if home.as_ref() == Some(&to.origin()) {
            return attempt.follow();
        }
        let host = to.host_str().unwrap_or("").to_ascii_lowercase();
        let port = to.port_or_known_default();
        let listed = allowed
            .iter()
            .any(|(h, p)| *h == host && p.is_none_or(|p| Some(p) == port));
        if listed && (to.scheme() == "https" || plain_ok) {
            return attempt.follow();
        }
        let shown = match to.port() {
            Some(p) => format!("{host}:{p}"),
            None => host,
        };
        let why = if listed {
            format!("redirected to {shown} over plain http; not followed")
        } else {
            format!("redirected to {shown}; not followed")
        };
        attempt.error(Refused(why))
    })
}

/// A redirect privdesk would not follow.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// One failed attempt.
pub(crate) struct Failure {
    pub error: ConnectorError,
    pub transient: bool,
    pub retry_after: Option<Duration>,
}

impl Failure {
    /// The connection broke while the body was read: worth another try.
    pub fn transport(e: reqwest::Error) -> Failure {
        Failure {
            error: ConnectorError::Unreachable(describe_transport(e)),
            transient: true,
            retry_after: None,
        }
    }

    /// The body is larger than [`MAX_BODY_BYTES`].
    pub fn too_large() -> Failure {
        Failure {
            error: ConnectorError::BadResponse(format!(
                "response larger than {} MiB",
                MAX_BODY_BYTES / (1024 * 1024)
            )),
            transient: false,
            retry_after: None,
        }
    }
}

/// How a successful answer's body is taken in: whole
/// ([`WholeBody`]), or item by item as it arrives (`page::Items`). Either
/// way no more than [`MAX_BODY_BYTES`] are read.
pub(crate) trait TakeBody: Send {
    type Out: Send;
    fn take(
        &mut self,
        resp: reqwest::Response,
    ) -> impl std::future::Future<Output = Result<Self::Out, Failure>> + Send;
}

/// The whole body in one buffer.
pub(crate) struct WholeBody;

impl TakeBody for WholeBody {
    type Out = Vec<u8>;
    async fn take(&mut self, mut resp: reqwest::Response) -> Result<Vec<u8>, Failure> {
        // Room for the whole announced body at once: growing by doubling
        // would hold the old and the new buffer together.
        let announced = resp.content_length().unwrap_or(0) as usize;
        let mut body = Vec::with_capacity(announced.min(MAX_BODY_BYTES));
        while let Some(chunk) = resp.chunk().await.map_err(Failure::transport)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(Failure::too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

impl Http {
    pub fn new(name: &str, def: &SystemDef, timeout: Duration) -> Result<Http, String> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for (k, v) in &def.headers {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| format!("headers: `{k}` is not a valid header name"))?;
            let value = HeaderValue::from_str(v)
                .map_err(|_| format!("headers.{k}: the value is not a valid header value"))?;
            headers.insert(name, value);
        }
        let auth = build_auth(def)?;
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(concat!("privdesk/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(redirects(def))
            .build()
            .map_err(|e| format!("tls: cannot set up the HTTP client: {}", e.without_url()))?;
        if def.concurrency == 0 {
            return Err("concurrency: must be at least 1".to_string());
        }
        Ok(Http {
            name: name.to_string(),
            client,
            auth,
            permits: Arc::new(Semaphore::new(
                def.max_in_flight
                    .max(def.concurrency)
                    .min(Semaphore::MAX_PERMITS),
            )),
            per_session: def.concurrency,
            cooldown: std::sync::Mutex::new(None),
            retries: def.retries,
            backoff: Duration::from_millis(def.backoff_ms),
        })
    }

    /// Wait for this session's slot and one of the server's, and for the
    /// end of a wait the system asked for, within `deadline`.
    async fn slots(
        &self,
        deadline: Instant,
    ) -> Result<
        (
            Option<tokio::sync::OwnedSemaphorePermit>,
            tokio::sync::OwnedSemaphorePermit,
        ),
        String,
    > {
        let wait = async {
            let mine = super::limits::session_slot(&self.name, self.per_session).await;
            let cooldown = *self.cooldown.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(until) = cooldown {
                tokio::time::sleep_until(until).await;
            }
            let server = self.permits.clone().acquire_owned().await;
            (mine, server)
        };
        match tokio::time::timeout_at(deadline, wait).await {
            Ok((mine, Ok(server))) => Ok((mine, server)),
            Ok((_, Err(_))) => Err("connector closed".into()),
            Err(_) => Err("no request slot came free in time".into()),
        }
    }

    /// The system said to wait this long before asking again: every
    /// session waits.
    fn hold_off(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut c = self.cooldown.lock().unwrap_or_else(|p| p.into_inner());
        if c.is_none_or(|t| t < until) {
            *c = Some(until);
        }
    }

    /// Send with retries until success, a permanent failure, the retries
    /// are used up, or the next wait would pass `deadline`.
    pub async fn send(
        &self,
        req: &Outgoing,
        deadline: Instant,
    ) -> Result<Incoming, ConnectorError> {
        let (headers, body) = self.send_taking(req, deadline, &mut WholeBody).await?;
        Ok(Incoming { headers, body })
    }

    /// As [`Http::send`], with the body taken in by `take`.
    pub async fn send_taking<T: TakeBody>(
        &self,
        req: &Outgoing,
        deadline: Instant,
        take: &mut T,
    ) -> Result<(HeaderMap, T::Out), ConnectorError> {
        let mut attempt: u32 = 0;
        loop {
            let failure = match self.attempt(req, deadline, &mut *take).await {
                Ok(got) => return Ok(got),
                Err(f) => f,
            };
            if let Some(ra) = failure.retry_after {
                self.hold_off(ra);
            }
            if !req.retryable || !failure.transient || attempt >= self.retries {
                return Err(failure.error);
            }
            let backoff = backoff_delay(self.backoff, attempt);
            let wait = failure.retry_after.unwrap_or(backoff);
            let left = deadline.saturating_duration_since(Instant::now());
            if wait >= left {
                return Err(match (failure.retry_after, failure.error) {
                    (Some(ra), ConnectorError::Http { code, .. }) => {
                        let what = if code == 429 {
                            "rate limited"
                        } else {
                            "unavailable"
                        };
                        ConnectorError::Http {
                            code,
                            message: format!(
                                "{what}: Retry-After {} exceeds the time left",
                                fmt_ms(ra.as_millis() as u64)
                            ),
                        }
                    }
                    (_, e) => e,
                });
            }
            tracing::debug!(
                attempt = attempt + 1,
                wait_ms = wait.as_millis() as u64,
                "retrying request"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt, holding a permit from the in-flight limit.
    async fn attempt<T: TakeBody>(
        &self,
        req: &Outgoing,
        deadline: Instant,
        take: &mut T,
    ) -> Result<(HeaderMap, T::Out), Failure> {
        // The search's own time limit (around this) ends a wait that lasts
        // past the deadline; this one only backs it up.
        let _slots = self
            .slots(deadline + Duration::from_secs(1))
            .await
            .map_err(|why| Failure {
                error: ConnectorError::Unreachable(why),
                transient: false,
                retry_after: None,
            })?;
        let mut url = req.url.clone();
        if let Auth::Query { param, key } = &self.auth {
            set_query_param(&mut url, param, key);
        }
        if url.as_str().len() > MAX_URL_BYTES {
            return Err(Failure {
                error: ConnectorError::NotSupported(format!(
                    "query too long: the request URL would be {} bytes (at most {MAX_URL_BYTES})",
                    url.as_str().len()
                )),
                transient: false,
                retry_after: None,
            });
        }
        let mut rb = self.client.request(method(req.method), url);
        match &self.auth {
            Auth::Header(name, value) => rb = rb.header(name.clone(), value.clone()),
            Auth::Basic { user, password } => rb = rb.basic_auth(user, Some(password)),
            Auth::None | Auth::Query { .. } => {}
        }
        if let Some(body) = &req.body {
            rb = rb.json(body);
        }
        let mut resp = rb.send().await.map_err(Failure::transport)?;
        let status = resp.status();
        let headers = resp.headers().clone();
        if status.is_success() {
            if resp
                .content_length()
                .is_some_and(|n| n > MAX_BODY_BYTES as u64)
            {
                return Err(Failure::too_large());
            }
            return Ok((headers, take.take(resp).await?));
        }
        let mut body = Vec::new();
        // The excerpt needs only the beginning; a broken error body still
        // leaves the status to report.
        while let Ok(Some(chunk)) = resp.chunk().await {
            body.extend_from_slice(&chunk);
            if body.len() >= MAX_ERROR_BODY_BYTES {
                body.truncate(MAX_ERROR_BODY_BYTES);
                break;
            }
        }
        let code = status.as_u16();
        let retry_after = match code {
            429 | 503 => headers.get(RETRY_AFTER).and_then(parse_retry_after),
            _ => None,
        };
        Err(Failure {
            error: ConnectorError::Http {
                code,
                message: error_excerpt(&body),
            },
            transient: matches!(code, 429 | 502 | 503 | 504),
            retry_after,
        })
    }
}

/// Whatever came back from one request that may change data, sent once.
pub(crate) enum Exchange {
    /// An HTTP answer with its whole body (any status).
    Answer {
        status: u16,
        headers: HeaderMap,
        body: Vec<u8>,
    },
    /// The request never left: no connection could be made, or no request
    /// slot came free in time. Safe to send again.
    NotSent(String),
    /// The request went out but no complete answer came back (timeout,
    /// reset, a broken body): the system may or may not have applied it.
    Lost(String),
}

impl Http {
    /// Send one request exactly once, without retries: the caller decides
    /// what is safe to repeat. `extra` headers (the idempotency key) are
    /// added; `timeout` bounds the whole exchange.
    pub async fn send_once(
        &self,
        method_: HttpMethod,
        url: &Url,
        body: Option<&Value>,
        extra: &[(HeaderName, HeaderValue)],
        timeout: Duration,
    ) -> Exchange {
        let start = Instant::now();
        let permit = match self.slots(start + timeout).await {
            Ok(p) => p,
            Err(why) if why == "connector closed" => return Exchange::NotSent(why),
            Err(_) => {
                return Exchange::NotSent(format!(
                    "no request slot came free within {}",
                    fmt_ms(timeout.as_millis() as u64)
                ))
            }
        };
        let mut url = url.clone();
        if let Auth::Query { param, key } = &self.auth {
            set_query_param(&mut url, param, key);
        }
        let mut rb = self.client.request(method(method_), url);
        match &self.auth {
            Auth::Header(name, value) => rb = rb.header(name.clone(), value.clone()),
            Auth::Basic { user, password } => rb = rb.basic_auth(user, Some(password)),
            Auth::None | Auth::Query { .. } => {}
        }
        for (k, v) in extra {
            rb = rb.header(k.clone(), v.clone());
        }
        if let Some(b) = body {
            rb = rb.json(b);
        }
        let left = timeout.saturating_sub(start.elapsed());
        let exchange = async {
            let mut resp = match rb.send().await {
                Ok(r) => r,
                Err(e) if e.is_connect() => return Exchange::NotSent(describe_transport(e)),
                Err(e) => return Exchange::Lost(describe_transport(e)),
            };
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let mut body = Vec::new();
            loop {
                match resp.chunk().await {
                    Ok(Some(c)) => {
                        if body.len() + c.len() > MAX_BODY_BYTES {
                            return Exchange::Lost(format!(
                                "the answer (HTTP {status}) is larger than {} MiB",
                                MAX_BODY_BYTES / (1024 * 1024)
                            ));
                        }
                        body.extend_from_slice(&c);
                    }
                    Ok(None) => break,
                    Err(e) => {
                        return Exchange::Lost(format!(
                            "the answer (HTTP {status}) broke off: {}",
                            describe_transport(e)
                        ))
                    }
                }
            }
            Exchange::Answer {
                status,
                headers,
                body,
            }
        };
        let out = match tokio::time::timeout(left, exchange).await {
            Ok(s) => s,
            Err(_) => Exchange::Lost(format!(
                "timed out after {}",
                fmt_ms(timeout.as_millis() as u64)
            )),
        };
        drop(permit);
        out
    }
}

fn method(m: HttpMethod) -> reqwest::Method {
    match m {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Delete => reqwest::Method::DELETE,
    }
}

fn build_auth(def: &SystemDef) -> Result<Auth, String> {
    let a = &def.auth;
    let secret = || {
        a.secret
            .as_ref()
            .map(|s| s.expose().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                let src = match a.kind {
                    AuthKind::Bearer => "token_env or token_file",
                    AuthKind::Basic => "password_env or password_file",
                    _ => "key_env or key_file",
                };
                format!("auth: the secret is not available (set {src})")
            })
    };
    Ok(match a.kind {
        AuthKind::None => Auth::None,
        AuthKind::Bearer => {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", secret()?)).map_err(|_| {
                "auth: the token holds characters not allowed in a header".to_string()
            })?;
            v.set_sensitive(true);
            Auth::Header(AUTHORIZATION, v)
        }
        AuthKind::Basic => {
            let user = a
                .username
                .clone()
                .ok_or("auth: type basic needs `username`")?;
            Auth::Basic {
                user,
                password: secret()?,
            }
        }
        AuthKind::ApiKey => match (&a.header, &a.query_param) {
            (Some(h), None) => {
                let name = HeaderName::from_bytes(h.as_bytes())
                    .map_err(|_| format!("auth.header: `{h}` is not a valid header name"))?;
                let mut v = HeaderValue::from_str(&secret()?).map_err(|_| {
                    "auth: the key holds characters not allowed in a header".to_string()
                })?;
                v.set_sensitive(true);
                Auth::Header(name, v)
            }
            (None, Some(p)) if !p.is_empty() => Auth::Query {
                param: p.clone(),
                key: secret()?,
            },
            (Some(_), Some(_)) => {
                return Err("auth: type api_key takes `header` or `query_param`, not both".into())
            }
            _ => return Err("auth: type api_key needs `header` or `query_param`".into()),
        },
    })
}

/// Set `name=value` in the query string, replacing any existing `name`.
pub(crate) fn set_query_param(url: &mut Url, name: &str, value: &str) {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut pairs = url.query_pairs_mut();
    pairs.clear();
    for (k, v) in &kept {
        pairs.append_pair(k, v);
    }
    pairs.append_pair(name, value);
}

/// `backoff * 2^attempt`, plus up to a quarter more at random so that
/// sessions retrying together spread out.
fn backoff_delay(base: Duration, attempt: u32) -> Duration {
    let d = base.saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX));
    let jitter = d.mul_f64(rand::random::<f64>() * 0.25);
    d.saturating_add(jitter)
}

/// `Retry-After`: delta seconds or an HTTP date.
pub(crate) fn parse_retry_after(v: &HeaderValue) -> Option<Duration> {
    let text = v.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Decode a response body as JSON, with the position of a syntax error.
pub(crate) fn parse_json(body: &[u8]) -> Result<Value, ConnectorError> {
    serde_json::from_str(json_text(body)?).map_err(json_syntax_error)
}

/// A response body as text to parse: valid UTF-8, without a byte-order
/// mark, not empty.
pub(crate) fn json_text(body: &[u8]) -> Result<&str, ConnectorError> {
    let bad = ConnectorError::BadResponse;
    let text = std::str::from_utf8(body).map_err(|e| {
        bad(format!(
            "response is not valid UTF-8 (at byte {})",
            e.valid_up_to()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(bad("empty response, expected JSON".into()));
    }
    Ok(text)
}

/// A JSON syntax error, with where it is.
pub(crate) fn json_syntax_error(e: serde_json::Error) -> ConnectorError {
    let full = e.to_string();
    let what = full
        .rsplit_once(" at line ")
        .map(|(w, _)| w.to_string())
        .unwrap_or(full);
    ConnectorError::BadResponse(format!(
        "invalid JSON at line {} column {} ({what})",
        e.line(),
        e.column()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("3")),
            Some(Duration::from_secs(3))
        );
        let later = SystemTime::now() + Duration::from_secs(120);
        let v = HeaderValue::from_str(&httpdate::fmt_http_date(later)).unwrap();
        let d = parse_retry_after(&v).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(&HeaderValue::from_static("soon")), None);
    }

    #[test]
    fn json_errors_have_positions() {
        let e = parse_json(br#"{"data": [1, 2,, 3]}"#).unwrap_err();
        assert_eq!(
            e,
            ConnectorError::BadResponse("invalid JSON at line 1 column 16 (expected value)".into())
        );
        let e = parse_json(b"{\"a\": \"\xff\"}").unwrap_err();
        assert_eq!(
            e,
            ConnectorError::BadResponse("response is not valid UTF-8 (at byte 7)".into())
        );
        assert!(
            matches!(parse_json(b"  "), Err(ConnectorError::BadResponse(m)) if m.contains("empty"))
        );
    }

    #[test]
    fn query_param_is_replaced_not_doubled() {
        let mut u = Url::parse("http://h/x?key=old&a=1").unwrap();
        set_query_param(&mut u, "key", "new");
        assert_eq!(u.as_str(), "http://h/x?a=1&key=new");
    }

    #[test]
    fn backoff_doubles() {
        let b = Duration::from_millis(100);
        let d0 = backoff_delay(b, 0);
        let d2 = backoff_delay(b, 2);
        assert!(d0 >= b && d0 <= b.mul_f64(1.25));
        assert!(d2 >= b * 4 && d2 <= (b * 4).mul_f64(1.25));
        assert!(backoff_delay(b, 40) >= b);
    }
}
