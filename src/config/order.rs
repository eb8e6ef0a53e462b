//! Restoring the file's order of keys in the ordered maps of the config
//! (systems, operators, query parameters, headers...): the TOML reader hands
//! tables over sorted by key, so the order is taken back from the spans.

use super::types::Config;
use indexmap::IndexMap;
use toml::de::{DeTable, DeValue};

/// Keys of the table at `path` in the order they were written.
fn source_order(doc: &DeTable<'_>, path: &[&str]) -> Vec<String> {
    let mut t = doc;
    let mut steps = path.iter();
    while let Some(step) = steps.next() {
        let mut value = match t.get(*step) {
            Some(v) => v.get_ref(),
            None => return Vec::new(),
        };
        // Array elements are addressed by their index.
        while let DeValue::Array(a) = value {
            match steps
                .next()
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| a.get(i))
            {
                Some(item) => value = item.get_ref(),
                None => return Vec::new(),
            }
        }
        match value {
            DeValue::Table(inner) => t = inner,
            _ => return Vec::new(),
        }
    }
    let mut keys: Vec<(usize, String)> = t
        .iter()
        .map(|(k, _)| (k.span().start, k.get_ref().to_string()))
        .collect();
    keys.sort();
    keys.into_iter().map(|(_, k)| k).collect()
}

fn reorder<V>(map: &mut IndexMap<String, V>, doc: &DeTable<'_>, path: &[&str]) {
    let order = source_order(doc, path);
    if order.is_empty() {
        return;
    }
    map.sort_by_cached_key(|k, _| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
}

fn reorder_json(value: &mut serde_json::Value, doc: &DeTable<'_>, path: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            let steps: Vec<&str> = path.iter().map(String::as_str).collect();
            let order = source_order(doc, &steps);
            let mut entries: Vec<(String, serde_json::Value)> =
                std::mem::take(map).into_iter().collect();
            entries.sort_by_cached_key(|(k, _)| {
                order.iter().position(|o| o == k).unwrap_or(usize::MAX)
            });
            for (k, mut v) in entries {
                path.push(k.clone());
                reorder_json(&mut v, doc, path);
                path.pop();
                map.insert(k, v);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                reorder_json(item, doc, path);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Put every ordered map of `config` back in the order of `doc`.
pub(crate) fn restore_source_order(config: &mut Config, doc: &DeTable<'_>) {
    reorder(&mut config.operators, doc, &["operators"]);
    reorder(&mut config.systems, doc, &["systems"]);
    reorder(&mut config.keys, doc, &["keys"]);
    for (name, sys) in config.systems.iter_mut() {
        let n = name.as_str();
        reorder(&mut sys.headers, doc, &["systems", n, "headers"]);
        reorder(&mut sys.extra, doc, &["systems", n, "extra"]);
        if let Some(search) = &mut sys.search {
            reorder(&mut search.query, doc, &["systems", n, "search", "query"]);
            if let Some(body) = &mut search.body {
                reorder_json(
                    body,
                    doc,
                    &mut vec![
                        "systems".into(),
                        name.clone(),
                        "search".into(),
                        "body".into(),
                    ],
                );
            }
            for (kind, o) in search.per_kind.iter_mut() {
                let k = kind.as_str();
                if let Some(q) = &mut o.query {
                    reorder(q, doc, &["systems", n, "search", "per_kind", k, "query"]);
                }
                if let Some(body) = &mut o.body {
                    let mut p = vec![
                        "systems".into(),
                        name.clone(),
                        "search".into(),
                        "per_kind".into(),
                        k.into(),
                        "body".into(),
                    ];
                    reorder_json(body, doc, &mut p);
                }
            }
        }
        for kind in crate::domain::ActionKind::ALL {
            let k = kind.as_str();
            let def = match kind {
                crate::domain::ActionKind::Export => &mut sys.actions.export,
                crate::domain::ActionKind::Update => &mut sys.actions.update,
                crate::domain::ActionKind::Delete => &mut sys.actions.delete,
                crate::domain::ActionKind::Suspend => &mut sys.actions.suspend,
                crate::domain::ActionKind::StopThirdParty => &mut sys.actions.stop_third_party,
            };
            if let Some(a) = def {
                reorder(&mut a.fields, doc, &["systems", n, "actions", k, "fields"]);
                reorder(&mut a.query, doc, &["systems", n, "actions", k, "query"]);
                if let Some(body) = &mut a.body {
                    let mut p = vec![
                        "systems".into(),
                        name.clone(),
                        "actions".into(),
                        k.into(),
                        "body".into(),
                    ];
                    reorder_json(body, doc, &mut p);
                }
            }
        }
        if let Some(f) = &mut sys.fetch {
            reorder(&mut f.query, doc, &["systems", n, "fetch", "query"]);
            if let Some(extra) = &mut f.extra {
                reorder(extra, doc, &["systems", n, "fetch", "extra"]);
            }
            if let Some(body) = &mut f.body {
                reorder_json(
                    body,
                    doc,
                    &mut vec![
                        "systems".into(),
                        name.clone(),
                        "fetch".into(),
                        "body".into(),
                    ],
                );
            }
        }
    }
}
