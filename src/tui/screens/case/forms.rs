//! The forms of the case screens (new case, note, reply, status change,
//! assignment, identity check), and how their values become the desk's
//! inputs. Pure: the only checks here are those the domain rules make
//! without the store (dates, fees, required fields), each naming its field.

use crate::desk::CaseView;
use crate::domain::case_rules::check_fee;
use crate::domain::{
    CaseStatus, Category, Contact, Law, LinkedRecord, NewCase, Outcome, Priority, RefusalGround,
    Representative, RequestKind, Requester, Role, StatusChange, VerificationInput,
    VerificationResult,
};
use crate::tui::app::{CaseChange, CaseSettings};
use crate::tui::form::{Choice, Field, Form};
use chrono::{DateTime, FixedOffset};

/// A problem with one field: (field id, message).
pub type FieldError = (&'static str, String);

/// The format of receipt times in forms.
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M";

fn channel_label(c: &str) -> String {
    c.replace('_', " ")
}

/// The new-case form, with receipt time `now` and nothing else filled in.
pub fn new_case_form(settings: &CaseSettings, now: DateTime<FixedOffset>) -> Form {
    let channels: Vec<Choice> = settings
        .channels
        .iter()
        .map(|c| Choice::new(c.as_str(), channel_label(c)))
        .collect();
    let mut reply = vec![Choice::new("", "same as channel")];
    reply.extend(channels.iter().cloned());
    let mut form = Form::new(vec![
        Field::choice(
            "category",
            "Category",
            Category::ALL
                .iter()
                .map(|c| Choice::new(c.as_str(), c.label()))
                .collect(),
        ),
        Field::choice(
            "law",
            "Law",
            Law::ALL
                .iter()
                .map(|l| Choice::new(l.as_str(), l.label()))
                .collect(),
        ),
        Field::choice("kind", "Kind", Vec::new()),
        Field::choice("channel", "Channel", channels),
        Field::text("received", "Received").placeholder("YYYY-MM-DD HH:MM (empty: now)"),
        Field::choice(
            "priority",
            "Priority",
            Priority::ALL
                .iter()
                .map(|p| Choice::new(p.as_str(), p.as_str()))
                .collect(),
        ),
        Field::text("fee", "Fee (JPY)").placeholder("none"),
        Field::text("name", "Requester"),
        Field::text("email", "Email"),
        Field::text("phone", "Phone"),
        Field::choice("reply_channel", "Reply via", reply),
        Field::toggle("representative", "By a rep."),
        Field::text("rep_name", "Rep. name"),
        Field::text("rep_relation", "Relation").placeholder("e.g. attorney, parent"),
        Field::text("rep_proof", "Proof").placeholder("e.g. power of attorney"),
        Field::area("description", "Description"),
        Field::button("create", "Create case"),
    ]);
    form.set("priority", Priority::Normal.as_str());
    form.set("received", &now.format(TIME_FORMAT).to_string());
    refresh_new_case(&mut form);
    form
}

/// Fields that depend on others: the kind (rights requests only, the kinds
/// of the chosen law), the fee (rights requests), the representative's
/// details (when made by one).
pub fn refresh_new_case(form: &mut Form) {
    let rights = form.value("category") == Category::RightsRequest.as_str();
    let law = Law::parse(&form.value("law")).unwrap_or(Law::Appi);
    form.set_options(
        "kind",
        RequestKind::of_law(law)
            .into_iter()
            .map(|k| Choice::new(k.as_str(), k.label()))
            .collect(),
    );
    form.show("kind", rights);
    form.show("fee", rights);
    let rep = form.is_on("representative");
    for id in ["rep_name", "rep_relation", "rep_proof"] {
        form.show(id, rep);
    }
}

/// Parse a fee typed as `1000`, `1,000` or `¥1000`.
fn parse_fee(text: &str) -> Result<u32, String> {
    let digits: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',')
        .collect();
    digits.trim().parse::<u32>().map_err(|_| {
        format!(
            "`{}` is not an amount in yen; write it as 1000",
            crate::domain::text::escape_controls(text.trim())
        )
    })
}

