//! Source text: decoding from bytes, and mapping byte offsets to lines and columns.
//!
//! Files are decoded once into a UTF-8 `String`; the original encoding is remembered so
//! that a fix can write the file back in the same encoding. Line endings are kept as they
//! are (CRLF stays CRLF); columns are counted in Unicode scalar values, 1-based.

use std::fmt;

/// How the bytes of a file were encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
        }
    }

    /// Encode `text` back into this encoding, byte order mark included.
    pub fn encode(self, text: &str) -> Vec<u8> {
        match self {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
            Encoding::Utf16Le => std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .flat_map(u16::to_le_bytes)
                .collect(),
            Encoding::Utf16Be => std::iter::once(0xFEFF)
                .chain(text.encode_utf16())
                .flat_map(u16::to_be_bytes)
                .collect(),
        }
    }
}

/// Why a file's bytes are not text we can read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("binary file (a NUL byte at offset {offset})")]
    Binary { offset: usize },
    #[error("invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 { offset: usize },
    #[error("invalid UTF-16 ({encoding}): an unpaired surrogate or an odd number of bytes")]
    InvalidUtf16 { encoding: &'static str },
}

/// Decode file bytes: UTF-8 (with or without BOM) or UTF-16 with a BOM.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode_utf8(rest, 3).map(|s| (s, Encoding::Utf8Bom));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes, Encoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes, Encoding::Utf16Be);
    }
    decode_utf8(bytes, 0).map(|s| (s, Encoding::Utf8))
}

fn decode_utf8(bytes: &[u8], base: usize) -> Result<String, DecodeError> {
    if let Some(i) = memchr::memchr(0, bytes) {
        return Err(DecodeError::Binary { offset: base + i });
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(DecodeError::InvalidUtf8 {
            offset: base + e.valid_up_to(),
        }),
    }
}

fn decode_utf16(
    bytes: &[u8],
    unit: fn([u8; 2]) -> u16,
    encoding: Encoding,
) -> Result<(String, Encoding), DecodeError> {
    let invalid = DecodeError::InvalidUtf16 {
        encoding: encoding.name(),
    };
    if !bytes.len().is_multiple_of(2) {
        return Err(invalid);
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let text: String = char::decode_utf16(units)
        .collect::<Result<_, _>>()
        .map_err(|_| invalid)?;
    if let Some(i) = text.find('\0') {
        return Err(DecodeError::Binary { offset: i });
    }
    Ok((text, encoding))
}

/// A 1-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A decoded file: its display path, its text and where each line starts.
#[derive(Clone, Debug)]
pub struct SourceText {
    /// The path as shown to the user (relative to where the run started, `/`-separated).
    pub path: String,
    pub text: String,
    pub encoding: Encoding,
    line_starts: Vec<usize>,
}

impl SourceText {
    pub fn new(path: impl Into<String>, text: String, encoding: Encoding) -> Self {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        SourceText {
            path: path.into(),
            text,
            encoding,
            line_starts,
        }
    }

    /// Position of a byte offset; offsets past the end clamp to the end, offsets inside a
    /// character round down to its start.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text[start..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of a 1-based line's first character (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The text of a 1-based line without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line);
        let end = self.line_start(line + 1);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_encoding_and_remembers_it() {
        assert_eq!(
            decode(b"go 1.21\n").unwrap(),
            ("go 1.21\n".into(), Encoding::Utf8)
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFgo").unwrap(),
            ("go".into(), Encoding::Utf8Bom)
        );
        let le = Encoding::Utf16Le.encode("go 1.21\r\n");
        assert_eq!(
            decode(&le).unwrap(),
            ("go 1.21\r\n".into(), Encoding::Utf16Le)
        );
        let be = Encoding::Utf16Be.encode("é");
        assert_eq!(decode(&be).unwrap(), ("é".into(), Encoding::Utf16Be));
    }

    #[test]
    fn rejects_binary_and_invalid_text() {
        assert_eq!(decode(b"ab\0c"), Err(DecodeError::Binary { offset: 2 }));
        assert_eq!(
            decode(b"ab\xFFc"),
            Err(DecodeError::InvalidUtf8 { offset: 2 })
        );
        assert!(matches!(
            decode(&[0xFF, 0xFE, 0x00]),
            Err(DecodeError::InvalidUtf16 { .. })
        ));
        // An unpaired high surrogate.
        assert!(decode(&[0xFF, 0xFE, 0x00, 0xD8]).is_err());
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let src = SourceText::new("x", "ab\r\né x\n".into(), Encoding::Utf8);
        assert_eq!(src.position(0), Position { line: 1, column: 1 });
        assert_eq!(src.position(4), Position { line: 2, column: 1 });
        // 'x' comes after the two-byte 'é' and a space.
        assert_eq!(src.position(7), Position { line: 2, column: 3 });
        assert_eq!(src.line_text(1), "ab");
        assert_eq!(src.position(999), Position { line: 3, column: 1 });
    }
}
