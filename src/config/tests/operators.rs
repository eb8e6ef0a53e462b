//! Operators: unknown OS users refused, `"$USER"` only in demo configs.

use super::*;
use crate::domain::Role;

const STAFF: &str = "[operators.hsato]\ndisplay_name = \"Hanako Sato\"\nrole = \"supervisor\"\n";

#[test]
fn known_operator_is_found() {
    let c = ok(STAFF);
    let op = c.operator("hsato").unwrap();
    assert_eq!(op.username, "hsato");
    assert_eq!(op.display_name, "Hanako Sato");
    assert_eq!(op.role, Role::Supervisor);
}

#[test]
fn unknown_os_user_is_refused_with_what_to_do() {
    let c = ok(STAFF);
    let err = c.operator("mallory").unwrap_err();
    assert!(err.contains("\"mallory\""), "{err}");
    assert!(err.contains(FILE), "{err}");
    assert!(
        err.contains("an administrator must add [operators.mallory]"),
        "{err}"
    );
    let err = c.operator("jo.doe").unwrap_err();
    assert!(err.contains("[operators.\"jo.doe\"]"), "{err}");
    let none = ok("");
    assert!(none.operator("hsato").is_err());
}

#[test]
fn current_user_operator_in_demo_config() {
    let text =
        "demo = true\n[operators.\"$USER\"]\ndisplay_name = \"Demo operator\"\nrole = \"agent\"\n";
    let c = ok_with(text, &LoadOptions::isolated("kenji", &[]));
    assert!(c.demo);
    assert_eq!(c.operator("kenji").unwrap().display_name, "Demo operator");
    assert!(!c.operators.contains_key("$USER"));
    // Problems inside it are still located at the "$USER" table.
    let text = "demo = true\n[operators.\"$USER\"]\ndisplay_name = \"\"\nrole = \"agent\"\n";
    let ps = problems_with(text, &LoadOptions::isolated("kenji", &[]));
    assert_eq!(
        at(find(&ps, "display_name is empty")),
        pos(text, "display_name")
    );
}

#[test]
fn current_user_operator_refused_outside_demo() {
    let text = "[operators.\"$USER\"]\ndisplay_name = \"Someone\"\nrole = \"agent\"\n";
    let ps = problems_with(text, &LoadOptions::isolated("kenji", &[]));
    assert_eq!(ps.len(), 1, "{ps:?}");
    let p = &ps[0];
    assert!(
        p.message
            .contains("only allowed in a demo configuration (demo = true)"),
        "{p}"
    );
    assert_eq!(at(p), pos(text, "\"$USER\""));
    let demo_off = format!("demo = false\n{text}");
    assert_eq!(
        problems_with(&demo_off, &LoadOptions::isolated("kenji", &[])).len(),
        1
    );
}

#[test]
fn bad_role_and_bad_username_are_located() {
    let text = "[operators.\"bad user\"]\ndisplay_name = \"B\"\nrole = \"agent\"\n[operators.ok]\ndisplay_name = \"O\"\nrole = \"admin\"\n";
    let ps = problems(text);
    assert_eq!(
        at(find(&ps, "not a valid Unix user name")),
        pos(text, "\"bad user\"")
    );
    let role = find(&ps, "operators.ok.role");
    assert_eq!(at(role), pos(text, "\"admin\""));
    assert!(role.message.contains("agent"), "{role}");
}

#[test]
fn current_username_is_not_empty() {
    assert!(!crate::config::current_username().is_empty());
}
