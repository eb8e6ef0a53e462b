//! data/sample-config.toml: it parses in the connector format, every
//! template and path is valid, the secrets it names are what the servers
//! accept, and its search definitions really work against the servers.

use super::*;
use crate::config::{AuthKind, HttpMethod, RequestOverride, SystemDef};
use crate::connectors::path::{JsonPath, Template};
use crate::domain::QueryKind;
use std::path::PathBuf;

fn config_dir() -> PathBuf {
    let here = PathBuf::from(file!());
    let here = if here.is_absolute() {
        here
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(here)
    };
    here.parent()
        .and_then(|p| p.parent())
        .and_then(|p| p.parent())
        .expect("crate root")
        .join("data")
}

/// The `[systems]` table. (Without toml's `preserve_order` feature the keys
/// come back sorted, so nothing here relies on their order.)
fn systems() -> IndexMap<String, SystemDef> {
    all_systems()
        .into_iter()
        .filter(|(_, d)| d.kind == crate::config::SystemKind::Api)
        .collect()
}

/// Every system of the sample config, the OpenDSR processor included.
fn all_systems() -> IndexMap<String, SystemDef> {
    #[derive(serde::Deserialize)]
    struct OnlySystems {
        systems: IndexMap<String, SystemDef>,
    }
    let parsed: OnlySystems = toml::from_str(SAMPLE_CONFIG)
        .expect("sample-config.toml: systems deserialize as SystemDef");
    // The generic table route gives the same systems.
    let table: toml::Table = toml::from_str(SAMPLE_CONFIG).expect("sample-config.toml parses");
    let via_table: IndexMap<String, SystemDef> = table
        .get("systems")
        .cloned()
        .expect("[systems]")
        .try_into()
        .expect("systems via table");
    assert_eq!(via_table.len(), parsed.systems.len());
    parsed.systems
}

fn check_template(where_: &str, t: &str) {
    Template::parse(t).unwrap_or_else(|e| panic!("{where_}: {e}"));
}

/// A field mapping value: a template of paths or one path.
fn check_field(where_: &str, v: &str) {
    let t = Template::parse(v).unwrap_or_else(|e| panic!("{where_}: {e}"));
    if v.contains('{') {
        for var in t.vars() {
            JsonPath::parse(var).unwrap_or_else(|e| panic!("{where_}: {e}"));
        }
    } else {
        JsonPath::parse(v).unwrap_or_else(|e| panic!("{where_}: {e}"));
    }
}

fn check_body(where_: &str, v: &Value) {
    match v {
        Value::String(s) => check_template(where_, s),
        Value::Array(a) => a.iter().for_each(|x| check_body(where_, x)),
        Value::Object(o) => o.values().for_each(|x| check_body(where_, x)),
        _ => {}
    }
}

#[test]
fn top_level_keys() {
    let table: toml::Table = toml::from_str(SAMPLE_CONFIG).unwrap();
    assert_eq!(table["demo"].as_bool(), Some(true));
    assert_eq!(
        table["store"]["path"].as_str(),
        Some("~/.local/share/privdesk/demo.db")
    );
    let ops = table["operators"].as_table().unwrap();
    let roles: Vec<&str> = ops.values().filter_map(|o| o["role"].as_str()).collect();
    assert_eq!(
        ops["$USER"]["display_name"].as_str(),
        Some("Demo Supervisor")
    );
    for r in ["supervisor", "agent", "auditor"] {
        assert!(roles.contains(&r), "no {r}");
    }
    assert!(ops.contains_key("demo-agent"));
    for (_, op) in ops {
        let _: crate::config::OperatorDef = op.clone().try_into().expect("operator shape");
    }
}

