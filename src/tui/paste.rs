//! Pasted text into a field: at once, however long the field, and never
//! more than a field can use.

use tui_input::Input;

/// The most characters a paste puts in a field: a long path fits, a stray
/// megabyte on the clipboard does not.
pub const MAX_PASTE: usize = 4096;

/// Puts `text` at the field's cursor in one step (typing it a character at
/// a time would cost the field's length for each one).
pub fn insert_text(input: &mut Input, text: &str) {
    let value = input.value();
    let cursor = input.cursor();
    let at = value
        .char_indices()
        .nth(cursor)
        .map_or(value.len(), |(i, _)| i);
    let joined = format!("{}{text}{}", &value[..at], &value[at..]);
    *input = Input::new(joined).with_cursor(cursor + text.chars().count());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_goes_in_at_the_cursor() {
        let mut input = Input::new("J7".into()).with_cursor(1);
        insert_text(&mut input, "é2");
        assert_eq!(input.value(), "Jé27");
        assert_eq!(input.cursor(), 3);
        let mut empty = Input::default();
        insert_text(&mut empty, "M123456");
        assert_eq!((empty.value(), empty.cursor()), ("M123456", 7));
    }
}
