//! Conditional writes (an action's `precondition`): the record's current
//! version is read before the first attempt, kept with the job's request,
//! and sent with every attempt, in a header (`If-Match` by default) or a
//! body field. A resend after the change already applied then meets a
//! version that is no longer current and is refused (412) rather than
//! applied a second time.

use super::path::JsonPath;
use crate::config::{default_precondition_header, PreconditionDef, PreconditionFrom};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ETAG};
use serde_json::Value;

/// Where the version goes in the request.
#[derive(Debug)]
enum Target {
    Header(HeaderName),
    Body(JsonPath),
}

#[derive(Debug)]
pub(crate) struct PreconditionPlan {
    /// None: the ETag header; Some: this field of the fetched record.
    field: Option<(JsonPath, String)>,
    target: Target,
}

impl PreconditionPlan {
    pub(crate) fn compile(d: &PreconditionDef, at: &str) -> Result<Self, String> {
        let field = match (d.from, &d.field) {
            (PreconditionFrom::Etag, _) => None,
            (PreconditionFrom::Field, Some(f)) => Some((
                JsonPath::parse(f).map_err(|e| format!("{at}.field: {e}"))?,
                f.clone(),
            )),
            (PreconditionFrom::Field, None) => {
                return Err(format!("{at}.field: from = \"field\" needs `field`"))
            }
        };
        let target = match &d.body_field {
            Some(b) => {
                Target::Body(JsonPath::parse(b).map_err(|e| format!("{at}.body_field: {e}"))?)
            }
            None => {
                let h = d.header.clone().unwrap_or_else(default_precondition_header);
                Target::Header(
                    HeaderName::from_bytes(h.as_bytes())
                        .map_err(|_| format!("{at}.header: `{h}` is not a header name"))?,
                )
            }
        };
        Ok(PreconditionPlan { field, target })
    }

    /// The version in a fetch answer: its ETag header or the configured
    /// field of the record object.
    pub(crate) fn version_in(&self, headers: &HeaderMap, record: &Value) -> Result<Value, String> {
        match &self.field {
            None => headers
                .get(ETAG)
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.trim().is_empty())
                .map(|v| Value::String(v.to_string()))
                .ok_or_else(|| "the record's answer has no ETag header".to_string()),
            Some((p, text)) => match p.get(record) {
                Some(v @ (Value::String(_) | Value::Number(_))) => Ok(v.clone()),
                Some(other) => Err(format!("the record's `{text}` is not a version ({other})")),
                None => Err(format!("the record has no `{text}`")),
            },
        }
    }

    /// Put `version` into the request about to be sent.
    pub(crate) fn apply(
        &self,
        version: &Value,
        headers: &mut Vec<(HeaderName, HeaderValue)>,
        body: &mut Option<Value>,
    ) -> Result<(), String> {
        match &self.target {
            Target::Header(name) => {
                let text = match version {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let v = HeaderValue::from_str(&text)
                    .map_err(|_| format!("the version `{text}` cannot go in a header"))?;
                headers.push((name.clone(), v));
            }
            Target::Body(p) => {
                let b = body.get_or_insert_with(|| Value::Object(Default::default()));
                p.set(b, version.clone());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan(toml_src: &str) -> PreconditionPlan {
        let d: PreconditionDef = toml::from_str(toml_src).unwrap();
        PreconditionPlan::compile(&d, "actions.update.precondition").unwrap()
    }

    #[test]
    fn an_etag_goes_in_if_match_as_it_came() {
        let p = plan("from = \"etag\"");
        let mut h = HeaderMap::new();
        assert_eq!(
            p.version_in(&h, &json!({})).unwrap_err(),
            "the record's answer has no ETag header"
        );
        h.insert(ETAG, HeaderValue::from_static("W/\"a1\""));
        let v = p.version_in(&h, &json!({})).unwrap();
        let (mut headers, mut body) = (Vec::new(), Some(json!({"email": "x"})));
        p.apply(&v, &mut headers, &mut body).unwrap();
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[0].0.as_str(), "if-match");
        assert_eq!(headers[0].1.to_str().unwrap(), "W/\"a1\"");
        assert_eq!(body, Some(json!({"email": "x"})), "the body is left alone");
    }

    #[test]
    fn a_version_field_goes_in_the_body_or_a_named_header() {
        let p = plan("from = \"field\"\nfield = \"meta.rev\"\nbody_field = \"expected.rev\"");
        let rec = json!({"id": "1", "meta": {"rev": 7}});
        let v = p.version_in(&HeaderMap::new(), &rec).unwrap();
        assert_eq!(v, json!(7));
        let (mut headers, mut body) = (Vec::new(), Some(json!({"email": "x"})));
        p.apply(&v, &mut headers, &mut body).unwrap();
        assert!(headers.is_empty());
        assert_eq!(body, Some(json!({"email": "x", "expected": {"rev": 7}})));

        let p = plan("from = \"field\"\nfield = \"rev\"\nheader = \"X-Rev\"");
        let (mut headers, mut body) = (Vec::new(), None);
        p.apply(&json!(12), &mut headers, &mut body).unwrap();
        assert_eq!(
            (headers[0].0.as_str(), headers[0].1.to_str().unwrap()),
            ("x-rev", "12")
        );
        assert_eq!(body, None);

        assert_eq!(
            p.version_in(&HeaderMap::new(), &json!({"rev": {"n": 1}}))
                .unwrap_err(),
            "the record's `rev` is not a version ({\"n\":1})"
        );
        assert_eq!(
            p.version_in(&HeaderMap::new(), &json!({})).unwrap_err(),
            "the record has no `rev`"
        );
    }
}
