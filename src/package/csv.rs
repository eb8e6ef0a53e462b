//! CSV as spreadsheets read it (RFC 4180): UTF-8 with a byte-order mark, so
//! Excel shows Japanese text correctly instead of guessing Shift_JIS; lines
//! end with CRLF; a value holding a comma, a double quote, a CR or an LF is
//! put in double quotes, with its double quotes doubled. Values are written
//! exactly as the system returned them.

/// The UTF-8 byte-order mark every file starts with.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One value, quoted when it needs to be.
fn push_field(out: &mut String, v: &str) {
    if v.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

fn push_row(out: &mut String, row: &[&str]) {
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, v);
    }
    out.push_str("\r\n");
}

/// A whole file: the BOM, the header row, then one row per record.
pub fn write(header: &[&str], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut text = String::new();
    push_row(&mut text, header);
    for r in rows {
        push_row(&mut text, r);
    }
    let mut out = BOM.to_vec();
    out.extend_from_slice(text.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_only_when_needed() {
        let bytes = write(
            &["id", "note"],
            &[vec!["1", "plain"], vec!["2", "a,b \"c\"\nd"], vec!["3", ""]],
        );
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(
            text,
            "id,note\r\n1,plain\r\n2,\"a,b \"\"c\"\"\nd\"\r\n3,\r\n"
        );
    }
}
