//! Sealing MRTR `requestState`: encrypted and authenticated (XChaCha20-Poly1305), bound to the
//! principal, the method, a digest of the salient params and an expiry.
//!
//! The client carries the state between rounds and must be treated as an attacker: tampered,
//! expired, foreign (another principal, method or params) or unknown-key state is rejected.
//! Keys rotate through a [`StateKeys`] ring: new state is sealed with the first key, and any
//! key of the ring opens it, so a rolling deployment can add a key, then drop the old one.
//! Replicas behind one load balancer must share the ring.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The ring of keys that seal and open MRTR request state.
///
/// ```
/// use mcp_server::StateKeys;
///
/// let keys = StateKeys::new("2026-11", [7u8; 32]).with_previous("2026-10", [6u8; 32]);
/// # let _ = keys;
/// ```
#[derive(Clone)]
pub struct StateKeys {
    keys: Vec<(String, XChaCha20Poly1305)>,
}

impl fmt::Debug for StateKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StateKeys")
            .field(
                "key_ids",
                &self
                    .keys
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl StateKeys {
    /// A ring with one key, `kid` naming it inside sealed state.
    pub fn new(kid: impl Into<String>, key: [u8; 32]) -> Self {
        Self {
            keys: vec![(kid.into(), XChaCha20Poly1305::new(&key.into()))],
        }
    }

    /// A ring with one random key: fine for one process, wrong for replicas (state sealed by
    /// one would not open on another).
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self::new("local", key)
    }

    /// A ring from a base64 (standard or URL-safe) 32-byte key, e.g. from an environment
    /// variable.
    ///
    /// # Errors
    ///
    /// When the text is not base64 of exactly 32 bytes.
    pub fn from_base64(kid: impl Into<String>, key: &str) -> Result<Self, crate::Error> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(key.trim())
            .or_else(|_| URL_SAFE_NO_PAD.decode(key.trim()))
            .map_err(|_| crate::Error::config("state key is not base64"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| crate::Error::config("state key must be 32 bytes"))?;
        Ok(Self::new(kid, key))
    }

    /// Adds an older key that still opens state (for rotation).
    #[must_use]
    pub fn with_previous(mut self, kid: impl Into<String>, key: [u8; 32]) -> Self {
        self.keys
            .push((kid.into(), XChaCha20Poly1305::new(&key.into())));
        self
    }

    pub(crate) fn seal(
        &self,
        binding: &Binding<'_>,
        state: Option<&Value>,
        ttl: Duration,
    ) -> String {
        let (kid, cipher) = &self.keys[0];
        let payload = Sealed {
            p: binding.principal.to_owned(),
            m: binding.method.to_owned(),
            d: binding.digest.to_owned(),
            e: now_secs().saturating_add(ttl.as_secs()),
            s: state.cloned(),
        };
        let plain = serde_json::to_vec(&payload).expect("sealed state serializes");
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: kid.as_bytes(),
                },
            )
            .expect("encryption cannot fail for in-memory buffers");
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        format!("{kid}.{}", URL_SAFE_NO_PAD.encode(blob))
    }

    /// Opens sealed state. `Ok(state)` when genuine, fresh and bound to `binding`.
    pub(crate) fn open(
        &self,
        token: &str,
        binding: &Binding<'_>,
    ) -> Result<Option<Value>, &'static str> {
        let (kid, body) = token.split_once('.').ok_or("malformed")?;
        let cipher = self
            .keys
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, c)| c)
            .ok_or("unknown key")?;
        let blob = URL_SAFE_NO_PAD.decode(body).map_err(|_| "malformed")?;
        if blob.len() < 24 {
            return Err("malformed");
        }
        let (nonce, ct) = blob.split_at(24);
        let plain = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: kid.as_bytes(),
                },
            )
            .map_err(|_| "tampered")?;
        let sealed: Sealed = serde_json::from_slice(&plain).map_err(|_| "malformed")?;
        if sealed.e < now_secs() {
            return Err("expired");
        }
        if sealed.p != binding.principal || sealed.m != binding.method || sealed.d != binding.digest
        {
            return Err("bound to another request");
        }
        Ok(sealed.s)
    }
}

/// What sealed state is bound to.
pub(crate) struct Binding<'a> {
    pub(crate) principal: &'a str,
    pub(crate) method: &'a str,
    pub(crate) digest: &'a str,
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    p: String,
    m: String,
    d: String,
    e: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<Value>,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A digest of the salient params of a request (name or URI and arguments), independent of
/// key order.
pub(crate) fn digest(parts: &[&Value]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        let mut buf = Vec::new();
        canonical(part, &mut buf);
        hasher.update((buf.len() as u64).to_be_bytes());
        hasher.update(&buf);
    }
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

fn canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, k).expect("string serializes");
                out.push(b':');
                canonical(&map[k], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                canonical(item, out);
            }
            out.push(b']');
        }
        other => serde_json::to_writer(&mut *out, other).expect("scalar serializes"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn binding<'a>(p: &'a str, d: &'a str) -> Binding<'a> {
        Binding {
            principal: p,
            method: "tools/call",
            digest: d,
        }
    }

    #[test]
    fn round_trip_and_rejections() {
        let keys = StateKeys::new("k1", [1; 32]);
        let b = binding("alice", "d1");
        let token = keys.seal(&b, Some(&json!({"step": 2})), Duration::from_mins(1));
        assert_eq!(keys.open(&token, &b), Ok(Some(json!({"step": 2}))));

        // tampered
        let mut bad = token.clone();
        bad.push_str("-TAMPERED");
        assert!(keys.open(&bad, &b).is_err());
        let flipped = {
            let (kid, body) = token.split_once('.').expect("dot");
            let mut blob = URL_SAFE_NO_PAD.decode(body).expect("b64");
            let last = blob.len() - 1;
            blob[last] ^= 1;
            format!("{kid}.{}", URL_SAFE_NO_PAD.encode(blob))
        };
        assert_eq!(keys.open(&flipped, &b), Err("tampered"));
        // foreign principal / params
        assert!(keys.open(&token, &binding("mallory", "d1")).is_err());
        assert!(keys.open(&token, &binding("alice", "d2")).is_err());
        // another ring
        assert!(StateKeys::new("k1", [2; 32]).open(&token, &b).is_err());
        // expired
        let old = keys.seal(&b, None, Duration::ZERO);
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(keys.open(&old, &b), Err("expired"));
    }

    #[test]
    fn rotation_opens_old_state() {
        let old = StateKeys::new("old", [1; 32]);
        let b = binding("alice", "d");
        let token = old.seal(&b, None, Duration::from_mins(1));
        let rotated = StateKeys::new("new", [9; 32]).with_previous("old", [1; 32]);
        assert_eq!(rotated.open(&token, &b), Ok(None));
        assert!(
            rotated
                .seal(&b, None, Duration::from_mins(1))
                .starts_with("new.")
        );
    }

    #[test]
    fn digest_ignores_key_order() {
        let a = json!({"x": 1, "y": [1, {"b": 2, "a": 1}]});
        let b = json!({"y": [1, {"a": 1, "b": 2}], "x": 1});
        assert_eq!(digest(&[&a]), digest(&[&b]));
        assert_ne!(digest(&[&a]), digest(&[&json!({"x": 2})]));
    }
}
