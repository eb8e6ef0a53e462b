//! Due dates on screen: how close a deadline is, as a theme role (due_ok,
//! due_soon, due_late) and, so it reads without colour too, a text marker.

use crate::tui::theme::{Role, Theme};

/// A deadline this many days away or fewer is "soon".
pub const DUE_SOON_DAYS: i64 = 3;

/// Where a case stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// More than [`DUE_SOON_DAYS`] days left.
    Ok,
    /// [`DUE_SOON_DAYS`] days or fewer left (today included).
    Soon,
    /// Past the due date.
    Late,
    /// A pause stops the clock.
    Stopped,
    /// Answered, refused, withdrawn or closed: the clock no longer runs.
    Done,
    /// No due date was computed.
    Unknown,
}

impl Due {
    /// `open`: the requester still waits (see `CaseStatus::is_open`).
    pub fn of(days_left: Option<i64>, overdue: bool, open: bool, stopped: bool) -> Due {
        if !open {
            return Due::Done;
        }
        if stopped {
            return Due::Stopped;
        }
        match days_left {
            _ if overdue => Due::Late,
            None => Due::Unknown,
            Some(d) if d < 0 => Due::Late,
            Some(d) if d <= DUE_SOON_DAYS => Due::Soon,
            Some(_) => Due::Ok,
        }
    }

    /// The theme role its text is drawn in.
    pub fn role(self) -> Role {
        match self {
            Due::Ok => Role::DueOk,
            Due::Soon => Role::DueSoon,
            Due::Late => Role::DueLate,
            Due::Stopped | Due::Done | Due::Unknown => Role::Muted,
        }
    }

    /// The marker drawn before it: the theme's, and `!` for a late case
    /// even when the theme has none (so it reads in any theme).
    pub fn marker(self, theme: &Theme) -> String {
        match self {
            Due::Late if theme.marker(Role::DueLate).is_empty() => "!".into(),
            Due::Late => theme.marker(Role::DueLate).to_string(),
            Due::Soon => theme.marker(Role::DueSoon).to_string(),
            _ => String::new(),
        }
    }
}

/// `3 days left`, `1 day left`, `due today`, `2 days late`.
pub fn days_text(days: i64) -> String {
    match days {
        0 => "due today".into(),
        1 => "1 day left".into(),
        -1 => "1 day late".into(),
        d if d < 0 => format!("{} days late", -d),
        d => format!("{d} days left"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_the_days_left() {
        assert_eq!(Due::of(Some(10), false, true, false), Due::Ok);
        assert_eq!(
            Due::of(Some(DUE_SOON_DAYS + 1), false, true, false),
            Due::Ok
        );
        assert_eq!(Due::of(Some(DUE_SOON_DAYS), false, true, false), Due::Soon);
        assert_eq!(Due::of(Some(0), false, true, false), Due::Soon);
        assert_eq!(Due::of(Some(-1), false, true, false), Due::Late);
        assert_eq!(Due::of(Some(2), true, true, false), Due::Late);
        assert_eq!(Due::of(Some(-5), true, true, true), Due::Stopped);
        assert_eq!(Due::of(Some(-5), true, false, false), Due::Done);
        assert_eq!(Due::of(None, false, true, false), Due::Unknown);
        let mono = Theme::builtin("mono").unwrap();
        assert_eq!(Due::Late.marker(&mono), "!");
        assert_eq!(Due::Ok.marker(&mono), "");
        assert_eq!(days_text(-3), "3 days late");
        assert_eq!(days_text(1), "1 day left");
    }
}
