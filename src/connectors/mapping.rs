//! Turning response JSON into records: the result array, the canonical
//! fields (a path or a template joining paths) and the labelled extras.

use super::path::{JsonPath, Piece, Template};
use crate::config::{ExtraDef, FieldMap};
use crate::domain::{ExtraField, Record};
use indexmap::IndexMap;
use serde_json::Value;

/// "an object", "an array", ... for error messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Where a field's value comes from.
#[derive(Debug, Clone)]
pub(crate) enum FieldExpr {
    Path(JsonPath),
    /// `"{last_name} {first_name}"`: each placeholder is a path.
    Template(Template, Vec<JsonPath>),
}

/// A value of the wrong type at `path`.
pub(crate) struct WrongType {
    pub path: String,
    pub found: &'static str,
}

impl FieldExpr {
    pub fn compile(src: &str, at: &str) -> Result<FieldExpr, String> {
        if src.contains('{') || src.contains('}') {
            let t = Template::parse(src).map_err(|e| format!("{at}: {e}"))?;
            let mut paths = Vec::new();
            for var in t.vars() {
                paths.push(JsonPath::parse(var).map_err(|e| format!("{at}: {e}"))?);
            }
            Ok(FieldExpr::Template(t, paths))
        } else {
            Ok(FieldExpr::Path(
                JsonPath::parse(src).map_err(|e| format!("{at}: {e}"))?,
            ))
        }
    }

    /// The text at this field. Strings are kept as they are, numbers and
    /// booleans become text, null or missing is None. With `lists`, an array
    /// of scalars is joined with ", ". A template gives None when all its
    /// placeholders are missing, and is trimmed.
    pub fn extract(&self, item: &Value, lists: bool) -> Result<Option<String>, WrongType> {
        match self {
            FieldExpr::Path(p) => text_at(p, item, lists),
            FieldExpr::Template(t, paths) => {
                let mut out = String::new();
                let mut any = false;
                let mut next = paths.iter();
                for piece in &t.pieces {
                    match piece {
                        Piece::Text(s) => out.push_str(s),
                        Piece::Var(_) => {
                            let Some(p) = next.next() else { continue };
                            if let Some(v) = text_at(p, item, lists)? {
                                any = true;
                                out.push_str(&v);
                            }
                        }
                    }
                }
                let trimmed = out.trim();
                Ok((any && !trimmed.is_empty()).then(|| trimmed.to_string()))
            }
        }
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text_at(p: &JsonPath, item: &Value, lists: bool) -> Result<Option<String>, WrongType> {
    let wrong = |v: &Value| WrongType {
        path: p.to_string(),
        found: kind_of(v),
    };
    match p.get(item) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) if lists => {
            let mut parts = Vec::with_capacity(items.len());
            for v in items {
                match v {
                    Value::Null => {}
                    Value::Array(_) | Value::Object(_) => return Err(wrong(v)),
                    other => parts.extend(scalar_text(other)),
                }
            }
            Ok((!parts.is_empty()).then(|| parts.join(", ")))
        }
        Some(v) => scalar_text(v).map(Some).ok_or_else(|| wrong(v)),
    }
}

/// The compiled `fields` and `extra` of a system.
#[derive(Debug, Clone)]
pub(crate) struct RecordMap {
    id: (String, FieldExpr),
    fields: Vec<(&'static str, String, FieldExpr)>,
    extra: Vec<(String, String, String, FieldExpr)>,
}

impl RecordMap {
    pub fn compile(
        fields: &FieldMap,
        extra: &IndexMap<String, ExtraDef>,
        at: &str,
    ) -> Result<RecordMap, String> {
        if fields.id.trim().is_empty() {
            return Err(format!(
                "{at}fields.id: must name the path of the record id"
            ));
        }
        let id = (
            fields.id.clone(),
            FieldExpr::compile(&fields.id, &format!("{at}fields.id"))?,
        );
        let mut out = Vec::new();
        for (name, src) in fields.entries().into_iter().skip(1) {
            out.push((
                name,
                src.to_string(),
                FieldExpr::compile(src, &format!("{at}fields.{name}"))?,
            ));
        }
        let mut ex = Vec::new();
        for (key, def) in extra {
            let expr = FieldExpr::compile(&def.path, &format!("{at}extra.{key}.path"))?;
            ex.push((key.clone(), def.label.clone(), def.path.clone(), expr));
        }
        Ok(RecordMap {
            id,
            fields: out,
            extra: ex,
        })
    }

