//! Searching and fetching: templates, bodies, field mapping, kinds.

use super::{query, serve, system, Seen};
use crate::connectors::{Connector, ConnectorError};
use crate::domain::{ExtraField, QueryKind};
use axum::extract::{Path, Query};
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

#[tokio::test]
async fn get_search_fills_the_query_string() {
    let seen = Seen::default();
    let s = seen.clone();
    let app = Router::new().route(
        "/api/customers",
        get(move |uri: Uri| {
            let s = s.clone();
            async move {
                s.push(format!("{} {}", uri.path(), uri.query().unwrap_or("")));
                Json(json!({"data": [
                    {"id": 7, "name": "佐藤 花子", "email": "hanako@example.jp", "active": true, "score": 1.5},
                    {"id": "x-8", "name": null, "active": false}
                ]}))
            }
        }),
    );
    let base = serve(app).await;
    let def = system(
        &format!("{base}/api/"),
        r#"
display_name = "Customer DB"
[search]
kinds = ["email", "name"]
path = "customers"
query = { q = "{query}", raw = "{query_raw}", by = "{kind}", fixed = "1" }
results = "data"
kind_values = { email = "mail_address" }
[fields]
id = "id"
name = "name"
email = "email"
[extra]
score = { label = "Score", path = "score" }
active = { label = "Active", path = "active" }
"#,
    );
    let c = Connector::new("crm", &def).unwrap();
    assert_eq!(
        (c.name(), c.display_name(), c.badge().as_str()),
        ("crm", "Customer DB", "CRM")
    );
    let out = c
        .search(&query(QueryKind::Email, "Hanako@Example.jp"))
        .await
        .unwrap();
    assert_eq!(
        seen.all(),
        vec![
            "/api/customers q=hanako%40example.jp&raw=Hanako%40Example.jp&by=mail_address&fixed=1"
        ]
    );
    assert_eq!((out.pages, out.truncated), (1, false));
    assert_eq!(out.records.len(), 2);
    let r = &out.records[0];
    assert_eq!((r.system.as_str(), r.id.as_str()), ("crm", "7"));
    assert_eq!(r.name.as_deref(), Some("佐藤 花子"));
    assert_eq!(r.email.as_deref(), Some("hanako@example.jp"));
    assert_eq!(
        r.extra,
        vec![
            ExtraField {
                key: "score".into(),
                label: "Score".into(),
                value: "1.5".into()
            },
            ExtraField {
                key: "active".into(),
                label: "Active".into(),
                value: "true".into()
            },
        ]
    );
    let r = &out.records[1];
    assert_eq!(
        (r.id.as_str(), r.name.as_deref(), r.email.as_deref()),
        ("x-8", None, None)
    );
    assert_eq!(
        r.extra.len(),
        1,
        "missing extras are left out: {:?}",
        r.extra
    );

    // `{kind}` without a kind_values entry is the kind's name.
    c.search(&query(QueryKind::Name, "Sato")).await.unwrap();
    assert!(seen.all()[1].contains("by=name"), "{:?}", seen.all());
}

#[tokio::test]
async fn post_search_sends_a_nested_body_and_maps_nested_fields() {
    let seen = Seen::default();
    let s = seen.clone();
    let app = Router::new().route(
        "/v2/search",
        post(move |Json(body): Json<Value>| {
            let s = s.clone();
            async move {
                s.push(body.to_string());
                Json(json!({"result": {"hits": [{"customer": {
                    "id": "c-1", "last_name": "山田", "first_name": "花子",
                    "contact": {"email": null, "phones": [{"number": "090-1234-5678"}, {"number": "03-0000-0000"}]},
                    "plan": {"name": "Gold"}
                }}]}}))
            }
        }),
    );
    let base = serve(app).await;
    let def = system(
        &format!("{base}/v2"),
        r#"
[search]
kinds = ["phone"]
method = "POST"
path = "/search"
results = "result.hits"
body = { filter = { field = "{kind}", value = "{phone_e164}", national = "{phone_national}", note = "by {kind}" }, options = { exact = true, limit = 20, tags = ["a", "{query_raw}"] } }
[fields]
id = "customer.id"
name = "{customer.last_name} {customer.first_name}"
phone = "customer.contact.phones[0].number"
email = "customer.contact.email"
[extra]
plan = { label = "Plan", path = "customer.plan.name" }
"#,
    );
    let c = Connector::new("billing", &def).unwrap();
    let out = c
        .search(&query(QueryKind::Phone, "09012345678"))
        .await
        .unwrap();
    let sent: Value = serde_json::from_str(&seen.all()[0]).unwrap();
    assert_eq!(
        sent,
        json!({"filter": {"field": "phone", "value": "+819012345678", "national": "09012345678", "note": "by phone"},
               "options": {"exact": true, "limit": 20, "tags": ["a", "09012345678"]}})
    );
    let r = &out.records[0];
    assert_eq!(r.id, "c-1");
    assert_eq!(r.name.as_deref(), Some("山田 花子"));
    assert_eq!(r.phone.as_deref(), Some("090-1234-5678"));
    assert_eq!(r.email, None);
    assert_eq!(r.extra[0].value, "Gold");
}

