//! Pagination: which page to ask for next, and when to stop.

use super::mapping::kind_of;
use super::page::Page;
use super::path::JsonPath;
use super::request::{RequestTemplate, Vars};
use crate::config::{PaginationDef, PaginationStyle};
use reqwest::header::{HeaderMap, LINK};
use serde_json::Value;
use std::collections::HashSet;
use url::Url;

/// The compiled `[search.pagination]` table.
#[derive(Debug, Clone)]
pub(crate) struct Paging {
    pub style: PaginationStyle,
    param: Option<String>,
    body_field: Option<JsonPath>,
    start: u64,
    size: Option<u64>,
    size_param: Option<String>,
    size_body_field: Option<JsonPath>,
    cursor_path: Option<JsonPath>,
    cursor_from_last_item: Option<JsonPath>,
    has_more_path: Option<JsonPath>,
    next_path: Option<(JsonPath, String)>,
    total_path: Option<(JsonPath, String)>,
    pub max_pages: u32,
}

/// Where the paging stands during one search.
#[derive(Debug, Default)]
pub(crate) struct PageState {
    /// Pages received so far.
    pub pages: u32,
    /// Items received so far.
    items: u64,
    cursor: Option<String>,
    /// next_url / link_header: the URL of the next page.
    pub next_url: Option<Url>,
    seen: HashSet<String>,
}

/// What to do after a page.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Advance {
    /// No more pages.
    Stop,
    /// Another page is available.
    More,
}

fn opt_path(p: &Option<String>, at: &str) -> Result<Option<JsonPath>, String> {
    match p {
        Some(s) if !s.trim().is_empty() => JsonPath::parse(s)
            .map(Some)
            .map_err(|e| format!("{at}: {e}")),
        _ => Ok(None),
    }
}

impl Paging {
    pub fn compile(
        def: &PaginationDef,
        requests: &[&RequestTemplate],
        at: &str,
    ) -> Result<Paging, String> {
        let at = format!("{at}pagination");
        let p = Paging {
            style: def.style,
            param: def.param.clone().filter(|s| !s.is_empty()),
            body_field: opt_path(&def.body_field, &format!("{at}.body_field"))?,
            start: def.start.unwrap_or(1),
            size: def.size,
            size_param: def.size_param.clone().filter(|s| !s.is_empty()),
            size_body_field: opt_path(&def.size_body_field, &format!("{at}.size_body_field"))?,
            cursor_path: opt_path(&def.cursor_path, &format!("{at}.cursor_path"))?,
            cursor_from_last_item: opt_path(
                &def.cursor_from_last_item,
                &format!("{at}.cursor_from_last_item"),
            )?,
            has_more_path: opt_path(&def.has_more_path, &format!("{at}.has_more_path"))?,
            next_path: opt_path(&def.next_path, &format!("{at}.next_path"))?
                .map(|p| (p, def.next_path.clone().unwrap_or_default())),
            total_path: opt_path(&def.total_path, &format!("{at}.total_path"))?
                .map(|p| (p, def.total_path.clone().unwrap_or_default())),
            max_pages: def.max_pages,
        };
        if p.max_pages == 0 {
            return Err(format!("{at}.max_pages: must be at least 1"));
        }
        if p.size == Some(0) {
            return Err(format!("{at}.size: must be at least 1"));
        }
        let carried = p.param.is_some() || p.body_field.is_some();
        let needs = |var: &str| -> Result<(), String> {
            if carried || requests.iter().all(|r| r.uses(var)) {
                Ok(())
            } else {
                Err(format!(
                    "{at}: style {} needs `param`, `body_field` or `{{{var}}}` in the request",
                    style_name(p.style)
                ))
            }
        };
        match p.style {
            PaginationStyle::None => {}
            PaginationStyle::Page => needs("page")?,
            PaginationStyle::Offset => needs("offset")?,
            PaginationStyle::Cursor => {
                needs("cursor")?;
                if p.cursor_path.is_none() && p.cursor_from_last_item.is_none() {
                    return Err(format!(
                        "{at}: style cursor needs `cursor_path` or `cursor_from_last_item`"
                    ));
                }
            }
            PaginationStyle::NextUrl => {
                if p.next_path.is_none() {
                    return Err(format!("{at}: style next_url needs `next_path`"));
                }
            }
            PaginationStyle::LinkHeader => {}
        }
        Ok(p)
    }

