//! Linking records into persons.
//!
//! Two records belong to one person when they share a normalised e-mail, a
//! normalised phone number, or a name key (or a reading key) *together with*
//! the same normalised birth date. Links are transitive. A name without a
//! birth date never links: namesakes are common.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

use super::normalize;
use crate::domain::record::LinkKey;
use crate::domain::{Person, Record};

/// Disjoint sets over record indices, with path halving and union by size.
struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

/// `birth_date|value`: a name or reading key qualified by the birth date.
fn with_birth_date(bd: &str, value: &str) -> String {
    let mut key = String::with_capacity(bd.len() + 1 + value.len());
    key.push_str(bd);
    key.push('|');
    key.push_str(value);
    key
}

/// Put the linking keys of `r`, each tagged with its kind, into `out`
/// (cleared first). The keys are unique.
fn record_keys(r: &Record, out: &mut Vec<(LinkKey, String)>) {
    out.clear();
    let mut push = |key: (LinkKey, String)| {
        if !out.contains(&key) {
            out.push(key);
        }
    };
    if let Some(e) = r.email.as_deref().and_then(normalize::email) {
        push((LinkKey::Email, e));
    }
    if let Some(p) = r.phone.as_deref().and_then(normalize::phone) {
        push((LinkKey::Phone, p));
    }
    let Some(bd) = r.birth_date.as_deref().and_then(normalize::birth_date) else {
        return;
    };
    if let Some(name) = r.name.as_deref() {
        for k in normalize::name_keys(name) {
            push((LinkKey::NameBirthDate, with_birth_date(&bd, &k)));
        }
        // A name written in kana is its own reading.
        if normalize::is_kana_only(name) {
            push((
                LinkKey::KanaBirthDate,
                with_birth_date(&bd, &normalize::kana(name)),
            ));
        }
    }
    if let Some(reading) = r.name_kana.as_deref() {
        let k = normalize::kana(reading);
        if !k.is_empty() {
            push((LinkKey::KanaBirthDate, with_birth_date(&bd, &k)));
        }
    }
}

/// Group records into persons (score 0, unranked).
///
/// Persons come in order of their first record; records keep their input
/// order inside a person. `linked_by` lists, sorted and unique, every kind of
/// key that two records of the person share (empty for a single record).
/// Runs in time linear in the number of records.
pub fn link(records: Vec<Record>) -> Vec<Person> {
    let n = records.len();
    let mut sets = UnionFind::new(n);
    let mut first_holder: HashMap<(LinkKey, String), usize> = HashMap::with_capacity(n * 4);
    let mut joins: Vec<(usize, LinkKey)> = Vec::new();
    let mut keys = Vec::new();
    for (i, r) in records.iter().enumerate() {
        record_keys(r, &mut keys);
        for key in keys.drain(..) {
            let kind = key.0;
            match first_holder.entry(key) {
                Entry::Occupied(holder) => {
                    sets.union(i, *holder.get());
                    joins.push((i, kind));
                }
                Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
    }

    // Person slot for each root, in order of first appearance.
    let mut slot_of_root: Vec<Option<usize>> = vec![None; n];
    let mut persons: Vec<Person> = Vec::new();
    let mut slot_of_record: Vec<usize> = Vec::with_capacity(n);
    for (i, r) in records.into_iter().enumerate() {
        let root = sets.find(i);
        let slot = match slot_of_root[root] {
            Some(s) => s,
            None => {
                persons.push(Person {
                    score: 0,
                    linked_by: Vec::new(),
                    records: Vec::new(),
                });
                slot_of_root[root] = Some(persons.len() - 1);
                persons.len() - 1
            }
        };
        slot_of_record.push(slot);
        persons[slot].records.push(r);
    }

    let mut kinds: Vec<BTreeSet<LinkKey>> = vec![BTreeSet::new(); persons.len()];
    for (i, kind) in joins {
        kinds[slot_of_record[i]].insert(kind);
    }
    for (person, k) in persons.iter_mut().zip(kinds) {
        person.linked_by = k.into_iter().collect();
    }
    persons
}