fn routed_system(base: &str) -> Connector {
    let def = system(
        base,
        r#"
[search]
kinds = ["email", "phone"]
path = "/by-email"
query = { email = "{query}" }
[search.per_kind.phone]
path = "/by-phone/{phone_e164}"
query = { country = "jp" }
[fields]
id = "id"
"#,
    );
    Connector::new("mail", &def).unwrap()
}

#[tokio::test]
async fn per_kind_overrides_replace_path_and_query() {
    let seen = Seen::default();
    let (s1, s2) = (seen.clone(), seen.clone());
    let app = Router::new()
        .route(
            "/by-email",
            get(move |uri: Uri| {
                let s = s1.clone();
                async move {
                    s.push(format!("email {}", uri.query().unwrap_or("")));
                    Json(json!([{"id": "e1"}]))
                }
            }),
        )
        .route(
            "/by-phone/{number}",
            get(move |Path(number): Path<String>, uri: Uri| {
                let s = s2.clone();
                async move {
                    s.push(format!("phone {number} {}", uri.query().unwrap_or("")));
                    Json(json!([{"id": "p1"}]))
                }
            }),
        );
    let base = serve(app).await;
    let c = routed_system(&base);
    let by_phone = c
        .search(&query(QueryKind::Phone, "09012345678"))
        .await
        .unwrap();
    let by_email = c.search(&query(QueryKind::Email, "a@b.jp")).await.unwrap();
    assert_eq!(by_phone.records[0].id, "p1");
    assert_eq!(by_email.records[0].id, "e1");
    assert_eq!(
        seen.all(),
        vec!["phone +819012345678 country=jp", "email email=a%40b.jp"]
    );
}

