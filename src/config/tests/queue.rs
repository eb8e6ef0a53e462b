use super::{find, ok, problems};
use crate::domain::queue::{default_sections, SectionAssignee};
use crate::domain::{Category, Law};

const OPERATORS: &str = "[operators.ana]\ndisplay_name = \"Ana\"\nrole = \"agent\"\n";

#[test]
fn without_sections_the_queue_has_the_built_in_ones() {
    let c = ok("");
    assert!(c.queue.sections.is_empty());
    assert_eq!(c.queue.sections(&[]), default_sections());
}

#[test]
fn configured_sections_replace_the_built_in_ones() {
    let c = ok(&format!(
        "{OPERATORS}[[queue.sections]]\nname = \"GDPR late\"\nlaw = \"gdpr\"\noverdue = true\n\
         [[queue.sections]]\nname = \"Ana's complaints\"\ncategory = \"complaint\"\nassignee = \"ana\"\n"
    ));
    let s = c.queue.sections(&["ana"]);
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].name, "GDPR late");
    assert_eq!(s[0].filter.law, Some(Law::Gdpr));
    assert_eq!(s[0].filter.overdue, Some(true));
    assert_eq!(s[1].filter.category, Some(Category::Complaint));
    assert_eq!(s[1].filter.assignee, SectionAssignee::User("ana".into()));
}

#[test]
fn bad_sections_are_located_at_the_field() {
    let text = format!(
        "{OPERATORS}[[queue.sections]]\nname = \"One\"\ncategory = \"complaints\"\n\
         [[queue.sections]]\nname = \"Two\"\nstatus = \"closed\"\n\
         [[queue.sections]]\nname = \"one\"\nassignee = \"zed\"\n\
         [[queue.sections]]\nname = \"\"\nmine = true\nunassigned = true\n\
         [[queue.sections]]\nname = \"Five\"\nkind = \"disclose\"\nlaw = \"eu\"\ndue_within_days = 400\n"
    );
    let ps = problems(&text);
    let p = find(&ps, "unknown category \"complaints\"");
    assert_eq!(p.line, 6, "{p:?}");
    assert!(
        p.message.contains("complaint, rights_request"),
        "{}",
        p.message
    );
    let p = find(&ps, "the queue holds cases not yet closed");
    assert_eq!(p.line, 9);
    let p = find(&ps, "\"zed\" is not a configured operator");
    assert_eq!(p.line, 12);
    let p = find(&ps, "a section named \"one\" is listed twice");
    assert_eq!(p.line, 11);
    find(&ps, "the section name is empty");
    find(
        &ps,
        "at most one of assignee, unassigned = true and mine = true",
    );
    find(&ps, "unknown request kind \"disclose\"");
    find(&ps, "unknown law \"eu\"");
    find(&ps, "due_within_days must be at most 366");
}

#[test]
fn unknown_section_keys_and_too_many_sections_are_refused() {
    let ps = problems("[[queue.sections]]\nname = \"X\"\ncolour = \"red\"\n");
    let p = ps
        .iter()
        .find(|p| p.message.contains("colour"))
        .expect("unknown key named");
    assert_eq!(p.line, 3);
    let mut text = String::new();
    for i in 0..17 {
        text.push_str(&format!("[[queue.sections]]\nname = \"S{i}\"\n"));
    }
    let ps = problems(&text);
    find(
        &ps,
        "17 sections configured; the queue has room for at most 16",
    );
}

#[test]
fn the_start_screen_is_search_or_queue() {
    assert_eq!(ok("").ui.start_screen, crate::config::StartScreen::Search);
    assert_eq!(
        ok("[ui]\nstart_screen = \"queue\"\n").ui.start_screen,
        crate::config::StartScreen::Queue
    );
    let ps = problems("[ui]\nstart_screen = \"inbox\"\n");
    assert_eq!(ps[0].line, 2, "{ps:?}");
}
