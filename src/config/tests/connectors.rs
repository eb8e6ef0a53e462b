//! Connector blocks: every auth kind and pagination style that is valid
//! loads; each inconsistency is reported at its key.

use super::*;
use crate::config::{AuthKind, HttpMethod, PaginationStyle, Problems};
use crate::domain::QueryKind;

fn with_table(name: &str, table: &str, body: &str) -> String {
    system(name, "", "") + &format!("\n[systems.{name}.{table}]\n{body}\n")
}

#[test]
fn every_auth_kind_loads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pw"), "basic-pass\n").unwrap();
    std::fs::write(dir.path().join("key"), "file-key").unwrap();
    let text = [
        with_table("open", "auth", "type = \"none\""),
        with_table(
            "crm",
            "auth",
            "type = \"bearer\"\ntoken_env = \"CRM_TOKEN\"",
        ),
        with_table(
            "billing",
            "auth",
            "type = \"basic\"\nusername = \"desk\"\npassword_file = \"pw\"",
        ),
        with_table(
            "mail",
            "auth",
            "type = \"api_key\"\nheader = \"X-Api-Key\"\nkey_env = \"MAIL_KEY\"",
        ),
        with_table(
            "support",
            "auth",
            "type = \"api_key\"\nquery_param = \"apikey\"\nkey_file = \"key\"",
        ),
    ]
    .concat();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, &text).unwrap();
    let o = opts_with(&[("CRM_TOKEN", "bearer-tok"), ("MAIL_KEY", "mail-key")]);
    let c = crate::config::load_file_with(&file, &o).unwrap_or_else(|p| panic!("{p}"));
    let secret = |n: &str| {
        c.systems[n]
            .auth
            .secret
            .as_ref()
            .map(|s| s.expose().to_string())
    };
    assert_eq!(c.systems["open"].auth.kind, AuthKind::None);
    assert_eq!(secret("open"), None);
    assert_eq!(secret("crm").as_deref(), Some("bearer-tok"));
    assert_eq!(secret("billing").as_deref(), Some("basic-pass"));
    assert_eq!(c.systems["billing"].auth.username.as_deref(), Some("desk"));
    assert_eq!(secret("mail").as_deref(), Some("mail-key"));
    assert_eq!(secret("support").as_deref(), Some("file-key"));
    assert_eq!(c.systems["support"].auth.kind, AuthKind::ApiKey);
}

#[test]
fn every_pagination_style_loads() {
    let styles = [
        ("none", "style = \"none\"", ""),
        ("page", "style = \"page\"\nparam = \"page\"\nstart = 1\nsize = 50\nsize_param = \"per_page\"\ntotal_path = \"meta.total\"", ""),
        ("offset", "style = \"offset\"\nparam = \"offset\"\nsize = 25\nsize_param = \"limit\"", ""),
        ("cursor", "style = \"cursor\"\nparam = \"after\"\ncursor_path = \"paging.next\"\nhas_more_path = \"paging.more\"", ""),
        (
            "cursor_body",
            "style = \"cursor\"\nbody_field = \"page.after\"\ncursor_from_last_item = \"id\"\nsize = 10\nsize_body_field = \"page.size\"",
            "method = \"POST\"\nbody = { filter = { q = \"{query}\", kind = \"{kind}\" }, page = { size = \"{limit}\" } }",
        ),
        ("next_url", "style = \"next_url\"\nnext_path = \"links.next\"\nmax_pages = 3", ""),
        ("link_header", "style = \"link_header\"\nsize = 100\nsize_param = \"per_page\"", ""),
    ];
    for (name, pagination, search) in styles {
        let text = system(name, "", search)
            + &format!("\n[systems.{name}.search.pagination]\n{pagination}\n");
        let c = ok(&text);
        let p = &c.systems[name].search.as_ref().unwrap().pagination;
        let expected = match name {
            "none" => PaginationStyle::None,
            "page" => PaginationStyle::Page,
            "offset" => PaginationStyle::Offset,
            "cursor" | "cursor_body" => PaginationStyle::Cursor,
            "next_url" => PaginationStyle::NextUrl,
            _ => PaginationStyle::LinkHeader,
        };
        assert_eq!(p.style, expected, "{name}");
    }
}

