//! Request admission: `Host` and `Origin` allow-lists (DNS rebinding and cross-site defence),
//! `Content-Type` and `Accept` negotiation.

use http::header::{ACCEPT, CONTENT_TYPE, HOST, ORIGIN};
use http::{HeaderMap, StatusCode};

/// Which `Host` and `Origin` values are accepted.
///
/// The default accepts loopback names only (`localhost`, `127.0.0.1`, `[::1]`, any port):
/// right for a server bound to loopback, and failing closed for one that is not. A remote
/// deployment lists its public names with [`HostPolicy::hosts`] and, for browser clients, its
/// origins with [`HostPolicy::origins`]. A request without `Origin` (not a browser) passes the
/// origin check. An empty list is a configuration error, never "allow all".
#[derive(Debug, Clone)]
pub struct HostPolicy {
    hosts: Option<Vec<String>>,
    origins: Option<Vec<String>>,
    any_host: bool,
}

impl Default for HostPolicy {
    fn default() -> Self {
        Self::loopback()
    }
}

const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

impl HostPolicy {
    /// Loopback names only.
    pub fn loopback() -> Self {
        Self {
            hosts: None,
            origins: None,
            any_host: false,
        }
    }

    /// Accepts these `Host` names (without port; `example.com`, `[2001:db8::1]`), and browser
    /// origins on them over HTTPS unless [`origins`](Self::origins) says otherwise.
    ///
    /// # Errors
    ///
    /// An empty list: it would mean nothing is accepted, and must never mean everything is.
    pub fn hosts<I, S>(hosts: I) -> Result<Self, crate::Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let hosts: Vec<String> = hosts
            .into_iter()
            .map(|h| h.into().to_ascii_lowercase())
            .collect();
        if hosts.is_empty() {
            return Err(crate::Error::config(
                "an empty Host allow-list accepts nothing; list the names clients use, or use HostPolicy::any_host() deliberately",
            ));
        }
        Ok(Self {
            hosts: Some(hosts),
            origins: None,
            any_host: false,
        })
    }

    /// Accepts any `Host`: only behind a proxy that validates it. Origins are still checked.
    pub fn any_host() -> Self {
        Self {
            hosts: None,
            origins: None,
            any_host: true,
        }
    }

    /// Accepts browser requests from exactly these origins (`https://app.example.com`;
    /// `null` only if listed).
    ///
    /// # Errors
    ///
    /// An empty list.
    pub fn origins<I, S>(mut self, origins: I) -> Result<Self, crate::Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let origins: Vec<String> = origins.into_iter().map(Into::into).collect();
        if origins.is_empty() {
            return Err(crate::Error::config(
                "an empty Origin allow-list accepts nothing",
            ));
        }
        self.origins = Some(origins);
        Ok(self)
    }

    /// Checks `Host` and `Origin`; the status to answer with when refused.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<(), (StatusCode, &'static str)> {
        if !self.any_host {
            let host = headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .map(strip_port);
            let ok = match (&self.hosts, host) {
                (_, None) => false,
                (None, Some(h)) => LOOPBACK.iter().any(|l| l.eq_ignore_ascii_case(h)),
                (Some(list), Some(h)) => list.iter().any(|l| l.eq_ignore_ascii_case(h)),
            };
            if !ok {
                return Err((StatusCode::MISDIRECTED_REQUEST, "host not allowed"));
            }
        }
        if let Some(origin) = headers.get(ORIGIN) {
            let Ok(origin) = origin.to_str() else {
                return Err((StatusCode::FORBIDDEN, "origin not allowed"));
            };
            let ok = match &self.origins {
                Some(list) => list.iter().any(|o| o == origin),
                None => origin_host(origin).is_some_and(|h| match &self.hosts {
                    None => LOOPBACK.iter().any(|l| l.eq_ignore_ascii_case(h)),
                    Some(list) => {
                        origin.starts_with("https://")
                            && list.iter().any(|l| l.eq_ignore_ascii_case(h))
                    }
                }),
            };
            if !ok {
                return Err((StatusCode::FORBIDDEN, "origin not allowed"));
            }
        }
        Ok(())
    }
}

