//! Checks of one `[systems.<name>]` block: URL, auth consistency, templates
//! and their variables, JSON paths, pagination, limits. Each problem is put
//! at the offending key.

use super::actions::SystemKind;
use super::auth_checks::check_auth;
use super::document::Issue;
use super::pagination_checks::check_pagination;
use super::path::{JsonPath, Template};
use super::systems::{
    ExtraDef, FetchDef, FieldMap, HttpMethod, RequestOverride, SearchDef, SystemDef,
};
use crate::domain::QueryKind;
use indexmap::IndexMap;
use std::collections::HashSet;

/// The highest `max_records`: a desk shows one person, not a system's whole table.
const MAX_RECORDS_CEILING: usize = 10_000;

/// Variables a search request template may use.
pub const REQUEST_VARS: &[&str] = &[
    "query",
    "query_raw",
    "kind",
    "phone_e164",
    "phone_national",
    "page",
    "offset",
    "limit",
    "cursor",
];
/// Variables a fetch request template may use.
pub const FETCH_VARS: &[&str] = &["id"];

/// Collects issues under `systems.<name>`.
pub(crate) struct Ck<'a> {
    name: &'a str,
    out: &'a mut Vec<Issue>,
}

impl Ck<'_> {
    pub(crate) fn at(&mut self, rel: &[&str], message: impl Into<String>) {
        let mut path = vec!["systems".to_string(), self.name.to_string()];
        path.extend(rel.iter().map(|s| s.to_string()));
        self.out.push(Issue::new(path, message));
    }
}

/// Check one system.
pub(crate) fn check_system(name: &str, sys: &SystemDef, out: &mut Vec<Issue>) {
    let mut ck = Ck { name, out };
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        || name.is_empty()
    {
        ck.at(
            &[],
            format!("system name \"{name}\" may only use letters, digits, `-` and `_`"),
        );
    }
    if let Some(d) = &sys.display_name {
        if d.trim().is_empty() {
            ck.at(
                &["display_name"],
                "display_name is empty (remove it to use the system's key)",
            );
        }
    }
    if let Some(b) = &sys.badge {
        let n = b.chars().count();
        if b.trim().is_empty() || n > 4 {
            ck.at(
                &["badge"],
                format!("badge must be 1 to 4 characters, not {n}"),
            );
        }
    }
    check_base_url(&mut ck, &sys.base_url);
    check_auth(&mut ck, &sys.auth);
    if !(sys.timeout_secs.is_finite() && sys.timeout_secs > 0.0 && sys.timeout_secs <= 300.0) {
        ck.at(
            &["timeout_secs"],
            "timeout_secs must be more than 0 and at most 300 seconds",
        );
    }
    if !(1..=64).contains(&sys.concurrency) {
        ck.at(
            &["concurrency"],
            format!("concurrency must be from 1 to 64, not {}", sys.concurrency),
        );
    }
    if !(1..=4096).contains(&sys.max_in_flight) {
        ck.at(
            &["max_in_flight"],
            format!(
                "max_in_flight must be from 1 to 4096, not {}",
                sys.max_in_flight
            ),
        );
    } else if sys.max_in_flight < sys.concurrency {
        ck.at(
            &["max_in_flight"],
            format!(
                "max_in_flight ({}) is less than concurrency ({}): one session could never use its share",
                sys.max_in_flight, sys.concurrency
            ),
        );
    }
    if !(1..=MAX_RECORDS_CEILING).contains(&sys.max_records) {
        ck.at(
            &["max_records"],
            format!(
                "max_records must be from 1 to {MAX_RECORDS_CEILING}, not {}",
                sys.max_records
            ),
        );
    }
    for h in &sys.redirect_hosts {
        if let Err(why) = super::systems::redirect_host(h) {
            ck.at(&["redirect_hosts"], why);
        }
    }
    if sys.retries > 10 {
        ck.at(
            &["retries"],
            format!("retries must be at most 10, not {}", sys.retries),
        );
    }
    for (header, value) in &sys.headers {
        if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
            ck.at(
                &["headers", header],
                format!("\"{header}\" is not a valid HTTP header name"),
            );
        } else if reqwest::header::HeaderValue::from_str(value).is_err() {
            ck.at(
                &["headers", header],
                format!(
                    "the value of header {header} holds characters not allowed in HTTP headers"
                ),
            );
        }
    }
    match sys.kind {
        SystemKind::Api => {
            match &sys.search {
                Some(search) => check_search(&mut ck, search),
                None => ck.at(
                    &[],
                    "a system of kind api needs [systems.<name>.search] (how to search it)",
                ),
            }
            match &sys.fields {
                Some(fields) => check_fields(&mut ck, &["fields"], fields),
                None => ck.at(
                    &[],
                    "a system of kind api needs [systems.<name>.fields] (at least the id path)",
                ),
            }
        }
        SystemKind::Opendsr => {
            for (key, present) in [
                ("search", sys.search.is_some()),
                ("fields", sys.fields.is_some()),
                ("fetch", sys.fetch.is_some()),
                ("extra", !sys.extra.is_empty()),
            ] {
                if present {
                    ck.at(
                        &[key],
                        format!("an opendsr processor is not searched or fetched: remove `{key}`"),
                    );
                }
            }
        }
    }
    check_extra(&mut ck, &["extra"], &sys.extra);
    if let Some(fetch) = &sys.fetch {
        check_fetch(&mut ck, fetch);
    }
    super::action_checks::check_actions(&mut ck, sys);
}

