//! A corpus file's bytes → text, as a browser would read the page: a byte-order mark wins,
//! then UTF-8, then (HTML only) the encoding the page declares in a `<meta>`. A file that is
//! none of these is reported, not guessed at ([`Decoded::Undeclared`]).

/// The line (from 1) of the first bytes that are not UTF-8.
pub(crate) fn first_bad_line(bytes: &[u8], valid_up_to: usize) -> usize {
    bytes[..valid_up_to].iter().filter(|&&b| b == b'\n').count() + 1
}

/// How a file's bytes became text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// UTF-8 (a UTF-8 BOM dropped).
    Utf8(String),
    /// Decoded from the encoding a BOM or the page declares (`encoding` is its name);
    /// `replaced` counts malformed sequences turned into U+FFFD.
    Declared {
        text: String,
        encoding: &'static str,
        replaced: bool,
    },
    /// Not UTF-8, and no encoding declared: `line` is the first line with invalid bytes.
    Undeclared { line: usize },
}

/// The encoding an HTML page declares in its first 1024 bytes, as a browser's prescan finds
/// it: `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`.
pub(crate) fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"<meta").map(|i| from + i) {
        let end = lower[at..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |i| at + i);
        let tag = &lower[at + 5..end];
        from = end;
        let Some(c) = find(tag, b"charset") else {
            continue;
        };
        // `charset=` directly (attribute) or inside `content` (after `charset=`).
        let rest = &tag[c + 7..];
        let rest = rest.trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let label_len = rest
            .iter()
            .position(|&b| {
                b == b'"' || b == b'\'' || b == b';' || b == b'/' || b.is_ascii_whitespace()
            })
            .unwrap_or(rest.len());
        if let Some(encoding) = encoding_rs::Encoding::for_label(&rest[..label_len]) {
            // A page cannot declare UTF-16 in a meta (it would not be readable as ASCII).
            if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                return Some(encoding_rs::UTF_8);
            }
            return Some(encoding);
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Turns a file's bytes into text: a BOM wins; then UTF-8; then, for HTML pages, the encoding
/// the page declares ([`declared_encoding`]; a page declaring UTF-8 whose bytes are not quite
/// UTF-8 is decoded with U+FFFD for the bad bytes, as a browser shows it); anything else is
/// [`Decoded::Undeclared`].
pub(crate) fn decode(bytes: Vec<u8>, is_html: bool) -> Decoded {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            if let Ok(text) = std::str::from_utf8(&bytes[bom..]) {
                return Decoded::Utf8(text.to_string());
            }
        }
        let (text, replaced) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Decoded::Declared {
            text: text.into_owned(),
            encoding: encoding.name(),
            replaced,
        };
    }
    let valid_up_to = match std::str::from_utf8(&bytes) {
        Ok(_) => return Decoded::Utf8(String::from_utf8(bytes).unwrap_or_default()),
        Err(e) => e.valid_up_to(),
    };
    match declared_encoding(&bytes).filter(|_| is_html) {
        // A page that declares UTF-8 but has a few bad bytes reads as a browser shows it.
        Some(encoding) => {
            let (text, replaced) = encoding.decode_without_bom_handling(&bytes);
            Decoded::Declared {
                text: text.into_owned(),
                encoding: encoding.name(),
                replaced,
            }
        }
        None => Decoded::Undeclared {
            line: first_bad_line(&bytes, valid_up_to),
        },
    }
}
