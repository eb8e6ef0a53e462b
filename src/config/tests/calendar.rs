//! `[calendar]` and `[deadlines]`: defaults, overrides and located problems.

use super::*;
use crate::config::Problems;

#[test]
fn defaults_are_the_japanese_desk() {
    let c = ok("");
    assert_eq!(c.calendar.time_zone, "Asia/Tokyo");
    assert_eq!(
        (c.calendar.opens.as_str(), c.calendar.closes.as_str()),
        ("09:00", "17:00")
    );
    assert_eq!(c.calendar.open_days, ["mon", "tue", "wed", "thu", "fri"]);
    assert!(c.calendar.japanese_holidays);
    assert_eq!(c.calendar.yearly_closures.len(), 1);
    assert_eq!(c.calendar.yearly_closures[0].from, "12-29");
    assert_eq!(c.calendar.yearly_closures[0].to.as_deref(), Some("01-03"));
    assert!(c.calendar.closures.is_empty());
    assert_eq!(c.deadlines.appi.business_days, 10);
    assert_eq!(c.deadlines.gdpr.extension_months, 2);
    assert_eq!(c.deadlines.ccpa.days, 45);
}

#[test]
fn user_values_override_and_lists_replace() {
    let text = r#"
[calendar]
time_zone = "Europe/Berlin"
opens = "8:30"
closes = "16:00"
closures = [{ from = "2026-08-13", to = "2026-08-14", name = "summer closure" }]

[deadlines.appi]
business_days = 7

[deadlines.appi.kinds]
disclosure = 5
"#;
    let c = ok(text);
    assert_eq!(c.calendar.time_zone, "Europe/Berlin");
    assert_eq!(c.calendar.opens, "8:30");
    assert_eq!(
        c.calendar.open_days.len(),
        5,
        "untouched keys keep defaults"
    );
    assert_eq!(c.calendar.closures[0].name, "summer closure");
    assert_eq!(c.calendar.yearly_closures.len(), 1);
    assert_eq!(c.deadlines.appi.business_days, 7);
    assert_eq!(c.deadlines.appi.contact_business_days, 10);
    assert_eq!(
        c.deadlines
            .appi_business_days(Some(crate::domain::RequestKind::Disclosure)),
        5
    );
}

#[test]
fn bad_calendar_values_are_located() {
    let text = r#"
[calendar]
time_zone = "Asia/Tokio"
opens = "9h00"
closes = "17:00"
open_days = ["mon", "tue", "funday", "tue"]
yearly_closures = [
    { from = "12-29", to = "01-03", name = "year-end closure" },
    { from = "02-30", name = "odd" },
    { from = "06-01", to = "10-31", name = "long summer" },
]
closures = [
    { from = "2026-08-14", to = "2026-08-13", name = "backwards" },
    { from = "2026/08/13", name = "slashes" },
    { from = "2026-08-13", name = " " },
]
"#;
    let ps = problems(text);
    let shown = Problems(ps.clone()).to_string();
    assert_eq!(
        at(find(&ps, "unknown time zone \"Asia/Tokio\"")),
        pos(text, "time_zone")
    );
    assert_eq!(
        at(find(&ps, "\"9h00\" is not a time of day")),
        pos(text, "opens")
    );
    assert_eq!(
        at(find(&ps, "unknown day of the week \"funday\"")),
        pos(text, "\"funday\"")
    );
    let twice = find(&ps, "\"tue\" is listed twice");
    assert_eq!(twice.line, pos(text, "open_days").0);
    assert!(twice.column > pos(text, "\"funday\"").1);
    assert_eq!(
        at(find(&ps, "\"02-30\" is not a day of the year")),
        pos(text, "from = \"02-30\"")
    );
    assert_eq!(
        at(find(&ps, "lasts 153 days")).0,
        pos(text, "long summer").0
    );
    assert_eq!(
        at(find(&ps, "ends (2026-08-13) before it starts")).0,
        pos(text, "backwards").0
    );
    assert_eq!(
        at(find(&ps, "\"2026/08/13\" is not a date")),
        pos(text, "from = \"2026/08/13\"")
    );
    assert_eq!(
        at(find(&ps, "closure name is empty")).0,
        pos(text, "name = \" \"").0
    );
    assert_eq!(ps.len(), 9, "{shown}");
}

#[test]
fn closing_before_opening_is_located_at_closes() {
    let text = "[calendar]\nopens = \"17:00\"\ncloses = \"09:00\"\n";
    let ps = problems(text);
    assert_eq!(ps.len(), 1, "{}", Problems(ps.clone()));
    let p = find(&ps, "closes (09:00) must be later than opens (17:00)");
    assert_eq!(at(p), pos(text, "closes"));
    let text = "[calendar]\nclose = \"18:00\"\nopen_days = []\n";
    let ps = problems(text);
    find(&ps, "unknown key `calendar.close`");
    find(&ps, "open_days is empty");
}

#[test]
fn bad_deadline_values_are_located() {
    let text = r#"
[deadlines.appi]
business_days = 0

[deadlines.appi.kinds]
access = 3
disclosure = 300
third-party-records = 5

[deadlines.gdpr]
extension_months = 3

[deadlines.ccpa]
days = 60
opt_out_business_days = -1
"#;
    let ps = problems(text);
    let shown = Problems(ps.clone()).to_string();
    assert_eq!(
        at(find(&ps, "business_days must be between 1 and 250")),
        pos(text, "business_days")
    );
    assert_eq!(
        at(find(&ps, "\"access\" is a GDPR request")),
        pos(text, "access")
    );
    assert_eq!(
        at(find(&ps, "disclosure must be between")),
        pos(text, "disclosure")
    );
    assert_eq!(
        at(find(&ps, "as \"third_party_records\"")),
        pos(text, "third-party-records")
    );
    assert_eq!(
        at(find(&ps, "extension_months must be between 0 and 2")),
        pos(text, "extension_months")
    );
    assert_eq!(
        at(find(&ps, "days must be between 1 and 45")),
        pos(text, "days = 60")
    );
    assert_eq!(
        at(find(&ps, "deadlines.ccpa.opt_out_business_days")),
        pos(text, "-1")
    );
    assert_eq!(ps.len(), 7, "{shown}");
}

#[test]
fn closure_dates_may_be_toml_dates() {
    let c =
        ok("[calendar]\nclosures = [{ from = 2026-08-13, to = 2026-08-14, name = \"summer\" }]\n");
    assert_eq!(c.calendar.closures[0].from, "2026-08-13");
    assert_eq!(c.calendar.closures[0].to.as_deref(), Some("2026-08-14"));
    let text = "[calendar]\nclosures = [{ from = 13, name = \"x\" }]\n";
    let ps = problems(text);
    assert_eq!(at(find(&ps, "expected a date such as")), pos(text, "13"));
}
