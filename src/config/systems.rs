//! The connector format: how one connected system is described in TOML
//! (`[systems.<name>]`). Pure data; the engine in `connectors` interprets it.
//! See docs/connectors.md for the user-facing description of every key.

use super::actions::{ActionsDef, OpenDsrDef, SystemKind};
use crate::domain::QueryKind;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// A secret value (token, password, API key). Never printed.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(pub String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// `[systems.<name>]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemDef {
    /// Name shown on screen; defaults to the table key.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Short badge (up to 4 characters) shown next to persons; defaults to the
    /// first three letters of the key in capitals.
    #[serde(default)]
    pub badge: Option<String>,
    /// `api` (the default: searched and acted on through its own API) or
    /// `opendsr` (an OpenDSR / OpenGDPR processor: not searched).
    #[serde(default)]
    pub kind: SystemKind,
    /// Set to false to keep a system configured but not asked.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Scheme, host, port and optional path prefix, e.g. `https://crm.example.jp/api`.
    pub base_url: String,
    #[serde(default)]
    pub auth: AuthDef,
    /// Time allowed for one whole search of this system (all pages), in seconds.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: f64,
    /// Most requests one session (one operator's screen or command) has in
    /// flight to this system at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Most requests the whole desk has in flight to this system at once,
    /// whoever sent them; further requests wait their turn, first come first
    /// served.
    #[serde(default = "default_max_in_flight")]
    pub max_in_flight: usize,
    /// Most records one search keeps from this system (over all its pages
    /// and follow-up queries). Beyond it the search is marked truncated and
    /// the rest of the answer is read past without being kept.
    #[serde(default = "default_max_records")]
    pub max_records: usize,
    /// Retries of a failed GET (and of requests marked `idempotent`): on connection
    /// errors and on HTTP 429, 502, 503 and 504, within the system's time budget.
    /// `Retry-After` is honoured.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// First backoff delay in milliseconds; doubles on each retry.
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
    /// Hosts other than `base_url`'s to which a redirect may be followed
    /// (`"login.example.jp"`, or `"login.example.jp:8443"` for one port).
    /// A redirect to any other origin is refused: it would carry the
    /// query (a name, an e-mail) to a host nobody configured.
    #[serde(default)]
    pub redirect_hosts: Vec<String>,
    /// Extra static headers sent with every request (no secrets here).
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// How to search; required for `api` systems, absent for `opendsr`.
    #[serde(default)]
    pub search: Option<SearchDef>,
    /// Canonical fields mapped from each result item (with `search`).
    #[serde(default)]
    pub fields: Option<FieldMap>,
    /// Other fields kept with their labels: `plan = { label = "Plan", path = "subscription.plan" }`.
    #[serde(default)]
    pub extra: IndexMap<String, ExtraDef>,
    /// How to get one full record by id.
    #[serde(default)]
    pub fetch: Option<FetchDef>,
    /// The requests that carry out rights requests (api systems).
    #[serde(default)]
    pub actions: ActionsDef,
    /// OpenDSR endpoints (opendsr systems).
    #[serde(default)]
    pub opendsr: Option<OpenDsrDef>,
}

/// One entry of `redirect_hosts`: a host name, or a host and port; the
/// host lower-cased and the port if given.
pub fn redirect_host(entry: &str) -> Result<(String, Option<u16>), String> {
    let e = entry.trim();
    let bad = || format!("`{entry}` is not a host name or host:port (no scheme, no path)");
    if e.is_empty() || e.contains("://") || e.contains('/') || e.contains(char::is_whitespace) {
        return Err(bad());
    }
    let (host, port) = match e.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p.parse::<u16>().map_err(|_| bad())?)),
        _ => (e, None),
    };
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host.to_ascii_lowercase(), port))
}

fn yes() -> bool {
    true
}
pub fn default_timeout_secs() -> f64 {
    5.0
}
pub fn default_concurrency() -> usize {
    4
}
pub fn default_max_in_flight() -> usize {
    256
}
pub fn default_max_records() -> usize {
    500
}
pub fn default_retries() -> u32 {
    2
}
pub fn default_backoff_ms() -> u64 {
    200
}
pub fn default_max_pages() -> u32 {
    5
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    #[default]
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    #[default]
    None,
    Bearer,
    Basic,
    ApiKey,
}

/// `[systems.<name>.auth]`. Secrets are never written inline: each comes from an
/// environment variable (`*_env`) or a file (`*_file`, relative to the config file).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthDef {
    #[serde(rename = "type", default)]
    pub kind: AuthKind,
    /// bearer: the token's source.
    #[serde(default)]
    pub token_env: Option<String>,
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// basic: the user name (not a secret) and the password's source.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password_env: Option<String>,
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// api_key: sent in this header ...
    #[serde(default)]
    pub header: Option<String>,
    /// ... or in this query parameter.
    #[serde(default)]
    pub query_param: Option<String>,
    #[serde(default)]
    pub key_env: Option<String>,
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// Filled in by config loading: the resolved token / password / key.
    #[serde(skip)]
    pub secret: Option<Secret>,
}

