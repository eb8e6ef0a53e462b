//! Request templates: method, path, query string and JSON body with
//! `{variable}` placeholders, parsed once and rendered per request.

use super::path::{Piece, Template};
use crate::config::HttpMethod;
use indexmap::IndexMap;
use serde_json::Value;
use url::Url;

/// The variables request templates may use are defined with the format.
pub(crate) use crate::config::{FETCH_VARS, REQUEST_VARS as SEARCH_VARS};
/// Variables whose sole-placeholder body leaves become JSON numbers.
const NUMERIC_VARS: &[&str] = &["page", "offset", "limit"];

/// Values of the template variables for one request. A variable that is
/// absent (or empty) renders as the empty string.
#[derive(Debug, Default, Clone)]
pub(crate) struct Vars {
    values: Vec<(&'static str, String)>,
}

impl Vars {
    pub fn set(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.values.push((name, value)),
        }
    }

    pub fn set_opt(&mut self, name: &'static str, value: Option<&str>) {
        if let Some(v) = value {
            self.set(name, v);
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// A JSON body template.
#[derive(Debug, Clone)]
pub(crate) enum BodyTemplate {
    Object(Vec<(String, BodyTemplate)>),
    Array(Vec<BodyTemplate>),
    /// A string with text around or between placeholders.
    Text(Template),
    /// A string that is exactly one placeholder.
    Sole(String),
    Fixed(Value),
}

impl BodyTemplate {
    fn compile(v: &Value, allowed: &[&str], at: &str) -> Result<BodyTemplate, String> {
        Ok(match v {
            Value::Object(map) => {
                let mut out = Vec::with_capacity(map.len());
                for (k, child) in map {
                    out.push((
                        k.clone(),
                        BodyTemplate::compile(child, allowed, &format!("{at}.{k}"))?,
                    ));
                }
                BodyTemplate::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, child) in items.iter().enumerate() {
                    out.push(BodyTemplate::compile(
                        child,
                        allowed,
                        &format!("{at}[{i}]"),
                    )?);
                }
                BodyTemplate::Array(out)
            }
            Value::String(s) => {
                let t = compile_template(s, allowed, at)?;
                if let Some(var) = t.sole_var() {
                    BodyTemplate::Sole(var.to_string())
                } else if t.vars().next().is_none() {
                    BodyTemplate::Fixed(Value::String(t.render(|_| None)))
                } else {
                    BodyTemplate::Text(t)
                }
            }
            other => BodyTemplate::Fixed(other.clone()),
        })
    }

    /// Render: string leaves are filled in; a sole placeholder of `page`,
    /// `offset` or `limit` becomes a number; a sole placeholder whose variable
    /// is absent becomes `null`.
    pub fn render(&self, vars: &Vars) -> Value {
        match self {
            BodyTemplate::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, t)| (k.clone(), t.render(vars)))
                    .collect(),
            ),
            BodyTemplate::Array(items) => {
                Value::Array(items.iter().map(|t| t.render(vars)).collect())
            }
            BodyTemplate::Text(t) => Value::String(t.render(|n| vars.get(n).map(str::to_string))),
            BodyTemplate::Sole(name) => match vars.get(name) {
                None => Value::Null,
                Some(v) if NUMERIC_VARS.contains(&name.as_str()) => match v.parse::<u64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::String(v.to_string()),
                },
                Some(v) => Value::String(v.to_string()),
            },
            BodyTemplate::Fixed(v) => v.clone(),
        }
    }

    /// Every placeholder used anywhere in the body.
    fn vars(&self, out: &mut Vec<String>) {
        match self {
            BodyTemplate::Object(fields) => fields.iter().for_each(|(_, t)| t.vars(out)),
            BodyTemplate::Array(items) => items.iter().for_each(|t| t.vars(out)),
            BodyTemplate::Text(t) => out.extend(t.vars().map(str::to_string)),
            BodyTemplate::Sole(v) => out.push(v.clone()),
            BodyTemplate::Fixed(_) => {}
        }
    }
}

/// Parse a template and check that it only names allowed variables.
pub(crate) fn compile_template(text: &str, allowed: &[&str], at: &str) -> Result<Template, String> {
    let t = Template::parse(text).map_err(|e| format!("{at}: {e}"))?;
    for var in t.vars() {
        if !allowed.contains(&var) {
            return Err(format!(
                "{at}: unknown placeholder `{{{var}}}` (known: {})",
                allowed.join(", ")
            ));
        }
    }
    Ok(t)
}

/// A compiled request: method, path, query parameters and body.
#[derive(Debug, Clone)]
pub(crate) struct RequestTemplate {
    pub method: HttpMethod,
    path: Template,
    query: Vec<(String, Template)>,
    body: Option<BodyTemplate>,
}

/// A request ready to be sent.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    pub url: Url,
    pub body: Option<Value>,
}

impl RequestTemplate {
    pub fn compile(
        method: HttpMethod,
        path: &str,
        query: &IndexMap<String, String>,
        body: Option<&Value>,
        allowed: &[&str],
        at: &str,
    ) -> Result<RequestTemplate, String> {
        let path = compile_template(path, allowed, &format!("{at}.path"))?;
        let mut q = Vec::with_capacity(query.len());
        for (k, v) in query {
            q.push((
                k.clone(),
                compile_template(v, allowed, &format!("{at}.query.{k}"))?,
            ));
        }
        let body = match body {
            Some(b) => Some(BodyTemplate::compile(b, allowed, &format!("{at}.body"))?),
            None => None,
        };
        Ok(RequestTemplate {
            method,
            path,
            query: q,
            body,
        })
    }