    /// Paging variables for the next request: `page`, `offset`, `limit`, `cursor`.
    pub fn vars(&self, st: &PageState, vars: &mut Vars) {
        vars.set("page", (self.start + st.pages as u64).to_string());
        let offset = match self.size {
            Some(size) => size.saturating_mul(st.pages as u64),
            None => st.items,
        };
        vars.set("offset", offset.to_string());
        if let Some(size) = self.size {
            vars.set("limit", size.to_string());
        }
        vars.set_opt("cursor", st.cursor.as_deref());
    }

    /// Add the page number / offset / cursor and the size to a request
    /// built from the templates.
    pub fn apply(&self, vars: &Vars, url: &mut Url, body: &mut Option<Value>) {
        let carried = match self.style {
            PaginationStyle::Page => vars.get("page").map(|v| (v.to_string(), true)),
            PaginationStyle::Offset => vars.get("offset").map(|v| (v.to_string(), true)),
            PaginationStyle::Cursor => vars.get("cursor").map(|v| (v.to_string(), false)),
            _ => None,
        };
        if let Some((value, numeric)) = carried {
            if let Some(param) = &self.param {
                url.query_pairs_mut().append_pair(param, &value);
            }
            if let Some(field) = &self.body_field {
                let v = match value.parse::<u64>() {
                    Ok(n) if numeric => Value::from(n),
                    _ => Value::String(value),
                };
                field.set(
                    body.get_or_insert_with(|| Value::Object(Default::default())),
                    v,
                );
            }
        }
        if self.style != PaginationStyle::None {
            if let Some(size) = self.size {
                if let Some(param) = &self.size_param {
                    url.query_pairs_mut().append_pair(param, &size.to_string());
                }
                if let Some(field) = &self.size_body_field {
                    field.set(
                        body.get_or_insert_with(|| Value::Object(Default::default())),
                        Value::from(size),
                    );
                }
            }
        }
    }

    /// Record a received page and decide whether another one exists.
    /// `page` is the parsed page (its document, item count and last item),
    /// `headers` the answer's headers; `page_url` is the URL the page came
    /// from (relative next URLs are resolved against it); `origin` is the
    /// system's base URL.
    pub fn advance(
        &self,
        st: &mut PageState,
        page: &Page,
        headers: &HeaderMap,
        page_url: &Url,
        origin: &Url,
    ) -> Result<Advance, String> {
        let (doc, count, last) = (&page.doc, page.count, page.last.as_ref());
        st.pages += 1;
        st.items += count as u64;
        if self.style == PaginationStyle::None || count == 0 {
            return Ok(Advance::Stop);
        }
        if self.size.is_some_and(|size| (count as u64) < size) {
            return Ok(Advance::Stop);
        }
        match self.style {
            PaginationStyle::None => Ok(Advance::Stop),
            PaginationStyle::Page | PaginationStyle::Offset => {
                if let Some((path, src)) = &self.total_path {
                    if let Some(total) = number_at(doc, path, src)? {
                        let next_offset = match self.size {
                            Some(size) => size.saturating_mul(st.pages as u64),
                            None => st.items,
                        };
                        if next_offset >= total {
                            return Ok(Advance::Stop);
                        }
                    }
                }
                Ok(Advance::More)
            }
            PaginationStyle::Cursor => {
                if let Some(path) = &self.has_more_path {
                    if !truthy(path.get(doc)) {
                        return Ok(Advance::Stop);
                    }
                }
                let found = match (&self.cursor_path, &self.cursor_from_last_item) {
                    (Some(p), _) => p.get(doc),
                    (None, Some(p)) => last.and_then(|it| p.get(it)),
                    (None, None) => None,
                };
                let cursor = match found {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                };
                if cursor.is_empty() || !st.seen.insert(format!("c:{cursor}")) {
                    if !cursor.is_empty() {
                        tracing::warn!("a system returned the same cursor twice; paging stopped");
                    }
                    return Ok(Advance::Stop);
                }
                st.cursor = Some(cursor);
                Ok(Advance::More)
            }
            PaginationStyle::NextUrl => {
                let Some((path, src)) = &self.next_path else {
                    return Ok(Advance::Stop);
                };
                match path.get(doc) {
                    None | Some(Value::Null) => Ok(Advance::Stop),
                    Some(Value::String(s)) if s.trim().is_empty() => Ok(Advance::Stop),
                    Some(Value::String(s)) => self.follow(st, s, page_url, origin),
                    Some(other) => Err(format!("`{src}` is {}, expected a URL", kind_of(other))),
                }
            }
            PaginationStyle::LinkHeader => {
                let next = headers
                    .get_all(LINK)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find_map(next_link);
                match next {
                    Some(target) => self.follow(st, &target, page_url, origin),
                    None => Ok(Advance::Stop),
                }
            }
        }
    }