    /// Map one result item; `item` names it in errors (`item 3`). With
    /// `default_id`, a missing id is taken from there (fetch by id).
    pub fn map(
        &self,
        system: &str,
        value: &Value,
        item: &str,
        default_id: Option<&str>,
    ) -> Result<Record, String> {
        if !value.is_object() {
            return Err(format!("{item} is {}, expected an object", kind_of(value)));
        }
        let wrong = |what: &str, src: &str, w: WrongType| {
            let shown = if w.path == src {
                src.to_string()
            } else {
                format!("{src}` -> `{}", w.path)
            };
            format!("{item}: {what} (`{shown}`) is {}, expected text", w.found)
        };
        let (id_src, id_expr) = &self.id;
        let id = match id_expr.extract(value, false) {
            Ok(Some(id)) if !id.is_empty() => id,
            Ok(_) => match default_id {
                Some(d) => d.to_string(),
                None => return Err(format!("{item}: `{id_src}` missing")),
            },
            Err(w) => return Err(wrong("field id", id_src, w)),
        };
        let mut rec = Record {
            system: system.to_string(),
            id,
            ..Record::default()
        };
        for (name, src, expr) in &self.fields {
            let v = expr
                .extract(value, false)
                .map_err(|w| wrong(&format!("field {name}"), src, w))?;
            let slot = match *name {
                "name" => &mut rec.name,
                "name_kana" => &mut rec.name_kana,
                "email" => &mut rec.email,
                "phone" => &mut rec.phone,
                "postal_code" => &mut rec.postal_code,
                "address" => &mut rec.address,
                "birth_date" => &mut rec.birth_date,
                _ => continue,
            };
            *slot = v;
        }
        for (key, label, src, expr) in &self.extra {
            let v = expr
                .extract(value, true)
                .map_err(|w| wrong(&format!("extra {key}"), src, w))?;
            if let Some(v) = v {
                rec.extra.push(ExtraField {
                    key: key.clone(),
                    label: label.clone(),
                    value: v,
                });
            }
        }
        Ok(rec)
    }
}

/// The array of result items at `path` (`src` as configured, for messages).
/// `null` at the path counts as no results.
pub(crate) fn results_at<'a>(
    doc: &'a Value,
    path: &JsonPath,
    src: &str,
) -> Result<&'a [Value], String> {
    let shown = |p: &JsonPath| {
        if p.is_root() {
            "response".to_string()
        } else {
            format!("`{src}`")
        }
    };
    match path.get(doc) {
        None => Err(format!("field `{src}` missing")),
        Some(Value::Array(items)) => Ok(items),
        Some(Value::Null) => Ok(&[]),
        Some(other) => Err(format!(
            "{} is {}, expected an array",
            shown(path),
            kind_of(other)
        )),
    }
}

/// The single object at `path` (fetch results).
pub(crate) fn object_at<'a>(
    doc: &'a Value,
    path: &JsonPath,
    src: &str,
) -> Result<&'a Value, String> {
    match path.get(doc) {
        None => Err(format!("field `{src}` missing")),
        Some(v @ Value::Object(_)) => Ok(v),
        Some(other) if path.is_root() => Err(format!(
            "response is {}, expected an object",
            kind_of(other)
        )),
        Some(other) => Err(format!("`{src}` is {}, expected an object", kind_of(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map() -> RecordMap {
        let fields = FieldMap {
            id: "id".into(),
            name: Some("{last} {first}".into()),
            email: Some("contact.email".into()),
            phone: Some("contact.phones[0].number".into()),
            ..FieldMap::default()
        };
        let mut extra = IndexMap::new();
        extra.insert(
            "tags".to_string(),
            ExtraDef {
                label: "Tags".into(),
                path: "tags".into(),
            },
        );
        extra.insert(
            "plan".to_string(),
            ExtraDef {
                label: "Plan".into(),
                path: "plan.name".into(),
            },
        );
        RecordMap::compile(&fields, &extra, "").unwrap()
    }

    #[test]
    fn maps_nested_fields_templates_and_extras() {
        let item = json!({"id": 17, "last": "山田", "first": "太郎", "contact": {"email": "t@example.jp", "phones": [{"number": 9012345678u64}]}, "tags": ["a", 2, true]});
        let r = map().map("crm", &item, "item 0", None).unwrap();
        assert_eq!(r.id, "17");
        assert_eq!(r.name.as_deref(), Some("山田 太郎"));
        assert_eq!(r.email.as_deref(), Some("t@example.jp"));
        assert_eq!(r.phone.as_deref(), Some("9012345678"));
        assert_eq!(
            r.extra,
            vec![ExtraField {
                key: "tags".into(),
                label: "Tags".into(),
                value: "a, 2, true".into()
            }]
        );
    }

    #[test]
    fn half_a_template_is_trimmed_and_none_when_empty() {
        let r = map()
            .map("crm", &json!({"id": "a", "first": "Taro"}), "item 0", None)
            .unwrap();
        assert_eq!(r.name.as_deref(), Some("Taro"));
        let r = map()
            .map("crm", &json!({"id": "a"}), "item 0", None)
            .unwrap();
        assert_eq!(r.name, None);
    }

    #[test]
    fn wrong_shapes_are_named() {
        let m = map();
        let e = m
            .map(
                "crm",
                &json!({"id": "a", "contact": {"email": {"x": 1}}}),
                "item 3",
                None,
            )
            .unwrap_err();
        assert_eq!(
            e,
            "item 3: field email (`contact.email`) is an object, expected text"
        );
        let e = m
            .map("crm", &json!({"name": "x"}), "item 3", None)
            .unwrap_err();
        assert_eq!(e, "item 3: `id` missing");
        let e = m
            .map("crm", &json!({"id": "a", "last": [1]}), "item 1", None)
            .unwrap_err();
        assert_eq!(
            e,
            "item 1: field name (`{last} {first}` -> `last`) is an array, expected text"
        );
        let e = m.map("crm", &json!("str"), "item 2", None).unwrap_err();
        assert_eq!(e, "item 2 is a string, expected an object");
        let p = JsonPath::parse("data").unwrap();
        assert_eq!(
            results_at(&json!({"x": 1}), &p, "data").unwrap_err(),
            "field `data` missing"
        );
        assert_eq!(
            results_at(&json!({"data": {}}), &p, "data").unwrap_err(),
            "`data` is an object, expected an array"
        );
        let root = JsonPath::parse("").unwrap();
        assert_eq!(
            results_at(&json!({}), &root, "").unwrap_err(),
            "response is an object, expected an array"
        );
    }
}