/// The case the form describes, and its fee, or the first field at fault.
pub fn new_case_input(
    form: &Form,
    settings: &CaseSettings,
    links: &[LinkedRecord],
) -> Result<(NewCase, Option<u32>), FieldError> {
    let category = Category::parse(&form.value("category")).unwrap_or(Category::Inquiry);
    let rights = category == Category::RightsRequest;
    let kind = if rights {
        RequestKind::parse(&form.value("kind"))
    } else {
        None
    };
    let law = Law::parse(&form.value("law"));
    let received_at = match form.opt("received") {
        Some(t) => Some(
            settings
                .calendar
                .parse_datetime(&t)
                .map(|d| d.fixed_offset())
                .map_err(|e| ("received", e))?,
        ),
        None => None,
    };
    let fee = match form.opt("fee").filter(|_| rights) {
        Some(t) => {
            let amount = parse_fee(&t).map_err(|e| ("fee", e))?;
            check_fee(kind, amount).map_err(|e| ("fee", e.to_string()))?;
            Some(amount)
        }
        None => None,
    };
    let representative = if form.is_on("representative") {
        let name = form.opt("rep_name").ok_or((
            "rep_name",
            "the representative's name is required".to_string(),
        ))?;
        let relation = form.opt("rep_relation").ok_or((
            "rep_relation",
            "the representative's relation to the person is required (e.g. attorney, parent)"
                .to_string(),
        ))?;
        Some(Representative {
            name,
            relation,
            proof: form.opt("rep_proof"),
        })
    } else {
        None
    };
    let mut new = NewCase::new(category, &form.value("channel"));
    new.kind = kind;
    new.law = law;
    new.received_at = received_at;
    new.priority = Priority::parse(&form.value("priority"));
    new.description = form.value("description");
    new.requester = Requester {
        name: form.opt("name"),
        contact: Contact {
            email: form.opt("email"),
            phone: form.opt("phone"),
            postal_address: None,
        },
        reply_channel: form.opt("reply_channel"),
        representative,
    };
    new.links = links.to_vec();
    Ok((new, fee))
}

/// The field a message from the desk is about, judged from its words.
pub fn field_of_error(message: &str) -> Option<&'static str> {
    let m = message.to_ascii_lowercase();
    let rules: [(&str, &'static str); 14] = [
        ("representative's name", "rep_name"),
        ("representative's relation", "rep_relation"),
        ("proof of representation", "rep_proof"),
        ("email", "email"),
        ("phone", "phone"),
        ("receipt time", "received"),
        ("received", "received"),
        ("fee", "fee"),
        ("channel", "channel"),
        ("kind", "kind"),
        ("description", "description"),
        ("requester's name", "name"),
        ("the note", "text"),
        ("the reply", "text"),
    ];
    rules
        .iter()
        .find(|(words, _)| m.contains(words))
        .map(|(_, id)| *id)
}

/// The note or reply editor.
pub fn note_form(reply: bool) -> Form {
    let mut fields = vec![Field::area("text", if reply { "Reply" } else { "Note" })];
    if reply {
        fields.push(Field::toggle("is_response", "The response"));
    }
    fields.push(Field::button(
        "save",
        if reply { "Add reply" } else { "Add note" },
    ));
    Form::new(fields)
}

/// The note or reply the editor holds.
pub fn note_input(form: &Form, reply: bool) -> Result<CaseChange, FieldError> {
    let text = form.value("text");
    if text.trim().is_empty() {
        let what = if reply { "the reply" } else { "the note" };
        return Err(("text", format!("{what} is empty")));
    }
    Ok(CaseChange::Note {
        text,
        internal: !reply,
        is_response: reply && form.is_on("is_response"),
    })
}

fn status_label(s: CaseStatus) -> String {
    s.label().to_string()
}

/// The statuses an operator with `role` may move the case to: those the
/// table allows, less what only supervisors do (refuse, close, decide on an
/// answer awaiting approval). The desk checks again.
pub fn statuses_for(view: &CaseView, role: Role) -> Vec<CaseStatus> {
    if role == Role::Supervisor {
        return view.allowed_next.clone();
    }
    if role == Role::Auditor || view.case.status == CaseStatus::AwaitingApproval {
        return Vec::new();
    }
    view.allowed_next
        .iter()
        .copied()
        .filter(|s| !matches!(s, CaseStatus::Refused | CaseStatus::Closed))
        .collect()
}

/// The status dialog: the statuses the case may go to next, and what each
/// needs (a reason to hold, grounds to refuse, an outcome to close).
pub fn status_form(view: &CaseView, role: Role) -> Form {
    let mut form = Form::new(vec![
        Field::choice("to", "New status", Vec::new()),
        Field::text("reason", "Reason"),
        Field::choice(
            "outcome",
            "Outcome",
            [
                Outcome::Fulfilled,
                Outcome::PartlyFulfilled,
                Outcome::Refused,
            ]
            .iter()
            .map(|o| Choice::new(o.as_str(), o.as_str().replace('_', " ")))
            .collect(),
        ),
        Field::multi(
            "grounds",
            "Grounds",
            RefusalGround::ALL
                .iter()
                .map(|g| Choice::new(g.as_str(), g.choice_label()))
                .collect(),
        ),
        Field::button("save", "Change status"),
    ]);
    update_status_options(&mut form, view, role);
    form
}

