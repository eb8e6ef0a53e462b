//! The results an OpenDSR processor returned for an access or portability
//! request (the JSON at its `results_url`), as package records.
//!
//! A processor answers in its own shape. What is understood:
//! - an array of objects: one record each;
//! - an object holding only arrays of objects (`{"profiles": [...]}`): one
//!   record per object in them, in order;
//! - any other object: one record.
//!
//! Nested values become dotted keys (`address.city`), lists of plain values
//! are joined with `, `. A record's id is its `id`, `user_id`, `record_id`
//! or `subject_id`, else its position (`1`, `2`, ...).

use super::model::{Field, FullRecord};
use serde_json::{Map, Value};

const ID_KEYS: [&str; 4] = ["id", "user_id", "record_id", "subject_id"];

/// The records in `results`, from processor `system`. An empty list when the
/// processor holds nothing for the person (`{"profiles": []}`, `[]`, `{}`).
pub fn records_from_results(system: &str, results: &Value) -> Vec<FullRecord> {
    let objects: Vec<&Map<String, Value>> = match results {
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        // An object holding only lists of objects is a container of records.
        Value::Object(o)
            if !o.is_empty()
                && o.values()
                    .all(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_object))) =>
        {
            o.values()
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(Value::as_object)
                .collect()
        }
        Value::Object(o) if o.is_empty() => Vec::new(),
        Value::Object(o) => vec![o],
        _ => Vec::new(),
    };
    objects
        .into_iter()
        .enumerate()
        .map(|(i, o)| {
            let mut fields = Vec::new();
            flatten("", o, &mut fields);
            let id = ID_KEYS
                .iter()
                .find_map(|k| o.get(*k).and_then(scalar))
                .unwrap_or_else(|| (i + 1).to_string());
            FullRecord {
                system: system.to_string(),
                id,
                fields,
            }
        })
        .collect()
}

fn flatten(prefix: &str, o: &Map<String, Value>, out: &mut Vec<Field>) {
    for (k, v) in o {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(inner) => flatten(&key, inner, out),
            Value::Array(items) if items.iter().any(|x| x.is_object() || x.is_array()) => {
                for (i, item) in items.iter().enumerate() {
                    let item_key = format!("{key}.{}", i + 1);
                    match item {
                        Value::Object(inner) => flatten(&item_key, inner, out),
                        other => push(out, item_key, other.to_string()),
                    }
                }
            }
            Value::Array(items) => {
                let joined: Vec<String> = items.iter().filter_map(scalar).collect();
                push(out, key, joined.join(", "));
            }
            Value::Null => {}
            other => {
                if let Some(s) = scalar(other) {
                    push(out, key, s);
                }
            }
        }
    }
}

fn push(out: &mut Vec<Field>, key: String, value: String) {
    out.push(Field {
        label: key.clone(),
        key,
        value,
    });
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_list_under_a_key_gives_one_record_per_object() {
        let r = records_from_results(
            "analytics",
            &json!({"profiles": [
                {"user_id": "U-1", "email": "a@example.jp", "segments": ["x", "y"], "sessions": 4},
                {"email": "b@example.jp", "address": {"city": "Osaka"}}
            ]}),
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].id, "U-1");
        let f = |rec: &FullRecord, k: &str| {
            rec.fields
                .iter()
                .find(|f| f.key == k)
                .map(|f| f.value.clone())
        };
        assert_eq!(f(&r[0], "segments").as_deref(), Some("x, y"));
        assert_eq!(f(&r[0], "sessions").as_deref(), Some("4"));
        assert_eq!(r[1].id, "2");
        assert_eq!(f(&r[1], "address.city").as_deref(), Some("Osaka"));
    }

    #[test]
    fn nothing_held_is_no_record() {
        assert!(records_from_results("a", &json!({"profiles": []})).is_empty());
        assert!(records_from_results("a", &json!([])).is_empty());
        assert!(records_from_results("a", &json!({})).is_empty());
        assert!(records_from_results("a", &json!("text")).is_empty());
        // A record with an empty list is still a record.
        assert_eq!(
            records_from_results("a", &json!({"id": 1, "tags": []})).len(),
            1
        );
    }

    #[test]
    fn a_plain_object_is_one_record() {
        let r = records_from_results("a", &json!({"id": 7, "name": "Taro", "tags": null}));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].id, "7");
        assert_eq!(r[0].fields.len(), 2);
    }
}
