//! One connected system: its compiled definition and the search and fetch
//! operations.

use super::error::secret_forms;
use super::error::ConnectorError;
use super::http::{Http, Outgoing};
use super::mapping::{object_at, RecordMap};
use super::page::parse_page;
use super::paging::{Advance, PageState, Paging};
use super::path::JsonPath;
use super::request::{RequestTemplate, Vars, FETCH_VARS, SEARCH_VARS};
use crate::config::{Config, HttpMethod, SystemDef, SystemKind};
use crate::domain::{QueryKind, Record, SearchQuery};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// What one search of one system found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchOutput {
    pub records: Vec<Record>,
    /// Pages received.
    pub pages: u32,
    /// More results existed than were kept: `max_pages` was reached while
    /// the system indicated more, or it returned more than `max_records`.
    pub truncated: bool,
}

/// A connected system, ready to be asked. Share it as `Arc<Connector>`: the
/// limit on requests in flight is per connector.
pub struct Connector {
    name: String,
    /// What the system can search (`search.kinds`).
    kinds: Vec<QueryKind>,
    display_name: String,
    badge: String,
    def: SystemDef,
    base: String,
    base_url: Url,
    timeout: Duration,
    http: Http,
    search: RequestTemplate,
    per_kind: BTreeMap<QueryKind, RequestTemplate>,
    idempotent: bool,
    results: (JsonPath, String),
    /// Most records kept from one search (`max_records`).
    max_records: usize,
    paging: Paging,
    map: RecordMap,
    fetch: Option<FetchPlan>,
    /// Secret texts (and their encoded forms) masked in every error message.
    secrets: Vec<String>,
}

