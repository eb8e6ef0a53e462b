//! The action part of the connector format: per system, the requests that
//! carry out rights requests (`[systems.<name>.actions.<kind>]`), OpenDSR
//! processors (`kind = "opendsr"`, `[systems.<name>.opendsr]`), and the
//! desk-wide `[actions]` table. Pure data; `connectors` interprets it.
//! docs/connectors.md describes every key.

use super::systems::HttpMethod;
use crate::domain::ActionKind;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// What kind of system a `[systems.<name>]` block describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemKind {
    /// A system with its own HTTP API: searched, fetched, and acted on
    /// through `[systems.<name>.actions]`.
    #[default]
    Api,
    /// An OpenDSR / OpenGDPR processor: not searched; access, portability
    /// and erasure requests go to its `/opengdpr_requests` endpoint.
    Opendsr,
}

impl SystemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SystemKind::Api => "api",
            SystemKind::Opendsr => "opendsr",
        }
    }
}

/// `[systems.<name>.actions]`: one optional request per kind of action. A
/// kind left out is done by hand (a manual task).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsDef {
    /// The system answers a repeated `Idempotency-Key` with the first result
    /// instead of applying the change again. When true, a request whose
    /// outcome is unknown and cannot be verified is sent again with the same
    /// key; when false it waits for a person to look.
    #[serde(default = "yes")]
    pub idempotency_keys: bool,
    /// Name of the header carrying the key.
    #[serde(default = "default_key_header")]
    pub key_header: String,
    #[serde(default)]
    pub export: Option<ActionDef>,
    #[serde(default)]
    pub update: Option<ActionDef>,
    #[serde(default)]
    pub delete: Option<ActionDef>,
    #[serde(default)]
    pub suspend: Option<ActionDef>,
    #[serde(default)]
    pub stop_third_party: Option<ActionDef>,
}

impl Default for ActionsDef {
    fn default() -> Self {
        ActionsDef {
            idempotency_keys: true,
            key_header: default_key_header(),
            export: None,
            update: None,
            delete: None,
            suspend: None,
            stop_third_party: None,
        }
    }
}

impl ActionsDef {
    /// The request for one kind, if the system has one.
    pub fn get(&self, kind: ActionKind) -> Option<&ActionDef> {
        match kind {
            ActionKind::Export => self.export.as_ref(),
            ActionKind::Update => self.update.as_ref(),
            ActionKind::Delete => self.delete.as_ref(),
            ActionKind::Suspend => self.suspend.as_ref(),
            ActionKind::StopThirdParty => self.stop_third_party.as_ref(),
        }
    }

    /// Every configured (kind, request).
    pub fn entries(&self) -> Vec<(ActionKind, &ActionDef)> {
        ActionKind::ALL
            .into_iter()
            .filter_map(|k| self.get(k).map(|d| (k, d)))
            .collect()
    }
}

fn yes() -> bool {
    true
}

pub fn default_key_header() -> String {
    "Idempotency-Key".to_string()
}

pub fn default_success() -> Vec<u16> {
    vec![200, 201, 202, 204]
}

/// `[systems.<name>.actions.<kind>]`: one request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    pub method: HttpMethod,
    /// Path template appended to base_url: `/customers/{id}`.
    pub path: String,
    #[serde(default)]
    pub query: IndexMap<String, String>,
    /// JSON body template; string leaves are templates. For `update`, a
    /// leaf that is exactly `"{changes}"` becomes the object of changed
    /// fields; without a body the changed fields are the body.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// `update` only: which fields may be changed, and where each goes in
    /// the changed-fields object: `{ email = "email", postal_code = "address.zip" }`.
    #[serde(default)]
    pub fields: IndexMap<String, String>,
    /// HTTP statuses that mean the system carried it out.
    #[serde(default = "default_success")]
    pub success: Vec<u16>,
    /// `export` only: where the exported data is in the answer; empty = all.
    #[serde(default)]
    pub result: String,
    /// A request that shows whether the change took effect (also used to
    /// reconcile a request whose answer was lost).
    #[serde(default)]
    pub verify: Option<VerifyDef>,
    /// A conditional write: the record's current version, read before the
    /// first attempt, goes with every attempt so that a resend cannot
    /// apply the change a second time.
    #[serde(default)]
    pub precondition: Option<PreconditionDef>,
}

