//! Misbehaving systems for the fault tests: small axum servers, a listener
//! that never answers, a closed port, and the config block that adds one of
//! them as an extra system.

use axum::Router;
use std::net::Ipv4Addr;

/// A server run by the test on its own runtime; it stops (and held
/// connections close) when this is dropped.
pub struct Fake {
    pub url: String,
    _rt: tokio::runtime::Runtime,
}

impl Fake {
    /// Serve `app` on a free loopback port.
    pub fn serve(app: Router) -> Fake {
        let rt = super::runtime();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        rt.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Fake { url, _rt: rt }
    }

    /// Accept connections, read nothing, answer nothing, close nothing.
    pub fn hang() -> Fake {
        let rt = super::runtime();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        rt.spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        Fake { url, _rt: rt }
    }
}

/// A loopback URL nobody listens on: a port taken from the OS and let go.
pub fn closed_port_url() -> String {
    // Port 1 (tcpmux) is below every range a test binds from: a freed
    // ephemeral port could be taken by a parallel test's server meanwhile.
    let port = 1;
    assert!(
        std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err(),
        "something listens on 127.0.0.1:{port}"
    );
    format!("http://127.0.0.1:{port}")
}

/// Add `[systems.NAME]`: a plain GET search `PATH?q=QUERY` answering
/// `{"items": [{"id", "name", "email"}]}`, for every query kind.
pub fn add_system(doc: &mut toml_edit::DocumentMut, name: &str, url: &str, timeout_secs: f64) {
    let block = format!(
        r#"
base_url = "{url}"
timeout_secs = {timeout_secs:?}

[search]
kinds = ["name", "email", "phone"]
path = "/search"
query = {{ q = "{{query}}" }}
results = "items"

[fields]
id = "id"
name = "name"
email = "email"
"#
    );
    let parsed: toml_edit::DocumentMut = block.parse().expect("fake system block parses");
    let mut table = parsed.as_table().clone();
    table.set_implicit(false);
    doc["systems"]
        .as_table_mut()
        .expect("[systems] is a table")
        .insert(name, toml_edit::Item::Table(table));
}
