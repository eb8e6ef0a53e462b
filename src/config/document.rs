//! The parsed TOML document with byte spans: deep merge of the user's file
//! over the defaults, finding a key path's position, and removing a node that
//! failed to deserialize so the rest can still be checked.

use std::ops::Range;
use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

pub(crate) type Span = Range<usize>;

/// Span given to every node of the embedded defaults: never inside a user file.
pub(crate) const FOREIGN: usize = usize::MAX / 2;

/// A problem found after parsing, located later by its key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    /// Key path from the top, e.g. `["systems", "crm", "auth", "token_env"]`;
    /// array elements are their index.
    pub path: Vec<String>,
    pub message: String,
}

impl Issue {
    pub(crate) fn new(path: Vec<String>, message: impl Into<String>) -> Self {
        Issue {
            path,
            message: message.into(),
        }
    }
}

/// `a.b.c` form of a key path, for messages.
/// Array positions (all-digit segments) are shown as `[n]`.
pub(crate) fn dotted(path: &[String]) -> String {
    let mut out = String::new();
    for (n, s) in path.iter().enumerate() {
        if n > 0 && !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
            out.push_str(&format!("[{s}]"));
            continue;
        }
        if n > 0 {
            out.push('.');
        }
        if is_bare_key(s) {
            out.push_str(s);
        } else {
            out.push_str(&format!("\"{}\"", s.replace('"', "\\\"")));
        }
    }
    out
}

/// Whether `s` can be written as a TOML bare key.
pub(crate) fn is_bare_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Give every node (keys included) the [`FOREIGN`] span.
pub(crate) fn mark_foreign(table: DeTable<'_>) -> DeTable<'_> {
    table
        .into_iter()
        .map(|(k, v)| {
            (
                Spanned::new(FOREIGN..FOREIGN, k.into_inner()),
                mark_foreign_value(v),
            )
        })
        .collect()
}

fn mark_foreign_value(v: Spanned<DeValue<'_>>) -> Spanned<DeValue<'_>> {
    let inner = match v.into_inner() {
        DeValue::Table(t) => DeValue::Table(mark_foreign(t)),
        DeValue::Array(a) => DeValue::Array(a.into_iter().map(mark_foreign_value).collect()),
        other => other,
    };
    Spanned::new(FOREIGN..FOREIGN, inner)
}

/// Merge `over` into `base`: tables recursively, anything else replaced.
/// Merged entries keep the spans of `over`.
pub(crate) fn merge<'i>(base: &mut DeTable<'i>, over: DeTable<'i>) {
    for (key, value) in over {
        let previous = base.remove(key.get_ref().as_ref());
        let merged = match (previous.map(Spanned::into_inner), value) {
            (Some(DeValue::Table(mut inner)), value) if value.get_ref().is_table() => {
                let span = value.span();
                if let DeValue::Table(over_inner) = value.into_inner() {
                    merge(&mut inner, over_inner);
                }
                Spanned::new(span, DeValue::Table(inner))
            }
            (_, value) => value,
        };
        base.insert(key, merged);
    }
}

/// The span of the key at `path` (of the element, for an array index). When
/// the path does not exist to the end, the deepest existing key's span.
pub(crate) fn locate(table: &DeTable<'_>, path: &[String]) -> Option<Span> {
    let (first, rest) = path.split_first()?;
    let (key, value) = table.get_key_value(first.as_str())?;
    let here = key.span();
    if rest.is_empty() {
        return Some(here);
    }
    Some(locate_in_value(value, rest).unwrap_or(here))
}

fn locate_in_value(value: &Spanned<DeValue<'_>>, path: &[String]) -> Option<Span> {
    match value.get_ref() {
        DeValue::Table(t) => locate(t, path),
        DeValue::Array(a) => {
            let (first, rest) = path.split_first()?;
            let item = a.get(first.parse::<usize>().ok()?)?;
            if rest.is_empty() {
                return Some(item.span());
            }
            Some(locate_in_value(item, rest).unwrap_or(item.span()))
        }
        _ => None,
    }
}

/// Remove the deepest entry whose key or value has exactly `span`; returns its
/// key path.
pub(crate) fn remove_at_span(table: &mut DeTable<'_>, span: &Span) -> Option<Vec<String>> {
    let keys: Vec<String> = table.keys().map(|k| k.get_ref().to_string()).collect();
    for key in keys {
        let Some((k, v)) = table.get_key_value(key.as_str()) else {
            continue;
        };
        let (key_span, value_span) = (k.span(), v.span());
        if let Some(v) = table.get_mut(key.as_str()) {
            if let Some(mut inner) = remove_in_value(v.get_mut(), span) {
                inner.insert(0, key);
                return Some(inner);
            }
        }
        if key_span == *span || value_span == *span {
            table.remove(key.as_str());
            return Some(vec![key]);
        }
    }
    None
}

fn remove_in_value(value: &mut DeValue<'_>, span: &Span) -> Option<Vec<String>> {
    match value {
        DeValue::Table(t) => remove_at_span(t, span),
        DeValue::Array(a) => {
            for i in 0..a.len() {
                if let Some(mut inner) = remove_in_value(a.as_mut()[i].get_mut(), span) {
                    inner.insert(0, i.to_string());
                    return Some(inner);
                }
                if a[i].span() == *span {
                    let old = std::mem::replace(a, DeArray::new());
                    *a = old
                        .into_iter()
                        .enumerate()
                        .filter(|(n, _)| *n != i)
                        .map(|(_, v)| v)
                        .collect();
                    return Some(vec![i.to_string()]);
                }
            }
            None
        }
        _ => None,
    }
}

/// The mutable table at `path`, if every step is a table.
pub(crate) fn table_at_mut<'a, 'i>(
    table: &'a mut DeTable<'i>,
    path: &[&str],
) -> Option<&'a mut DeTable<'i>> {
    let mut t = table;
    for step in path {
        match t.get_mut(*step)?.get_mut() {
            DeValue::Table(inner) => t = inner,
            _ => return None,
        }
    }
    Some(t)
}
