//! The calls behind this screen's effects, each answered by a message.

use crate::client::Client;
use crate::desk::DuplicateQuery;
use crate::domain::{Case, CaseId, NewCase};
use crate::tui::app::*;
use crate::tui::effects::{spawn, Cx};
use tokio::task::JoinHandle;

/// Start one of this screen's effects.
pub fn run(cx: &Cx, e: NewCaseEffect) -> Option<JoinHandle<()>> {
    let c = cx.client.clone();
    let tx = cx.tx.clone();
    match e {
        NewCaseEffect::FindDuplicates { key, query } => spawn(async move {
            let result = c
                .find_open_cases_for(query)
                .await
                .map_err(|e| e.to_string());
            let _ = tx.send(NewCaseMsg::DuplicatesFound { key, result }.into());
        }),
        NewCaseEffect::Create {
            key,
            new,
            fee,
            seen,
            fill,
        } => spawn(async move {
            let (result, warning) = create(&c, &new, fee, &seen, fill).await;
            let _ = tx.send(
                NewCaseMsg::Created {
                    key,
                    result,
                    warning,
                }
                .into(),
            );
        }),
    }
}

/// Look for open cases of the same person or contact the operator has not
/// been shown (`seen`); if there are none, create the case, then set its fee.
pub async fn create(
    c: &Client,
    new: &NewCase,
    fee: Option<u32>,
    seen: &[CaseId],
    fill: Vec<String>,
) -> (Result<Box<Case>, CreateError>, Option<String>) {
    // A value the form had only masked is not searched for: the records
    // it came from are.
    let typed =
        |field: &str, v: &Option<String>| v.clone().filter(|_| !fill.iter().any(|f| f == field));
    let query = DuplicateQuery {
        records: new
            .links
            .iter()
            .map(|l| (l.system.clone(), l.record_id.clone()))
            .collect(),
        email: typed("email", &new.requester.contact.email),
        phone: typed("phone", &new.requester.contact.phone),
        exclude: None,
    };
    match c.find_open_cases_for(query).await {
        Ok(found) => {
            let unseen: Vec<_> = found
                .into_iter()
                .filter(|c| !seen.contains(&c.id))
                .collect();
            if !unseen.is_empty() {
                return (Err(CreateError::Duplicates(unseen)), None);
            }
        }
        Err(e) => return (Err(CreateError::Failed(e.to_string())), None),
    }
    let case = match c.create_case(new.clone(), fill).await {
        Ok(c) => c,
        Err(e) => return (Err(CreateError::Failed(e.to_string())), None),
    };
    match fee {
        Some(amount) => match c.set_fee(case.id, case.version, Some(amount)).await {
            Ok(with_fee) => (Ok(Box::new(with_fee)), None),
            Err(e) => (
                Ok(Box::new(case)),
                Some(format!("the fee was not set: {e}")),
            ),
        },
        None => (Ok(Box::new(case)), None),
    }
}
