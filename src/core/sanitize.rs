//! Text that comes from a shop is untrusted: before it reaches a terminal it
//! loses escape sequences and control characters.

/// Strips terminal escape sequences (CSI, OSC, …) and every other control
/// character; tabs and newlines become spaces.
pub fn clean(text: &str) -> String {
    if !text.chars().any(|c| c.is_control()) {
        return text.to_string();
    }
    let stripped = strip_ansi_escapes::strip_str(text);
    stripped
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(clean("plain"), "plain");
        assert_eq!(clean("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(clean("title\x1b]0;owned\x07 ok"), "title ok");
        assert_eq!(clean("a\u{0}b\u{7}c\u{9b}d"), "abcd");
        assert_eq!(clean("line1\nline2"), "line1 line2");
    }
}