/// `example.com:8080` → `example.com`; `[::1]:80` → `[::1]`.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    })
}

fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))?;
    let authority = rest.split('/').next()?;
    Some(strip_port(authority))
}

/// `Content-Type: application/json` (parameters such as `charset` allowed). Anything else is
/// refused with 415, which also defeats no-preflight cross-site posts (`text/plain`).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        // none, or several (ambiguous): refuse
        return false;
    };
    Some(value)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// What the client accepts of what we can send.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Accept {
    pub(crate) json: bool,
    pub(crate) sse: bool,
}

/// Lenient `Accept` handling: missing or `*/*` accepts both; 406 only when the client accepts
/// neither representation.
pub(crate) fn accept(headers: &HeaderMap) -> Accept {
    let mut json = false;
    let mut sse = false;
    let mut any = false;
    let values: Vec<&str> = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if values.is_empty() {
        return Accept {
            json: true,
            sse: true,
        };
    }
    for part in values.iter().flat_map(|v| v.split(',')) {
        let media = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/json" => json = true,
            "text/event-stream" => sse = true,
            "*/*" | "application/*" | "text/*" => any = true,
            _ => {}
        }
    }
    if any {
        return Accept {
            json: true,
            sse: true,
        };
    }
    Accept { json, sse }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).expect("value"));
        }
        h
    }

    #[test]
    fn loopback_default() {
        let p = HostPolicy::default();
        assert!(p.check(&headers(&[("host", "localhost:3000")])).is_ok());
        assert!(p.check(&headers(&[("host", "127.0.0.1:3000")])).is_ok());
        assert!(p.check(&headers(&[("host", "[::1]:3000")])).is_ok());
        assert!(p.check(&headers(&[("host", "evil.example.com")])).is_err());
        assert!(p.check(&headers(&[])).is_err());
        assert_eq!(
            p.check(&headers(&[
                ("host", "localhost"),
                ("origin", "http://evil.example.com")
            ])),
            Err((StatusCode::FORBIDDEN, "origin not allowed"))
        );
        assert!(
            p.check(&headers(&[
                ("host", "localhost"),
                ("origin", "http://localhost:5173")
            ]))
            .is_ok()
        );
        assert!(
            p.check(&headers(&[("host", "localhost"), ("origin", "null")]))
                .is_err()
        );
    }

    #[test]
    fn configured_lists() {
        assert!(HostPolicy::hosts(Vec::<String>::new()).is_err());
        let p = HostPolicy::hosts(["mcp.example.com"]).expect("hosts");
        assert!(p.check(&headers(&[("host", "mcp.example.com")])).is_ok());
        assert!(p.check(&headers(&[("host", "localhost")])).is_err());
        assert!(
            p.check(&headers(&[
                ("host", "mcp.example.com"),
                ("origin", "https://mcp.example.com")
            ]))
            .is_ok()
        );
        assert!(
            p.check(&headers(&[
                ("host", "mcp.example.com"),
                ("origin", "http://mcp.example.com")
            ]))
            .is_err()
        );
        let p = p
            .origins(["https://app.example.com", "null"])
            .expect("origins");
        assert!(
            p.check(&headers(&[("host", "mcp.example.com"), ("origin", "null")]))
                .is_ok()
        );
        assert!(
            HostPolicy::any_host()
                .check(&headers(&[("host", "anything")]))
                .is_ok()
        );
    }

    #[test]
    fn content_negotiation() {
        assert!(is_json(&headers(&[(
            "content-type",
            "application/json; charset=utf-8"
        )])));
        assert!(!is_json(&headers(&[("content-type", "text/plain")])));
        assert!(!is_json(&headers(&[])));
        let a = accept(&headers(&[(
            "accept",
            "application/json, text/event-stream",
        )]));
        assert!(a.json && a.sse);
        let a = accept(&headers(&[("accept", "text/event-stream")]));
        assert!(!a.json && a.sse);
        let a = accept(&headers(&[("accept", "*/*")]));
        assert!(a.json && a.sse);
        let a = accept(&headers(&[("accept", "text/html")]));
        assert!(!a.json && !a.sse);
    }
}
