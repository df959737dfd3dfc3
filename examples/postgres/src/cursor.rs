//! Page cursors of `pg_query`: opaque to the model, stable under concurrent inserts.
//!
//! A cursor is base64url (no padding) of a small JSON object: a format version, the
//! fingerprint of the query it belongs to (SHA-256 of the query's shape, without limit and
//! cursor), and either the sort key of the last row returned (keyset paging: the next page is
//! `WHERE (key) > (last key)`, so rows inserted meanwhile do not shift pages) or an offset
//! (for aggregates and tables without a primary key). Tampering is harmless: key values and
//! offsets are bind parameters, and a cursor of another query is refused.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Position {
    /// After the row with this sort key (one value per key column).
    After(Vec<Value>),
    /// After this many rows.
    Offset(u64),
}

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    v: u8,
    h: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    o: Option<u64>,
}

/// The fingerprint of a query shape: 16 hex digits of SHA-256 over its JSON.
pub fn fingerprint(shape: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(shape).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    digest.iter().take(8).fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Encodes a cursor.
pub fn encode(fingerprint: &str, position: &Position) -> String {
    let (k, o) = match position {
        Position::After(key) => (Some(key.clone()), None),
        Position::Offset(n) => (None, Some(*n)),
    };
    let payload = Payload {
        v: 1,
        h: fingerprint.to_owned(),
        k,
        o,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap_or_default())
}

/// Decodes a cursor for the query with this fingerprint.
///
/// # Errors
///
/// A message for the model: not a cursor of this server, or of another query.
pub fn decode(cursor: &str, fingerprint: &str) -> Result<Position, String> {
    let invalid = || {
        "invalid cursor: pass next_cursor exactly as a previous pg_query result gave it, with \
         the same schema, table, columns, filters, order_by, group_by and aggregates"
            .to_owned()
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| invalid())?;
    let payload: Payload = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if payload.v != 1 {
        return Err(invalid());
    }
    if payload.h != fingerprint {
        return Err(
            "this cursor belongs to a different query: keep schema, table, columns, filters, \
             order_by, group_by and aggregates the same as in the call that returned it (only \
             limit may change)"
                .to_owned(),
        );
    }
    match (payload.k, payload.o) {
        (Some(k), None) => Ok(Position::After(k)),
        (None, Some(o)) => Ok(Position::Offset(o)),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Position, decode, encode, fingerprint};

    #[test]
    fn round_trip() {
        let h = fingerprint(&json!({"table": "orders", "order_by": ["id"]}));
        assert_eq!(h.len(), 16);
        let key = Position::After(vec![json!("2026-11-01T00:00:00Z"), json!(42), json!(null)]);
        let c = encode(&h, &key);
        assert!(
            c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(decode(&c, &h), Ok(key));
        let off = Position::Offset(300);
        assert_eq!(decode(&encode(&h, &off), &h), Ok(off));
    }

    #[test]
    fn foreign_and_broken_cursors_are_refused() {
        let h = fingerprint(&json!({"a": 1}));
        let other = fingerprint(&json!({"a": 2}));
        assert_ne!(h, other);
        let c = encode(&h, &Position::Offset(1));
        let err = |r: Result<Position, String>| r.err().unwrap_or_default();
        assert!(err(decode(&c, &other)).contains("different query"));
        assert!(err(decode("not a cursor!", &h)).contains("invalid cursor"));
        assert!(err(decode("e30", &h)).contains("invalid cursor"));
    }
}
