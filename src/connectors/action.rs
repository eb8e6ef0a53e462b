//! Carrying out actions in one system: the compiled action requests of
//! `[systems.<name>.actions]`, rendering them (with a masked preview),
//! sending each exactly once with its idempotency key, classifying what
//! came back, and checking afterwards that the change took effect.
//! OpenDSR processors are in `opendsr.rs`.

use super::connector::Connector;
use super::error::{error_excerpt, mask_secrets, secret_forms, ConnectorError};
use super::http::{parse_retry_after, Exchange, Http};
use super::opendsr::OpenDsrPlan;
use super::path::JsonPath;
use super::precondition::PreconditionPlan;
use super::request::{RequestTemplate, Vars};
use crate::config::{
    ActionDef, Config, HttpMethod, SystemDef, SystemKind, VerifyDef, ACTION_VARS, VERIFY_VARS,
};
use crate::domain::mask::mask_field;
use crate::domain::{ActionKind, PlannedRequest, Record};
use reqwest::header::{HeaderName, HeaderValue, RETRY_AFTER};
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Stands in for the changed-fields object while the body template renders.
const CHANGES_MARKER: &str = "\u{0}privdesk-changes\u{0}";

/// What an action request is rendered from.
#[derive(Debug, Clone, Default)]
pub struct ActionInput<'a> {
    /// The record's id in the system.
    pub id: &'a str,
    /// The case number.
    pub case: &'a str,
    pub idempotency_key: &'a str,
    pub reason: &'a str,
    /// Update: field -> new value.
    pub changes: &'a [(String, String)],
}

/// A request ready to send, and the same with personal data masked.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedAction {
    pub request: PlannedRequest,
    pub preview: PlannedRequest,
}

/// How one sending of an action request ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SendOutcome {
    /// A success status: the system carried it out. `body` is the answer's
    /// JSON, if it had any.
    Applied { status: u16, body: Option<Value> },
    /// Nothing reached the system (no connection). Safe to send again.
    NotSent(String),
    /// The system did not take it now (429, 503, 409): send again later
    /// with the same key.
    Busy {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    /// Refused as it is (4xx): the message says why.
    Rejected { status: u16, message: String },
    /// The system failed (500).
    ServerError { status: u16, message: String },
    /// Sent, but no usable answer came back: the outcome is unknown.
    Lost(String),
}

/// What a check after an action found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The change is in effect.
    Applied,
    /// It is not (yet) in effect; why.
    NotApplied(String),
    /// The system offers no way to check.
    CannotCheck(String),
    /// The check itself failed (unreachable, 5xx...).
    Failed(String),
}

pub(crate) struct ActionPlan {
    kind: ActionKind,
    request: RequestTemplate,
    fields: Vec<(String, JsonPath)>,
    success: Vec<u16>,
    result: (JsonPath, String),
    verify: Option<VerifyPlan>,
    precondition: Option<PreconditionPlan>,
}

struct VerifyPlan {
    request: RequestTemplate,
    expect_status: Vec<u16>,
    expect: Vec<(JsonPath, String, Value)>,
}

/// The action side of one connected system. Share it as `Arc`.
pub struct SystemActions {
    name: String,
    display_name: String,
    kind: SystemKind,
    pub(crate) base: String,
    pub(crate) base_url: Url,
    pub(crate) timeout: Duration,
    pub(crate) http: Http,
    retries: u32,
    backoff: Duration,
    idempotency_keys: bool,
    pub(crate) key_header: HeaderName,
    plans: Vec<ActionPlan>,
    pub(crate) opendsr: Option<OpenDsrPlan>,
    /// Reads single records (the `fetch` request) for the values before a
    /// correction and its verification.
    reader: Option<Arc<Connector>>,
    secrets: Vec<String>,
}

impl fmt::Debug for SystemActions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SystemActions")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

fn compile_verify(v: &VerifyDef, at: &str) -> Result<VerifyPlan, String> {
    let request = RequestTemplate::compile(v.method, &v.path, &v.query, None, VERIFY_VARS, at)?;
    let mut expect = Vec::new();
    for (p, value) in &v.expect {
        expect.push((
            JsonPath::parse(p).map_err(|e| format!("{at}.expect: {e}"))?,
            p.clone(),
            value.clone(),
        ));
    }
    Ok(VerifyPlan {
        request,
        expect_status: v.expect_status.clone(),
        expect,
    })
}

