//! Text helpers for model-facing output.

/// At most `max_chars` chars of `text` (cut on a char boundary); the bool says whether it
/// was cut.
///
/// ```
/// assert_eq!(example_support::truncate("héllo", 2), ("hé".to_owned(), true));
/// assert_eq!(example_support::truncate("hi", 2), ("hi".to_owned(), false));
/// ```
pub fn truncate(text: &str, max_chars: usize) -> (String, bool) {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => (text[..cut].to_owned(), true),
        None => (text.to_owned(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(truncate("", 0), (String::new(), false));
        assert_eq!(truncate("abc", 3), ("abc".to_owned(), false));
        assert_eq!(truncate("abc", 10), ("abc".to_owned(), false));
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        assert_eq!(truncate("abc", 0), (String::new(), true));
        assert_eq!(truncate("abcd", 3), ("abc".to_owned(), true));
        // Multi-byte chars count as one each.
        assert_eq!(truncate("ñandú🦀x", 6), ("ñandú🦀".to_owned(), true));
        assert_eq!(truncate("🦀🦀🦀", 2), ("🦀🦀".to_owned(), true));
    }
}
