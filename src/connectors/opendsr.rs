//! The OpenDSR (OpenGDPR) client: `GET /discovery`, `POST /opengdpr_requests`
//! with a UUID v4 `subject_request_id`, `GET /opengdpr_requests/{id}` until
//! the processor reports `completed` (or `cancelled`), and the results of
//! an access request from `results_url`.

use super::action::{RenderedAction, SendOutcome, SystemActions};
use super::error::{error_excerpt, ConnectorError};
use super::http::{Exchange, Outgoing};
use super::path::Template;
use crate::config::{HttpMethod, OpenDsrDef, IDENTITY_VARS};
use crate::domain::mask::mask_field;
use crate::domain::{ActionKind, PlannedRequest};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// The compiled `[systems.<name>.opendsr]` block.
pub(crate) struct OpenDsrPlan {
    prefix: String,
    api_version: String,
    property_id: Option<String>,
    /// (type, format, value template)
    identities: Vec<(String, String, Template)>,
    poll: Duration,
    complete_within: Duration,
}

impl OpenDsrPlan {
    pub fn compile(o: &OpenDsrDef) -> Result<OpenDsrPlan, String> {
        let mut identities = Vec::new();
        for (i, id) in o.identities.iter().enumerate() {
            let t = super::request::compile_template(
                &id.identity_value,
                IDENTITY_VARS,
                &format!("opendsr.identities[{i}].identity_value"),
            )?;
            identities.push((id.identity_type.clone(), id.identity_format.clone(), t));
        }
        let secs = |v: f64, key: &str| {
            Duration::try_from_secs_f64(v)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| format!("opendsr.{key}: {v} is not a positive number of seconds"))
        };
        Ok(OpenDsrPlan {
            prefix: o.path.trim_end_matches('/').to_string(),
            api_version: o.api_version.clone(),
            property_id: o.property_id.clone(),
            identities,
            poll: secs(o.poll_secs, "poll_secs")?,
            complete_within: secs(o.complete_within_secs, "complete_within_secs")?,
        })
    }
}

/// What a processor says it supports (`GET /discovery`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Discovery {
    pub api_version: String,
    pub request_types: Vec<String>,
    /// (identity_type, identity_format)
    pub identities: Vec<(String, String)>,
}

/// Where a submitted request stands at the processor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteStatus {
    Pending,
    InProgress,
    Completed { results_url: Option<String> },
    Cancelled,
}

/// The OpenDSR request type for an action: export is `access` (or
/// `portability` when the person asked to take the data elsewhere), delete
/// is `erasure`; the protocol knows no others.
pub fn request_type(kind: ActionKind, portability: bool) -> Option<&'static str> {
    match kind {
        ActionKind::Export if portability => Some("portability"),
        ActionKind::Export => Some("access"),
        ActionKind::Delete => Some("erasure"),
        _ => None,
    }
}

fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.trim().to_lowercase().as_bytes()))
}

impl SystemActions {
    fn od(&self) -> Result<&OpenDsrPlan, String> {
        self.opendsr
            .as_ref()
            .ok_or_else(|| format!("{} is not an OpenDSR processor", self.name()))
    }

    fn od_url(&self, tail: &str) -> Result<Url, String> {
        let prefix = &self.od()?.prefix;
        let joined = super::request::join_url(&self.base, &format!("{prefix}{tail}"));
        Url::parse(&joined).map_err(|e| format!("OpenDSR URL is not valid: {e}"))
    }

    /// Time between status polls.
    pub fn poll_interval(&self) -> Duration {
        self.opendsr
            .as_ref()
            .map_or(Duration::from_secs(30), |o| o.poll)
    }

    /// How long the processor has to complete a request before it is overdue.
    pub fn complete_within(&self) -> Duration {
        self.opendsr
            .as_ref()
            .map_or(Duration::from_secs(30 * 86_400), |o| o.complete_within)
    }

    /// The `POST /opengdpr_requests` of one request: the key is the
    /// `subject_request_id`, `submitted` the time the person asked.
    pub fn render_opendsr(
        &self,
        request_type: &str,
        email: Option<&str>,
        phone: Option<&str>,
        key: &str,
        submitted: DateTime<Utc>,
    ) -> Result<RenderedAction, String> {
        let od = self.od()?;
        let mut real = Vec::new();
        let mut masked = Vec::new();
        for (ty, format, t) in &od.identities {
            let mut used = None;
            let value = t.render(|v| {
                let x = match v {
                    "email" => email,
                    "phone" => phone,
                    _ => None,
                };
                if x.is_some() {
                    used = Some(v.to_string());
                }
                x.map(str::to_string)
            });
            if value.trim().is_empty() {
                continue;
            }
            let (sent, shown) = if format == "sha256" {
                let h = sha256_hex(&value);
                let short = format!("{}…", &h[..12]);
                (h, short)
            } else {
                let shown = mask_field(used.as_deref().unwrap_or(ty), &value);
                (value, shown)
            };
            let entry = |v: String| json!({"identity_type": ty, "identity_value": v, "identity_format": format});
            real.push(entry(sent));
            masked.push(entry(shown));
        }
        if real.is_empty() {
            return Err(format!(
                "the case gives no {} to identify the person to {}",
                od.identities
                    .iter()
                    .map(|(t, _, _)| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" or "),
                self.name()
            ));
        }
        let body = |ids: Vec<Value>| {
            let mut b = json!({
                "subject_request_id": key,
                "subject_request_type": request_type,
                "submitted_time": submitted.to_rfc3339_opts(SecondsFormat::Secs, true),
                "subject_identities": ids,
                "api_version": od.api_version,
            });
            if let Some(p) = &od.property_id {
                b["property_id"] = json!(p);
            }
            b
        };
        let url = self.od_url("/opengdpr_requests")?.to_string();
        Ok(RenderedAction {
            request: PlannedRequest {
                method: "POST".into(),
                url: url.clone(),
                body: Some(body(real)),
                precondition: None,
            },
            preview: PlannedRequest {
                method: "POST".into(),
                url,
                body: Some(body(masked)),
                precondition: None,
            },
        })
    }

