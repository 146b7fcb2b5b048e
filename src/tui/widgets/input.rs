//! A one-line text field: cursor, insert, delete, word delete.

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Input {
    text: String,
    /// Cursor position in characters.
    cursor: usize,
    pub(crate) masked: bool,
    /// The text was filled in for the user and is selected: typing replaces it.
    pub(crate) selected: bool,
}

impl Input {
    pub(crate) fn new(text: &str) -> Input {
        Input { text: text.to_string(), cursor: text.chars().count(), masked: false, selected: false }
    }

    /// A suggestion: shown selected, replaced by what is typed, kept by Enter
    /// or by moving the cursor.
    pub(crate) fn suggested(text: &str) -> Input {
        Input { selected: !text.is_empty(), ..Input::new(text) }
    }

    pub(crate) fn masked() -> Input {
        Input { masked: true, ..Default::default() }
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn set(&mut self, text: &str) {
        *self = Input { masked: self.masked, ..Input::new(text) };
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map(|(i, _)| i).unwrap_or(self.text.len())
    }

    pub(crate) fn insert(&mut self, c: char) {
        if std::mem::take(&mut self.selected) {
            self.clear();
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub(crate) fn insert_str(&mut self, s: &str) {
        for c in s.chars().filter(|c| !c.is_control()) {
            self.insert(c);
        }
    }

    pub(crate) fn backspace(&mut self) {
        if std::mem::take(&mut self.selected) {
            self.clear();
            return;
        }
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub(crate) fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub(crate) fn delete_word(&mut self) {
        while self.cursor > 0 && self.text.chars().nth(self.cursor - 1) == Some(' ') {
            self.backspace();
        }
        while self.cursor > 0 && self.text.chars().nth(self.cursor - 1) != Some(' ') {
            self.backspace();
        }
    }

    pub(crate) fn left(&mut self) {
        self.selected = false;
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub(crate) fn right(&mut self) {
        self.selected = false;
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    pub(crate) fn home(&mut self) {
        self.selected = false;
        self.cursor = 0;
    }

    pub(crate) fn end(&mut self) {
        self.selected = false;
        self.cursor = self.text.chars().count();
    }

    pub(crate) fn clear(&mut self) {
        self.set("");
    }

    /// What to draw: the text, or bullets for a password.
    pub(crate) fn display(&self) -> String {
        if self.masked { "•".repeat(self.text.chars().count()) } else { self.text.clone() }
    }

    /// Applies an editing key; false when the key is not an editing key.
    pub(crate) fn handle(&mut self, key: &crossterm::event::KeyEvent) -> bool {
        use crossterm::event::{KeyCode, KeyModifiers};
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('w') | KeyCode::Char('h') if ctrl => {
                if key.code == KeyCode::Char('w') {
                    self.delete_word()
                } else {
                    self.backspace()
                }
            }
            KeyCode::Char('u') if ctrl => self.clear(),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => self.insert(c),
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            KeyCode::Home => self.home(),
            KeyCode::End => self.end(),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_with_unicode() {
        let mut i = Input::new("ÖLFLEX");
        i.left();
        i.backspace();
        assert_eq!(i.text(), "ÖLFLX");
        i.home();
        i.insert('x');
        assert_eq!(i.text(), "xÖLFLX");
        i.end();
        i.insert_str(" 3G1,5\n");
        assert_eq!(i.text(), "xÖLFLX 3G1,5");
        i.delete_word();
        assert_eq!(i.text(), "xÖLFLX ");
    }

    #[test]
    fn typing_replaces_a_suggestion_unless_the_cursor_moved() {
        let mut i = Input::suggested("1");
        i.insert('1');
        i.insert('0');
        assert_eq!(i.text(), "10");
        let mut i = Input::suggested("100");
        i.end();
        i.insert('0');
        assert_eq!(i.text(), "1000");
        let mut i = Input::suggested("reorder-so-1");
        i.backspace();
        assert_eq!(i.text(), "");
    }
}