#[test]
fn full_connector_block_loads() {
    let text = r#"
[systems.crm]
display_name = "Customer CRM"
badge = "CRM"
base_url = "http://127.0.0.1:8080/api"
timeout_secs = 7.5
concurrency = 8
retries = 3
backoff_ms = 100
headers = { Accept = "application/json" }
auth = { type = "bearer", token_env = "CRM_TOKEN" }

[systems.crm.search]
kinds = ["name", "email", "phone"]
path = "/customers/search"
query = { field = "{kind}", value = "{query}", raw = "{query_raw}" }
results = "data.items"
kind_values = { name = "full_name", email = "mail" }

[systems.crm.search.per_kind.phone]
path = "/customers/by-phone/{phone_e164}"
query = { national = "{phone_national}" }

[systems.crm.search.pagination]
style = "page"
param = "p"

[systems.crm.fields]
id = "id"
name = "{name.last} {name.first}"
name_kana = "kana"
email = "emails[0].address"
phone = "phones[0]"
postal_code = "address.zip"
address = "{address.pref}{address.city}"
birth_date = "dob"

[systems.crm.extra]
plan = { label = "Plan", path = "subscription.plan" }

[systems.crm.fetch]
path = "/customers/{id}"
query = { expand = "all" }
result = "customer"
extra = { since = { label = "Customer since", path = "created_at" } }
"#;
    let c = ok_with(text, &opts_with(&[("CRM_TOKEN", "t")]));
    let sys = &c.systems["crm"];
    assert_eq!(sys.badge.as_deref(), Some("CRM"));
    let s = sys;
    let search = s.search.as_ref().unwrap();
    assert_eq!(
        search.kinds,
        vec![QueryKind::Name, QueryKind::Email, QueryKind::Phone]
    );
    assert_eq!(search.kind_values[&QueryKind::Email], "mail");
    assert!(search.per_kind.contains_key(&QueryKind::Phone));
    let q: Vec<&str> = search.query.keys().map(String::as_str).collect();
    assert_eq!(q, ["field", "value", "raw"]);
    assert_eq!(s.fetch.as_ref().unwrap().method, HttpMethod::Get);
    assert_eq!(s.extra["plan"].label, "Plan");
}

#[test]
fn auth_inconsistencies_are_reported_at_their_keys() {
    let text = [
        with_table("a", "auth", "type = \"bearer\"\ntoken_env = \"A\"\ntoken_file = \"a.tok\""),
        with_table("b", "auth", "type = \"bearer\""),
        with_table("c", "auth", "type = \"basic\"\npassword_env = \"C\""),
        with_table("d", "auth", "type = \"none\"\nkey_env = \"D\""),
        with_table("e", "auth", "type = \"api_key\"\nheader = \"X-Key\"\nquery_param = \"k\"\nkey_env = \"E\"\nusername = \"u\""),
    ]
    .concat();
    let ps = problems_with(&text, &opts_with(&[("A", "x"), ("C", "x"), ("E", "x")]));
    let both = find(&ps, "give either token_env or token_file");
    assert_eq!(both.line, pos(&text, "token_file").0);
    let none = find(&ps, "auth type \"bearer\" needs the token's source");
    assert_eq!(none.line, pos(&text, "[systems.b.auth]").0 + 1);
    find(&ps, "auth type \"basic\" needs username");
    let unused = find(&ps, "key_env is not used with auth type = \"none\"");
    assert_eq!(unused.line, pos(&text, "key_env = \"D\"").0);
    find(&ps, "give either header or query_param");
    find(&ps, "username is not used with auth type = \"api_key\"");
    assert_eq!(ps.len(), 6, "{}", Problems(ps.clone()));
}

