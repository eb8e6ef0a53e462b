//! Reading one page of search results without building the whole answer in
//! memory. The items at the results path are handed over one at a time as
//! they are parsed; the rest of the document (totals, cursors, links) is
//! kept as a small `Value` with an empty array where the items were. Items
//! nobody wants any more are read past without being allocated, so memory
//! follows the records kept, not the size of the answer.

use super::error::ConnectorError;
use super::http::{json_syntax_error, json_text};
use super::mapping::results_at;
use super::path::{JsonPath, Segment};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// What is done with each item: `Ok(true)` to go on receiving items,
/// `Ok(false)` to have the rest counted but skipped, `Err` to stop.
pub(crate) type ItemSink<'a> = dyn FnMut(&Value) -> Result<bool, String> + 'a;

/// A parsed page: the document without its items, how many items it had,
/// and the last item handed over (cursors may be read from it).
#[derive(Debug)]
pub(crate) struct Page {
    pub doc: Value,
    pub count: usize,
    pub last: Option<Value>,
}

struct Sink<'s, 'a> {
    each: &'s mut ItemSink<'a>,
    wants: bool,
    found: bool,
    count: usize,
    last: Option<Value>,
    failed: Option<String>,
}

/// Parse `body`, handing every item of the array at `path` to `each`.
/// `src` is the path as configured, for messages. Errors read as
/// [`results_at`]'s and `parse_json`'s do.
pub(crate) fn parse_page(
    body: &[u8],
    path: &JsonPath,
    src: &str,
    each: &mut ItemSink<'_>,
) -> Result<Page, ConnectorError> {
    let text = json_text(body)?;
    let mut sink = Sink {
        each,
        wants: true,
        found: false,
        count: 0,
        last: None,
        failed: None,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Hole {
        rest: &path.segments,
        sink: &mut sink,
    }
    .deserialize(&mut de)
    .and_then(|doc| de.end().map(|()| doc));
    if let Some(why) = sink.failed {
        return Err(ConnectorError::BadResponse(why));
    }
    let doc = parsed.map_err(json_syntax_error)?;
    if !sink.found {
        // No array at the path: say what is there instead, or that it is
        // missing (null counts as no results).
        results_at(&doc, path, src).map_err(ConnectorError::BadResponse)?;
    }
    Ok(Page {
        doc,
        count: sink.count,
        last: sink.last,
    })
}

/// A value of the document with the results array somewhere below it:
/// `rest` is the part of the path still to go.
struct Hole<'p, 's, 'x, 'a> {
    rest: &'p [Segment],
    sink: &'s mut Sink<'x, 'a>,
}

impl<'de> DeserializeSeed<'de> for Hole<'_, '_, '_, '_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Hole<'_, '_, '_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        match self.rest.split_first() {
            None => {
                let sink = self.sink;
                sink.found = true;
                loop {
                    if !sink.wants {
                        if seq.next_element::<IgnoredAny>()?.is_none() {
                            break;
                        }
                        sink.count += 1;
                        continue;
                    }
                    let Some(item) = seq.next_element::<Value>()? else {
                        break;
                    };
                    sink.count += 1;
                    match (sink.each)(&item) {
                        Ok(more) => sink.wants = more,
                        Err(why) => {
                            sink.failed = Some(why);
                            return Err(de::Error::custom("item refused"));
                        }
                    }
                    sink.last = Some(item);
                }
                Ok(Value::Array(Vec::new()))
            }
            Some((Segment::Index(at), rest)) => {
                let mut out = Vec::new();
                loop {
                    let next = if out.len() == *at {
                        seq.next_element_seed(Hole {
                            rest,
                            sink: &mut *self.sink,
                        })?
                    } else {
                        seq.next_element::<Value>()?
                    };
                    match next {
                        Some(v) => out.push(v),
                        None => break,
                    }
                }
                Ok(Value::Array(out))
            }
            Some((Segment::Key(_), _)) => {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<Value>()? {
                    out.push(v);
                }
                Ok(Value::Array(out))
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let below = match self.rest.split_first() {
            Some((Segment::Key(k), rest)) => Some((k.as_str(), rest)),
            _ => None,
        };
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let v = match below {
                Some((k, rest)) if key == k => map.next_value_seed(Hole {
                    rest,
                    sink: &mut *self.sink,
                })?,
                _ => map.next_value::<Value>()?,
            };
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn collect(body: &str, path: &str, keep: usize) -> Result<(Page, Vec<Value>), String> {
        let p = JsonPath::parse(path).unwrap();
        let mut got = Vec::new();
        let page = parse_page(body.as_bytes(), &p, path, &mut |v: &Value| {
            got.push(v.clone());
            Ok(got.len() < keep)
        })
        .map_err(|e| e.to_string())?;
        Ok((page, got))
    }

    #[test]
    fn items_are_handed_over_and_the_rest_is_kept() {
        let body =
            r#"{"meta":{"next":"c2"},"data":{"rows":[{"id":1},{"id":2},{"id":3}]},"total":3}"#;
        let (page, got) = collect(body, "data.rows", 10).unwrap();
        assert_eq!(got, vec![json!({"id":1}), json!({"id":2}), json!({"id":3})]);
        assert_eq!(page.count, 3);
        assert_eq!(page.last, Some(json!({"id":3})));
        assert_eq!(
            page.doc,
            json!({"meta":{"next":"c2"},"data":{"rows":[]},"total":3})
        );
    }

    #[test]
    fn unwanted_items_are_counted_not_kept() {
        let body = r#"[{"id":1},{"id":2},{"id":3},{"id":4}]"#;
        let (page, got) = collect(body, "", 2).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(page.count, 4);
        assert_eq!(page.last, Some(json!({"id":2})));
    }

    #[test]
    fn paths_through_arrays() {
        let body = r#"{"results":[{"hits":[1]},{"hits":[{"id":"a"},{"id":"b"}]}]}"#;
        let (page, got) = collect(body, "results[1].hits", 10).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(page.doc, json!({"results":[{"hits":[1]},{"hits":[]}]}));
    }

    #[test]
    fn missing_null_and_wrong_kinds_read_as_before() {
        assert!(collect(r#"{"x":1}"#, "data", 10)
            .unwrap_err()
            .contains("field `data` missing"));
        let (page, got) = collect(r#"{"data":null}"#, "data", 10).unwrap();
        assert_eq!((page.count, got.len()), (0, 0));
        assert!(collect(r#"{"data":{"a":1}}"#, "data", 10)
            .unwrap_err()
            .contains("`data` is an object, expected an array"));
        assert!(collect(r#"{"data":[1,2,,3]}"#, "data", 10)
            .unwrap_err()
            .contains("invalid JSON at line 1 column"));
        assert!(collect(r#"{"data":[]} x"#, "data", 10)
            .unwrap_err()
            .contains("invalid JSON"));
    }

    #[test]
    fn a_refused_item_stops_with_its_own_reason() {
        let p = JsonPath::parse("data").unwrap();
        let e = parse_page(
            br#"{"data":[{"id":1},{"oops":2}]}"#,
            &p,
            "data",
            &mut |v: &Value| {
                if v.get("id").is_some() {
                    Ok(true)
                } else {
                    Err("item 2: field `id` missing".into())
                }
            },
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("item 2: field `id` missing"), "{e}");
        assert!(!e.contains("refused"), "{e}");
    }
}