/// Where a precondition's version comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreconditionFrom {
    /// The `ETag` header of the record's `fetch` answer.
    Etag,
    /// A field of the fetched record (`field`).
    Field,
}

/// `precondition = { from = "etag" }` or
/// `precondition = { from = "field", field = "version", body_field = "version" }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreconditionDef {
    pub from: PreconditionFrom,
    /// `from = "field"`: the version's path in the fetched record.
    #[serde(default)]
    pub field: Option<String>,
    /// The header that carries the version (`If-Match` unless `body_field`
    /// is given).
    #[serde(default)]
    pub header: Option<String>,
    /// Put the version in the request body at this path instead.
    #[serde(default)]
    pub body_field: Option<String>,
}

pub fn default_precondition_header() -> String {
    "If-Match".to_string()
}

/// `verify = { ... }`: a read that confirms an action took effect.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyDef {
    #[serde(default)]
    pub method: HttpMethod,
    pub path: String,
    #[serde(default)]
    pub query: IndexMap<String, String>,
    /// Statuses that mean "done" (e.g. `[404]` after a delete).
    #[serde(default = "default_expect_status")]
    pub expect_status: Vec<u16>,
    /// Values the answer must hold: JSON path -> value,
    /// e.g. `{ "data.processing" = "restricted" }`.
    #[serde(default)]
    pub expect: IndexMap<String, serde_json::Value>,
}

pub fn default_expect_status() -> Vec<u16> {
    vec![200]
}

/// `[systems.<name>.opendsr]`: how to reach an OpenDSR processor.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDsrDef {
    /// Path prefix of the OpenDSR endpoints under base_url (`/opengdpr`
    /// gives `/opengdpr/discovery`, `/opengdpr/opengdpr_requests`).
    #[serde(default)]
    pub path: String,
    #[serde(default = "default_api_version")]
    pub api_version: String,
    /// Sent as `property_id` when given.
    #[serde(default)]
    pub property_id: Option<String>,
    /// How the person is identified to the processor. Values are templates
    /// over the case's requester: `{email}`, `{phone}`.
    #[serde(default = "default_identities")]
    pub identities: Vec<IdentityDef>,
    /// Seconds between status polls.
    #[serde(default = "default_poll_secs")]
    pub poll_secs: f64,
    /// Seconds from submission after which an unfinished request is overdue.
    #[serde(default = "default_complete_within_secs")]
    pub complete_within_secs: f64,
}

pub fn default_api_version() -> String {
    "0.1".to_string()
}

pub fn default_poll_secs() -> f64 {
    30.0
}

/// 30 days, the processor's usual promise.
pub fn default_complete_within_secs() -> f64 {
    30.0 * 24.0 * 3600.0
}

fn default_identities() -> Vec<IdentityDef> {
    vec![IdentityDef {
        identity_type: "email".into(),
        identity_format: "raw".into(),
        identity_value: "{email}".into(),
    }]
}

/// One `subject_identities` entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityDef {
    pub identity_type: String,
    /// `raw` or `sha256` (the lower-case hex SHA-256 of the trimmed,
    /// lower-cased value).
    #[serde(default = "default_identity_format")]
    pub identity_format: String,
    pub identity_value: String,
}

fn default_identity_format() -> String {
    "raw".to_string()
}

/// `[actions]`: desk-wide rules for actions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionsConfig {
    /// Kinds of action a supervisor other than the preparer must approve.
    pub require_approval: Vec<ActionKind>,
    /// Longest one `privdesk action run` waits for OpenDSR processors to
    /// complete, in seconds; jobs still waiting stay `polling` for the next run.
    pub max_wait_secs: f64,
}
