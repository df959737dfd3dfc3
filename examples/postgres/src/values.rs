//! Values between JSON and Postgres: [`Cell`] decodes any result column into JSON, and
//! [`to_param`] turns a JSON value from the model into a bind parameter of the type Postgres
//! inferred for it (`Statement::params()`).
//!
//! Results arrive in Postgres's binary format (tokio-postgres always asks for it). The common
//! types are decoded here without extra crates: booleans, integers, floats, `numeric` (as a
//! string, exactly), text types, enums, `json`/`jsonb`, `uuid`, dates and times (RFC 3339,
//! UTC for `timestamptz`), `interval`, `bytea` (hex), `inet`/`cidr`, `macaddr`, bit strings,
//! arrays, composites and domains over any of these. Anything else becomes a short note asking
//! for a cast to text; the structured tools cast such columns themselves ([`decodable`]).
//!
//! Parameters are typed from the prepared statement: an `int4` column gets an `i32`, a `text`
//! column a `String`, never the other way round, so `"1 OR 1=1"` for an integer column is a
//! type error, and for a text column a literal that matches nothing. Types without a native
//! binding here (`numeric`, `timestamptz`, `uuid`, enums, ...) are sent as text and cast on
//! the server (`CAST($1::text AS type)`, see [`Binding::TextCast`]), so Postgres's own input
//! functions parse them and report bad input in their words.

use std::error::Error;
use std::fmt::Write as _;

use serde_json::{Map, Number, Value};
use tokio_postgres::types::{FromSql, Kind, ToSql, Type};

type BoxError = Box<dyn Error + Sync + Send>;

/// A bind parameter ready for `bind`/`query`.
pub type Param = Box<dyn ToSql + Sync + Send>;

