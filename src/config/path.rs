//! Paths into JSON documents (`data`, `properties.email`,
//! `contact.phones[0].number`) and templates that join paths or variables
//! (`"{last_name} {first_name}"`, `"/customers/{id}"`).
//!
//! The grammar belongs to the configuration, which checks every path and
//! template of a connector block at load; `connectors` evaluates them
//! (and re-exports this module as `connectors::path`).

use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A parsed path. The empty path (or `$`) is the document itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonPath {
    pub segments: Vec<Segment>,
}

impl JsonPath {
    /// Parse `a.b[0].c`. Keys may hold any character but `.`, `[` and `]`.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        let text = text.trim();
        if text.is_empty() || text == "$" {
            return Ok(JsonPath::default());
        }
        let body = text.strip_prefix("$.").unwrap_or(text);
        let mut segments = Vec::new();
        for (n, part) in body.split('.').enumerate() {
            let (key, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if key.is_empty() && (n > 0 || rest.is_empty()) {
                return Err(format!("empty key in path `{text}`"));
            }
            if key.contains(']') {
                return Err(format!("stray `]` in path `{text}`"));
            }
            if !key.is_empty() {
                segments.push(Segment::Key(key.to_string()));
            }
            while !rest.is_empty() {
                let close = rest
                    .find(']')
                    .ok_or_else(|| format!("missing `]` in path `{text}`"))?;
                let idx = &rest[1..close];
                let idx: usize = idx
                    .parse()
                    .map_err(|_| format!("index `{idx}` is not a number in path `{text}`"))?;
                segments.push(Segment::Index(idx));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(format!("unexpected `{rest}` after `]` in path `{text}`"));
                }
            }
        }
        Ok(JsonPath { segments })
    }

    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The value at this path, if every step exists.
    pub fn get<'a>(&self, mut v: &'a Value) -> Option<&'a Value> {
        for s in &self.segments {
            v = match s {
                Segment::Key(k) => v.as_object()?.get(k)?,
                Segment::Index(i) => v.as_array()?.get(*i)?,
            };
        }
        Some(v)
    }

    /// Set the value at this path, creating objects (and padding arrays with
    /// nulls) on the way. Setting the root replaces the document.
    pub fn set(&self, doc: &mut Value, new: Value) {
        let mut v = doc;
        for s in &self.segments {
            v = match s {
                Segment::Key(k) => {
                    if !v.is_object() {
                        *v = Value::Object(Default::default());
                    }
                    v.as_object_mut()
                        .expect("just made an object")
                        .entry(k.clone())
                        .or_insert(Value::Null)
                }
                Segment::Index(i) => {
                    if !v.is_array() {
                        *v = Value::Array(Vec::new());
                    }
                    let a = v.as_array_mut().expect("just made an array");
                    while a.len() <= *i {
                        a.push(Value::Null);
                    }
                    &mut a[*i]
                }
            };
        }
        *v = new;
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("$");
        }
        for (n, s) in self.segments.iter().enumerate() {
            match s {
                Segment::Key(k) if n == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// `{name}`: a variable (request templates) or a path (field templates).
    Var(String),
}

/// A string with `{placeholders}`; `{{` and `}}` stand for literal braces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub pieces: Vec<Piece>,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut pieces = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some('{') | None => {
                                return Err(format!("unclosed `{{` in template `{text}`"))
                            }
                            Some(c) => name.push(c),
                        }
                    }
                    let name = name.trim().to_string();
                    if name.is_empty() {
                        return Err(format!("empty `{{}}` in template `{text}`"));
                    }
                    if !lit.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut lit)));
                    }
                    pieces.push(Piece::Var(name));
                }
                '}' => {
                    return Err(format!(
                        "stray `}}` in template `{text}` (write `}}}}` for a brace)"
                    ))
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            pieces.push(Piece::Text(lit));
        }
        Ok(Template { pieces })
    }

    /// Names of the placeholders, in order.
    pub fn vars(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var(v) => Some(v.as_str()),
            Piece::Text(_) => None,
        })
    }

    /// The single placeholder when the template is exactly `{name}`.
    pub fn sole_var(&self) -> Option<&str> {
        match self.pieces.as_slice() {
            [Piece::Var(v)] => Some(v),
            _ => None,
        }
    }

    /// Fill placeholders; `lookup` returns None for an unknown or empty one,
    /// which becomes the empty string.
    pub fn render(&self, mut lookup: impl FnMut(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(v) => out.push_str(&lookup(v).unwrap_or_default()),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_paths_with_indexes() {
        let doc =
            json!({"contact": {"phones": [{"number": "090"}, {"number": "080"}]}, "data": [1, 2]});
        let p = JsonPath::parse("contact.phones[1].number").unwrap();
        assert_eq!(p.get(&doc), Some(&json!("080")));
        assert_eq!(p.to_string(), "contact.phones[1].number");
        assert_eq!(
            JsonPath::parse("data[0]").unwrap().get(&doc),
            Some(&json!(1))
        );
        assert_eq!(JsonPath::parse("").unwrap().get(&doc), Some(&doc));
        assert_eq!(JsonPath::parse("contact.missing").unwrap().get(&doc), None);
    }

    #[test]
    fn bad_paths_are_refused_with_reason() {
        assert!(JsonPath::parse("a..b").unwrap_err().contains("empty key"));
        assert!(JsonPath::parse("a[x]")
            .unwrap_err()
            .contains("not a number"));
        assert!(JsonPath::parse("a[1").unwrap_err().contains("missing `]`"));
    }

    #[test]
    fn set_creates_the_way() {
        let mut doc = json!({"page": {"size": 10}});
        JsonPath::parse("page.after")
            .unwrap()
            .set(&mut doc, json!("c2"));
        assert_eq!(doc, json!({"page": {"size": 10, "after": "c2"}}));
    }

    #[test]
    fn templates_fill_and_escape() {
        let t = Template::parse("{last} {first} {{x}}").unwrap();
        assert_eq!(t.vars().collect::<Vec<_>>(), vec!["last", "first"]);
        let out = t.render(|v| Some(v.to_uppercase()));
        assert_eq!(out, "LAST FIRST {x}");
        assert_eq!(Template::parse("{page}").unwrap().sole_var(), Some("page"));
        assert!(Template::parse("{open").is_err());
        assert!(Template::parse("a}b").is_err());
    }
}
