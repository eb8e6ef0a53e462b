//! Every pagination style, the page cap and the repeated-cursor guard.

use super::{query, serve, system, Count, Seen};
use crate::connectors::{Connector, ConnectorError};
use crate::domain::QueryKind;
use axum::extract::Query;
use axum::http::{header, HeaderMap, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

type Params = Query<HashMap<String, String>>;

fn items(range: std::ops::Range<u64>) -> Vec<Value> {
    range.map(|i| json!({"id": i})).collect()
}

fn ids(out: &crate::connectors::SearchOutput) -> Vec<String> {
    out.records.iter().map(|r| r.id.clone()).collect()
}

/// `GET /list?page=N&per_page=S` over `total` items.
async fn page_server(total: u64, seen: Seen) -> String {
    let app = Router::new().route(
        "/list",
        get(move |uri: Uri, Query(p): Params| {
            let seen = seen.clone();
            async move {
                seen.push(uri.query().unwrap_or("").to_string());
                let page: u64 = p.get("page").and_then(|v| v.parse().ok()).unwrap_or(1);
                let size: u64 = p.get("per_page").and_then(|v| v.parse().ok()).unwrap_or(10);
                let from = ((page - 1) * size).min(total);
                Json(json!({"data": items(from..(from + size).min(total))}))
            }
        }),
    );
    serve(app).await
}

const PAGE_SYSTEM: &str = r#"
[search]
kinds = ["name"]
path = "/list"
query = { q = "{query}" }
results = "data"
[search.pagination]
style = "page"
param = "page"
size = 3
size_param = "per_page"
max_pages = 5
[fields]
id = "id"
"#;

#[tokio::test]
async fn page_numbers_until_a_short_page() {
    let seen = Seen::default();
    let base = page_server(7, seen.clone()).await;
    let c = Connector::new("p", &system(&base, PAGE_SYSTEM)).unwrap();
    let out = c.search(&query(QueryKind::Name, "x")).await.unwrap();
    assert_eq!(ids(&out), (0..7).map(|i| i.to_string()).collect::<Vec<_>>());
    assert_eq!((out.pages, out.truncated), (3, false));
    assert_eq!(
        seen.all(),
        vec![
            "q=x&page=1&per_page=3",
            "q=x&page=2&per_page=3",
            "q=x&page=3&per_page=3"
        ]
    );
}

#[tokio::test]
async fn max_pages_caps_and_marks_truncated() {
    let seen = Seen::default();
    let base = page_server(20, seen.clone()).await;
    let def = system(
        &base,
        &PAGE_SYSTEM.replace("max_pages = 5", "max_pages = 2"),
    );
    let out = Connector::new("p", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert_eq!((out.records.len(), out.pages, out.truncated), (6, 2, true));
    assert_eq!(seen.all().len(), 2);

    // Exactly full on the last allowed page but the server says that was all.
    let seen = Seen::default();
    let base = page_server(5, seen.clone()).await;
    let def = system(
        &base,
        &PAGE_SYSTEM.replace("max_pages = 5", "max_pages = 2"),
    );
    let out = Connector::new("p", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert_eq!((out.records.len(), out.pages, out.truncated), (5, 2, false));
}

#[tokio::test]
async fn offsets_in_the_body_stop_at_the_total() {
    let seen = Seen::default();
    let s = seen.clone();
    let app = Router::new().route(
        "/search",
        post(move |Json(body): Json<Value>| {
            let s = s.clone();
            async move {
                s.push(body.to_string());
                let offset = body["paging"]["offset"].as_u64().unwrap_or(999);
                let limit = body["paging"]["limit"].as_u64().unwrap_or(0);
                Json(json!({"total": "6", "rows": items(offset..(offset + limit).min(6))}))
            }
        }),
    );
    let base = serve(app).await;
    let def = system(
        &base,
        r#"
[search]
kinds = ["name"]
method = "POST"
path = "/search"
body = { q = "{query}", paging = { also = "{offset}" } }
results = "rows"
[search.pagination]
style = "offset"
body_field = "paging.offset"
size = 3
size_body_field = "paging.limit"
total_path = "total"
[fields]
id = "id"
"#,
    );
    let out = Connector::new("o", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert_eq!(ids(&out), vec!["0", "1", "2", "3", "4", "5"]);
    assert_eq!((out.pages, out.truncated), (2, false));
    let bodies: Vec<Value> = seen
        .all()
        .iter()
        .map(|b| serde_json::from_str(b).unwrap())
        .collect();
    assert_eq!(
        bodies,
        vec![
            json!({"q": "x", "paging": {"also": 0, "offset": 0, "limit": 3}}),
            json!({"q": "x", "paging": {"also": 3, "offset": 3, "limit": 3}}),
        ]
    );
}

#[tokio::test]
async fn cursor_from_the_response_until_has_more_is_false() {
    let seen = Seen::default();
    let s = seen.clone();
    let app = Router::new().route(
        "/people",
        get(move |Query(p): Params| {
            let s = s.clone();
            async move {
                let after = p.get("after").cloned().unwrap_or_default();
                s.push(after.clone());
                let (rows, next, more) = match after.as_str() {
                    "" => (items(0..2), json!("cA"), true),
                    "cA" => (items(2..4), json!(42), true),
                    "42" => (items(4..5), json!("cEnd"), false),
                    _ => (vec![], Value::Null, false),
                };
                Json(json!({"items": rows, "meta": {"next": next, "has_more": more}}))
            }
        }),
    );
    let base = serve(app).await;
    let def = system(
        &base,
        r#"
[search]
kinds = ["name"]
path = "/people"
results = "items"
[search.pagination]
style = "cursor"
param = "after"
cursor_path = "meta.next"
has_more_path = "meta.has_more"
[fields]
id = "id"
"#,
    );
    let out = Connector::new("c", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert_eq!(ids(&out), vec!["0", "1", "2", "3", "4"]);
    assert_eq!((out.pages, out.truncated), (3, false));
    assert_eq!(seen.all(), vec!["", "cA", "42"]);
}

#[tokio::test]
async fn cursor_from_the_last_item_in_a_body_field() {
    let seen = Seen::default();
    let s = seen.clone();
    let app = Router::new().route(
        "/q",
        post(move |Json(body): Json<Value>| {
            let s = s.clone();
            async move {
                s.push(body.to_string());
                let after = body["page"]["after"]
                    .as_str()
                    .map(|a| a.trim_start_matches('k').parse::<u64>().unwrap_or(0) + 1);
                let from = after.unwrap_or(0).min(4);
                let rows: Vec<Value> = (from..(from + 2).min(4))
                    .map(|i| json!({"id": i, "key": format!("k{i}")}))
                    .collect();
                Json(json!({"rows": rows}))
            }
        }),
    );
    let base = serve(app).await;
    let def = system(
        &base,
        r#"
[search]
kinds = ["name"]
method = "POST"
path = "/q"
body = { query = "{query}", page = { size = 2 } }
results = "rows"
[search.pagination]
style = "cursor"
body_field = "page.after"
cursor_from_last_item = "key"
[fields]
id = "id"
"#,
    );
    let out = Connector::new("c", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert_eq!(ids(&out), vec!["0", "1", "2", "3"]);
    assert_eq!(out.pages, 3, "the third page is empty and ends the paging");
    let bodies = seen.all();
    assert_eq!(bodies[0], r#"{"query":"x","page":{"size":2}}"#);
    assert_eq!(bodies[1], r#"{"query":"x","page":{"size":2,"after":"k1"}}"#);
    assert_eq!(bodies[2], r#"{"query":"x","page":{"size":2,"after":"k3"}}"#);
}

#[tokio::test]
async fn max_records_stops_the_paging_and_marks_truncated() {
    let seen = Seen::default();
    let base = page_server(20, seen.clone()).await;
    let def = system(&base, &format!("max_records = 4\n{PAGE_SYSTEM}"));
    let c = Connector::new("p", &def).unwrap();
    assert_eq!(c.max_records(), 4);
    let out = c.search(&query(QueryKind::Name, "x")).await.unwrap();
    assert_eq!(ids(&out), vec!["0", "1", "2", "3"]);
    assert_eq!((out.pages, out.truncated), (2, true));
    assert_eq!(seen.all().len(), 2, "no page asked after the cap");

    // Exactly as many as the cap: nothing was left out.
    let seen = Seen::default();
    let base = page_server(4, seen.clone()).await;
    let def = system(&base, &format!("max_records = 4\n{PAGE_SYSTEM}"));
    let out = Connector::new("p", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert_eq!((out.records.len(), out.truncated), (4, false));
}

#[tokio::test]
async fn a_repeated_cursor_stops_the_paging() {
    let count = Count::default();
    let c2 = count.clone();
    let app = Router::new().route(
        "/loop",
        get(move || {
            let n = c2.bump() as u64;
            async move { Json(json!({"items": [{"id": n}], "next": "same"})) }
        }),
    );
    let base = serve(app).await;
    let def = system(
        &base,
        r#"
[search]
kinds = ["name"]
path = "/loop"
results = "items"
[search.pagination]
style = "cursor"
param = "cursor"
cursor_path = "next"
max_pages = 10
[fields]
id = "id"
"#,
    );
    let out = Connector::new("c", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert_eq!(
        count.get(),
        2,
        "first page, then the page of cursor `same`, which returns `same` again"
    );
    assert_eq!((out.records.len(), out.truncated), (2, false));
}

#[tokio::test]
async fn next_url_relative_and_absolute() {
    let seen = Seen::default();
    let s = seen.clone();
    let app = Router::new().route(
        "/api/people",
        get(move |uri: Uri, headers: HeaderMap, Query(p): Params| {
            let s = s.clone();
            async move {
                s.push(uri.to_string());
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let (rows, next) = match p.get("page").map(String::as_str) {
                    None => (items(0..2), json!("/api/people?page=2")),
                    Some("2") => (
                        items(2..4),
                        json!(format!("http://{host}/api/people?page=3")),
                    ),
                    _ => (items(4..5), Value::Null),
                };
                Json(json!({"items": rows, "links": {"next": next}}))
            }
        }),
    );
    let base = serve(app).await;
    let def = system(
        &format!("{base}/api"),
        r#"
[search]
kinds = ["name"]
path = "/people"
query = { q = "{query}" }
results = "items"
[search.pagination]
style = "next_url"
next_path = "links.next"
[fields]
id = "id"
"#,
    );
    let out = Connector::new("n", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert_eq!(ids(&out), vec!["0", "1", "2", "3", "4"]);
    assert_eq!(
        seen.all(),
        vec![
            "/api/people?q=x",
            "/api/people?page=2",
            "/api/people?page=3"
        ]
    );
}

#[tokio::test]
async fn next_url_to_another_host_is_not_followed() {
    let app = Router::new().route(
        "/people",
        get(|| async { Json(json!({"items": [{"id": 1}], "next": "http://192.0.2.1/steal"})) }),
    );
    let base = serve(app).await;
    let def = system(
        &base,
        "[search]\nkinds = [\"name\"]\npath = \"/people\"\nresults = \"items\"\n[search.pagination]\nstyle = \"next_url\"\nnext_path = \"next\"\n[fields]\nid = \"id\"\n",
    );
    let err = Connector::new("n", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ConnectorError::BadResponse("next page URL points to another host; not followed".into())
    );
}

#[tokio::test]
async fn link_header_with_several_links() {
    let seen = Seen::default();
    let s = seen.clone();
    let app = Router::new().route(
        "/users",
        get(move |headers: HeaderMap, Query(p): Params| {
            let s = s.clone();
            async move {
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let page: u64 = p.get("page").and_then(|v| v.parse().ok()).unwrap_or(1);
                s.push(page.to_string());
                let url = |n: u64| format!("http://{host}/users?page={n}");
                let link = if page < 3 {
                    format!(
                        r#"<{}>; rel="first", <{}>; rel="next", <{}>; rel="last""#,
                        url(1),
                        url(page + 1),
                        url(3)
                    )
                } else {
                    format!(r#"<{}>; rel="prev""#, url(2))
                };
                (
                    [(header::LINK, link)],
                    Json(json!(items((page - 1) * 2..page * 2))),
                )
            }
        }),
    );
    let base = serve(app).await;
    let def = system(
        &base,
        "[search]\nkinds = [\"name\"]\npath = \"/users\"\n[search.pagination]\nstyle = \"link_header\"\n[fields]\nid = \"id\"\n",
    );
    let out = Connector::new("l", &def)
        .unwrap()
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert_eq!(ids(&out), vec!["0", "1", "2", "3", "4", "5"]);
    assert_eq!((out.pages, out.truncated), (3, false));
    assert_eq!(seen.all(), vec!["1", "2", "3"]);
}
