use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use std::thread;

use super::{entry, temp_store_path};
use crate::store::migrate::latest_version;
use crate::store::{AuditFilter, Store};

#[test]
fn four_stores_appending_at_once_keep_one_chain() {
    let (_dir, path) = temp_store_path();
    drop(Store::open(&path, 5000).unwrap());
    let barrier = Arc::new(Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || -> Result<(), String> {
                let store = Store::open(&path, 5000).map_err(|e| e.to_string())?;
                barrier.wait();
                for i in 0..50 {
                    store
                        .append_audit(&entry(&format!("op{t}"), "search", "query", i))
                        .map_err(|e| e.to_string())?;
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread panicked").expect("append failed");
    }

    let store = Store::open(&path, 5000).unwrap();
    let v = store.verify_audit().unwrap();
    assert_eq!(v.entries, 200);
    assert!(v.is_intact(), "{v:?}");
    let all = store.audit_entries(&AuditFilter::default()).unwrap();
    let ids: Vec<i64> = all.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=200).collect::<Vec<_>>());
    for t in 0..4 {
        let mine = all
            .iter()
            .filter(|e| e.operator == format!("op{t}"))
            .count();
        assert_eq!(mine, 50, "operator op{t}");
    }
}

#[test]
fn shared_store_across_threads() {
    let (_dir, path) = temp_store_path();
    let store = Arc::new(Store::open(&path, 5000).unwrap());
    let handles: Vec<_> = (0..3)
        .map(|t| {
            let store = Arc::clone(&store);
            thread::spawn(move || {
                for i in 0..20 {
                    store
                        .append_audit(&entry(&format!("op{t}"), "search", "s", i))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let v = store.verify_audit().unwrap();
    assert_eq!(v.entries, 60);
    assert!(v.is_intact());
}

#[test]
fn racing_first_opens_of_a_new_file_all_succeed() {
    for round in 0..5 {
        let (_dir, path) = temp_store_path();
        let threads = 6;
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let path = path.clone();
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || -> Result<i64, String> {
                    barrier.wait();
                    let store = Store::open(&path, 5000).map_err(|e| e.to_string())?;
                    let e = store
                        .append_audit(&entry(&format!("op{t}"), "case_view", "race", 0))
                        .map_err(|e| e.to_string())?;
                    Ok(e.id)
                })
            })
            .collect();
        let ids: HashSet<i64> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .expect("thread panicked")
                    .expect("open or append failed")
            })
            .collect();
        assert_eq!(ids.len(), threads, "round {round}");

        let store = Store::open(&path, 5000).unwrap();
        assert_eq!(store.schema_version().unwrap(), latest_version());
        let applied: i64 = store
            .lock()
            .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            applied,
            latest_version() as i64,
            "migrations applied more than once"
        );
        let v = store.verify_audit().unwrap();
        assert_eq!(v.entries, threads as u64);
        assert!(v.is_intact(), "{v:?}");
    }
}

#[test]
fn threads_sharing_one_store_commit_their_entries_together_and_keep_one_chain() {
    let (_dir, path) = temp_store_path();
    let store = Arc::new(Store::open(&path, 5000).unwrap());
    let barrier = Arc::new(Barrier::new(16));
    let handles: Vec<_> = (0..16)
        .map(|t| {
            let store = Arc::clone(&store);
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                let mine: Vec<_> = (0..25)
                    .map(|i| {
                        store
                            .append_audit(&entry(&format!("op{t}"), "search", "query", i))
                            .expect("append")
                    })
                    .collect();
                assert!(mine.iter().all(|e| e.operator == format!("op{t}")));
                mine
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for h in handles {
        let mine = h.join().expect("thread");
        // Each caller got its own entry back, in the order it appended.
        assert!(mine.windows(2).all(|w| w[0].id < w[1].id));
        for e in mine {
            assert!(ids.insert(e.id), "entry {} handed out twice", e.id);
        }
    }
    assert_eq!(ids.len(), 400);
    let v = store.verify_audit().unwrap();
    assert_eq!(v.entries, 400);
    assert!(v.is_intact(), "{v:?}");
}