/// A result cell decoded into JSON (`null` for SQL `NULL`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Cell(pub Value);

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        decode(ty, raw).map(Cell)
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Self(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

mod oid {
    pub(super) const BOOL: u32 = 16;
    pub(super) const BYTEA: u32 = 17;
    pub(super) const CHAR: u32 = 18;
    pub(super) const NAME: u32 = 19;
    pub(super) const INT8: u32 = 20;
    pub(super) const INT2: u32 = 21;
    pub(super) const INT4: u32 = 23;
    pub(super) const REGPROC: u32 = 24;
    pub(super) const TEXT: u32 = 25;
    pub(super) const OID: u32 = 26;
    pub(super) const XID: u32 = 28;
    pub(super) const CID: u32 = 29;
    pub(super) const JSON: u32 = 114;
    pub(super) const XML: u32 = 142;
    pub(super) const POINT: u32 = 600;
    pub(super) const CIDR: u32 = 650;
    pub(super) const FLOAT4: u32 = 700;
    pub(super) const FLOAT8: u32 = 701;
    pub(super) const UNKNOWN: u32 = 705;
    pub(super) const MONEY: u32 = 790;
    pub(super) const MACADDR: u32 = 829;
    pub(super) const INET: u32 = 869;
    pub(super) const BPCHAR: u32 = 1042;
    pub(super) const VARCHAR: u32 = 1043;
    pub(super) const DATE: u32 = 1082;
    pub(super) const TIME: u32 = 1083;
    pub(super) const TIMESTAMP: u32 = 1114;
    pub(super) const TIMESTAMPTZ: u32 = 1184;
    pub(super) const INTERVAL: u32 = 1186;
    pub(super) const TIMETZ: u32 = 1266;
    pub(super) const BIT: u32 = 1560;
    pub(super) const VARBIT: u32 = 1562;
    pub(super) const NUMERIC: u32 = 1700;
    pub(super) const REGPROCEDURE: u32 = 2202;
    pub(super) const REGOPER: u32 = 2203;
    pub(super) const REGOPERATOR: u32 = 2204;
    pub(super) const REGCLASS: u32 = 2205;
    pub(super) const REGTYPE: u32 = 2206;
    pub(super) const RECORD: u32 = 2249;
    pub(super) const UUID: u32 = 2950;
    pub(super) const PG_LSN: u32 = 3220;
    pub(super) const REGCONFIG: u32 = 3734;
    pub(super) const REGDICTIONARY: u32 = 3769;
    pub(super) const JSONB: u32 = 3802;
    pub(super) const JSONPATH: u32 = 4072;
    pub(super) const REGNAMESPACE: u32 = 4089;
    pub(super) const REGROLE: u32 = 4096;
    pub(super) const XID8: u32 = 5069;
}

/// Types whose binary form is their text (`textsend`): the builtin text types plus common
/// extension types.
fn is_text_like(ty: &Type) -> bool {
    matches!(
        ty.oid(),
        oid::TEXT | oid::VARCHAR | oid::BPCHAR | oid::NAME | oid::UNKNOWN | oid::XML
    ) || matches!(ty.kind(), Kind::Simple)
        && matches!(ty.name(), "citext" | "ltree" | "lquery" | "ltxtquery")
}

/// Whether [`Cell`] renders values of this type (rather than a note asking for a cast).
pub fn decodable(ty: &Type) -> bool {
    match ty.kind() {
        Kind::Enum(_) => true,
        Kind::Domain(base) | Kind::Array(base) => decodable(base),
        Kind::Composite(fields) => fields.iter().all(|f| decodable(f.type_())),
        _ => {
            is_text_like(ty)
                || matches!(
                    ty.oid(),
                    oid::BOOL
                        | oid::BYTEA
                        | oid::CHAR
                        | oid::INT8
                        | oid::INT2
                        | oid::INT4
                        | oid::REGPROC
                        | oid::OID
                        | oid::XID
                        | oid::CID
                        | oid::JSON
                        | oid::POINT
                        | oid::CIDR
                        | oid::FLOAT4
                        | oid::FLOAT8
                        | oid::MONEY
                        | oid::MACADDR
                        | oid::INET
                        | oid::DATE
                        | oid::TIME
                        | oid::TIMESTAMP
                        | oid::TIMESTAMPTZ
                        | oid::INTERVAL
                        | oid::TIMETZ
                        | oid::BIT
                        | oid::VARBIT
                        | oid::NUMERIC
                        | oid::REGPROCEDURE
                        | oid::REGOPER
                        | oid::REGOPERATOR
                        | oid::REGCLASS
                        | oid::REGTYPE
                        | oid::UUID
                        | oid::PG_LSN
                        | oid::REGCONFIG
                        | oid::REGDICTIONARY
                        | oid::JSONB
                        | oid::JSONPATH
                        | oid::REGNAMESPACE
                        | oid::REGROLE
                        | oid::XID8
                )
        }
    }
}

/// Decodes one non-null value of type `ty` from its binary form.
fn decode(ty: &Type, raw: &[u8]) -> Result<Value, BoxError> {
    use postgres_protocol::types as pt;
    match ty.kind() {
        Kind::Enum(_) => return Ok(Value::String(pt::text_from_sql(raw)?.to_owned())),
        Kind::Domain(base) => return decode(base, raw),
        Kind::Array(elem) => return decode_array(elem, raw),
        Kind::Composite(fields) => {
            let names: Vec<(&str, Option<&Type>)> =
                fields.iter().map(|f| (f.name(), Some(f.type_()))).collect();
            return decode_record(&names, raw);
        }
        _ => {}
    }
    if is_text_like(ty) {
        return Ok(Value::String(pt::text_from_sql(raw)?.to_owned()));
    }
    decode_scalar(ty, raw)
}

/// Decodes a builtin scalar type.
fn decode_scalar(ty: &Type, raw: &[u8]) -> Result<Value, BoxError> {
    use postgres_protocol::types as pt;
    let value = match ty.oid() {
        oid::BOOL => Value::Bool(pt::bool_from_sql(raw)?),
        oid::INT2 => Value::from(pt::int2_from_sql(raw)?),
        oid::INT4 => Value::from(pt::int4_from_sql(raw)?),
        oid::INT8 => Value::from(pt::int8_from_sql(raw)?),
        oid::OID
        | oid::XID
        | oid::CID
        | oid::REGPROC
        | oid::REGPROCEDURE
        | oid::REGOPER
        | oid::REGOPERATOR
        | oid::REGCLASS
        | oid::REGTYPE
        | oid::REGCONFIG
        | oid::REGDICTIONARY
        | oid::REGNAMESPACE
        | oid::REGROLE => Value::from(pt::oid_from_sql(raw)?),
        oid::XID8 => Value::from(u64::from_be_bytes(fixed::<8>(raw)?)),
        oid::CHAR => Value::String(char::from(pt::char_from_sql(raw)?.cast_unsigned()).to_string()),
        oid::FLOAT4 => float(f64::from(pt::float4_from_sql(raw)?)),
        oid::FLOAT8 => float(pt::float8_from_sql(raw)?),
        oid::NUMERIC => Value::String(numeric_to_string(raw)?),
        oid::MONEY => Value::String(money_to_string(pt::int8_from_sql(raw)?)),
        oid::JSON => serde_json::from_slice(raw)?,
        oid::JSONB => match raw.split_first() {
            Some((1, rest)) => serde_json::from_slice(rest)?,
            _ => return Err("unsupported jsonb version".into()),
        },
        oid::JSONPATH => match raw.split_first() {
            Some((1, rest)) => Value::String(std::str::from_utf8(rest)?.to_owned()),
            _ => return Err("unsupported jsonpath version".into()),
        },
        oid::BYTEA => Value::String(hex_bytea(pt::bytea_from_sql(raw))),
        oid::UUID => Value::String(uuid_to_string(pt::uuid_from_sql(raw)?)),
        oid::DATE => Value::String(date_to_string(pt::date_from_sql(raw)?)),
        oid::TIME => Value::String(time_to_string(pt::time_from_sql(raw)?)),
        oid::TIMETZ => {
            let micros = i64::from_be_bytes(fixed::<8>(raw.get(..8).unwrap_or_default())?);
            let zone = i32::from_be_bytes(fixed::<4>(raw.get(8..).unwrap_or_default())?);
            // The zone is stored in seconds *west* of UTC.
            Value::String(format!(
                "{}{}",
                time_to_string(micros),
                offset_to_string(-zone)
            ))
        }
        oid::TIMESTAMP => Value::String(timestamp_to_string(pt::timestamp_from_sql(raw)?, false)),
        oid::TIMESTAMPTZ => Value::String(timestamp_to_string(pt::timestamp_from_sql(raw)?, true)),
        oid::INTERVAL => Value::String(interval_to_string(raw)?),
        oid::INET | oid::CIDR => {
            let inet = pt::inet_from_sql(raw)?;
            let full = if inet.addr().is_ipv4() { 32 } else { 128 };
            if ty.oid() == oid::INET && inet.netmask() == full {
                Value::String(inet.addr().to_string())
            } else {
                Value::String(format!("{}/{}", inet.addr(), inet.netmask()))
            }
        }
        oid::MACADDR => {
            let mac = pt::macaddr_from_sql(raw)?;
            Value::String(
                mac.iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(":"),
            )
        }
        oid::BIT | oid::VARBIT => {
            let bits = pt::varbit_from_sql(raw)?;
            let len = bits.len();
            let mut text = String::with_capacity(len);
            for (i, byte) in bits.bytes().iter().enumerate() {
                for bit in 0..8 {
                    if i * 8 + bit < len {
                        text.push(if byte & (0x80 >> bit) == 0 { '0' } else { '1' });
                    }
                }
            }
            Value::String(text)
        }
        oid::POINT => {
            let p = pt::point_from_sql(raw)?;
            Value::String(format!("({},{})", p.x(), p.y()))
        }
        oid::PG_LSN => {
            let lsn = pt::lsn_from_sql(raw)?;
            Value::String(format!("{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF))
        }
        oid::RECORD => decode_record(&[], raw)?,
        _ => Value::String(format!("<{} value not shown: cast it to text>", ty.name())),
    };
    Ok(value)
}

fn fixed<const N: usize>(raw: &[u8]) -> Result<[u8; N], BoxError> {
    raw.try_into()
        .map_err(|_| format!("expected {N} bytes, got {}", raw.len()).into())
}

fn float(v: f64) -> Value {
    Number::from_f64(v).map_or_else(
        || {
            Value::String(if v.is_nan() {
                "NaN".to_owned()
            } else if v > 0.0 {
                "Infinity".to_owned()
            } else {
                "-Infinity".to_owned()
            })
        },
        Value::Number,
    )
}

/// A reader over a binary value.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BoxError> {
        if self.0.len() < n {
            return Err("truncated binary value".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn i32(&mut self) -> Result<i32, BoxError> {
        Ok(i32::from_be_bytes(fixed::<4>(self.take(4)?)?))
    }

    fn u32(&mut self) -> Result<u32, BoxError> {
        Ok(u32::from_be_bytes(fixed::<4>(self.take(4)?)?))
    }

    fn i16(&mut self) -> Result<i16, BoxError> {
        Ok(i16::from_be_bytes(fixed::<2>(self.take(2)?)?))
    }

    fn u16(&mut self) -> Result<u16, BoxError> {
        Ok(u16::from_be_bytes(fixed::<2>(self.take(2)?)?))
    }

    /// A length-prefixed element (`-1` = NULL).
    fn element(&mut self) -> Result<Option<&'a [u8]>, BoxError> {
        let len = self.i32()?;
        if len < 0 {
            return Ok(None);
        }
        Ok(Some(self.take(usize::try_from(len)?)?))
    }
}

/// `array_send`: dimensions, then the elements in row-major order.
fn decode_array(elem: &Type, raw: &[u8]) -> Result<Value, BoxError> {
    let mut r = Reader(raw);
    let ndim = usize::try_from(r.i32()?)?;
    let _has_nulls = r.i32()?;
    let _elem_oid = r.u32()?;
    if ndim == 0 {
        return Ok(Value::Array(Vec::new()));
    }
    if ndim > 6 {
        return Err("too many array dimensions".into());
    }
    let mut dims = Vec::with_capacity(ndim);
    for _ in 0..ndim {
        dims.push(usize::try_from(r.i32()?)?);
        let _lower_bound = r.i32()?;
    }
    let total: usize = dims.iter().product();
    let mut flat = Vec::with_capacity(total.min(1 << 16));
    for _ in 0..total {
        flat.push(match r.element()? {
            None => Value::Null,
            Some(bytes) => decode(elem, bytes)?,
        });
    }
    // Fold the flat list into nested arrays, innermost dimension first.
    for &len in dims.iter().skip(1).rev() {
        let mut grouped = Vec::with_capacity(flat.len() / len.max(1));
        let mut items = flat.into_iter();
        loop {
            let chunk: Vec<Value> = items.by_ref().take(len).collect();
            if chunk.is_empty() {
                break;
            }
            grouped.push(Value::Array(chunk));
        }
        flat = grouped;
    }
    Ok(Value::Array(flat))
}

/// `record_send`: field count, then (type oid, length-prefixed value) per field. Named fields
/// (a composite type) give an object; an anonymous record gives an array.
fn decode_record(fields: &[(&str, Option<&Type>)], raw: &[u8]) -> Result<Value, BoxError> {
    let mut r = Reader(raw);
    let count = usize::try_from(r.i32()?)?;
    let mut values = Vec::with_capacity(count.min(1600));
    for i in 0..count {
        let field_oid = r.u32()?;
        let ty = fields
            .get(i)
            .and_then(|(_, ty)| (*ty).cloned())
            .or_else(|| Type::from_oid(field_oid));
        let value = match (r.element()?, ty) {
            (None, _) => Value::Null,
            (Some(bytes), Some(ty)) => decode(&ty, bytes)?,
            (Some(_), None) => Value::String(format!("<type {field_oid} value not shown>")),
        };
        values.push(value);
    }
    if fields.is_empty() {
        return Ok(Value::Array(values));
    }
    let mut object = Map::new();
    for ((name, _), value) in fields.iter().zip(values) {
        object.insert((*name).to_owned(), value);
    }
    Ok(Value::Object(object))
}

/// `numeric_send`: digit count, weight (of the first base-10000 digit), sign, display scale,
/// digits. Rendered exactly, with `dscale` fraction digits, like Postgres's own output.
///
/// # Errors
///
/// The bytes are not a `numeric` value.
pub fn numeric_to_string(raw: &[u8]) -> Result<String, BoxError> {
    let mut r = Reader(raw);
    let ndigits = usize::try_from(r.i16()?)?;
    let weight = i32::from(r.i16()?);
    let sign = r.u16()?;
    let dscale = usize::from(r.u16()?);
    let mut digits = Vec::with_capacity(ndigits);
    for _ in 0..ndigits {
        digits.push(r.i16()?);
    }
    match sign {
        0xC000 => return Ok("NaN".to_owned()),
        0xD000 => return Ok("Infinity".to_owned()),
        0xF000 => return Ok("-Infinity".to_owned()),
        _ => {}
    }
    let digit = |k: i32| -> i16 {
        usize::try_from(k)
            .ok()
            .and_then(|k| digits.get(k).copied())
            .unwrap_or(0)
    };
    let mut text = String::new();
    if weight < 0 {
        text.push('0');
    } else {
        for k in 0..=weight {
            if k == 0 {
                let _ = write!(text, "{}", digit(k));
            } else {
                let _ = write!(text, "{:04}", digit(k));
            }
        }
    }
    if dscale > 0 {
        let mut frac = String::new();
        let mut e = 1;
        while frac.len() < dscale {
            let _ = write!(frac, "{:04}", digit(weight + e));
            e += 1;
        }
        frac.truncate(dscale);
        text.push('.');
        text.push_str(&frac);
    }
    let is_zero = text.bytes().all(|b| b == b'0' || b == b'.');
    if sign == 0x4000 && !is_zero {
        text.insert(0, '-');
    }
    Ok(text)
}

fn money_to_string(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn hex_bytea(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(2 + bytes.len() * 2);
    text.push_str("\\x");
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

fn uuid_to_string(b: [u8; 16]) -> String {
    let hex = b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    });
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The Julian day number of 2000-01-01, Postgres's epoch.
const PG_EPOCH_JULIAN_DAY: i64 = 2_451_545;

/// `YYYY-MM-DD` of a day counted from 2000-01-01. Days outside the years `time` represents
/// (±9999) are named by their count, which Postgres's own range reaches only in exotic data.
fn day_to_string(days: i64) -> String {
    let date = (days + PG_EPOCH_JULIAN_DAY)
        .try_into()
        .ok()
        .and_then(|jd| time::Date::from_julian_day(jd).ok());
    match date {
        Some(d) => format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
        None => format!("{days} days from 2000-01-01"),
    }
}

fn date_to_string(days: i32) -> String {
    match days {
        i32::MAX => "infinity".to_owned(),
        i32::MIN => "-infinity".to_owned(),
        _ => day_to_string(i64::from(days)),
    }
}

fn time_to_string(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if frac == 0 {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        let digits = format!("{frac:06}");
        format!("{h:02}:{m:02}:{s:02}.{}", digits.trim_end_matches('0'))
    }
}

fn offset_to_string(east_secs: i32) -> String {
    if east_secs == 0 {
        return "Z".to_owned();
    }
    let sign = if east_secs < 0 { '-' } else { '+' };
    let abs = east_secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", abs / 3600, (abs / 60) % 60)
}

/// Microseconds since 2000-01-01 00:00 to RFC 3339 (`Z` for `timestamptz`, whose binary form
/// is UTC whatever the session's `TimeZone`).
pub fn timestamp_to_string(micros: i64, utc: bool) -> String {
    const DAY: i64 = 86_400_000_000;
    match micros {
        i64::MAX => return "infinity".to_owned(),
        i64::MIN => return "-infinity".to_owned(),
        _ => {}
    }
    let date = day_to_string(micros.div_euclid(DAY));
    let time = time_to_string(micros.rem_euclid(DAY));
    let zone = if utc { "Z" } else { "" };
    format!("{date}T{time}{zone}")
}

/// `interval_send`: microseconds, days, months; rendered like Postgres's default style
/// (`1 year 2 mons 3 days 04:05:06`).
fn interval_to_string(raw: &[u8]) -> Result<String, BoxError> {
    let mut r = Reader(raw);
    let micros = i64::from_be_bytes(fixed::<8>(r.take(8)?)?);
    let days = r.i32()?;
    let months = r.i32()?;
    let mut parts = Vec::new();
    let (years, mons) = (months / 12, months % 12);
    let unit =
        |n: i32, one: &str, many: &str| format!("{n} {}", if n.abs() == 1 { one } else { many });
    if years != 0 {
        parts.push(unit(years, "year", "years"));
    }
    if mons != 0 {
        parts.push(unit(mons, "mon", "mons"));
    }
    if days != 0 {
        parts.push(unit(days, "day", "days"));
    }
    if micros != 0 || parts.is_empty() {
        let sign = if micros < 0 { "-" } else { "" };
        parts.push(format!("{sign}{}", time_to_string(micros.abs())));
    }
    Ok(parts.join(" "))
}

/// How a parameter slot is written in the SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Binding {
    /// `$n`, bound with a native Rust value of the inferred type.
    Native,
    /// `CAST($n::text AS <type>)` (or `::text[]` for arrays): the value travels as text and
    /// Postgres's input function for `type` parses it.
    TextCast {
        /// `text` or `text[]`.
        text_type: &'static str,
        /// The quoted, schema-qualified target type.
        target: String,
    },
}

/// Whether this module binds `ty` natively (booleans, integers, floats, text types, JSON and
/// arrays of those).
fn native(ty: &Type) -> bool {
    match ty.kind() {
        Kind::Array(elem) => native(elem) && !matches!(elem.kind(), Kind::Array(_)),
        Kind::Simple => {
            matches!(
                ty.oid(),
                oid::BOOL
                    | oid::INT2
                    | oid::INT4
                    | oid::INT8
                    | oid::FLOAT4
                    | oid::FLOAT8
                    | oid::TEXT
                    | oid::VARCHAR
                    | oid::BPCHAR
                    | oid::NAME
                    | oid::JSON
                    | oid::JSONB
            )
        }
        _ => false,
    }
}

/// How a parameter of inferred type `ty` must be written.
pub fn binding_for(ty: &Type) -> Binding {
    if native(ty) {
        Binding::Native
    } else {
        // The catalog's own name, quoted: `"pg_catalog"."numeric"`, `"sales"."mood"`,
        // `"pg_catalog"."_uuid"` (arrays are reachable by their internal name).
        Binding::TextCast {
            text_type: if matches!(ty.kind(), Kind::Array(_)) {
                "text[]"
            } else {
                "text"
            },
            target: format!(
                "{}.{}",
                postgres_protocol::escape::escape_identifier(ty.schema()),
                postgres_protocol::escape::escape_identifier(ty.name())
            ),
        }
    }
}

/// A JSON kind for messages: `a string "1 OR 1=1"`, `a number 3.5`, ...
fn describe(value: &Value) -> String {
    let shown = |s: String| {
        let (cut, more) = example_support::truncate(&s, 60);
        if more { format!("{cut}…") } else { cut }
    };
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("a boolean {b}"),
        Value::Number(n) => format!("a number {n}"),
        Value::String(s) => format!("a string {}", shown(format!("{s:?}"))),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// The text form of a JSON value for a text-cast parameter.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(_) | Value::Object(_) => Some(value.to_string()),
    }
}

fn integer<T: TryFrom<i64>>(value: &Value, ty: &str) -> Result<T, String> {
    let wanted = || format!("expects an integer ({ty}), got {}", describe(value));
    let n = match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64().and_then(|f| {
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "only whole numbers inside the i64 range reach the cast"
                    )]
                    let whole = f as i64;
                    (f.fract() == 0.0 && f.abs() < 9.0e15).then_some(whole)
                })
            })
            .ok_or_else(wanted)?,
        Value::String(s) => s.trim().parse::<i64>().map_err(|_| wanted())?,
        _ => return Err(wanted()),
    };
    T::try_from(n).map_err(|_| format!("{n} is out of range for {ty}"))
}