/// `[systems.<name>.search]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchDef {
    /// Which kinds of query the system can search: name, email, phone, text.
    /// `text` means free text: the system is asked whatever the query kind.
    pub kinds: Vec<QueryKind>,
    #[serde(default)]
    pub method: HttpMethod,
    /// Path template appended to base_url, e.g. `/customers` or `/lookup/{query}`.
    pub path: String,
    /// Query-string parameters; values are templates.
    #[serde(default)]
    pub query: IndexMap<String, String>,
    /// JSON body template (POST/PUT); string leaves are templates. A leaf that
    /// is exactly one placeholder of a number (`"{page}"`) is sent as a number.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Path of the result array in the response; empty = the response itself.
    #[serde(default)]
    pub results: String,
    /// What `{kind}` becomes for each query kind, e.g. `{ name = "full_name" }`.
    #[serde(default)]
    pub kind_values: BTreeMap<QueryKind, String>,
    /// Per-kind overrides of method/path/query/body.
    #[serde(default)]
    pub per_kind: BTreeMap<QueryKind, RequestOverride>,
    #[serde(default)]
    pub pagination: PaginationDef,
    /// Safe to retry even though it is not a GET (e.g. a POST search).
    #[serde(default)]
    pub idempotent: bool,
}

/// Per-kind replacement of parts of a request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestOverride {
    #[serde(default)]
    pub method: Option<HttpMethod>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub query: Option<IndexMap<String, String>>,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginationStyle {
    /// One request, no further pages.
    #[default]
    None,
    /// Page numbers: `param` carries 1, 2, 3... (from `start`).
    Page,
    /// Offsets: `param` carries 0, size, 2*size...
    Offset,
    /// A cursor from the response (`cursor_path`, or the last item's
    /// `cursor_from_last_item` field) is sent back in `param` or `body_field`.
    Cursor,
    /// The next page's URL is in the response body at `next_path`.
    NextUrl,
    /// The next page's URL is in the `Link` header with `rel="next"`.
    LinkHeader,
}

/// `[systems.<name>.search.pagination]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationDef {
    #[serde(default)]
    pub style: PaginationStyle,
    /// Query parameter carrying the page number, offset or cursor.
    #[serde(default)]
    pub param: Option<String>,
    /// Alternatively, a path inside the JSON body to set (e.g. `page.after`).
    #[serde(default)]
    pub body_field: Option<String>,
    /// First page number (page style); default 1.
    #[serde(default)]
    pub start: Option<u64>,
    /// Page size: sent in `size_param`/`size_body_field` when given; a shorter page ends the paging.
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub size_param: Option<String>,
    #[serde(default)]
    pub size_body_field: Option<String>,
    /// Cursor style: where the next cursor is in the response.
    #[serde(default)]
    pub cursor_path: Option<String>,
    /// Cursor style: take the cursor from this field of the last item instead.
    #[serde(default)]
    pub cursor_from_last_item: Option<String>,
    /// Cursor style: a boolean in the response that says whether more pages exist.
    #[serde(default)]
    pub has_more_path: Option<String>,
    /// next_url style: where the next page's URL is in the response.
    #[serde(default)]
    pub next_path: Option<String>,
    /// page/offset style: where the total count is in the response (optional).
    #[serde(default)]
    pub total_path: Option<String>,
    /// Most pages fetched for one search.
    #[serde(default = "default_max_pages")]
    pub max_pages: u32,
}

impl Default for PaginationDef {
    fn default() -> Self {
        PaginationDef {
            style: PaginationStyle::None,
            param: None,
            body_field: None,
            start: None,
            size: None,
            size_param: None,
            size_body_field: None,
            cursor_path: None,
            cursor_from_last_item: None,
            has_more_path: None,
            next_path: None,
            total_path: None,
            max_pages: default_max_pages(),
        }
    }
}

/// `[systems.<name>.fields]`: canonical field -> path in a result item.
/// A value containing `{` is a template joining several paths:
/// `name = "{last_name} {first_name}"`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldMap {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub name_kana: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
}

impl FieldMap {
    /// (canonical name, path) for every mapped field, `id` first.
    pub fn entries(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![("id", self.id.as_str())];
        let opt = [
            ("name", &self.name),
            ("name_kana", &self.name_kana),
            ("email", &self.email),
            ("phone", &self.phone),
            ("postal_code", &self.postal_code),
            ("address", &self.address),
            ("birth_date", &self.birth_date),
        ];
        for (k, v) in opt {
            if let Some(p) = v {
                out.push((k, p.as_str()));
            }
        }
        out
    }
}

/// An extra field: `{ label = "Plan", path = "subscription.plan" }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraDef {
    pub label: String,
    pub path: String,
}

/// `[systems.<name>.fetch]`: one full record by id (`{id}` in templates).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchDef {
    #[serde(default)]
    pub method: HttpMethod,
    pub path: String,
    #[serde(default)]
    pub query: IndexMap<String, String>,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Path of the record object in the response; empty = the response itself.
    #[serde(default)]
    pub result: String,
    /// Field mapping for the fetched record when it differs from the search's.
    #[serde(default)]
    pub fields: Option<FieldMap>,
    /// Extra fields of the full record when they differ from the search's.
    #[serde(default)]
    pub extra: Option<IndexMap<String, ExtraDef>>,
}
