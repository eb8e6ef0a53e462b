//! [`Load`]: what a screen loaded from the server, whether a load is on
//! its way, and why the last one failed. Every screen that loads keeps
//! its data in one, so stale answers are dropped the same way everywhere.

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
        self.gen += 1;
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