#[test]
fn every_system_is_described_with_valid_templates() {
    let systems = systems();
    let mut names: Vec<&str> = systems.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, ["billing", "crm", "loyalty", "mailing", "support"]);
    let order = ["crm", "billing", "support", "loyalty", "mailing"];
    for (name, def) in &systems {
        let i = order.iter().position(|n| n == name).unwrap_or(99);
        assert_eq!(
            def.base_url,
            format!("http://127.0.0.1:{}", DEFAULT_PORT_BASE + i as u16),
            "{name}"
        );
        assert_ne!(def.auth.kind, AuthKind::None, "{name} has no auth");
        let s = def.search.as_ref().expect("search");
        check_template(&format!("{name}.search.path"), &s.path);
        s.query
            .iter()
            .for_each(|(k, v)| check_template(&format!("{name}.search.query.{k}"), v));
        if let Some(b) = &s.body {
            check_body(&format!("{name}.search.body"), b);
        }
        JsonPath::parse(&s.results).unwrap();
        for (kind, o) in &s.per_kind {
            let w = format!("{name}.search.per_kind.{kind}");
            o.path.iter().for_each(|p| check_template(&w, p));
            o.query
                .iter()
                .flatten()
                .for_each(|(_, v)| check_template(&w, v));
            o.body.iter().for_each(|b| check_body(&w, b));
        }
        let p = &s.pagination;
        for path in [
            &p.cursor_path,
            &p.next_path,
            &p.total_path,
            &p.body_field,
            &p.size_body_field,
        ]
        .into_iter()
        .flatten()
        {
            JsonPath::parse(path).unwrap_or_else(|e| panic!("{name}.search.pagination: {e}"));
        }
        for (field, v) in def.fields.as_ref().expect("fields").entries() {
            check_field(&format!("{name}.fields.{field}"), v);
        }
        for (k, x) in &def.extra {
            JsonPath::parse(&x.path).unwrap_or_else(|e| panic!("{name}.extra.{k}: {e}"));
        }
        let fetch = def
            .fetch
            .as_ref()
            .unwrap_or_else(|| panic!("{name} has no fetch"));
        check_template(&format!("{name}.fetch.path"), &fetch.path);
        assert!(
            Template::parse(&fetch.path)
                .unwrap()
                .vars()
                .any(|v| v == "id"),
            "{name}.fetch.path has no {{id}}"
        );
        JsonPath::parse(&fetch.result).unwrap();
        for (k, x) in fetch.extra.iter().flatten() {
            JsonPath::parse(&x.path).unwrap_or_else(|e| panic!("{name}.fetch.extra.{k}: {e}"));
        }
        // Every canonical field the system holds is mapped.
        let mapped = def.fields.as_ref().expect("fields").entries().len();
        assert!(mapped >= 2, "{name} maps only {mapped} fields");
    }
    assert_eq!(systems["crm"].fields.as_ref().unwrap().entries().len(), 8);
    assert_eq!(
        systems["billing"].fields.as_ref().unwrap().entries().len(),
        8
    );
}

/// The secret a system's auth block points at, read from its file.
fn secret(def: &SystemDef) -> String {
    let a = &def.auth;
    let file = a
        .token_file
        .as_ref()
        .or(a.password_file.as_ref())
        .or(a.key_file.as_ref())
        .expect("a secret file");
    std::fs::read_to_string(config_dir().join(file))
        .expect("secret file")
        .trim()
        .to_string()
}

#[test]
fn secret_files_hold_what_the_servers_accept() {
    let systems = systems();
    for (name, def) in &systems {
        let want = match auth::Auth::for_system(name).unwrap() {
            auth::Auth::Bearer { token } => token,
            auth::Auth::Basic { user, password } => {
                assert_eq!(def.auth.username.as_deref(), Some(user.as_str()), "{name}");
                password
            }
            auth::Auth::HeaderKey { header, key } => {
                assert_eq!(def.auth.header.as_deref(), Some(header.as_str()), "{name}");
                key
            }
            auth::Auth::QueryKey { param, key } => {
                assert_eq!(
                    def.auth.query_param.as_deref(),
                    Some(param.as_str()),
                    "{name}"
                );
                key
            }
        };
        assert_eq!(secret(def), want, "{name}");
    }
}