/// Offer the statuses the (re)loaded case allows and show what the chosen
/// one needs.
pub fn update_status_options(form: &mut Form, view: &CaseView, role: Role) {
    form.set_options(
        "to",
        statuses_for(view, role)
            .iter()
            .map(|s| Choice::new(s.as_str(), status_label(*s)))
            .collect(),
    );
    refresh_status(form, view.case.status);
}

/// Show the reason, outcome and grounds fields when the chosen status needs them.
pub fn refresh_status(form: &mut Form, from: CaseStatus) {
    let to = CaseStatus::parse(&form.value("to"));
    let closing_answered = to == Some(CaseStatus::Closed) && from == CaseStatus::Responded;
    let refusing = to == Some(CaseStatus::Refused)
        || (closing_answered && form.value("outcome") == Outcome::Refused.as_str());
    if let Some(f) = form.field_mut("reason") {
        f.placeholder = if to == Some(CaseStatus::Refused) {
            "why, in the words of the refusal letter".into()
        } else {
            String::new()
        };
        f.label = match to {
            Some(CaseStatus::OnHold) => "Why on hold",
            Some(CaseStatus::Refused) => "To the customer",
            Some(CaseStatus::Closed) => "Resolution",
            _ => "Reason",
        }
        .to_string();
    }
    form.show(
        "reason",
        matches!(
            to,
            Some(CaseStatus::OnHold)
                | Some(CaseStatus::Refused)
                | Some(CaseStatus::Closed)
                | Some(CaseStatus::Withdrawn)
        ),
    );
    form.show("outcome", closing_answered);
    form.show("grounds", refusing);
}

/// A warning for a refusal's explanation typed in another script than the
/// case's letters are written in (it goes into the letter as typed).
pub fn refusal_script_warning(form: &Form, law: crate::domain::Law) -> Option<String> {
    let to = CaseStatus::parse(&form.value("to"));
    let refusing =
        to == Some(CaseStatus::Refused) || form.field("grounds").is_some_and(|f| !f.hidden);
    if !refusing || form.field("reason").is_none_or(|f| f.hidden) {
        return None;
    }
    crate::domain::Lang::for_law(law)
        .script_warning(&form.value("reason"))
        .map(|w| format!("{w}; Enter again keeps it"))
}

/// The status change the dialog holds.
pub fn status_input(form: &Form, from: CaseStatus) -> Result<CaseChange, FieldError> {
    let Some(to) = CaseStatus::parse(&form.value("to")) else {
        return Err(("to", format!("a {from} case cannot change status")));
    };
    let visible = |id: &str| form.field(id).is_some_and(|f| !f.hidden);
    let reason = if visible("reason") {
        form.opt("reason")
    } else {
        None
    };
    if to == CaseStatus::OnHold && reason.is_none() {
        return Err(("reason", "putting a case on hold needs a reason".into()));
    }
    let grounds: Vec<RefusalGround> = if visible("grounds") {
        form.value("grounds")
            .split(',')
            .filter_map(RefusalGround::parse)
            .collect()
    } else {
        Vec::new()
    };
    if visible("grounds") && grounds.is_empty() {
        return Err((
            "grounds",
            "refusing needs at least one statutory ground: tick one with space".into(),
        ));
    }
    let outcome = if visible("outcome") {
        Outcome::parse(&form.value("outcome"))
    } else {
        None
    };
    Ok(CaseChange::Status(StatusChange {
        to: Some(to),
        reason,
        grounds,
        outcome,
    }))
}

/// The assignment dialog (supervisors): an operator, or nobody.
pub fn assign_form(settings: &CaseSettings, current: Option<&str>) -> Form {
    let mut options: Vec<Choice> = settings
        .assignees
        .iter()
        .map(|(user, name)| Choice::new(user.as_str(), format!("{name} ({user})")))
        .collect();
    options.push(Choice::new("", "nobody"));
    let mut form = Form::new(vec![
        Field::choice("assignee", "Assign to", options),
        Field::button("save", "Assign"),
    ]);
    form.set("assignee", current.unwrap_or(""));
    form
}

pub fn assign_input(form: &Form) -> CaseChange {
    CaseChange::Assign(form.opt("assignee"))
}

/// The identity check dialog.
pub fn verify_form() -> Form {
    Form::new(vec![
        Field::text("method", "Method").placeholder("e.g. callback to the registered number"),
        Field::choice(
            "result",
            "Result",
            VerificationResult::ALL
                .iter()
                .map(|r| Choice::new(r.as_str(), r.as_str()))
                .collect(),
        ),
        Field::area("evidence", "Evidence seen"),
        Field::button("save", "Record check"),
    ])
}

