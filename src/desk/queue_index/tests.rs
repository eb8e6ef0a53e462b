use super::*;
use crate::domain::queue::{default_sections, SectionFilter};
use crate::domain::{CaseStatus, CaseSummary, Category, Law, Priority, RequestKind};
use chrono::TimeZone;

fn cal() -> Calendar {
    Calendar::japan_default()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

fn row(n: u32, name: &str, assignee: Option<&str>, due_in: Option<i64>) -> QueueRow {
    QueueRow {
        case: CaseSummary {
            id: CaseId::new(2026, n),
            version: 1,
            status: CaseStatus::InProgress,
            category: if n.is_multiple_of(2) {
                Category::Complaint
            } else {
                Category::RightsRequest
            },
            kind: (n % 2 == 1).then_some(RequestKind::Disclosure),
            law: Law::Appi,
            priority: Priority::Normal,
            assignee: assignee.map(str::to_string),
            channel: "email".into(),
            received_at: chrono::Utc
                .with_ymd_and_hms(2026, 11, 20, 1, 0, 0)
                .unwrap()
                .fixed_offset(),
            requester_name: Some(name.into()),
            due: due_in.map(|d| today() + chrono::Duration::days(d)),
            days_left: None,
            clock_stopped: false,
            overdue: false,
        },
        pending_approvals: 0,
    }
}

fn load(rows: Vec<QueueRow>) -> QueueLoad {
    let descriptions = rows.iter().map(|_| "asks for a copy".to_string()).collect();
    QueueLoad { rows, descriptions }
}

fn index(rows: Vec<QueueRow>) -> QueueIndex {
    QueueIndex::build(load(rows), default_sections(), today(), &cal())
}

fn q(tab: usize, filter: &str) -> QueueQuery {
    QueueQuery {
        tab,
        filter: filter.into(),
        offset: 0,
        limit: 50,
        seq: 1,
    }
}

fn ids(p: &QueuePage) -> Vec<u32> {
    p.rows.iter().map(|r| r.case.id.seq).collect()
}

fn sample() -> Vec<QueueRow> {
    vec![
        row(1, "Yamada Taro", Some("ana"), Some(10)),
        row(2, "Suzuki Hanako", None, Some(-3)),
        row(3, "Tanaka Ichiro", Some("ben"), Some(2)),
        row(4, "Sato Ken", Some("ana"), None),
        row(5, "Ito Mai", None, Some(30)),
    ]
}

#[test]
fn rows_come_soonest_due_first_names_masked() {
    let idx = index(sample());
    let v = QueueView::new(&idx, "sue", false, q(0, ""));
    let p = v.page(&idx);
    assert_eq!(ids(&p), [4, 2, 3, 1, 5]);
    assert_eq!(p.total, 5);
    assert_eq!(
        p.rows[1].case.requester_name.as_deref(),
        Some("S***** H*****")
    );
    assert!(p.rows[1].case.overdue);
    assert!(p.rows[1].case.days_left.unwrap() < 0);
}

#[test]
fn agents_see_their_own_and_unassigned_and_mine_is_the_viewers() {
    let idx = index(sample());
    let ana = QueueView::new(&idx, "ana", true, q(0, ""));
    assert_eq!(ids(&ana.page(&idx)), [4, 2, 1, 5]);
    let mine = 1 + default_sections()
        .iter()
        .position(|s| s.name == "Mine")
        .unwrap();
    let sup = QueueView::new(&idx, "ben", false, q(mine, ""));
    assert_eq!(ids(&sup.page(&idx)), [3]);
    let ana_mine = QueueView::new(&idx, "ana", true, q(mine, ""));
    assert_eq!(ids(&ana_mine.page(&idx)), [4, 1]);
    assert_eq!(ana.page(&idx).counts[mine], 2);
}

#[test]
fn the_filter_matches_within_the_scope_best_first() {
    let idx = index(sample());
    let v = QueueView::new(&idx, "ana", true, q(0, "ta"));
    let p = v.page(&idx);
    // Tanaka belongs to ben: out of scope for agent ana.
    assert!(!ids(&p).contains(&3));
    assert_eq!(ids(&p)[0], 1, "Yamada Taro starts a word with `ta`");
    let sup = QueueView::new(&idx, "sue", false, q(0, "tanaka ichiro"));
    assert_eq!(ids(&sup.page(&idx))[0], 3);
    let none = QueueView::new(&idx, "sue", false, q(0, "zzz"));
    assert_eq!(none.page(&idx).total, 0);
}

#[test]
fn windows_page_through_a_tab() {
    let rows: Vec<QueueRow> = (1..=120)
        .map(|n| row(n, "Kato Yui", None, Some(i64::from(n))))
        .collect();
    let idx = index(rows);
    let mut query = q(0, "");
    query.offset = 100;
    query.limit = 30;
    let v = QueueView::new(&idx, "sue", false, query);
    let p = v.page(&idx);
    assert_eq!(p.offset, 100);
    assert_eq!(ids(&p), (101..=120).collect::<Vec<_>>());
    assert_eq!(v.ids(&idx).len(), 120);
}

/// Counts worked out from nothing, to compare with a view kept up to date.
fn fresh(idx: &QueueIndex, me: &str, own: bool, query: &QueueQuery) -> QueuePage {
    QueueView::new(idx, me, own, query.clone()).page(idx)
}

#[test]
fn views_kept_up_to_date_agree_with_views_made_afresh() {
    let mut idx = index(sample());
    let queries = [q(0, ""), q(4, ""), q(7, ""), q(0, "a"), q(2, "ya")];
    let mut views: Vec<(QueueView, &str, bool)> = Vec::new();
    for qq in &queries {
        for (me, own) in [("ana", true), ("sue", false), ("ben", false)] {
            views.push((QueueView::new(&idx, me, own, qq.clone()), me, own));
        }
    }
    // A sequence of changes of every kind: assign, move the due date,
    // add, close, rename.
    let mut changes: Vec<QueueRow> = Vec::new();
    let mut r = row(2, "Suzuki Hanako", Some("ana"), Some(-3));
    changes.push(r.clone());
    r.case.due = Some(today() + chrono::Duration::days(40));
    changes.push(r.clone());
    changes.push(row(6, "Yamaguchi Aoi", None, Some(1)));
    changes.push(row(7, "Mori Ren", Some("ben"), Some(-1)));
    let mut closed = row(3, "Tanaka Ichiro", Some("ben"), Some(2));
    closed.case.status = CaseStatus::Closed;
    changes.push(closed);
    changes.push(row(5, "Yano Mai", Some("sue"), Some(30)));
    let mut waiting = row(1, "Yamada Taro", Some("ana"), Some(10));
    waiting.pending_approvals = 1;
    changes.push(waiting);
    for c in changes {
        let applied = idx.upsert(c, "asks for a copy", &cal()).expect("a change");
        for (v, me, own) in &mut views {
            v.apply(&idx, &applied);
            let kept = v.page(&idx);
            let new = fresh(&idx, me, *own, v.query());
            assert_eq!(kept, new, "{me} {:?}", v.query());
        }
    }
    assert!(
        idx.row(CaseId::new(2026, 3)).is_none(),
        "closed cases leave"
    );
    // Nothing changes: nothing to apply.
    let same = idx.row(CaseId::new(2026, 6)).unwrap().clone();
    assert!(idx.upsert(same, "asks for a copy", &cal()).is_none());
}

#[test]
fn a_new_day_moves_cases_into_overdue() {
    let mut idx = index(sample());
    let overdue = 1 + default_sections()
        .iter()
        .position(|s| s.name == "Overdue")
        .unwrap();
    let before = QueueView::new(&idx, "sue", false, q(overdue, "")).page(&idx);
    assert_eq!(ids(&before), [2]);
    assert!(idx.set_today(today() + chrono::Duration::days(4), &cal()));
    let after = QueueView::new(&idx, "sue", false, q(overdue, "")).page(&idx);
    assert_eq!(ids(&after), [2, 3]);
}

#[test]
fn a_section_list_of_any_shape_is_honoured() {
    let sections = vec![QueueSection {
        name: "Unassigned".into(),
        filter: SectionFilter {
            assignee: SectionAssignee::Unassigned,
            ..Default::default()
        },
    }];
    let idx = QueueIndex::build(load(sample()), sections, today(), &cal());
    let p = QueueView::new(&idx, "sue", false, q(1, "")).page(&idx);
    assert_eq!(ids(&p), [2, 5]);
    assert_eq!(p.counts, vec![5, 2]);
    // A tab past the last is the first.
    let p = QueueView::new(&idx, "sue", false, q(9, "")).page(&idx);
    assert_eq!(p.tab, 0);
}
