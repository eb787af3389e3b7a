//! A small JSON reader and writer: all the component needs of JSON, without serde's
//! generic machinery. (serde, serde_json and the float formatting their error
//! messages pull in were about a third of the component's code; see BENCHMARKS.md.)
//!
//! The reader follows RFC 8259 as serde_json does: the same grammar, at most
//! [`MAX_DEPTH`] nested arrays and objects, lone surrogates in `\u` escapes refused,
//! and the last of duplicate keys kept. Numbers are kept as their JSON text, so a
//! value read and written again (a connector's `config`) comes back unchanged.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::borrow::Cow;
use core::fmt;

/// A string of a JSON value or key: borrowed from the text that was read (most
/// strings, which have no escapes, and every number), or owned.
pub type Text<'a> = Cow<'a, str>;

/// How deeply arrays and objects may nest (serde_json's limit too).
pub const MAX_DEPTH: usize = 128;

/// A JSON value. Read from a text, its strings borrow from that text wherever they
/// can, so that reading allocates only for arrays, objects and escaped strings.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// A number, as its JSON text.
    Number(Text<'a>),
    String(Text<'a>),
    Array(Vec<Value<'a>>),
    Object(Map<'a>),
}

/// A JSON object: its members in order, each key once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map<'a>(Vec<(Text<'a>, Value<'a>)>);

impl<'a> Map<'a> {
    pub fn new() -> Self {
        Map(Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.0
            .iter()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, v)| v)
    }

    /// Takes a member out (a decoder reads each member once).
    pub fn remove(&mut self, key: &str) -> Option<Value<'a>> {
        let index = self.0.iter().position(|(k, _)| same_key(k, key))?;
        Some(self.0.swap_remove(index).1)
    }

    /// Sets `key`, replacing an earlier value.
    pub fn insert(&mut self, key: impl Into<Text<'a>>, value: Value<'a>) {
        set_member(&mut self.0, 0, key.into(), value);
    }

    /// The same members with nothing borrowed.
    pub fn into_owned(self) -> Map<'static> {
        Map(self
            .0
            .into_iter()
            .map(|(key, value)| (Cow::Owned(key.into_owned()), value.into_owned()))
            .collect())
    }

    /// Adds a member (builder style, for request bodies, whose keys are distinct).
    pub fn with(mut self, key: &'a str, value: Value<'a>) -> Self {
        debug_assert!(self.get(key).is_none(), "duplicate key {key}");
        self.0.push((Cow::Borrowed(key), value));
        self
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value<'a>)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn values(&self) -> impl Iterator<Item = &Value<'a>> {
        self.0.iter().map(|(_, v)| v)
    }
}

/// Key equality, inlined: lengths first (most keys of an object differ in length),
/// then the bytes, without a call per comparison.
#[inline(always)]
fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while let (Some(x), Some(y)) = (a.get(i), b.get(i)) {
        if x != y {
            return false;
        }
        i += 1;
    }
    true
}

/// Sets `key` among `members[from..]`: an earlier value of the key is replaced in its
/// place (the last of duplicate keys wins, where the first one was), else the member
/// is added at the end.
#[inline(always)]
fn set_member<'a>(
    members: &mut Vec<(Text<'a>, Value<'a>)>,
    from: usize,
    key: Text<'a>,
    value: Value<'a>,
) {
    let earlier = members
        .get_mut(from..)
        .and_then(|members| members.iter_mut().find(|(k, _)| same_key(k, &key)));
    match earlier {
        Some((_, old)) => *old = value,
        None => members.push((key, value)),
    }
}

