//! Redirects: followed on the system's own origin and to listed hosts,
//! refused (and nothing sent) anywhere else.

use super::{query, serve, system, Count};
use crate::connectors::Connector;
use crate::domain::QueryKind;
use axum::http::{header, StatusCode};
use axum::routing::get;
use axum::Router;

const ANSWER: &str = r#"{"data":[{"id":"c1","contact":{"email":"a@example.jp"}}]}"#;

fn connector(base: &str, extra_top: &str) -> Connector {
    let def = system(
        base,
        &format!(
            "{extra_top}\n[search]\nkinds = [\"name\"]\npath = \"/s\"\nresults = \"data\"\n[fields]\nid = \"id\"\nemail = \"contact.email\"\n"
        ),
    );
    Connector::new("sys", &def).unwrap()
}

/// A server whose `/s` and `/moved` answer with the record, counting the
/// requests it gets.
async fn answering(count: Count) -> String {
    let reply = move || {
        let count = count.clone();
        async move {
            count.bump();
            ([(header::CONTENT_TYPE, "application/json")], ANSWER)
        }
    };
    serve(
        Router::new()
            .route("/s", get(reply.clone()))
            .route("/moved", get(reply)),
    )
    .await
}

/// A server whose `/s` redirects (301) to `to`, query string kept.
async fn redirecting(to: String) -> String {
    let app = Router::new()
        .route(
            "/s",
            get(move |uri: axum::http::Uri| {
                let to = to.clone();
                async move {
                    let q = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
                    (
                        StatusCode::MOVED_PERMANENTLY,
                        [(header::LOCATION, format!("{to}{q}"))],
                    )
                }
            }),
        )
        .route(
            "/moved",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], ANSWER) }),
        );
    serve(app).await
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_nothing_goes_there() {
    let other = Count::default();
    let elsewhere = answering(other.clone()).await;
    let base = redirecting(format!("{elsewhere}/s")).await;
    let err = connector(&base, "")
        .search(&query(QueryKind::Name, "tanaka"))
        .await
        .unwrap_err();
    let host = elsewhere.trim_start_matches("http://");
    assert!(
        err.to_string()
            .contains(&format!("redirected to {host}; not followed")),
        "{err}"
    );
    assert_eq!(other.get(), 0, "the other host received a request");
}

#[tokio::test]
async fn a_redirect_on_the_same_origin_is_followed() {
    let own = redirecting("/moved".into()).await;
    let found = connector(&own, "")
        .search(&query(QueryKind::Name, "tanaka"))
        .await
        .expect("followed");
    assert_eq!(found.records.len(), 1);
    assert_eq!(found.records[0].id, "c1");
}

#[tokio::test]
async fn a_listed_host_is_followed() {
    let other = Count::default();
    let elsewhere = answering(other.clone()).await;
    let host = elsewhere.trim_start_matches("http://").to_string();
    let base = redirecting(format!("{elsewhere}/s")).await;
    let found = connector(&base, &format!("redirect_hosts = [\"{host}\"]"))
        .search(&query(QueryKind::Name, "tanaka"))
        .await
        .expect("followed to a listed host");
    assert_eq!(found.records.len(), 1);
    assert_eq!(other.get(), 1);
    // The same host on another port is not the listed one.
    let port: u16 = host.rsplit(':').next().unwrap().parse().unwrap();
    let wrong = format!("127.0.0.1:{}", port.wrapping_add(1).max(1));
    let err = connector(&base, &format!("redirect_hosts = [\"{wrong}\"]"))
        .search(&query(QueryKind::Name, "tanaka"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not followed"), "{err}");
    assert_eq!(other.get(), 1);
}

#[test]
fn a_malformed_redirect_host_is_named() {
    for bad in [
        "https://login.example.jp",
        "login.example.jp/path",
        "host:port",
        "",
    ] {
        assert!(
            crate::config::systems::redirect_host(bad).is_err(),
            "{bad:?} accepted"
        );
    }
    assert_eq!(
        crate::config::systems::redirect_host("Login.Example.JP:8443"),
        Ok(("login.example.jp".to_string(), Some(8443)))
    );
}