#[tokio::test]
async fn kinds_decide_who_is_asked() {
    let c = routed_system("http://127.0.0.1:9");
    assert!(c.supports(QueryKind::Email) && c.supports(QueryKind::Phone));
    assert!(!c.supports(QueryKind::Name));
    let err = c
        .search(&query(QueryKind::Name, "Yamada"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ConnectorError::NotSupported("cannot search by name (searches by: email, phone)".into())
    );
    let free = system(
        "http://127.0.0.1:9",
        "[search]\nkinds = [\"text\"]\npath = \"/\"\n[fields]\nid = \"id\"\n",
    );
    let free = Connector::new("notes", &free).unwrap();
    assert!(QueryKind::ALL.iter().all(|k| free.supports(*k)));
}

#[tokio::test]
async fn control_characters_and_huge_queries_pass_through() {
    let app = Router::new().route(
        "/find/{q}",
        get(
            |Path(q): Path<String>, Query(p): Query<HashMap<String, String>>| async move {
                Json(json!({"items": [{
                    "id": "1",
                    "name": "\u{1b}[31mRED\u{1b}[0m\u{7}",
                    "path_chars": q.chars().count(),
                    "param_chars": p.get("q").map(|v| v.chars().count()),
                    "same": p.get("q") == Some(&q),
                }]}))
            },
        ),
    );
    let base = serve(app).await;
    let def = system(
        &base,
        r#"
[search]
kinds = ["name"]
path = "/find/{query_raw}"
query = { q = "{query_raw}" }
results = "items"
[fields]
id = "id"
name = "name"
[extra]
path_chars = { label = "Path", path = "path_chars" }
param_chars = { label = "Param", path = "param_chars" }
same = { label = "Same", path = "same" }
"#,
    );
    let c = Connector::new("wide", &def).unwrap();
    let long: String = "abc山/?#%&+ \u{1b}xyz"
        .chars()
        .cycle()
        .take(10_000)
        .collect();
    let out = c.search(&query(QueryKind::Name, &long)).await.unwrap();
    let r = &out.records[0];
    assert_eq!(r.name.as_deref(), Some("\u{1b}[31mRED\u{1b}[0m\u{7}"));
    let extras: Vec<&str> = r.extra.iter().map(|e| e.value.as_str()).collect();
    assert_eq!(extras, vec!["10000", "10000", "true"]);

    // Past what a URL can hold: a clear refusal, nothing sent.
    let wide: String = "山".repeat(10_000);
    let err = c.search(&query(QueryKind::Name, &wide)).await.unwrap_err();
    let ConnectorError::NotSupported(msg) = err else {
        panic!("{err:?}")
    };
    assert!(
        msg.starts_with("query too long: the request URL would be 180"),
        "{msg}"
    );
}

#[tokio::test]
async fn fetch_gets_one_record_by_id() {
    let app = Router::new().route(
        "/customers/{id}",
        get(|Path(id): Path<String>| async move {
            if id == "404" {
                return (axum::http::StatusCode::NOT_FOUND, Json(json!({"message": "no such customer"})));
            }
            (
                axum::http::StatusCode::OK,
                Json(json!({"customer": {"name": format!("person {id}"), "since": "2019-04-01", "id": null}})),
            )
        }),
    );
    let base = serve(app).await;
    let def = system(
        &base,
        r#"
[search]
kinds = ["name"]
path = "/customers"
[fields]
id = "id"
name = "name"
[fetch]
path = "/customers/{id}"
result = "customer"
[fetch.extra]
since = { label = "Customer since", path = "since" }
"#,
    );
    let c = Connector::new("crm", &def).unwrap();
    let r = c.fetch("a/b 1").await.unwrap();
    assert_eq!(
        r.id, "a/b 1",
        "a missing id in the fetched record is the requested one"
    );
    assert_eq!(r.name.as_deref(), Some("person a/b 1"));
    assert_eq!(
        r.extra,
        vec![ExtraField {
            key: "since".into(),
            label: "Customer since".into(),
            value: "2019-04-01".into()
        }]
    );
    let err = c.fetch("404").await.unwrap_err();
    assert_eq!(
        err,
        ConnectorError::Http {
            code: 404,
            message: "no such customer".into()
        }
    );

    let nofetch = system(
        &base,
        "[search]\nkinds = [\"name\"]\npath = \"/\"\n[fields]\nid = \"id\"\n",
    );
    let err = Connector::new("plain", &nofetch)
        .unwrap()
        .fetch("1")
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectorError::NotSupported(_)), "{err:?}");
}

#[test]
fn bad_definitions_are_refused_with_the_key_at_fault() {
    let bad =
        |toml_src: &str| Connector::new("x", &system("http://127.0.0.1:9", toml_src)).unwrap_err();
    let e = bad("[search]\nkinds = [\"name\"]\npath = \"/{nope}\"\n[fields]\nid = \"id\"\n");
    assert!(
        e.starts_with("search.path: unknown placeholder `{nope}`"),
        "{e}"
    );
    let e = bad("[search]\nkinds = [\"name\"]\npath = \"/\"\n[search.pagination]\nstyle = \"page\"\n[fields]\nid = \"id\"\n");
    assert!(e.contains("style page needs `param`"), "{e}");
    let e = bad("[search]\nkinds = [\"name\"]\npath = \"/\"\n[fields]\nid = \"a..b\"\n");
    assert!(e.starts_with("fields.id: empty key"), "{e}");
    let e = bad(
        "timeout_secs = 0.0\n[search]\nkinds = [\"name\"]\npath = \"/\"\n[fields]\nid = \"id\"\n",
    );
    assert!(e.starts_with("timeout_secs:"), "{e}");
    let e = bad("[auth]\ntype = \"bearer\"\n[search]\nkinds = [\"name\"]\npath = \"/\"\n[fields]\nid = \"id\"\n");
    assert!(e.starts_with("auth: the secret is not available"), "{e}");
}