fn check_base_url(ck: &mut Ck<'_>, base_url: &str) {
    let at = ["base_url"];
    match url::Url::parse(base_url) {
        Err(e) => ck.at(&at, format!("base_url is not a valid URL: {e}")),
        Ok(u) => {
            if u.scheme() != "http" && u.scheme() != "https" {
                ck.at(
                    &at,
                    format!("base_url must use http or https, not {}", u.scheme()),
                );
            } else if !u.username().is_empty() || u.password().is_some() {
                let name = ck.name.to_string();
                ck.at(
                    &at,
                    format!(
                        "inline secret refused: base_url carries a user name or password; \
                         remove it and use [systems.{name}.auth] with type = \"basic\", username and password_env or password_file"
                    ),
                );
            } else if u.host_str().is_none_or(str::is_empty) {
                ck.at(&at, "base_url has no host");
            } else if u.query().is_some() || u.fragment().is_some() {
                ck.at(&at, "base_url must not have a query (`?`) or fragment (`#`); put parameters in search.query");
            }
        }
    }
}

/// A request template: parses and uses only `allowed` variables.
pub(crate) fn check_template(ck: &mut Ck<'_>, at: &[&str], text: &str, allowed: &[&str]) {
    match Template::parse(text) {
        Err(e) => ck.at(at, e),
        Ok(t) => {
            for var in t.vars() {
                if !allowed.contains(&var) {
                    ck.at(
                        at,
                        format!(
                            "unknown variable `{{{var}}}` in template; known: {}",
                            list_vars(allowed)
                        ),
                    );
                }
            }
        }
    }
}

fn list_vars(vars: &[&str]) -> String {
    vars.iter()
        .map(|v| format!("{{{v}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn check_query(
    ck: &mut Ck<'_>,
    at: &[&str],
    query: &IndexMap<String, String>,
    allowed: &[&str],
) {
    for (param, value) in query {
        let mut p = at.to_vec();
        p.push(param);
        if param.trim().is_empty() {
            ck.at(&p, "query parameter name is empty");
        }
        check_template(ck, &p, value, allowed);
    }
}

/// Every string leaf of a JSON body is a template.
fn check_body(ck: &mut Ck<'_>, at: &mut Vec<String>, body: &serde_json::Value, allowed: &[&str]) {
    match body {
        serde_json::Value::String(s) => {
            let p: Vec<&str> = at.iter().map(String::as_str).collect();
            check_template(ck, &p, s, allowed);
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(i.to_string());
                check_body(ck, at, item, allowed);
                at.pop();
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                at.push(k.clone());
                check_body(ck, at, v, allowed);
                at.pop();
            }
        }
        _ => {}
    }
}

pub(crate) fn body_paths(ck: &mut Ck<'_>, at: &[&str], body: &serde_json::Value, allowed: &[&str]) {
    let mut p: Vec<String> = at.iter().map(|s| s.to_string()).collect();
    check_body(ck, &mut p, body, allowed);
}

pub(crate) fn takes_body(m: HttpMethod) -> bool {
    matches!(m, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch)
}

/// A JSON path value.
pub(crate) fn check_path(ck: &mut Ck<'_>, at: &[&str], text: &str) {
    if let Err(e) = JsonPath::parse(text) {
        ck.at(at, e);
    }
}

/// A field value: a JSON path, or a template whose placeholders are paths.
fn check_field_value(ck: &mut Ck<'_>, at: &[&str], text: &str) {
    if !text.contains('{') {
        return check_path(ck, at, text);
    }
    match Template::parse(text) {
        Err(e) => ck.at(at, e),
        Ok(t) => {
            for var in t.vars() {
                if let Err(e) = JsonPath::parse(var) {
                    ck.at(at, e);
                }
            }
        }
    }
}

fn check_fields(ck: &mut Ck<'_>, at: &[&str], fields: &FieldMap) {
    if fields.id.trim().is_empty() {
        let mut p = at.to_vec();
        p.push("id");
        ck.at(
            &p,
            "fields.id is empty: give the path of the record's identifier",
        );
    }
    for (name, value) in fields.entries() {
        let mut p = at.to_vec();
        p.push(name);
        check_field_value(ck, &p, value);
    }
}

fn check_extra(ck: &mut Ck<'_>, at: &[&str], extra: &IndexMap<String, ExtraDef>) {
    for (key, def) in extra {
        let mut p = at.to_vec();
        p.push(key);
        if def.label.trim().is_empty() {
            let mut lp = p.clone();
            lp.push("label");
            ck.at(&lp, format!("the label of extra field `{key}` is empty"));
        }
        p.push("path");
        check_field_value(ck, &p, &def.path);
    }
}

fn check_search(ck: &mut Ck<'_>, s: &SearchDef) {
    if s.kinds.is_empty() {
        ck.at(
            &["search", "kinds"],
            "search.kinds is empty: list what the system can search (name, email, phone, text)",
        );
    }
    let mut seen = HashSet::new();
    for (i, k) in s.kinds.iter().enumerate() {
        if !seen.insert(*k) {
            ck.at(
                &["search", "kinds", &i.to_string()],
                format!("kind \"{k}\" is listed twice"),
            );
        }
    }
    check_template(ck, &["search", "path"], &s.path, REQUEST_VARS);
    check_query(ck, &["search", "query"], &s.query, REQUEST_VARS);
    check_method_body(ck, &["search"], s.method, s.body.as_ref(), true);
    if let Some(body) = &s.body {
        body_paths(ck, &["search", "body"], body, REQUEST_VARS);
    }
    check_path(ck, &["search", "results"], &s.results);
    for kind in s.kind_values.keys() {
        if !s.kinds.contains(kind) {
            ck.at(&["search", "kind_values", kind.as_str()], not_a_kind(*kind));
        }
    }
    for (kind, o) in &s.per_kind {
        if !s.kinds.contains(kind) {
            ck.at(&["search", "per_kind", kind.as_str()], not_a_kind(*kind));
        }
        check_override(ck, s, *kind, o);
    }
    check_pagination(ck, &s.pagination, s);
}

fn not_a_kind(kind: QueryKind) -> String {
    format!("kind \"{kind}\" is not in search.kinds")
}

/// `body` only with POST/PUT/PATCH; a POST needs a body.
fn check_method_body(
    ck: &mut Ck<'_>,
    at: &[&str],
    method: HttpMethod,
    body: Option<&serde_json::Value>,
    post_needs_body: bool,
) {
    let key = |k: &'static str| {
        let mut p = at.to_vec();
        p.push(k);
        p
    };
    if body.is_some() && !takes_body(method) {
        ck.at(
            &key("body"),
            format!(
                "a body is only sent with POST, PUT or PATCH, not {}",
                method.as_str()
            ),
        );
    }
    if post_needs_body && method == HttpMethod::Post && body.is_none() {
        ck.at(&key("method"), "a POST search needs a body");
    }
}