impl<'a> Value<'a> {
    /// A JSON string (borrowing `text`).
    pub fn str(text: &'a str) -> Value<'a> {
        Value::String(Cow::Borrowed(text))
    }

    /// A JSON string, or `null`.
    pub fn opt_str(text: Option<&'a str>) -> Value<'a> {
        text.map_or(Value::Null, Value::str)
    }

    /// An array of strings.
    pub fn strs(items: &'a [String]) -> Value<'a> {
        Value::Array(items.iter().map(|s| Value::str(s)).collect())
    }

    /// The same value with nothing borrowed (for a value kept past its text).
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Number(text) => Value::Number(Cow::Owned(text.into_owned())),
            Value::String(text) => Value::String(Cow::Owned(text.into_owned())),
            Value::Array(items) => Value::Array(items.into_iter().map(Value::into_owned).collect()),
            Value::Object(map) => Value::Object(map.into_owned()),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// This value as compact JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(self, &mut out);
        out
    }

    /// What kind of JSON value this is, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

// ---------------------------------------------------------------- writing

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(text) => out.push_str(text),
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.0.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

/// `text` as a JSON string: quotes, backslashes and control characters escaped.
fn write_string(text: &str, out: &mut String) {
    out.push('"');
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // `start` and `i` are at ASCII bytes, so on character boundaries.
        out.push_str(text.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(hex_digit(byte >> 4));
            out.push(hex_digit(byte & 0xf));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(text.get(start..).unwrap_or_default());
    out.push('"');
}

fn hex_digit(n: u8) -> char {
    char::from_digit(u32::from(n), 16).unwrap_or('0')
}

// ---------------------------------------------------------------- reading

/// Why a text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    what: &'static str,
    line: usize,
    column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.what, self.line, self.column
        )
    }
}

/// Reads one JSON value, with only whitespace around it.
pub fn parse(bytes: &[u8]) -> Result<Value<'_>, ParseError> {
    let mut reader = Reader {
        bytes,
        at: 0,
        items: Vec::new(),
        members: Vec::new(),
    };
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.at < bytes.len() {
        return Err(reader.error("trailing characters"));
    }
    Ok(value)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The items of the arrays being read, innermost last: each array takes its
    /// own off the end when it closes, in one allocation of the exact size
    /// instead of a vector grown item by item.
    items: Vec<Value<'a>>,
    /// The same for the members of objects.
    members: Vec<(Text<'a>, Value<'a>)>,
}