fn compile_plan(kind: ActionKind, d: &ActionDef) -> Result<ActionPlan, String> {
    let at = format!("actions.{kind}");
    let request = RequestTemplate::compile(
        d.method,
        &d.path,
        &d.query,
        d.body.as_ref(),
        ACTION_VARS,
        &at,
    )?;
    let mut fields = Vec::new();
    for (f, p) in &d.fields {
        fields.push((
            f.clone(),
            JsonPath::parse(p).map_err(|e| format!("{at}.fields.{f}: {e}"))?,
        ));
    }
    let verify = match &d.verify {
        Some(v) => Some(compile_verify(v, &format!("{at}.verify"))?),
        None => None,
    };
    let precondition = match &d.precondition {
        Some(p) => Some(PreconditionPlan::compile(p, &format!("{at}.precondition"))?),
        None => None,
    };
    Ok(ActionPlan {
        kind,
        request,
        fields,
        success: d.success.clone(),
        result: (
            JsonPath::parse(&d.result).map_err(|e| format!("{at}.result: {e}"))?,
            d.result.clone(),
        ),
        verify,
        precondition,
    })
}

impl SystemActions {
    /// Compile a system's action requests (or OpenDSR block). `reader` is
    /// the system's search connector, used to read single records.
    pub fn new(
        name: &str,
        def: &SystemDef,
        reader: Option<Arc<Connector>>,
    ) -> Result<SystemActions, String> {
        let base_url = Url::parse(def.base_url.trim()).map_err(|e| format!("base_url: {e}"))?;
        let timeout = Duration::try_from_secs_f64(def.timeout_secs)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                format!(
                    "timeout_secs: {} is not a positive number",
                    def.timeout_secs
                )
            })?;
        let http = Http::new(name, def, timeout)?;
        let key_header =
            HeaderName::from_bytes(def.actions.key_header.as_bytes()).map_err(|_| {
                format!(
                    "actions.key_header: `{}` is not a header name",
                    def.actions.key_header
                )
            })?;
        let mut plans = Vec::new();
        for (kind, d) in def.actions.entries() {
            plans.push(compile_plan(kind, d)?);
        }
        let opendsr = match (&def.kind, &def.opendsr) {
            (SystemKind::Opendsr, Some(o)) => Some(OpenDsrPlan::compile(o)?),
            (SystemKind::Opendsr, None) => return Err("opendsr: the block is missing".into()),
            _ => None,
        };
        Ok(SystemActions {
            name: name.to_string(),
            display_name: def.display_name.clone().unwrap_or_else(|| name.to_string()),
            kind: def.kind,
            base: def.base_url.trim().to_string(),
            base_url,
            timeout,
            http,
            retries: def.retries,
            backoff: Duration::from_millis(def.backoff_ms),
            idempotency_keys: def.actions.idempotency_keys,
            key_header,
            plans,
            opendsr,
            reader,
            secrets: secret_forms(def),
        })
    }

    /// The action side of every enabled system, in configuration order;
    /// `connectors` are the search connectors (their fetch reads records).
    pub fn from_config(
        cfg: &Config,
        connectors: &[Arc<Connector>],
    ) -> Result<Vec<Arc<SystemActions>>, String> {
        cfg.systems
            .iter()
            .filter(|(_, def)| def.enabled)
            .map(|(name, def)| {
                let reader = connectors.iter().find(|c| c.name() == name).cloned();
                SystemActions::new(name, def, reader)
                    .map(Arc::new)
                    .map_err(|e| format!("systems.{name}.{e}"))
            })
            .collect()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    pub fn kind(&self) -> SystemKind {
        self.kind
    }

    /// Time allowed for one request.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// How many times a request that is safe to repeat is sent again.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The first wait before sending again; doubles each time.
    pub fn backoff(&self) -> Duration {
        self.backoff
    }

    /// The system answers a repeated idempotency key with the first result.
    pub fn honours_idempotency_keys(&self) -> bool {
        self.idempotency_keys
    }

    fn plan(&self, kind: ActionKind) -> Option<&ActionPlan> {
        self.plans.iter().find(|p| p.kind == kind)
    }

    /// Whether the system can carry out `kind` itself (else: a manual task).
    pub fn supports(&self, kind: ActionKind) -> bool {
        match self.kind {
            SystemKind::Api => self.plan(kind).is_some(),
            SystemKind::Opendsr => matches!(kind, ActionKind::Export | ActionKind::Delete),
        }
    }

    /// The fields an update request may change, as configured.
    pub fn update_fields(&self) -> Vec<&str> {
        self.plan(ActionKind::Update)
            .map(|p| p.fields.iter().map(|(f, _)| f.as_str()).collect())
            .unwrap_or_default()
    }

    /// Whether a single record can be read (for the values before a correction).
    pub fn can_read(&self) -> bool {
        self.reader
            .as_ref()
            .is_some_and(|r| r.def().fetch.is_some())
    }

    /// Read one record through the system's `fetch` request.
    pub async fn read(&self, id: &str) -> Result<Record, ConnectorError> {
        match &self.reader {
            Some(r) => r.fetch(id).await,
            None => Err(ConnectorError::NotSupported(format!(
                "{} cannot fetch single records",
                self.name
            ))),
        }
    }

    /// Render the request for `kind`. For an update only the `changes`
    /// whose fields the system may change are used (at least one must be).
    pub fn render(
        &self,
        kind: ActionKind,
        input: &ActionInput<'_>,
    ) -> Result<RenderedAction, String> {
        let plan = self
            .plan(kind)
            .ok_or_else(|| format!("{} has no {kind} request", self.name))?;
        let mut vars = Vars::default();
        vars.set("id", input.id);
        vars.set("case", input.case);
        vars.set("idempotency_key", input.idempotency_key);
        vars.set("reason", input.reason);
        vars.set("changes", CHANGES_MARKER);
        let rendered = plan.request.render(&self.base, &vars)?;
        let (real, masked) = if kind == ActionKind::Update {
            let mut real = Value::Object(Map::new());
            let mut masked = Value::Object(Map::new());
            let mut used = 0;
            for (field, value) in input.changes {
                if let Some((_, p)) = plan.fields.iter().find(|(f, _)| f == field) {
                    p.set(&mut real, Value::String(value.clone()));
                    p.set(&mut masked, Value::String(mask_field(field, value)));
                    used += 1;
                }
            }
            if used == 0 {
                return Err(format!(
                    "{} cannot change {} (it changes: {})",
                    self.name,
                    input
                        .changes
                        .iter()
                        .map(|(f, _)| f.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    self.update_fields().join(", ")
                ));
            }
            (real, masked)
        } else {
            (Value::Null, Value::Null)
        };
        let body = |changes: &Value| match &rendered.body {
            Some(b) => {
                let mut b = b.clone();
                replace_marker(&mut b, changes);
                Some(b)
            }
            None if kind == ActionKind::Update => Some(changes.clone()),
            None => None,
        };
        let method = plan.request.method.as_str().to_string();
        Ok(RenderedAction {
            request: PlannedRequest {
                method: method.clone(),
                url: rendered.url.to_string(),
                body: body(&real),
                precondition: None,
            },
            preview: PlannedRequest {
                method,
                url: rendered.url.to_string(),
                body: body(&masked),
                precondition: None,
            },
        })
    }

    /// Whether `kind` is a conditional write (it has a `precondition`).
    pub fn has_precondition(&self, kind: ActionKind) -> bool {
        self.plan(kind).is_some_and(|p| p.precondition.is_some())
    }

    /// The record's current version for `kind`'s precondition, read through
    /// the system's `fetch` request.
    pub async fn read_version(&self, kind: ActionKind, id: &str) -> Result<Value, String> {
        let Some(pre) = self.plan(kind).and_then(|p| p.precondition.as_ref()) else {
            return Err(format!("{} has no precondition for {kind}", self.name));
        };
        let Some(reader) = &self.reader else {
            return Err(format!("{} cannot fetch single records", self.name));
        };
        let (headers, record) = reader.fetch_answer(id).await.map_err(|e| e.to_string())?;
        pre.version_in(&headers, &record)
    }

    /// Send an action request once, with its idempotency key (and the
    /// version its precondition fixed), and say what came of it.
    pub async fn send(&self, kind: ActionKind, req: &PlannedRequest, key: &str) -> SendOutcome {
        let plan = self.plan(kind);
        let success: &[u16] = match plan {
            Some(p) => &p.success,
            None => &[200, 201, 202, 204],
        };
        let pre = plan.and_then(|p| p.precondition.as_ref());
        self.send_request(req, key, success, pre).await
    }

    /// Send `req` once, with the key in the configured header where the
    /// system honours it.
    pub(crate) async fn send_request(
        &self,
        req: &PlannedRequest,
        key: &str,
        success: &[u16],
        pre: Option<&PreconditionPlan>,
    ) -> SendOutcome {
        let Some(method) = parse_method(&req.method) else {
            return SendOutcome::Rejected {
                status: 0,
                message: format!("`{}` is not an HTTP method privdesk sends", req.method),
            };
        };
        let url = match Url::parse(&req.url) {
            Ok(u) => u,
            Err(e) => {
                return SendOutcome::Rejected {
                    status: 0,
                    message: format!("the stored URL is not valid: {e}"),
                }
            }
        };
        // Only a system that honours the key is sent one: elsewhere it
        // would promise a safety that is not there.
        let mut extra = Vec::new();
        if self.idempotency_keys {
            if let Ok(v) = HeaderValue::from_str(key) {
                extra.push((self.key_header.clone(), v));
            }
        }
        let mut body = req.body.clone();
        if let (Some(pre), Some(version)) = (pre, &req.precondition) {
            if let Err(e) = pre.apply(version, &mut extra, &mut body) {
                return SendOutcome::Rejected {
                    status: 0,
                    message: e,
                };
            }
        }
        let sent = self
            .http
            .send_once(method, &url, body.as_ref(), &extra, self.timeout)
            .await;
        self.classify(sent, success)
    }

    fn classify(&self, sent: Exchange, success: &[u16]) -> SendOutcome {
        let m = |t: &str| mask_secrets(&self.secrets, t);
        match sent {
            Exchange::NotSent(e) => SendOutcome::NotSent(m(&e)),
            Exchange::Lost(e) => SendOutcome::Lost(m(&e)),
            Exchange::Answer {
                status,
                headers,
                body,
            } => {
                if success.contains(&status) {
                    let json = (!body.iter().all(u8::is_ascii_whitespace))
                        .then(|| super::http::parse_json(&body).ok())
                        .flatten();
                    return SendOutcome::Applied { status, body: json };
                }
                let message = m(&error_excerpt(&body));
                match status {
                    200..=299 => SendOutcome::Lost(format!(
                        "HTTP {status} is not among the success statuses ({})",
                        success
                            .iter()
                            .map(u16::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    409 | 429 | 503 => SendOutcome::Busy {
                        status,
                        message,
                        retry_after: headers.get(RETRY_AFTER).and_then(parse_retry_after),
                    },
                    502 | 504 => SendOutcome::Lost(format!("HTTP {status}: {message}")),
                    400..=499 => SendOutcome::Rejected { status, message },
                    _ => SendOutcome::ServerError { status, message },
                }
            }
        }
    }

    /// The exported data in an export's answer (at `result`).
    pub fn export_data(&self, body: Option<&Value>) -> Result<Value, String> {
        let plan = self
            .plan(ActionKind::Export)
            .ok_or_else(|| format!("{} has no export request", self.name))?;
        let body = body.ok_or("the export answer holds no JSON")?;
        plan.result
            .0
            .get(body)
            .cloned()
            .ok_or_else(|| format!("the export answer has nothing at `{}`", plan.result.1))
    }

    /// Whether `kind` can be checked afterwards (a verification request,
    /// or for an update a readable record).
    pub fn can_check(&self, kind: ActionKind) -> bool {
        match self.plan(kind) {
            Some(p) if p.verify.is_some() => true,
            Some(_) => kind == ActionKind::Update && self.can_read(),
            None => false,
        }
    }

    /// Check whether `kind` took effect on record `id`: the verification
    /// request if configured, else for an update the record read back and
    /// compared field by field.
    pub async fn check(
        &self,
        kind: ActionKind,
        id: &str,
        case: &str,
        changes: &[(String, String)],
    ) -> Check {
        let Some(plan) = self.plan(kind) else {
            return Check::CannotCheck(format!("{} has no {kind} request", self.name));
        };
        if let Some(v) = &plan.verify {
            return self.run_verify(v, id, case).await;
        }
        if kind != ActionKind::Update {
            return Check::CannotCheck(format!(
                "{} has no verification for {kind} (add actions.{kind}.verify)",
                self.name
            ));
        }
        if !self.can_read() {
            return Check::CannotCheck(format!(
                "{} cannot fetch the record to check it",
                self.name
            ));
        }
        let record = match self.read(id).await {
            Ok(r) => r,
            Err(e) => return Check::Failed(format!("reading the record back: {e}")),
        };
        let fields = self.update_fields();
        for (field, want) in changes.iter().filter(|(f, _)| fields.contains(&f.as_str())) {
            let have = record_value(&record, field);
            match have {
                None => {
                    return Check::CannotCheck(format!(
                        "the record read back does not show {field}"
                    ))
                }
                Some(h) if same_value(field, &h, want) => {}
                Some(h) => {
                    return Check::NotApplied(format!(
                        "{field} still shows {}",
                        mask_field(field, &h)
                    ))
                }
            }
        }
        Check::Applied
    }

    async fn run_verify(&self, v: &VerifyPlan, id: &str, case: &str) -> Check {
        let mut vars = Vars::default();
        vars.set("id", id);
        vars.set("case", case);
        let rendered = match v.request.render(&self.base, &vars) {
            Ok(r) => r,
            Err(e) => return Check::Failed(e),
        };
        let sent = self
            .http
            .send_once(v.request.method, &rendered.url, None, &[], self.timeout)
            .await;
        let m = |t: &str| mask_secrets(&self.secrets, t);
        match sent {
            Exchange::NotSent(e) | Exchange::Lost(e) => Check::Failed(m(&e)),
            Exchange::Answer { status, body, .. } => {
                if v.expect_status.contains(&status) {
                    if v.expect.is_empty() {
                        return Check::Applied;
                    }
                    let json = match super::http::parse_json(&body) {
                        Ok(j) => j,
                        Err(e) => return Check::Failed(m(&e.to_string())),
                    };
                    for (p, text, want) in &v.expect {
                        match p.get(&json) {
                            Some(have) if have == want => {}
                            Some(have) => {
                                return Check::NotApplied(format!(
                                    "`{text}` is {}, expected {want}",
                                    crate::domain::text::truncate_chars(&have.to_string(), 40)
                                ))
                            }
                            None => return Check::NotApplied(format!("`{text}` is missing")),
                        }
                    }
                    Check::Applied
                } else if (200..300).contains(&status) || matches!(status, 404 | 410) {
                    Check::NotApplied(format!("the check answered HTTP {status}"))
                } else {
                    Check::Failed(format!("HTTP {status}: {}", m(&error_excerpt(&body))))
                }
            }
        }
    }
}

/// Replace every string equal to the marker by `with`.
fn replace_marker(v: &mut Value, with: &Value) {
    match v {
        Value::String(s) if s == CHANGES_MARKER => *v = with.clone(),
        Value::Array(items) => items.iter_mut().for_each(|x| replace_marker(x, with)),
        Value::Object(map) => map.values_mut().for_each(|x| replace_marker(x, with)),
        _ => {}
    }
}

pub(crate) fn parse_method(m: &str) -> Option<HttpMethod> {
    Some(match m {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "PATCH" => HttpMethod::Patch,
        "DELETE" => HttpMethod::Delete,
        _ => return None,
    })
}

/// A field's value in a record: a canonical field, else an extra by key.
pub fn record_value(r: &Record, field: &str) -> Option<String> {
    if field == "id" {
        return None;
    }
    r.canonical(field)
        .map(str::to_string)
        .or_else(|| {
            r.extra
                .iter()
                .find(|x| x.key == field)
                .map(|x| x.value.clone())
        })
        .filter(|v| !v.trim().is_empty())
}

/// Whether a value read back equals the value sent: emails without regard
/// to case, phone numbers by their digits, everything else with spaces
/// collapsed.
fn same_value(field: &str, have: &str, want: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    match field {
        "email" => have.trim().eq_ignore_ascii_case(want.trim()),
        "phone" => {
            let digits = |s: &str| -> String {
                use unicode_normalization::UnicodeNormalization;
                s.nfkc().filter(char::is_ascii_digit).collect()
            };
            digits(have) == digits(want)
        }
        _ => squash(have) == squash(want),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_as_the_field_wants() {
        assert!(same_value("email", "A@Example.jp ", "a@example.jp"));
        assert!(same_value("phone", "０９０-1234-5678", "09012345678"));
        assert!(!same_value("name", "山田 太郎", "山田 次郎"));
        assert!(same_value("name", "山田  太郎", "山田 太郎"));
    }

    #[test]
    fn the_changes_marker_is_replaced_anywhere() {
        let mut v = serde_json::json!({"requester": CHANGES_MARKER, "list": [CHANGES_MARKER, "x"]});
        replace_marker(&mut v, &serde_json::json!({"email": "e"}));
        assert_eq!(
            v,
            serde_json::json!({"requester": {"email": "e"}, "list": [{"email": "e"}, "x"]})
        );
    }
}