struct FetchPlan {
    request: RequestTemplate,
    result: (JsonPath, String),
    map: RecordMap,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Connector {
    /// Check and compile a system's definition. Errors name the key at fault
    /// (`search.path: unknown placeholder ...`).
    pub fn new(name: &str, def: &SystemDef) -> Result<Connector, String> {
        let base_url = Url::parse(def.base_url.trim()).map_err(|e| format!("base_url: {e}"))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(format!(
                "base_url: scheme `{}` is not http or https",
                base_url.scheme()
            ));
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(
                "base_url: must not have a query string or fragment (use search.query)".into(),
            );
        }
        let timeout = Duration::try_from_secs_f64(def.timeout_secs)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                format!(
                    "timeout_secs: {} is not a positive number of seconds",
                    def.timeout_secs
                )
            })?;
        let http = Http::new(name, def, timeout)?;
        let s = def
            .search
            .as_ref()
            .ok_or("search: a searchable system needs [search]")?;
        let fields = def
            .fields
            .as_ref()
            .ok_or("fields: a searchable system needs [fields]")?;
        if s.kinds.is_empty() {
            return Err("search.kinds: list at least one of name, email, phone, text".into());
        }
        let search = RequestTemplate::compile(
            s.method,
            &s.path,
            &s.query,
            s.body.as_ref(),
            SEARCH_VARS,
            "search",
        )?;
        let mut per_kind = BTreeMap::new();
        for (kind, o) in &s.per_kind {
            let at = format!("search.per_kind.{kind}");
            let t = RequestTemplate::compile(
                o.method.unwrap_or(s.method),
                o.path.as_deref().unwrap_or(&s.path),
                o.query.as_ref().unwrap_or(&s.query),
                o.body.as_ref().or(s.body.as_ref()),
                SEARCH_VARS,
                &at,
            )?;
            per_kind.insert(*kind, t);
        }
        let mut all: Vec<&RequestTemplate> = vec![&search];
        all.extend(per_kind.values());
        let paging = Paging::compile(&s.pagination, &all, "search.")?;
        let results = JsonPath::parse(&s.results).map_err(|e| format!("search.results: {e}"))?;
        let map = RecordMap::compile(fields, &def.extra, "")?;
        let fetch = match &def.fetch {
            None => None,
            Some(f) => Some(FetchPlan {
                request: RequestTemplate::compile(
                    f.method,
                    &f.path,
                    &f.query,
                    f.body.as_ref(),
                    FETCH_VARS,
                    "fetch",
                )?,
                result: (
                    JsonPath::parse(&f.result).map_err(|e| format!("fetch.result: {e}"))?,
                    f.result.clone(),
                ),
                map: RecordMap::compile(
                    f.fields.as_ref().unwrap_or(fields),
                    f.extra.as_ref().unwrap_or(&def.extra),
                    "fetch.",
                )?,
            }),
        };
        let secrets = secret_forms(def);
        let badge = match def
            .badge
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        {
            Some(b) => b.chars().take(4).collect(),
            None => name.chars().take(3).collect::<String>().to_uppercase(),
        };
        let kinds = s.kinds.clone();
        Ok(Connector {
            kinds,
            name: name.to_string(),
            display_name: def.display_name.clone().unwrap_or_else(|| name.to_string()),
            badge,
            def: def.clone(),
            base: def.base_url.trim().to_string(),
            base_url,
            timeout,
            http,
            search,
            per_kind,
            idempotent: s.idempotent,
            results: (results, s.results.clone()),
            max_records: def.max_records.max(1),
            paging,
            map,
            fetch,
            secrets,
        })
    }

    /// A connector for every enabled searchable system (kind `api`), in
    /// configuration order.
    pub fn from_config(cfg: &Config) -> Result<Vec<Arc<Connector>>, String> {
        cfg.systems
            .iter()
            .filter(|(_, def)| def.enabled && def.kind == SystemKind::Api)
            .map(|(name, def)| {
                Connector::new(name, def)
                    .map(Arc::new)
                    .map_err(|e| format!("systems.{name}.{e}"))
            })
            .collect()
    }

    /// The system's key (`[systems.<name>]`).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// Up to 4 characters; by default the first three letters of the key in capitals.
    pub fn badge(&self) -> String {
        self.badge.clone()
    }

    pub fn def(&self) -> &SystemDef {
        &self.def
    }

    /// Most records one search keeps from this system.
    pub fn max_records(&self) -> usize {
        self.max_records
    }

    /// The time budget of one search.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// True when the system searches this kind (or free text).
    pub fn supports(&self, kind: QueryKind) -> bool {
        let kinds = &self.kinds;
        kinds.contains(&kind) || kinds.contains(&QueryKind::Text)
    }

    /// `cannot search by name (searches by: email, phone)`.
    pub fn not_asked_reason(&self, kind: QueryKind) -> String {
        let by: Vec<&str> = self.kinds.iter().map(|k| k.as_str()).collect();
        format!("cannot search by {kind} (searches by: {})", by.join(", "))
    }

    /// Search the system, all pages, within its `timeout_secs`.
    pub async fn search(&self, q: &SearchQuery) -> Result<SearchOutput, ConnectorError> {
        self.search_within(q, self.timeout).await
    }

    /// Search within `min(timeout_secs, budget)`.
    pub async fn search_within(
        &self,
        q: &SearchQuery,
        budget: Duration,
    ) -> Result<SearchOutput, ConnectorError> {
        if !self.supports(q.kind) {
            return Err(ConnectorError::NotSupported(self.not_asked_reason(q.kind)));
        }
        let limit = self.timeout.min(budget);
        let deadline = Instant::now() + limit;
        let started = Instant::now();
        let out = match tokio::time::timeout_at(deadline, self.run_search(q, deadline)).await {
            Ok(r) => r.map_err(|e| self.mask(e)),
            Err(_) => Err(ConnectorError::Timeout {
                after_ms: limit.as_millis() as u64,
            }),
        };
        match &out {
            Ok(o) => {
                tracing::debug!(system = %self.name, pages = o.pages, records = o.records.len(),
                elapsed_ms = started.elapsed().as_millis() as u64, "search done")
            }
            Err(e) => {
                tracing::info!(system = %self.name, status = e.to_status().code(), "search failed")
            }
        }
        out
    }

    async fn run_search(
        &self,
        q: &SearchQuery,
        deadline: Instant,
    ) -> Result<SearchOutput, ConnectorError> {
        let bad = ConnectorError::BadResponse;
        let template = self.per_kind.get(&q.kind).unwrap_or(&self.search);
        let retryable = template.method == HttpMethod::Get || self.idempotent;
        let mut state = PageState::default();
        let mut out = SearchOutput::default();
        let mut ids = HashSet::new();
        loop {
            let mut vars = self.query_vars(q);
            self.paging.vars(&state, &mut vars);
            let rendered = template.render(&self.base, &vars).map_err(bad)?;
            let (url, body) = match state.next_url.take() {
                Some(next) => (next, rendered.body),
                None => {
                    let (mut url, mut body) = (rendered.url, rendered.body);
                    self.paging.apply(&vars, &mut url, &mut body);
                    (url, body)
                }
            };
            let req = Outgoing {
                method: template.method,
                url,
                body,
                retryable,
            };
            let resp = self.http.send(&req, deadline).await?;
            let page_no = state.pages;
            let (headers, body) = (resp.headers, resp.body);
            let mut item_no = 0usize;
            let mut each = |item: &Value| -> Result<bool, String> {
                item_no += 1;
                let at = format!("item {item_no}");
                let rec = self.map.map(&self.name, item, &at, None)?;
                if ids.contains(&rec.id) {
                    return Ok(true);
                }
                if out.records.len() >= self.max_records {
                    // One record more than may be kept: there is more.
                    out.truncated = true;
                    return Ok(false);
                }
                ids.insert(rec.id.clone());
                out.records.push(rec);
                Ok(true)
            };
            let page = parse_page(&body, &self.results.0, &self.results.1, &mut each).map_err(
                |e| match e {
                    ConnectorError::BadResponse(m) => bad(on_page(page_no, m)),
                    other => other,
                },
            )?;
            drop(body);
            let next = self
                .paging
                .advance(&mut state, &page, &headers, &req.url, &self.base_url)
                .map_err(|e| bad(on_page(page_no, e)))?;
            out.pages = state.pages;
            if next == Advance::Stop || out.truncated {
                return Ok(out);
            }
            if state.pages >= self.paging.max_pages {
                out.truncated = true;
                return Ok(out);
            }
        }
    }

    fn query_vars(&self, q: &SearchQuery) -> Vars {
        let mut v = Vars::default();
        v.set("query", q.normalized.as_str());
        v.set("query_raw", q.raw.as_str());
        let kind = self
            .def
            .search
            .as_ref()
            .and_then(|s| s.kind_values.get(&q.kind))
            .map(String::as_str)
            .unwrap_or(q.kind.as_str());
        v.set("kind", kind);
        v.set_opt("phone_e164", q.phone_e164.as_deref());
        v.set_opt("phone_national", q.phone_national.as_deref());
        v
    }

    /// One full record by id, within `timeout_secs`.
    pub async fn fetch(&self, id: &str) -> Result<Record, ConnectorError> {
        let Some(plan) = &self.fetch else {
            return Err(self.cannot_fetch());
        };
        let (_, obj) = self.fetch_answer(id).await?;
        plan.map
            .map(&self.name, &obj, "record", Some(id))
            .map_err(|e| self.mask(ConnectorError::BadResponse(e)))
    }

    fn cannot_fetch(&self) -> ConnectorError {
        ConnectorError::NotSupported(format!("{} cannot fetch single records", self.name))
    }

    /// The `fetch` answer for one record: its headers and the record object
    /// (at `result`), unmapped.
    pub(crate) async fn fetch_answer(
        &self,
        id: &str,
    ) -> Result<(reqwest::header::HeaderMap, Value), ConnectorError> {
        let Some(plan) = &self.fetch else {
            return Err(self.cannot_fetch());
        };
        let deadline = Instant::now() + self.timeout;
        let run = async {
            let bad = ConnectorError::BadResponse;
            let mut vars = Vars::default();
            vars.set("id", id);
            let rendered = plan.request.render(&self.base, &vars).map_err(bad)?;
            let req = Outgoing {
                method: plan.request.method,
                url: rendered.url,
                body: rendered.body,
                retryable: plan.request.method == HttpMethod::Get,
            };
            let resp = self.http.send(&req, deadline).await?;
            let doc = resp.json()?;
            let obj = object_at(&doc, &plan.result.0, &plan.result.1).map_err(bad)?;
            Ok((resp.headers, obj.clone()))
        };
        match tokio::time::timeout_at(deadline, run).await {
            Ok(r) => r.map_err(|e| self.mask(e)),
            Err(_) => Err(ConnectorError::Timeout {
                after_ms: self.timeout.as_millis() as u64,
            }),
        }
    }

    /// Replace any secret in an error message by `***`.
    pub(crate) fn mask(&self, e: ConnectorError) -> ConnectorError {
        if self.secrets.is_empty() {
            return e;
        }
        e.map_text(|t| {
            let mut t = t.to_string();
            for s in &self.secrets {
                if t.contains(s.as_str()) {
                    t = t.replace(s.as_str(), "***");
                }
            }
            t
        })
    }
}

/// Prefix a message with the page number after the first page.
fn on_page(page_index: u32, msg: String) -> String {
    if page_index == 0 {
        msg
    } else {
        format!("page {}: {msg}", page_index + 1)
    }
}