impl<'a> Reader<'a> {
    /// An error at the current position (1-based line and column).
    #[inline(never)]
    fn error(&self, what: &'static str) -> ParseError {
        let upto = self.bytes.get(..self.at).unwrap_or(self.bytes);
        let line = 1 + upto.iter().filter(|b| **b == b'\n').count();
        let column = 1 + upto.iter().rev().take_while(|b| **b != b'\n').count();
        ParseError { what, line, column }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline(always)]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'"') => self.string().map(Value::String),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected value")),
        }
    }

    fn literal(&mut self, word: &[u8], value: Value<'a>) -> Result<Value<'a>, ParseError> {
        for expected in word {
            match self.peek() {
                Some(byte) if byte == *expected => self.at += 1,
                Some(_) => return Err(self.error("expected ident")),
                None => return Err(self.error("EOF while parsing a value")),
            }
        }
        Ok(value)
    }

    #[inline(always)]
    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Value<'a>, ParseError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(_) => return Err(self.error("invalid number")),
            None => return Err(self.error("EOF while parsing a value")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error(self.eof_or("invalid number")));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error(self.eof_or("invalid number")));
            }
        }
        // Only ASCII digits, signs, `.` and `e` were consumed.
        let digits = self.bytes.get(start..self.at).unwrap_or_default();
        match core::str::from_utf8(digits) {
            Ok(text) => Ok(Value::Number(Cow::Borrowed(text))),
            Err(_) => Err(self.error("invalid number")),
        }
    }

    fn eof_or(&self, what: &'static str) -> &'static str {
        if self.at >= self.bytes.len() {
            "EOF while parsing a value"
        } else {
            what
        }
    }

    #[inline(always)]
    fn enter(&self, depth: usize) -> Result<usize, ParseError> {
        if depth + 1 >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        Ok(depth + 1)
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        let depth = self.enter(depth)?;
        self.at += 1; // `[`
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(Vec::new()));
        }
        let base = self.items.len();
        loop {
            self.skip_whitespace();
            let item = self.value(depth)?;
            self.items.push(item);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(self.items.split_off(base)));
                }
                Some(_) => return Err(self.error("expected `,` or `]`")),
                None => return Err(self.error("EOF while parsing a list")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        let depth = self.enter(depth)?;
        self.at += 1; // `{`
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(Map::new()));
        }
        let base = self.members.len();
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'"') => {}
                Some(_) => return Err(self.error("key must be a string")),
                None => return Err(self.error("EOF while parsing an object")),
            }
            let key = self.string()?;
            self.skip_whitespace();
            match self.peek() {
                Some(b':') => self.at += 1,
                Some(_) => return Err(self.error("expected `:`")),
                None => return Err(self.error("EOF while parsing an object")),
            }
            self.skip_whitespace();
            let value = self.value(depth)?;
            set_member(&mut self.members, base, key, value);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value::Object(Map(self.members.split_off(base))));
                }
                Some(_) => return Err(self.error("expected `,` or `}`")),
                None => return Err(self.error("EOF while parsing an object")),
            }
        }
    }

    /// A string, the reader on its opening quote.
    fn string(&mut self) -> Result<Text<'a>, ParseError> {
        // Most strings have no escapes: one scan, one check, one copy.
        self.at += 1; // `"`
        let (run, ascii) = self.plain_run();
        if self.peek() == Some(b'"') {
            self.at += 1;
            if ascii {
                // SAFETY: every byte of `run` is below 0x80, and ASCII is UTF-8.
                #[allow(unsafe_code)]
                let text = unsafe { core::str::from_utf8_unchecked(run) };
                return Ok(Cow::Borrowed(text));
            }
            return match core::str::from_utf8(run) {
                Ok(text) => Ok(Cow::Borrowed(text)),
                Err(_) => Err(self.error("invalid unicode code point")),
            };
        }
        let mut out: Vec<u8> = run.to_vec();
        loop {
            match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.at += 1;
                    return String::from_utf8(out)
                        .map(Cow::Owned)
                        .map_err(|_| self.error("invalid unicode code point"));
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
            }
            out.extend_from_slice(self.plain_run().0);
        }
    }

    /// The bytes up to the next quote, backslash or control character (or the end),
    /// the reader moved past them, and whether they are all ASCII.
    #[inline(always)]
    fn plain_run(&mut self) -> (&'a [u8], bool) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let bytes = self.bytes;
        let start = self.at;
        let mut end = start;
        let mut seen = 0u64;
        // Eight bytes at a time while none of them ends the run: `(x - 1) & !x`
        // has a byte's high bit set when that byte of `x` is zero (after xor with
        // the quote or the backslash), and `(x - 0x20) & !x` when it is below 0x20.
        while let Some(word) = bytes.get(end..end.saturating_add(8)) {
            let Ok(eight) = <[u8; 8]>::try_from(word) else {
                break;
            };
            let word = u64::from_le_bytes(eight);
            let quote = word ^ (ONES * u64::from(b'"'));
            let backslash = word ^ (ONES * u64::from(b'\\'));
            let stop = (quote.wrapping_sub(ONES) & !quote)
                | (backslash.wrapping_sub(ONES) & !backslash)
                | (word.wrapping_sub(ONES * 0x20) & !word);
            if stop & HIGH != 0 {
                break;
            }
            seen |= word;
            end += 8;
        }
        // The rest one byte at a time (a plain loop: the size-optimised build
        // does not inline `position`'s closure).
        while let Some(&byte) = bytes.get(end) {
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                break;
            }
            seen |= u64::from(byte);
            end += 1;
        }
        self.at = end;
        (bytes.get(start..end).unwrap_or_default(), seen & HIGH == 0)
    }

    /// One escape, the reader after its backslash.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), ParseError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.at += 1;
        let simple = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let c = self.unicode_escape()?;
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                return Ok(());
            }
            _ => {
                self.at -= 1; // point at the letter
                return Err(self.error("invalid escape"));
            }
        };
        out.push(simple);
        Ok(())
    }

    /// The character of a `\uXXXX` escape (a surrogate pair takes two), the reader
    /// after the `u`.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                    return Err(self.error(self.eof_or("lone leading surrogate in hex escape")));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone trailing surrogate in hex escape")),
            code => code,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(byte @ b'0'..=b'9') => byte - b'0',
                Some(byte @ b'a'..=b'f') => byte - b'a' + 10,
                Some(byte @ b'A'..=b'F') => byte - b'A' + 10,
                Some(_) => return Err(self.error("invalid escape")),
            };
            self.at += 1;
            code = code * 16 + u32::from(digit);
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn reads_every_kind_of_value() {
        let value =
            parse(br#" {"a": [1, -2.5e+3, true, false, null], "b": {"c": "d"}, "a": 0} "#).unwrap();
        let Value::Object(map) = &value else {
            panic!("not an object")
        };
        // The last of duplicate keys wins, in the first one's place.
        assert_eq!(map.get("a"), Some(&Value::Number("0".into())));
        assert_eq!(map.len(), 2);
        assert_eq!(value.to_json(), r#"{"a":0,"b":{"c":"d"}}"#);
        assert_eq!(
            parse(b"[1,-2.5e+3,1E400,-0,0.5]").unwrap().to_json(),
            "[1,-2.5e+3,1E400,-0,0.5]"
        );
    }

    #[test]
    fn strings_escapes_and_surrogates() {
        let value = parse(br#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\u0000""#).unwrap();
        assert_eq!(
            value,
            Value::String("a\"b\\c/d\u{8}\u{c}\n\r\té😀\0".into())
        );
        assert_eq!(value.to_json(), r#""a\"b\\c/d\b\f\n\r\té😀\u0000""#);
        assert_eq!(
            err(r#""\ud83d""#),
            "lone leading surrogate in hex escape at line 1 column 8"
        );
        assert_eq!(
            err(r#""\ud83dx""#),
            "lone leading surrogate in hex escape at line 1 column 8"
        );
        assert_eq!(
            err(r#""\ude00""#),
            "lone trailing surrogate in hex escape at line 1 column 8"
        );
        assert_eq!(err(r#""\x""#), "invalid escape at line 1 column 3");
        assert_eq!(
            err("\"a\nb\""),
            "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 3"
        );
        assert!(parse(b"\"\xff\"").is_err());
        assert_eq!(
            err("\"abc"),
            "EOF while parsing a string at line 1 column 5"
        );
    }

    #[test]
    fn eight_byte_scan_stops_at_every_position() {
        // Each byte that ends a plain run, and non-ASCII text, at every offset of
        // the word-at-a-time scan: the same answer as serde_json's.
        for inner in [
            "\\\"",
            "\\\\",
            "\\n",
            "\\u00e9",
            "\n",
            "\u{1f}",
            "\u{0}",
            "\u{7f}",
            "\u{20}",
            "é",
            "\u{1f600}",
            "\u{80}",
        ] {
            for before in 0..20 {
                for after in [0, 1, 7, 8, 9, 16] {
                    let text = format!("\"{}{inner}{}\"", "a".repeat(before), "b".repeat(after));
                    let ours = parse(text.as_bytes()).ok();
                    let theirs = serde_json::from_str::<serde_json::Value>(&text).ok();
                    assert_eq!(
                        ours.as_ref().and_then(Value::as_str),
                        theirs.as_ref().and_then(serde_json::Value::as_str),
                        "{text:?}"
                    );
                    assert_eq!(ours.is_some(), theirs.is_some(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn eight_byte_scan_refuses_invalid_utf8_at_every_position() {
        for bad in [&b"\xff"[..], b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"] {
            for before in 0..20 {
                let mut text = b"\"".to_vec();
                text.extend(core::iter::repeat_n(b'a', before));
                text.extend_from_slice(bad);
                text.extend_from_slice(b"bbbbbbbbb\"");
                assert!(parse(&text).is_err(), "{text:?}");
                assert!(serde_json::from_slice::<serde_json::Value>(&text).is_err());
            }
        }
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            "",
            " ",
            "nul",
            "truex",
            "01",
            "1.",
            ".5",
            "1e",
            "-",
            "+1",
            "[1,]",
            "{\"a\"}",
            "{\"a\":1,}",
            "{a:1}",
            "[1 2]",
            "{} {}",
            "NaN",
            "'a'",
            "[",
            "{\"a\":",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad:?}");
            assert!(
                serde_json::from_str::<serde_json::Value>(bad).is_err(),
                "{bad:?}"
            );
        }
        assert_eq!(err("[1,\n  x]"), "expected value at line 2 column 3");
        assert_eq!(err("{} x"), "trailing characters at line 1 column 4");
    }

    #[test]
    fn nesting_limit_matches_serde_json() {
        for depth in [126, 127, 128, 129] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(
                parse(text.as_bytes()).is_ok(),
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "depth {depth}"
            );
        }
        assert!(parse("[".repeat(1_000_000).as_bytes()).is_err());
    }
}