fn floating(value: &Value, ty: &str) -> Result<f64, String> {
    let wanted = || format!("expects a number ({ty}), got {}", describe(value));
    match value {
        Value::Number(n) => n.as_f64().ok_or_else(wanted),
        Value::String(s) => s.trim().parse::<f64>().map_err(|_| wanted()),
        _ => Err(wanted()),
    }
}

fn boolean(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(format!("expects a boolean, got {}", describe(value))),
    }
}

fn text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(format!("expects text, got {}", describe(value))),
    }
}

/// Converts `value` into a parameter for a slot of inferred type `ty` bound as `binding`.
///
/// # Errors
///
/// A message for the model: what the type expects and what it got (`expects an integer
/// (int4), got a string "1 OR 1=1"`).
pub fn to_param(value: &Value, ty: &Type, binding: &Binding) -> Result<Param, String> {
    if let Binding::TextCast { .. } = binding {
        if let Kind::Array(_) = ty.kind() {
            let Value::Array(items) = value else {
                return Err(format!("expects a list, got {}", describe(value)));
            };
            let texts: Vec<Option<String>> = items.iter().map(text_of).collect();
            return Ok(Box::new(texts));
        }
        return Ok(Box::new(text_of(value)));
    }
    if let Kind::Array(elem) = ty.kind() {
        let Value::Array(items) = value else {
            return Err(format!("expects a list, got {}", describe(value)));
        };
        return array_param(items, elem);
    }
    if value.is_null() {
        return Ok(Box::new(None::<String>));
    }
    let name = ty.name();
    Ok(match ty.oid() {
        oid::BOOL => Box::new(boolean(value)?),
        oid::INT2 => Box::new(integer::<i16>(value, name)?),
        oid::INT4 => Box::new(integer::<i32>(value, name)?),
        oid::INT8 => Box::new(integer::<i64>(value, name)?),
        #[expect(
            clippy::cast_possible_truncation,
            reason = "float4 parameters are f32 by definition"
        )]
        oid::FLOAT4 => Box::new(floating(value, name)? as f32),
        oid::FLOAT8 => Box::new(floating(value, name)?),
        oid::JSON | oid::JSONB => Box::new(value.clone()),
        _ => Box::new(text(value)?),
    })
}