    fn follow(
        &self,
        st: &mut PageState,
        target: &str,
        page_url: &Url,
        origin: &Url,
    ) -> Result<Advance, String> {
        let url = page_url
            .join(target.trim())
            .map_err(|e| format!("next page URL is not valid: {e}"))?;
        if url.origin() != origin.origin() {
            return Err("next page URL points to another host; not followed".into());
        }
        if url == *page_url || !st.seen.insert(format!("u:{url}")) {
            tracing::warn!("a system returned the same next-page URL twice; paging stopped");
            return Ok(Advance::Stop);
        }
        st.next_url = Some(url);
        Ok(Advance::More)
    }
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "false" | "0" | "no" | ""
        ),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        // Missing or of another type: the cursor decides.
        _ => true,
    }
}

fn number_at(doc: &Value, path: &JsonPath, src: &str) -> Result<Option<u64>, String> {
    match path.get(doc) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64))),
        Some(Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| format!("`{src}` is not a number")),
        Some(other) => Err(format!("`{src}` is {}, expected a number", kind_of(other))),
    }
}

fn style_name(s: PaginationStyle) -> &'static str {
    match s {
        PaginationStyle::None => "none",
        PaginationStyle::Page => "page",
        PaginationStyle::Offset => "offset",
        PaginationStyle::Cursor => "cursor",
        PaginationStyle::NextUrl => "next_url",
        PaginationStyle::LinkHeader => "link_header",
    }
}

/// The target of the `rel="next"` link in one `Link` header value
/// (RFC 8288): `<url>; rel="next", <url2>; rel="last"`.
pub(crate) fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let after_lt = rest.strip_prefix('<')?;
        let end = after_lt.find('>')?;
        let target = &after_lt[..end];
        rest = &after_lt[end + 1..];
        let mut is_next = false;
        // Parameters up to the next comma outside quotes.
        loop {
            rest = rest.trim_start();
            let Some(after_semi) = rest.strip_prefix(';') else {
                break;
            };
            rest = after_semi.trim_start();
            let name_end = rest.find(['=', ';', ',']).unwrap_or(rest.len());
            let name = rest[..name_end].trim().to_ascii_lowercase();
            rest = &rest[name_end..];
            let mut value = String::new();
            if let Some(after_eq) = rest.strip_prefix('=') {
                let v = after_eq.trim_start();
                if let Some(q) = v.strip_prefix('"') {
                    let mut chars = q.char_indices();
                    let mut consumed = q.len();
                    while let Some((i, c)) = chars.next() {
                        match c {
                            '\\' => {
                                if let Some((_, esc)) = chars.next() {
                                    value.push(esc);
                                }
                            }
                            '"' => {
                                consumed = i + 1;
                                break;
                            }
                            c => value.push(c),
                        }
                    }
                    rest = &q[consumed..];
                } else {
                    let end = v.find([';', ',']).unwrap_or(v.len());
                    value = v[..end].trim().to_string();
                    rest = &v[end..];
                }
            }
            if name == "rel"
                && value
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
            {
                is_next = true;
            }
        }
        if is_next {
            return Some(target.to_string());
        }
        // Skip anything unexpected up to the next link.
        match rest.find(',') {
            Some(i) => rest = &rest[i + 1..],
            None => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_parsing() {
        assert_eq!(
            next_link(r#"<https://a/x?page=2>; rel="next""#).as_deref(),
            Some("https://a/x?page=2")
        );
        assert_eq!(
            next_link(r#"<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next", <https://a/x?page=9>; rel="last""#)
                .as_deref(),
            Some("https://a/x?page=3")
        );
        assert_eq!(
            next_link(r#"</x?a=1,2>; title="a, \"b\"; c"; rel="prefetch next""#).as_deref(),
            Some("/x?a=1,2")
        );
        assert_eq!(next_link("</x>; rel=next").as_deref(), Some("/x"));
        assert_eq!(next_link(r#"</x>; rel="nextish""#), None);
        assert_eq!(next_link(r#"</x>; rel="last""#), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(next_link(""), None);
        for odd in [
            "<",
            "<a",
            "<a>;",
            "<a>; rel",
            "<a>; rel=\"",
            ";;,,<>",
            "<é>;;; rel=ne",
        ] {
            assert_eq!(next_link(odd), None, "{odd}");
        }
        assert_eq!(next_link("<a>;=;,<b>; rel=next").as_deref(), Some("b"));
        assert_eq!(next_link("<é>; REL=\"Next\"").as_deref(), Some("é"));
    }
}
