//! Credentials of the sample systems and how each checks them. The values
//! are the fictional ones in data/sample-secrets/, embedded so the servers
//! and the sample config can never disagree.

use axum::http::request::Parts;

pub const CRM_TOKEN: &str = include_str!("../../data/sample-secrets/crm.token");
pub const BILLING_USER: &str = "billing-demo";
pub const BILLING_PASSWORD: &str = include_str!("../../data/sample-secrets/billing.password");
pub const SUPPORT_KEY: &str = include_str!("../../data/sample-secrets/support.key");
pub const LOYALTY_KEY: &str = include_str!("../../data/sample-secrets/loyalty.key");
pub const MAILING_USER: &str = "mailing-demo";
pub const MAILING_PASSWORD: &str = include_str!("../../data/sample-secrets/mailing.password");
pub const ANALYTICS_TOKEN: &str = include_str!("../../data/sample-secrets/analytics.token");

/// How one sample system authenticates a request.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Authorization: Bearer <token>`
    Bearer { token: String },
    /// `Authorization: Basic base64(user:password)`
    Basic { user: String, password: String },
    /// The key in a request header.
    HeaderKey { header: String, key: String },
    /// The key in a query parameter.
    QueryKey { param: String, key: String },
}

impl Auth {
    /// The auth of a sample system by name (secrets trimmed of the file's newline).
    pub fn for_system(name: &str) -> Option<Auth> {
        Some(match name {
            "crm" => Auth::Bearer {
                token: CRM_TOKEN.trim().into(),
            },
            "billing" => Auth::Basic {
                user: BILLING_USER.into(),
                password: BILLING_PASSWORD.trim().into(),
            },
            "support" => Auth::HeaderKey {
                header: "X-Api-Key".into(),
                key: SUPPORT_KEY.trim().into(),
            },
            "loyalty" => Auth::QueryKey {
                param: "api_key".into(),
                key: LOYALTY_KEY.trim().into(),
            },
            "mailing" => Auth::Basic {
                user: MAILING_USER.into(),
                password: MAILING_PASSWORD.trim().into(),
            },
            "analytics" => Auth::Bearer {
                token: ANALYTICS_TOKEN.trim().into(),
            },
            _ => return None,
        })
    }

    /// Whether the request carries the right credentials.
    pub fn accepts(&self, parts: &Parts) -> bool {
        let authorization = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        match self {
            Auth::Bearer { token } => authorization
                .and_then(|v| strip_scheme(v, "bearer"))
                .is_some_and(|t| same(t.trim(), token)),
            Auth::Basic { user, password } => authorization
                .and_then(|v| strip_scheme(v, "basic"))
                .and_then(|b| base64_decode(b.trim()))
                .and_then(|raw| String::from_utf8(raw).ok())
                .is_some_and(|pair| match pair.split_once(':') {
                    Some((u, p)) => same(u, user) & same(p, password),
                    None => false,
                }),
            Auth::HeaderKey { header, key } => parts
                .headers
                .get(header.as_str())
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| same(v.trim(), key)),
            Auth::QueryKey { param, key } => parts
                .uri
                .query()
                .map(|q| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .any(|(k, v)| k == param.as_str() && same(&v, key))
                })
                .unwrap_or(false),
        }
    }

    /// The `WWW-Authenticate` challenge sent with a 401, if the scheme has one.
    pub fn challenge(&self, realm: &str) -> Option<String> {
        match self {
            Auth::Bearer { .. } => Some(format!("Bearer realm=\"{realm}\"")),
            Auth::Basic { .. } => Some(format!("Basic realm=\"{realm}\"")),
            _ => None,
        }
    }
}

fn strip_scheme<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (s, rest) = value.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// Comparison whose time does not depend on where the strings differ.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (used by HTTP basic auth).
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decode standard base64 (padding optional); None when malformed.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        assert_eq!(
            base64_encode(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(base64_encode(b"abc"), "YWJj");
        for s in ["", "a", "ab", "abc", "billing-demo:pw"] {
            assert_eq!(
                base64_decode(&base64_encode(s.as_bytes())).as_deref(),
                Some(s.as_bytes())
            );
        }
        assert_eq!(base64_decode("**"), None);
    }

    #[test]
    fn secrets_are_single_lines() {
        for s in [
            CRM_TOKEN,
            BILLING_PASSWORD,
            SUPPORT_KEY,
            LOYALTY_KEY,
            MAILING_PASSWORD,
        ] {
            let t = s.trim();
            assert!(
                t.len() >= 16 && !t.contains(char::is_whitespace),
                "bad demo secret"
            );
        }
    }
}