    /// Does any part of the request use this variable?
    pub fn uses(&self, var: &str) -> bool {
        let mut names: Vec<String> = self.path.vars().map(str::to_string).collect();
        for (_, t) in &self.query {
            names.extend(t.vars().map(str::to_string));
        }
        if let Some(b) = &self.body {
            b.vars(&mut names);
        }
        names.iter().any(|n| n == var)
    }

    /// Render the URL (base + path + query string) and the body. A query
    /// parameter whose template has placeholders that all came out empty is
    /// left out.
    pub fn render(&self, base: &str, vars: &Vars) -> Result<Rendered, String> {
        let mut path = String::new();
        for piece in &self.path.pieces {
            match piece {
                Piece::Text(t) => path.push_str(t),
                Piece::Var(v) => path.push_str(&encode_segment(vars.get(v).unwrap_or(""))),
            }
        }
        let joined = join_url(base, &path);
        let mut url = Url::parse(&joined).map_err(|e| format!("request URL is not valid: {e}"))?;
        let params: Vec<(&str, String)> = self
            .query
            .iter()
            .filter_map(|(k, t)| {
                let v = t.render(|n| vars.get(n).map(str::to_string));
                let templated = t.vars().next().is_some();
                (!(templated && v.is_empty())).then_some((k.as_str(), v))
            })
            .collect();
        if !params.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &params {
                pairs.append_pair(k, v);
            }
        }
        Ok(Rendered {
            url,
            body: self.body.as_ref().map(|b| b.render(vars)),
        })
    }
}

/// `base` + `path`, with exactly one `/` between them (no slash added for an
/// empty path or one starting with `?`).
pub(crate) fn join_url(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    if path.is_empty() || path.starts_with('?') {
        format!("{base}{path}")
    } else {
        format!("{base}/{}", path.trim_start_matches('/'))
    }
}

/// Percent-encode a value as one path segment: every byte but the unreserved
/// characters `A-Z a-z 0-9 - . _ ~` is escaped, so `/`, `?` and `#` in a query
/// cannot change the path.
pub(crate) fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // `.` and `..` alone would be read as relative path steps.
    match out.as_str() {
        "." => "%2E".to_string(),
        ".." => "%2E%2E".to_string(),
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Vars {
        let mut v = Vars::default();
        v.set("query", "a/b c");
        v.set("page", "3");
        v.set("kind", "email");
        v
    }

    #[test]
    fn path_placeholders_are_one_segment() {
        let t = RequestTemplate::compile(
            HttpMethod::Get,
            "/lookup/{query}",
            &IndexMap::new(),
            None,
            SEARCH_VARS,
            "search",
        )
        .unwrap();
        let r = t.render("http://h/api/", &vars()).unwrap();
        assert_eq!(r.url.as_str(), "http://h/api/lookup/a%2Fb%20c");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("山"), "%E5%B1%B1");
    }

    #[test]
    fn empty_templated_params_are_left_out() {
        let mut q = IndexMap::new();
        q.insert("q".to_string(), "{query}".to_string());
        q.insert("after".to_string(), "{cursor}".to_string());
        q.insert("fixed".to_string(), "".to_string());
        let t = RequestTemplate::compile(HttpMethod::Get, "/s", &q, None, SEARCH_VARS, "search")
            .unwrap();
        let r = t.render("http://h", &vars()).unwrap();
        assert_eq!(r.url.as_str(), "http://h/s?q=a%2Fb+c&fixed=");
    }

    #[test]
    fn body_numbers_and_nulls() {
        let body = json!({"filter": {"by": "{kind}", "value": "{query}", "note": "p{page}"}, "page": "{page}", "limit": "{limit}", "n": 5});
        let t = RequestTemplate::compile(
            HttpMethod::Post,
            "/s",
            &IndexMap::new(),
            Some(&body),
            SEARCH_VARS,
            "search",
        )
        .unwrap();
        let r = t.render("http://h", &vars()).unwrap();
        assert_eq!(
            r.body.unwrap(),
            json!({"filter": {"by": "email", "value": "a/b c", "note": "p3"}, "page": 3, "limit": null, "n": 5})
        );
    }

    #[test]
    fn unknown_placeholders_are_refused_with_location() {
        let err = RequestTemplate::compile(
            HttpMethod::Get,
            "/x/{nope}",
            &IndexMap::new(),
            None,
            SEARCH_VARS,
            "search",
        )
        .unwrap_err();
        assert!(
            err.starts_with("search.path: unknown placeholder `{nope}`"),
            "{err}"
        );
        let body = json!({"a": ["{id}"]});
        let err = RequestTemplate::compile(
            HttpMethod::Post,
            "/x",
            &IndexMap::new(),
            Some(&body),
            SEARCH_VARS,
            "search",
        )
        .unwrap_err();
        assert!(
            err.starts_with("search.body.a[0]: unknown placeholder `{id}`"),
            "{err}"
        );
    }
}
