//! A queue page as an events line, with its rows written once for every
//! session shown the same rows: after a change, most open queues show the
//! same window and differ only in the client's query number, and writing
//! the rows as JSON is most of what pushing a change costs.

use crate::domain::queue::{QueuePage, QueueRow};
use bytes::Bytes;
use serde::Serialize;
use serde_json::value::RawValue;

/// `Event::Queue { page }` as [`crate::protocol::stream::line`] writes it.
#[derive(Serialize)]
struct Line<'a> {
    event: &'static str,
    page: Page<'a>,
}

#[derive(Serialize)]
struct Page<'a> {
    seq: u64,
    tab: usize,
    filter: &'a str,
    total: usize,
    all: usize,
    counts: &'a [usize],
    offset: usize,
    rows: &'a RawValue,
    generation: u64,
    notices: &'a [String],
}

/// Rows already written, to be shared by the pages that hold them.
#[derive(Default)]
pub(crate) struct Written {
    rows: Vec<(Vec<QueueRow>, Box<RawValue>)>,
}

impl Written {
    /// The events line of `page`.
    pub(crate) fn line(&mut self, page: &QueuePage) -> Bytes {
        let at = match self.rows.iter().position(|(r, _)| *r == page.rows) {
            Some(i) => i,
            None => {
                let Ok(raw) = serde_json::value::to_raw_value(&page.rows) else {
                    return crate::protocol::stream::line(&crate::protocol::Event::Queue {
                        page: page.clone(),
                    });
                };
                self.rows.push((page.rows.clone(), raw));
                self.rows.len() - 1
            }
        };
        crate::protocol::stream::line(&Line {
            event: "queue",
            page: Page {
                seq: page.seq,
                tab: page.tab,
                filter: &page.filter,
                total: page.total,
                all: page.all,
                counts: &page.counts,
                offset: page.offset,
                rows: &self.rows[at].1,
                generation: page.generation,
                notices: &page.notices,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Event;

    #[test]
    fn a_shared_line_reads_as_the_event_itself() {
        let mut page = QueuePage {
            seq: 7,
            tab: 1,
            filter: "sato".into(),
            total: 2,
            all: 9,
            counts: vec![9, 2],
            offset: 0,
            generation: 3,
            notices: vec!["reached a limit today: taro (searches per minute)".into()],
            ..QueuePage::default()
        };
        use crate::desk::queue_index::filter::tests::row;
        page.rows = vec![
            row(1, "佐藤 花子", None, Some("taro")),
            row(2, "Sato \"Ken\"", None, None),
        ];
        let mut written = Written::default();
        let ours = written.line(&page);
        let theirs = crate::protocol::stream::line(&Event::Queue { page: page.clone() });
        let a: serde_json::Value = serde_json::from_slice(&ours).unwrap();
        let b: serde_json::Value = serde_json::from_slice(&theirs).unwrap();
        assert_eq!(a, b);
        assert!(ours.ends_with(b"\n"));
        // Another session's page with the same rows shares them.
        page.seq = 8;
        let again = written.line(&page);
        assert_eq!(written.rows.len(), 1);
        let back: Event = serde_json::from_slice(&again).unwrap();
        assert_eq!(back, Event::Queue { page });
    }
}