#[test]
fn pagination_inconsistencies_are_reported() {
    let cases = [
        ("style = \"page\"", "needs param or body_field"),
        ("style = \"offset\"\nparam = \"o\"", "needs size"),
        (
            "style = \"cursor\"\nparam = \"c\"",
            "needs cursor_path or cursor_from_last_item",
        ),
        ("style = \"next_url\"", "needs next_path"),
        (
            "style = \"link_header\"\nparam = \"page\"",
            "param is not used with pagination style \"link_header\"",
        ),
        (
            "style = \"none\"\nnext_path = \"next\"",
            "next_path is not used with pagination style \"none\"",
        ),
        (
            "style = \"page\"\nparam = \"p\"\nmax_pages = 0",
            "max_pages must be at least 1",
        ),
        (
            "style = \"page\"\nbody_field = \"page\"",
            "body_field needs a JSON body",
        ),
        (
            "style = \"page\"\nparam = \"p\"\nsize_param = \"n\"",
            "size_param needs size",
        ),
        (
            "style = \"cursor\"\nparam = \"c\"\ncursor_path = \"a..b\"",
            "empty key in path",
        ),
    ];
    for (pagination, expected) in cases {
        let text = with_table("s", "search.pagination", pagination);
        let ps = problems(&text);
        let p = find(&ps, expected);
        assert!(
            p.line > pos(&text, "[systems.s.search.pagination]").0,
            "{expected}: {p}"
        );
        assert_eq!(ps.len(), 1, "{expected}: {}", Problems(ps.clone()));
    }
}

#[test]
fn templates_and_paths_are_checked() {
    let text = system("crm", "", "")
        .replace("path = \"/customers\"", "path = \"/customers/{qeury}\"")
        .replace("email = \"contact.email\"", "email = \"contact..email\"")
        .replace(
            "name = \"{last_name} {first_name}\"",
            "name = \"{last_name} {first_name\"",
        )
        + "\n[systems.crm.fetch]\npath = \"/customers/{query}\"\nresult = \"data[x]\"\n"
        + "\n[systems.crm.extra]\nplan = { label = \" \", path = \"plan\" }\n";
    let ps = problems(&text);
    let var = find(&ps, "unknown variable `{qeury}`");
    assert_eq!(at(var), pos(&text, "path = \"/customers/{qeury}\""));
    assert!(var.message.contains("{query}"));
    assert_eq!(at(find(&ps, "empty key in path")), pos(&text, "email ="));
    assert_eq!(at(find(&ps, "unclosed `{`")), pos(&text, "name ="));
    let fetch = find(&ps, "unknown variable `{query}`");
    assert!(fetch.message.contains("known: {id}"), "{fetch}");
    find(&ps, "is not a number in path");
    find(&ps, "label of extra field `plan` is empty");
    find(&ps, "fetch never uses {id}");
    assert_eq!(ps.len(), 7, "{}", Problems(ps.clone()));
}

#[test]
fn kinds_and_per_kind_entries_are_checked() {
    let text = system("crm", "", "kind_values = { phone = \"tel\" }").replace(
        "kinds = [\"name\", \"email\"]",
        "kinds = [\"name\", \"email\", \"name\"]",
    ) + "\n[systems.crm.search.per_kind.text]\npath = \"/fulltext\"\n";
    let ps = problems(&text);
    assert_eq!(
        find(&ps, "kind \"name\" is listed twice").line,
        pos(&text, "kinds").0
    );
    assert_eq!(
        at(find(&ps, "kind \"phone\" is not in search.kinds")),
        pos(&text, "phone = \"tel\"")
    );
    assert_eq!(
        find(&ps, "kind \"text\" is not in search.kinds").line,
        pos(&text, "per_kind.text").0
    );
    let empty = system("x", "", "").replace("kinds = [\"name\", \"email\"]", "kinds = []");
    let ps = problems(&empty);
    find(&ps, "search.kinds is empty");
    let typo = system("x", "", "").replace("kinds = [\"name\", \"email\"]", "kinds = [\"mail\"]");
    let ps = problems(&typo);
    let p = find(&ps, "unknown variant `mail`");
    assert_eq!(at(p), pos(&typo, "\"mail\""));
    assert!(p.message.starts_with("`systems.x.search.kinds[0]`:"), "{p}");
}

