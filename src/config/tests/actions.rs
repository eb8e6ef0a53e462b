//! Action blocks, OpenDSR processors and `[actions]`: valid ones load; each
//! mistake is reported at its key with what is accepted.

use super::*;
use crate::config::{HttpMethod, Problems, SystemKind};
use crate::domain::ActionKind;

fn with_action(kind: &str, body: &str) -> String {
    system("crm", "", "") + &format!("\n[systems.crm.actions.{kind}]\n{body}\n")
}

#[test]
fn action_requests_load_with_their_defaults() {
    let text = with_action(
        "update",
        "method = \"PATCH\"\npath = \"/customers/{id}\"\nbody = { customer = \"{changes}\", ref = \"{case}\" }\nfields = { email = \"contact.email\", postal_code = \"address.zip\" }",
    ) + "\n[systems.crm.actions.delete]\nmethod = \"DELETE\"\npath = \"/customers/{id}\"\nverify = { path = \"/customers/{id}\", expect_status = [404] }\n";
    let c = ok(&text);
    let a = &c.systems["crm"].actions;
    assert!(a.idempotency_keys);
    assert_eq!(a.key_header, "Idempotency-Key");
    let u = a.get(ActionKind::Update).unwrap();
    assert_eq!(u.method, HttpMethod::Patch);
    assert_eq!(u.success, vec![200, 201, 202, 204]);
    let fields: Vec<&str> = u.fields.keys().map(String::as_str).collect();
    assert_eq!(fields, ["email", "postal_code"]);
    let d = a.get(ActionKind::Delete).unwrap();
    assert_eq!(d.verify.as_ref().unwrap().expect_status, vec![404]);
    assert!(a.get(ActionKind::Suspend).is_none());
    assert_eq!(
        c.actions.require_approval,
        vec![
            ActionKind::Export,
            ActionKind::Delete,
            ActionKind::Suspend,
            ActionKind::StopThirdParty
        ]
    );
}

#[test]
fn mistakes_in_action_requests_are_reported_at_their_keys() {
    let cases: [(&str, &str, &str, &str); 8] = [
        (
            "update",
            "method = \"PATCH\"\npath = \"/customers/{id}\"",
            "needs `fields`",
            "[systems.crm.actions.update]",
        ),
        (
            "delete",
            "method = \"DELETE\"\npath = \"/people\"",
            "never uses {id}",
            "path = \"/people\"",
        ),
        (
            "update",
            "method = \"PATCH\"\npath = \"/c/{id}\"\nbody = { c = \"new: {changes}\" }\nfields = { email = \"email\" }",
            "whole string value",
            "body = {",
        ),
        (
            "delete",
            "method = \"POST\"\npath = \"/c/{id}\"\nbody = { c = \"{changes}\" }",
            "only known to update requests",
            "body = {",
        ),
        (
            "suspend",
            "method = \"POST\"\npath = \"/c/{id}/{nope}\"",
            "unknown variable `{nope}`",
            "path = \"/c/{id}/{nope}\"",
        ),
        (
            "delete",
            "method = \"DELETE\"\npath = \"/c/{id}\"\nsuccess = [700]",
            "700 is not an HTTP status",
            "success = [700]",
        ),
        (
            "delete",
            "method = \"DELETE\"\npath = \"/c/{id}\"\nverify = { path = \"/c/{id}\" }",
            "a verification needs `expect`",
            "verify = {",
        ),
        (
            "update",
            "method = \"GET\"\npath = \"/c/{id}\"\nfields = { Email = \"email\" }",
            "may only use lower-case letters",
            "fields = {",
        ),
    ];
    for (kind, body, needle, key) in cases {
        let text = with_action(kind, body);
        let ps = problems(&text);
        let p = find(&ps, needle);
        assert_eq!(p.line, pos(&text, key).0, "{needle}: {p}");
    }
}