fn array_param(items: &[Value], elem: &Type) -> Result<Param, String> {
    fn each<T>(
        items: &[Value],
        f: impl Fn(&Value) -> Result<T, String>,
    ) -> Result<Vec<Option<T>>, String> {
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                if v.is_null() {
                    Ok(None)
                } else {
                    f(v).map(Some).map_err(|e| format!("item {i} {e}"))
                }
            })
            .collect()
    }
    let name = elem.name();
    Ok(match elem.oid() {
        oid::BOOL => Box::new(each(items, boolean)?),
        oid::INT2 => Box::new(each(items, |v| integer::<i16>(v, name))?),
        oid::INT4 => Box::new(each(items, |v| integer::<i32>(v, name))?),
        oid::INT8 => Box::new(each(items, |v| integer::<i64>(v, name))?),
        #[expect(
            clippy::cast_possible_truncation,
            reason = "float4 parameters are f32 by definition"
        )]
        oid::FLOAT4 => Box::new(each(items, |v| floating(v, name).map(|f| f as f32))?),
        oid::FLOAT8 => Box::new(each(items, |v| floating(v, name))?),
        oid::JSON | oid::JSONB => Box::new(each(items, |v| Ok(v.clone()))?),
        _ => Box::new(each(items, text)?),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tokio_postgres::types::Type;

    use super::{
        Binding, binding_for, date_to_string, decode, numeric_to_string, timestamp_to_string,
        to_param,
    };

    fn numeric(ndigits: i16, weight: i16, sign: u16, dscale: u16, digits: &[i16]) -> Vec<u8> {
        let mut raw = Vec::new();
        raw.extend_from_slice(&ndigits.to_be_bytes());
        raw.extend_from_slice(&weight.to_be_bytes());
        raw.extend_from_slice(&sign.to_be_bytes());
        raw.extend_from_slice(&dscale.to_be_bytes());
        for d in digits {
            raw.extend_from_slice(&d.to_be_bytes());
        }
        raw
    }

    #[test]
    fn numeric_renders_exactly() {
        // 12345.67 = digits [1, 2345, 6700], weight 1, dscale 2
        let raw = numeric(3, 1, 0, 2, &[1, 2345, 6700]);
        assert_eq!(numeric_to_string(&raw).expect("ok"), "12345.67");
        // -0.0012 = digits [12], weight -1, dscale 4
        let raw = numeric(1, -1, 0x4000, 4, &[12]);
        assert_eq!(numeric_to_string(&raw).expect("ok"), "-0.0012");
        // 0.00000001 = digits [1], weight -2, dscale 8
        let raw = numeric(1, -2, 0, 8, &[1]);
        assert_eq!(numeric_to_string(&raw).expect("ok"), "0.00000001");
        // 100000000 = digits [1], weight 2, dscale 0
        let raw = numeric(1, 2, 0, 0, &[1]);
        assert_eq!(numeric_to_string(&raw).expect("ok"), "100000000");
        // zero with scale
        let raw = numeric(0, 0, 0, 2, &[]);
        assert_eq!(numeric_to_string(&raw).expect("ok"), "0.00");
        let raw = numeric(0, 0, 0xC000, 0, &[]);
        assert_eq!(numeric_to_string(&raw).expect("ok"), "NaN");
    }

    #[test]
    fn dates_and_timestamps() {
        assert_eq!(date_to_string(0), "2000-01-01");
        assert_eq!(date_to_string(-1), "1999-12-31");
        assert_eq!(date_to_string(9800), "2026-10-31");
        assert_eq!(date_to_string(60), "2000-03-01");
        assert_eq!(date_to_string(-730_119), "0001-01-01");
        assert_eq!(date_to_string(2_921_939), "9999-12-31");
        assert_eq!(
            date_to_string(-2_000_000_000),
            "-2000000000 days from 2000-01-01"
        );
        assert_eq!(date_to_string(i32::MIN), "-infinity");
        assert_eq!(timestamp_to_string(0, true), "2000-01-01T00:00:00Z");
        assert_eq!(
            timestamp_to_string(86_400_000_000 + 3_600_000_000 + 1_500, false),
            "2000-01-02T01:00:00.0015"
        );
        assert_eq!(
            timestamp_to_string(-1_000_000, true),
            "1999-12-31T23:59:59Z"
        );
        assert_eq!(timestamp_to_string(i64::MAX, true), "infinity");
    }

    #[test]
    fn arrays_decode_nested() {
        // int4[][] {{1,2},{3,NULL}}
        let mut raw = Vec::new();
        for v in [2i32, 1, 23, 2, 1, 2, 1] {
            raw.extend_from_slice(&v.to_be_bytes());
        }
        for v in [Some(1i32), Some(2), Some(3), None] {
            match v {
                Some(v) => {
                    raw.extend_from_slice(&4i32.to_be_bytes());
                    raw.extend_from_slice(&v.to_be_bytes());
                }
                None => raw.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        let value = decode(&Type::INT4_ARRAY, &raw).expect("decodes");
        assert_eq!(value, json!([[1, 2], [3, null]]));
    }

    #[test]
    fn params_are_typed_by_the_statement() {
        let native = Binding::Native;
        assert!(to_param(&json!(42), &Type::INT4, &native).is_ok());
        assert!(to_param(&json!("42"), &Type::INT4, &native).is_ok());
        let Err(err) = to_param(&json!("1 OR 1=1"), &Type::INT4, &native) else {
            panic!("a type error")
        };
        assert!(err.contains("expects an integer (int4)"), "{err}");
        assert!(err.contains("1 OR 1=1"), "{err}");
        assert!(to_param(&json!(1e20), &Type::INT8, &native).is_err());
        assert!(to_param(&json!(70000), &Type::INT2, &native).is_err());
        assert!(to_param(&json!("1 OR 1=1"), &Type::TEXT, &native).is_ok());
        assert!(to_param(&json!([1, 2, 3]), &Type::INT4_ARRAY, &native).is_ok());
        assert!(to_param(&json!([1, "x"]), &Type::INT4_ARRAY, &native).is_err());
        assert!(to_param(&json!(3), &Type::INT4_ARRAY, &native).is_err());
    }

    #[test]
    fn exotic_types_travel_as_text() {
        assert_eq!(binding_for(&Type::INT4), Binding::Native);
        assert_eq!(
            binding_for(&Type::NUMERIC),
            Binding::TextCast {
                text_type: "text",
                target: "\"pg_catalog\".\"numeric\"".to_owned()
            }
        );
        assert_eq!(
            binding_for(&Type::TIMESTAMPTZ_ARRAY),
            Binding::TextCast {
                text_type: "text[]",
                target: "\"pg_catalog\".\"_timestamptz\"".to_owned()
            }
        );
        let cast = binding_for(&Type::NUMERIC);
        assert!(to_param(&json!(100.5), &Type::NUMERIC, &cast).is_ok());
        let cast = binding_for(&Type::UUID_ARRAY);
        assert!(to_param(&json!(["a", "b"]), &Type::UUID_ARRAY, &cast).is_ok());
    }
}