pub fn verify_input(form: &Form) -> Result<CaseChange, FieldError> {
    let method = form
        .opt("method")
        .ok_or(("method", "the verification method is required".to_string()))?;
    let result =
        VerificationResult::parse(&form.value("result")).unwrap_or(VerificationResult::Pending);
    let evidence = form.value("evidence");
    if evidence.trim().is_empty() && result != VerificationResult::Pending {
        return Err((
            "evidence",
            "the evidence seen is required when the result is verified or failed".into(),
        ));
    }
    Ok(CaseChange::Verify(VerificationInput {
        method,
        evidence,
        result,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<FixedOffset> {
        FixedOffset::east_opt(9 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 24, 10, 30, 0)
            .unwrap()
    }

    #[test]
    fn the_kind_follows_the_category_and_the_law() {
        let settings = CaseSettings::default();
        let mut f = new_case_form(&settings, now());
        assert!(f.field("kind").unwrap().hidden);
        assert_eq!(f.value("received"), "2026-11-24 10:30");
        f.set("category", "rights_request");
        refresh_new_case(&mut f);
        assert!(!f.field("kind").unwrap().hidden);
        assert_eq!(f.value("kind"), "purpose_notification");
        f.set("law", "ccpa");
        refresh_new_case(&mut f);
        assert_eq!(f.value("kind"), "know");
        let (new, fee) = new_case_input(&f, &settings, &[]).unwrap();
        assert_eq!(new.kind, Some(RequestKind::Know));
        assert_eq!(new.law, Some(Law::Ccpa));
        assert_eq!(fee, None);
        assert_eq!(new.received_at, Some(now()));
    }

    #[test]
    fn bad_dates_fees_and_missing_representatives_name_their_field() {
        let settings = CaseSettings::default();
        let mut f = new_case_form(&settings, now());
        f.set("received", "2026-13-01 10:00");
        assert_eq!(
            new_case_input(&f, &settings, &[]).unwrap_err().0,
            "received"
        );
        f.set("received", "");
        f.set("category", "rights_request");
        f.set("law", "appi");
        refresh_new_case(&mut f);
        f.set("kind", "correction");
        f.set("fee", "1,000");
        let (field, message) = new_case_input(&f, &settings, &[]).unwrap_err();
        assert_eq!(field, "fee");
        assert!(message.contains("no fee may be charged"), "{message}");
        f.set("kind", "disclosure");
        let (new, fee) = new_case_input(&f, &settings, &[]).unwrap();
        assert_eq!((new.received_at, fee), (None, Some(1000)));
        f.set("fee", "lots");
        assert_eq!(new_case_input(&f, &settings, &[]).unwrap_err().0, "fee");
        f.set("fee", "");
        f.set("representative", "yes");
        refresh_new_case(&mut f);
        assert_eq!(
            new_case_input(&f, &settings, &[]).unwrap_err().0,
            "rep_name"
        );
        f.set("rep_name", "山田 花子");
        assert_eq!(
            new_case_input(&f, &settings, &[]).unwrap_err().0,
            "rep_relation"
        );
        f.set("rep_relation", "mother");
        let (new, _) = new_case_input(&f, &settings, &[]).unwrap();
        let rep = new.requester.representative.unwrap();
        assert_eq!((rep.name.as_str(), rep.proof), ("山田 花子", None));
    }

    #[test]
    fn desk_messages_point_at_fields() {
        assert_eq!(field_of_error("`x` is not an email address"), Some("email"));
        assert_eq!(
            field_of_error("the receipt time 2030-01-01T00:00:00+09:00 lies in the future"),
            Some("received")
        );
        assert_eq!(
            field_of_error("the representative's name is required"),
            Some("rep_name")
        );
        assert_eq!(field_of_error("not allowed: auditors are read-only"), None);
    }

    #[test]
    fn notes_need_text_and_replies_may_be_the_response() {
        let mut f = note_form(true);
        assert_eq!(note_input(&f, true).unwrap_err().0, "text");
        f.set("text", "We sent the copy.\nRegards");
        f.set("is_response", "yes");
        assert_eq!(
            note_input(&f, true).unwrap(),
            CaseChange::Note {
                text: "We sent the copy.\nRegards".into(),
                internal: false,
                is_response: true
            }
        );
        let mut n = note_form(false);
        n.set("text", "called back");
        assert!(matches!(
            note_input(&n, false).unwrap(),
            CaseChange::Note {
                internal: true,
                is_response: false,
                ..
            }
        ));
    }

    #[test]
    fn verification_needs_a_method_and_evidence_unless_pending() {
        let mut f = verify_form();
        assert_eq!(verify_input(&f).unwrap_err().0, "method");
        f.set("method", "callback");
        f.set("result", "verified");
        assert_eq!(verify_input(&f).unwrap_err().0, "evidence");
        f.set("result", "pending");
        assert!(verify_input(&f).is_ok());
    }
}
