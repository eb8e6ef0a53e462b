//! [`Load`]: what a screen loaded from the server, whether a load is on
//! its way, and why the last one failed. Every screen that loads keeps
//! its data in one, so stale answers are dropped the same way everywhere.

use std::sync::atomic::{AtomicU64, Ordering};

/// The next load's generation (0 is never handed out: it is "nothing
/// asked yet").
static NEXT_GEN: AtomicU64 = AtomicU64::new(1);

/// Data loaded from the server with its loading state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Load<T> {
    /// What was last loaded (kept while loading again or after a failure).
    pub data: T,
    /// A load is on its way.
    pub loading: bool,
    /// Why the last load failed.
    pub error: Option<String>,
    /// Generation of the last load; answers to older ones are dropped.
    /// Generations are unique in the process, so a screen closed and
    /// opened again never takes an answer meant for its earlier self.
    pub gen: u64,
}

impl<T> Load<T> {
    /// Nothing loaded yet; `loading` when the first load is asked for at once.
    pub fn new(data: T, loading: bool) -> Load<T> {
        Load {
            data,
            loading,
            error: None,
            gen: 0,
        }
    }

    /// A load starts: its generation.
    pub fn start(&mut self) -> u64 {
        self.gen = NEXT_GEN.fetch_add(1, Ordering::Relaxed);
        self.loading = true;
        self.gen
    }

    /// Whether `gen` is the load awaited (an older answer is dropped).
    pub fn awaits(&self, gen: u64) -> bool {
        self.gen == gen
    }

    /// An answer came: keep its data, or its error (the data shown stays).
    /// The error, for the message line.
    pub fn finish(&mut self, result: Result<T, String>) -> Option<String> {
        self.loading = false;
        match result {
            Ok(data) => {
                self.data = data;
                self.error = None;
                None
            }
            Err(e) => {
                self.error = Some(e.clone());
                Some(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Load;

    #[test]
    fn an_answer_to_an_older_load_is_not_awaited() {
        let mut l: Load<Vec<u8>> = Load::default();
        let first = l.start();
        let second = l.start();
        assert!(!l.awaits(first));
        assert!(l.awaits(second));
        assert!(l.loading);
    }

    #[test]
    fn a_new_load_never_awaits_an_answer_meant_for_another() {
        let mut old: Load<u8> = Load::default();
        let gen = old.start();
        let mut new: Load<u8> = Load::default();
        assert!(!new.awaits(gen));
        new.start();
        assert!(!new.awaits(gen));
    }

    #[test]
    fn a_failure_keeps_what_was_shown() {
        let mut l = Load::new(vec![1u8], false);
        l.start();
        assert_eq!(l.finish(Err("gone".into())), Some("gone".to_string()));
        assert_eq!(l.data, vec![1]);
        assert_eq!(l.error.as_deref(), Some("gone"));
        assert!(!l.loading);
        assert_eq!(l.finish(Ok(vec![2])), None);
        assert_eq!((l.data, l.error), (vec![2], None));
    }
}