    /// `GET /discovery`.
    pub async fn discover(&self) -> Result<Discovery, ConnectorError> {
        let url = self
            .od_url("/discovery")
            .map_err(ConnectorError::BadResponse)?;
        let req = Outgoing {
            method: HttpMethod::Get,
            url,
            body: None,
            retryable: true,
        };
        let resp = self.http.send(&req, Instant::now() + self.timeout).await?;
        let doc = resp.json()?;
        let j = &doc;
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        Ok(Discovery {
            api_version: j["api_version"].as_str().unwrap_or("").to_string(),
            request_types: strings(&j["supported_subject_request_types"]),
            identities: j["supported_identities"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| {
                            (
                                x["identity_type"].as_str().unwrap_or("").to_string(),
                                x["identity_format"].as_str().unwrap_or("raw").to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
    }

    /// `POST /opengdpr_requests` once; 200, 201 and 202 mean accepted.
    pub async fn submit(&self, req: &PlannedRequest, key: &str) -> SendOutcome {
        self.send_request(req, key, &[200, 201, 202], None).await
    }

    /// `GET /opengdpr_requests/{id}`: Ok(None) when the processor does not
    /// know the request (404: it never arrived).
    pub async fn request_status(&self, id: &str) -> Result<Option<RemoteStatus>, String> {
        let url = self.od_url(&format!(
            "/opengdpr_requests/{}",
            super::request::encode_segment(id)
        ))?;
        match self
            .http
            .send_once(HttpMethod::Get, &url, None, &[], self.timeout)
            .await
        {
            Exchange::NotSent(e) | Exchange::Lost(e) => Err(e),
            Exchange::Answer { status: 404, .. } => Ok(None),
            Exchange::Answer { status, body, .. } if (200..300).contains(&status) => {
                let j = super::http::parse_json(&body).map_err(|e| e.to_string())?;
                let results_url = j["results_url"]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                match j["request_status"].as_str().unwrap_or("") {
                    "pending" => Ok(Some(RemoteStatus::Pending)),
                    "in_progress" => Ok(Some(RemoteStatus::InProgress)),
                    "completed" => Ok(Some(RemoteStatus::Completed { results_url })),
                    "cancelled" => Ok(Some(RemoteStatus::Cancelled)),
                    other => Err(format!(
                        "unknown request_status `{}`",
                        crate::domain::text::truncate_chars(other, 30)
                    )),
                }
            }
            Exchange::Answer { status, body, .. } => {
                Err(format!("HTTP {status}: {}", error_excerpt(&body)))
            }
        }
    }

    /// The results of a completed access request. Credentials are only
    /// sent to the processor's own scheme, host and port.
    pub async fn fetch_results(&self, results_url: &str) -> Result<Value, String> {
        let url = self
            .base_url
            .join(results_url)
            .map_err(|e| format!("results_url is not a URL: {e}"))?;
        let same_origin = url.scheme() == self.base_url.scheme()
            && url.host_str() == self.base_url.host_str()
            && url.port_or_known_default() == self.base_url.port_or_known_default();
        if !same_origin {
            return Err(
                "the results are on another host; fetch them by hand (credentials are not sent there)"
                    .into(),
            );
        }
        match self
            .http
            .send_once(HttpMethod::Get, &url, None, &[], self.timeout)
            .await
        {
            Exchange::NotSent(e) | Exchange::Lost(e) => Err(e),
            Exchange::Answer { status, body, .. } if (200..300).contains(&status) => {
                super::http::parse_json(&body).map_err(|e| e.to_string())
            }
            Exchange::Answer { status, body, .. } => {
                Err(format!("HTTP {status}: {}", error_excerpt(&body)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_identities_are_of_the_folded_value() {
        assert_eq!(sha256_hex(" A@B.jp "), sha256_hex("a@b.jp"));
        assert_eq!(sha256_hex("a@b.jp").len(), 64);
        assert_eq!(request_type(ActionKind::Export, true), Some("portability"));
        assert_eq!(request_type(ActionKind::Delete, false), Some("erasure"));
        assert_eq!(request_type(ActionKind::Suspend, false), None);
    }
}