#[tokio::test]
async fn apply_to_points_the_config_at_the_running_servers() {
    let running = start(SampleOptions::default()).await.unwrap();
    let mut systems = all_systems();
    assert_eq!(systems.len(), running.systems.len());
    systems.insert("other".into(), systems["crm"].clone());
    systems["other"].base_url = "https://crm.example.jp".into();
    running.apply_to(&mut systems);
    for s in &running.systems {
        assert_eq!(systems[&s.name].base_url, s.base_url);
        assert_ne!(s.base_url, format!("http://127.0.0.1:{DEFAULT_PORT_BASE}"));
    }
    assert_eq!(systems["other"].base_url, "https://crm.example.jp");
}

/// Fill a request template the way the connector format describes.
fn fill(t: &str, vars: &[(&str, &str)]) -> String {
    Template::parse(t).unwrap().render(|v| {
        vars.iter()
            .find(|(k, _)| *k == v)
            .map(|(_, x)| x.to_string())
    })
}

fn fill_body(v: &Value, vars: &[(&str, &str)]) -> Value {
    match v {
        Value::String(s) => Value::String(fill(s, vars)),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill_body(x, vars)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), fill_body(x, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// One first-page search driven only by the config, then one fetch of the
/// first hit: proves each system's description matches its server.
async fn search_by_config(
    base: &str,
    def: &SystemDef,
    kind: QueryKind,
    vars: &[(&str, &str)],
) -> Vec<Value> {
    let s = def.search.as_ref().expect("search");
    let none = RequestOverride::default();
    let o = s.per_kind.get(&kind).unwrap_or(&none);
    let kind_value = s
        .kind_values
        .get(&kind)
        .cloned()
        .unwrap_or_else(|| kind.as_str().to_string());
    let mut vars = vars.to_vec();
    vars.push(("kind", &kind_value));
    let method = o.method.unwrap_or(s.method);
    let path = fill(o.path.as_ref().unwrap_or(&s.path), &vars);
    let mut query: Vec<(String, String)> = o
        .query
        .as_ref()
        .unwrap_or(&s.query)
        .iter()
        .map(|(k, v)| (k.clone(), fill(v, &vars)))
        .collect();
    let mut body = o
        .body
        .as_ref()
        .or(s.body.as_ref())
        .map(|b| fill_body(b, &vars));
    let p = &s.pagination;
    if let (Some(size), Some(param)) = (p.size, &p.size_param) {
        query.push((param.clone(), size.to_string()));
    }
    if let (Some(size), Some(field), Some(b)) = (p.size, &p.size_body_field, body.as_mut()) {
        JsonPath::parse(field).unwrap().set(b, json_num(size));
    }
    let http = reqwest::Client::new();
    let mut rb = match method {
        HttpMethod::Get => http.get(format!("{base}{path}")),
        HttpMethod::Post => http.post(format!("{base}{path}")),
        m => panic!("unexpected method {}", m.as_str()),
    };
    rb = with_auth(rb, def).query(&query);
    if let Some(b) = &body {
        rb = rb.json(b);
    }
    let resp = rb.send().await.unwrap();
    assert!(resp.status().is_success(), "{}: {}", path, resp.status());
    let doc: Value = resp.json().await.unwrap();
    let items = JsonPath::parse(&s.results)
        .unwrap()
        .get(&doc)
        .and_then(Value::as_array)
        .cloned();
    items.unwrap_or_else(|| panic!("no result array at `{}` in {doc}", s.results))
}

fn json_num(n: u64) -> Value {
    Value::from(n)
}

fn with_auth(rb: reqwest::RequestBuilder, def: &SystemDef) -> reqwest::RequestBuilder {
    let a = &def.auth;
    let secret = secret(def);
    match a.kind {
        AuthKind::Bearer => rb.bearer_auth(secret),
        AuthKind::Basic => rb.basic_auth(a.username.clone().unwrap_or_default(), Some(secret)),
        AuthKind::ApiKey => match (&a.header, &a.query_param) {
            (Some(h), _) => rb.header(h.as_str(), secret),
            (None, Some(q)) => rb.query(&[(q.as_str(), secret)]),
            (None, None) => rb,
        },
        AuthKind::None => rb,
    }
}

fn field(def: &crate::config::FieldMap, name: &str, item: &Value) -> Option<String> {
    let (_, v) = def.entries().into_iter().find(|(k, _)| *k == name)?;
    let as_text = |x: &Value| match x {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    };
    if v.contains('{') {
        Some(
            Template::parse(v)
                .ok()?
                .render(|p| JsonPath::parse(p).ok()?.get(item).and_then(as_text)),
        )
    } else {
        JsonPath::parse(v).ok()?.get(item).and_then(as_text)
    }
}

#[tokio::test]
async fn the_config_drives_every_server() {
    let running = start(SampleOptions::default()).await.unwrap();
    let mut systems = systems();
    running.apply_to(&mut systems);
    let email = [
        ("query", "taro.yamada@example.jp"),
        ("query_raw", "Taro.Yamada@example.jp"),
    ];
    let phone = [
        ("query", "+819012345678"),
        ("query_raw", "090-1234-5678"),
        ("phone_e164", "+819012345678"),
        ("phone_national", "09012345678"),
    ];
    let name = [("query", "山田 太郎"), ("query_raw", "山田 太郎")];
    // The ticket desk holds his name as he typed it, in romaji.
    let romaji = [("query", "Yamada Taro"), ("query_raw", "Yamada Taro")];
    let mut found = 0;
    for (sys_name, def) in &systems {
        for kind in &def.search.as_ref().unwrap().kinds {
            let vars: &[(&str, &str)] = match kind {
                QueryKind::Email => &email,
                QueryKind::Phone => &phone,
                _ if sys_name == "support" => &romaji,
                _ => &name,
            };
            let items = search_by_config(&def.base_url, def, *kind, vars).await;
            let hit = items
                .iter()
                .find(|it| {
                    let e = field(def.fields.as_ref().unwrap(), "email", it)
                        .unwrap_or_default()
                        .to_lowercase();
                    let p = field(def.fields.as_ref().unwrap(), "phone", it).unwrap_or_default();
                    e == "taro.yamada@example.jp"
                        || matching::phone_key(&p).as_deref() == Some("09012345678")
                })
                .unwrap_or_else(|| panic!("{sys_name} by {kind}: Taro Yamada not in {items:?}"));
            let id = field(def.fields.as_ref().unwrap(), "id", hit).expect("id mapped");
            // Fetch the same record through the fetch block.
            let fetch = def.fetch.as_ref().unwrap();
            let path = fill(&fetch.path, &[("id", &id)]);
            let resp = with_auth(
                reqwest::Client::new().get(format!("{}{path}", def.base_url)),
                def,
            )
            .send()
            .await
            .unwrap();
            assert!(resp.status().is_success(), "{sys_name} fetch {path}");
            let doc: Value = resp.json().await.unwrap();
            let rec = JsonPath::parse(&fetch.result)
                .unwrap()
                .get(&doc)
                .cloned()
                .expect("fetch result");
            assert_eq!(
                field(
                    fetch
                        .fields
                        .as_ref()
                        .unwrap_or(def.fields.as_ref().unwrap()),
                    "id",
                    &rec
                ),
                Some(id.clone()),
                "{sys_name}"
            );
            // (An optional second phone may be absent.)
            for (k, x) in fetch
                .extra
                .iter()
                .flatten()
                .filter(|(_, x)| !x.path.contains("[1]"))
            {
                assert!(
                    JsonPath::parse(&x.path).unwrap().get(&rec).is_some(),
                    "{sys_name}: fetch extra {k} missing in {rec}"
                );
            }
            for (k, x) in &def.extra {
                assert!(
                    JsonPath::parse(&x.path).unwrap().get(hit).is_some(),
                    "{sys_name}: extra {k} missing in {hit}"
                );
            }
            found += 1;
        }
    }
    assert_eq!(found, 3 + 3 + 3 + 2 + 1);
}