fn check_override(ck: &mut Ck<'_>, s: &SearchDef, kind: QueryKind, o: &RequestOverride) {
    let k = kind.as_str();
    let method = o.method.unwrap_or(s.method);
    let body = o.body.as_ref().or(s.body.as_ref());
    if o.body.is_some() && !takes_body(method) {
        ck.at(
            &["search", "per_kind", k, "body"],
            format!(
                "a body is only sent with POST, PUT or PATCH, not {}",
                method.as_str()
            ),
        );
    }
    if o.method == Some(HttpMethod::Post) && body.is_none() {
        ck.at(
            &["search", "per_kind", k, "method"],
            "a POST search needs a body",
        );
    }
    if let Some(p) = &o.path {
        check_template(ck, &["search", "per_kind", k, "path"], p, REQUEST_VARS);
    }
    if let Some(q) = &o.query {
        check_query(ck, &["search", "per_kind", k, "query"], q, REQUEST_VARS);
    }
    if let Some(b) = &o.body {
        body_paths(ck, &["search", "per_kind", k, "body"], b, REQUEST_VARS);
    }
}

/// Whether `text` is a template with a `{id}` placeholder.
fn uses_id(text: &str) -> bool {
    Template::parse(text).is_ok_and(|t| t.vars().any(|v| v == "id"))
}

fn body_uses_id(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => uses_id(s),
        serde_json::Value::Array(items) => items.iter().any(body_uses_id),
        serde_json::Value::Object(map) => map.values().any(body_uses_id),
        _ => false,
    }
}

fn check_fetch(ck: &mut Ck<'_>, f: &FetchDef) {
    check_template(ck, &["fetch", "path"], &f.path, FETCH_VARS);
    let id_used = uses_id(&f.path)
        || f.query.values().any(|q| uses_id(q))
        || f.body.as_ref().is_some_and(body_uses_id);
    if !id_used {
        ck.at(
            &["fetch", "path"],
            "fetch never uses {id}: put it in the path, a query value or the body",
        );
    }
    check_query(ck, &["fetch", "query"], &f.query, FETCH_VARS);
    check_method_body(ck, &["fetch"], f.method, f.body.as_ref(), false);
    if let Some(b) = &f.body {
        body_paths(ck, &["fetch", "body"], b, FETCH_VARS);
    }
    check_path(ck, &["fetch", "result"], &f.result);
    if let Some(fields) = &f.fields {
        check_fields(ck, &["fetch", "fields"], fields);
    }
    if let Some(extra) = &f.extra {
        check_extra(ck, &["fetch", "extra"], extra);
    }
}
