//! [`ForwardedIdentity`]: identity asserted by a trusted gateway.
//!
//! Identity headers (`x-forwarded-user`, ...) are believed only when the TCP peer is one of
//! the configured proxy networks; from anyone else they are ignored, and
//! [`BearerAuthLayer`](crate::BearerAuthLayer) strips them before any handler sees them. With
//! [`ForwardedIdentity::require_assertion`] only a signed assertion (a JWT checked like an
//! access token: signature, `iss`, `aud`, `exp`) is accepted, and bare headers are not.

use std::net::IpAddr;

use http::HeaderName;
use http::request::Parts;
use ipnet::IpNet;
use mcp_core::auth::{AuthMethod, Principal};
use mcp_server::http::PeerAddr;

use crate::error::AuthError;
use crate::verify::Verify;

/// Believes gateway identity headers from trusted proxy addresses only.
///
/// ```
/// use mcp_auth::ForwardedIdentity;
///
/// let gateway = ForwardedIdentity::new(["10.0.0.0/8".parse().expect("a CIDR")])
///     .subject_header("x-forwarded-user")
///     .scopes_header("x-mcp-scopes");
/// # let _ = gateway;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ForwardedIdentity {
    trusted: Vec<IpNet>,
    subject: HeaderName,
    tenant: Option<HeaderName>,
    scopes: Option<HeaderName>,
    #[cfg(feature = "jwt")]
    assertion: Option<(HeaderName, crate::JwtVerifier)>,
}

impl ForwardedIdentity {
    /// Trusts identity headers from peers in `proxies` (IPv4-mapped IPv6 peers are matched as
    /// IPv4). The subject header defaults to `x-forwarded-user`.
    pub fn new(proxies: impl IntoIterator<Item = IpNet>) -> Self {
        Self {
            trusted: proxies.into_iter().collect(),
            subject: HeaderName::from_static("x-forwarded-user"),
            tenant: None,
            scopes: None,
            #[cfg(feature = "jwt")]
            assertion: None,
        }
    }

    /// The header naming the subject.
    pub fn subject_header(mut self, header: &'static str) -> Self {
        self.subject = HeaderName::from_static(header);
        self
    }

    /// The header naming the tenant.
    pub fn tenant_header(mut self, header: &'static str) -> Self {
        self.tenant = Some(HeaderName::from_static(header));
        self
    }

    /// The header listing scopes (space-delimited).
    pub fn scopes_header(mut self, header: &'static str) -> Self {
        self.scopes = Some(HeaderName::from_static(header));
        self
    }

    /// Accepts only a signed assertion in `header`, verified by `verifier` (its audience is
    /// this application); bare identity headers are then ignored.
    #[cfg(feature = "jwt")]
    #[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
    pub fn require_assertion(mut self, header: &'static str, verifier: crate::JwtVerifier) -> Self {
        self.assertion = Some((HeaderName::from_static(header), verifier));
        self
    }

    /// Whether `ip` is a trusted proxy.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.trusted.iter().any(|net| net.contains(&ip))
    }

    /// The client address of `request` (A92): the peer, or when the peer is a trusted proxy,
    /// the right-most `X-Forwarded-For` hop that is not a trusted proxy. Spoofed hops to the
    /// left of it are ignored.
    pub fn client_ip(&self, request: &Parts) -> Option<IpAddr> {
        let peer = request.extensions.get::<PeerAddr>().map(|p| p.0.ip())?;
        if !self.trusts(peer) {
            return Some(peer.to_canonical());
        }
        let hops: Vec<IpAddr> = request
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map_while(|hop| hop.trim().parse::<IpAddr>().ok())
            .collect();
        Some(
            hops.iter()
                .rev()
                .find(|ip| !self.trusts(**ip))
                .copied()
                .unwrap_or(peer)
                .to_canonical(),
        )
    }

    fn header<'a>(request: &'a Parts, name: &HeaderName) -> Result<Option<&'a str>, AuthError> {
        let mut values = request.headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (None, _) => Ok(None),
            (Some(v), None) => v
                .to_str()
                .map(|s| Some(s.trim()).filter(|s| !s.is_empty()))
                .map_err(|_| AuthError::invalid("identity header is not ASCII")),
            (Some(_), Some(_)) => Err(AuthError::invalid("repeated identity header")),
        }
    }
}

impl Verify for ForwardedIdentity {
    async fn verify<'a>(&'a self, request: &'a Parts) -> Result<Option<Principal>, AuthError> {
        let Some(peer) = request.extensions.get::<PeerAddr>().map(|p| p.0) else {
            return Ok(None);
        };
        if !self.trusts(peer.ip()) {
            return Ok(None);
        }
        #[cfg(feature = "jwt")]
        if let Some((header, verifier)) = &self.assertion {
            let Some(assertion) = Self::header(request, header)? else {
                return Ok(None);
            };
            let mut p = verifier.verify_token(assertion).await?;
            p.method = AuthMethod::Gateway;
            return Ok(Some(p));
        }
        let Some(subject) = Self::header(request, &self.subject)? else {
            return Ok(None);
        };
        let mut p = Principal::new(subject, AuthMethod::Gateway);
        if let Some(h) = &self.tenant {
            p.tenant = Self::header(request, h)?.map(str::to_owned);
        }
        if let Some(h) = &self.scopes
            && let Some(scopes) = Self::header(request, h)?
        {
            p.scopes = scopes.split_whitespace().map(str::to_owned).collect();
        }
        Ok(Some(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a92_client_ip_is_the_rightmost_untrusted_hop() {
        let f = ForwardedIdentity::new(["10.0.0.0/8".parse().expect("cidr")]);
        let request = |peer: &str, xff: &str| {
            let mut r = http::Request::new(());
            r.headers_mut()
                .insert("x-forwarded-for", xff.parse().expect("header"));
            r.extensions_mut().insert(PeerAddr::from(
                peer.parse::<std::net::SocketAddr>().expect("addr"),
            ));
            r.into_parts().0
        };
        let spoof = request("10.0.0.1:1", "1.2.3.4, 5.6.7.8, 10.0.0.2");
        assert_eq!(f.client_ip(&spoof), Some("5.6.7.8".parse().expect("ip")));
        let direct = request("9.9.9.9:1", "1.2.3.4");
        assert_eq!(f.client_ip(&direct), Some("9.9.9.9".parse().expect("ip")));
    }

    #[test]
    fn mapped_ipv6_matches_ipv4_networks() {
        let f = ForwardedIdentity::new(["10.0.0.0/8".parse().expect("cidr")]);
        assert!(f.trusts("10.1.2.3".parse().expect("ip")));
        assert!(f.trusts("::ffff:10.1.2.3".parse().expect("ip")));
        assert!(!f.trusts("11.0.0.1".parse().expect("ip")));
    }
}