#[test]
fn method_and_body_must_agree() {
    let get_with_body = system("a", "", "body = { q = \"{query}\" }");
    assert_eq!(
        at(find(
            &problems(&get_with_body),
            "a body is only sent with POST, PUT or PATCH, not GET"
        )),
        pos(&get_with_body, "body =")
    );
    let post_without = system("b", "", "method = \"POST\"");
    assert_eq!(
        at(find(&problems(&post_without), "a POST search needs a body")),
        pos(&post_without, "method")
    );
    let bad_leaf = system(
        "c",
        "",
        "method = \"POST\"\nbody = { filter = [{ v = \"{nope}\" }] }",
    );
    assert_eq!(
        at(find(&problems(&bad_leaf), "unknown variable `{nope}`")),
        pos(&bad_leaf, "v = ")
    );
}

#[test]
fn limits_and_url_are_checked() {
    let text = system(
        "crm",
        "timeout_secs = 301.0\nconcurrency = 65\nbadge = \"TOOLONG\"",
        "",
    )
    .replace("https://crm.example.test/api", "ftp://crm.example.test");
    let ps = problems(&text);
    assert_eq!(
        at(find(
            &ps,
            "timeout_secs must be more than 0 and at most 300"
        )),
        pos(&text, "timeout_secs")
    );
    assert_eq!(
        at(find(&ps, "concurrency must be from 1 to 64, not 65")),
        pos(&text, "concurrency")
    );
    assert_eq!(
        at(find(&ps, "badge must be 1 to 4 characters, not 7")),
        pos(&text, "badge")
    );
    assert_eq!(
        at(find(&ps, "base_url must use http or https")),
        pos(&text, "base_url")
    );
    let bad = system("x", "", "").replace("https://x.example.test/api", "not a url");
    find(&problems(&bad), "base_url is not a valid URL");
    let zero = system("z", "timeout_secs = 0", "");
    find(&problems(&zero), "timeout_secs must be more than 0");
}

#[test]
fn fetch_must_use_the_id() {
    let text = with_table(
        "crm",
        "fetch",
        "query = { all = \"yes\" }\npath = \"/people\"",
    );
    let ps = problems(&text);
    assert_eq!(
        at(find(&ps, "fetch never uses {id}")),
        pos(&text, "path = \"/people\"")
    );
    let by_query = with_table(
        "crm",
        "fetch",
        "path = \"/customers\"\nquery = { id = \"{id}\" }",
    );
    assert!(ok(&by_query).systems["crm"].fetch.is_some());
}

#[test]
fn body_and_query_keep_their_written_order() {
    let text = system(
        "crm",
        "",
        "method = \"POST\"\nbody = { zeta = \"{query}\", alpha = { yy = \"{kind}\", bb = 1 }, mid = [{ z = 1, a = 2 }] }",
    )
    .replace("query = { q = \"{query}\" }", "query = { z = \"1\", a = \"2\" }");
    let c = ok(&text);
    let s = c.systems["crm"].search.as_ref().unwrap();
    let body = serde_json::to_string(s.body.as_ref().unwrap()).unwrap();
    assert_eq!(
        body,
        r#"{"zeta":"{query}","alpha":{"yy":"{kind}","bb":1},"mid":[{"z":1,"a":2}]}"#
    );
    assert_eq!(s.query.keys().collect::<Vec<_>>(), ["z", "a"]);
}

#[test]
fn max_records_defaults_and_is_bounded() {
    let c = ok(&system("crm", "", ""));
    assert_eq!(
        c.systems["crm"].max_records,
        crate::config::systems::default_max_records()
    );
    let c = ok(&system("crm", "max_records = 40", ""));
    assert_eq!(c.systems["crm"].max_records, 40);
    for bad in ["max_records = 0", "max_records = 10001"] {
        let text = system("crm", bad, "");
        let ps = problems(&text);
        let p = find(&ps, "max_records must be from 1 to 10000");
        assert_eq!(p.line, pos(&text, bad).0, "{bad}: {p}");
        assert_eq!(ps.len(), 1, "{bad}: {}", Problems(ps.clone()));
    }
}