#[test]
fn an_opendsr_processor_needs_its_block_and_no_search() {
    let ok_text = r#"
[systems.analytics]
kind = "opendsr"
base_url = "https://dsr.example.test"
[systems.analytics.opendsr]
path = "/opengdpr"
identities = [{ identity_type = "email", identity_format = "sha256", identity_value = "{email}" }]
"#;
    let c = ok(ok_text);
    let a = &c.systems["analytics"];
    assert_eq!(a.kind, SystemKind::Opendsr);
    assert!(a.search.is_none());
    assert_eq!(a.opendsr.as_ref().unwrap().api_version, "0.1");

    let missing =
        "\n[systems.analytics]\nkind = \"opendsr\"\nbase_url = \"https://dsr.example.test\"\n";
    let ps = problems(missing);
    find(&ps, "needs [systems.<name>.opendsr]");

    let wrong = ok_text
        .replace("sha256", "md5")
        .replace("{email}", "{name}");
    let ps = problems(&wrong);
    find(&ps, "identity_format must be raw or sha256");
    find(&ps, "unknown variable `{name}`");

    let api_without_search = "\n[systems.crm]\nbase_url = \"https://crm.example.test\"\n[systems.crm.fields]\nid = \"id\"\n";
    let ps = problems(api_without_search);
    find(&ps, "needs [systems.<name>.search]");

    let searched_processor =
        system("x", "kind = \"opendsr\"", "") + "\n[systems.x.opendsr]\npath = \"/o\"\n";
    let ps = problems(&searched_processor);
    find(&ps, "remove `search`");
    find(&ps, "remove `fields`");
}

#[test]
fn the_actions_table_is_checked() {
    let ps =
        problems("[actions]\nrequire_approval = [\"delete\", \"delete\"]\nmax_wait_secs = -1\n");
    find(&ps, "\"delete\" is listed twice");
    find(&ps, "max_wait_secs must be from 0 to 86400");
    let ps = problems("[actions]\nrequire_approval = [\"erase\"]\n");
    assert!(
        ps.iter().any(|p| p.message.contains("erase")),
        "{}",
        ps.iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn preconditions_load_and_their_mistakes_are_reported_at_their_keys() {
    let fetch = "\n[systems.crm.fetch]\npath = \"/customers/{id}\"\nresult = \"data\"\n";
    let update = "method = \"PATCH\"\npath = \"/customers/{id}\"\nfields = { email = \"email\" }\n";
    let delete = "method = \"DELETE\"\npath = \"/customers/{id}\"\n";
    let c = ok(&(with_action("update", &format!("{update}precondition = {{ from = \"field\", field = \"meta.version\", body_field = \"version\" }}")) + fetch));
    let p = c.systems["crm"]
        .actions
        .update
        .as_ref()
        .unwrap()
        .precondition
        .as_ref()
        .unwrap();
    assert_eq!(p.from, crate::config::PreconditionFrom::Field);
    assert_eq!(p.field.as_deref(), Some("meta.version"));
    ok(&(with_action(
        "delete",
        &format!("{delete}precondition = {{ from = \"etag\" }}"),
    ) + fetch));

    let cases = [
        ("update", format!("{update}precondition = {{ from = \"etag\" }}"), false, "it needs [systems.<name>.fetch]", "precondition"),
        ("update", format!("{update}precondition = {{ from = \"field\" }}"), true, "from = \"field\" needs `field`", "precondition"),
        ("update", format!("{update}precondition = {{ from = \"etag\", field = \"v\" }}"), true, "`field` is only used with from = \"field\"", "precondition"),
        ("update", format!("{update}precondition = {{ from = \"etag\", header = \"If Match\" }}"), true, "\"If Match\" is not a valid HTTP header name", "precondition"),
        ("update", format!("{update}precondition = {{ from = \"etag\", header = \"If-Match\", body_field = \"v\" }}"), true, "give `header` or `body_field`, not both", "precondition"),
        ("delete", format!("{delete}precondition = {{ from = \"field\", field = \"v\", body_field = \"v\" }}"), true, "a DELETE request has no body to put the version in", "precondition"),
        ("export", "method = \"GET\"\npath = \"/customers/{id}/export\"\nprecondition = { from = \"etag\" }\n".to_string(), true, "an export changes nothing", "precondition"),
        ("update", format!("{update}precondition = {{ from = \"header\" }}"), true, "unknown variant `header`", "precondition"),
    ];
    for (kind, body, with_fetch, expected, at) in cases {
        let text = with_action(kind, &body) + if with_fetch { fetch } else { "" };
        let ps = problems(&text);
        let p = find(&ps, expected);
        assert_eq!(p.line, pos(&text, at).0, "{expected}: {p}");
        assert_eq!(ps.len(), 1, "{expected}: {}", Problems(ps.clone()));
    }
}
