//! Forms: fields the operator moves through with tab/shift-tab or ↑/↓,
//! choices cycled with ←/→ or space, text typed into one-line inputs or a
//! multi-line [`TextArea`]; ctrl-s (or Enter on the button) submits, Esc
//! cancels. A form knows nothing of cases: the screens build their forms
//! (see `case_forms.rs`), react to [`FormEvent`]s and read the values.
//!
//! Every value is a string (a choice's value, the text, `yes` for a ticked
//! box, a comma-separated list for a multi-select), so a form's state is a
//! plain map that drafts keep as JSON.

use super::input::TextInput;
use super::keymap::is_printable_input;
use super::textarea::TextArea;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// One option of a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// What the form's value is when chosen (`rights_request`).
    pub value: String,
    /// What the operator sees (`Rights request`).
    pub label: String,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// The kind of input a field takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Widget {
    /// One of a list, cycled with ←/→ or space.
    Choice {
        options: Vec<Choice>,
        selected: usize,
    },
    /// One line of text.
    Text(TextInput),
    /// Several lines of text (Enter breaks the line).
    Area(TextArea),
    /// Yes or no, switched with space or ←/→.
    Toggle(bool),
    /// Any number of a list: ↑/↓ move, space ticks.
    Multi {
        options: Vec<Choice>,
        chosen: Vec<bool>,
        cursor: usize,
    },
    /// Submits the form on Enter.
    Button,
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Stable name, used for values, drafts and errors (`email`).
    pub id: &'static str,
    pub label: String,
    pub widget: Widget,
    /// Hidden fields are skipped and not drawn (their value is kept).
    pub hidden: bool,
    /// Shown in an empty text field.
    pub placeholder: String,
    /// A value filled in from records the operator has not revealed: drawn
    /// masked as this canonical field (`email`, `phone`) until edited; the
    /// first edit replaces it.
    pub masked_as: Option<&'static str>,
}

impl Field {
    fn new(id: &'static str, label: &str, widget: Widget) -> Field {
        Field {
            id,
            label: label.to_string(),
            widget,
            hidden: false,
            placeholder: String::new(),
            masked_as: None,
        }
    }

    pub fn choice(id: &'static str, label: &str, options: Vec<Choice>) -> Field {
        Field::new(
            id,
            label,
            Widget::Choice {
                options,
                selected: 0,
            },
        )
    }

    pub fn text(id: &'static str, label: &str) -> Field {
        Field::new(id, label, Widget::Text(TextInput::default()))
    }

    pub fn area(id: &'static str, label: &str) -> Field {
        Field::new(id, label, Widget::Area(TextArea::default()))
    }

    pub fn toggle(id: &'static str, label: &str) -> Field {
        Field::new(id, label, Widget::Toggle(false))
    }

    pub fn multi(id: &'static str, label: &str, options: Vec<Choice>) -> Field {
        let chosen = vec![false; options.len()];
        Field::new(
            id,
            label,
            Widget::Multi {
                options,
                chosen,
                cursor: 0,
            },
        )
    }

    pub fn button(id: &'static str, label: &str) -> Field {
        Field::new(id, label, Widget::Button)
    }

    pub fn placeholder(mut self, text: &str) -> Field {
        self.placeholder = text.to_string();
        self
    }

    /// The field's value as a string (see the module docs).
    pub fn value(&self) -> String {
        match &self.widget {
            Widget::Choice { options, selected } => options
                .get(*selected)
                .map(|o| o.value.clone())
                .unwrap_or_default(),
            Widget::Text(t) => t.text().to_string(),
            Widget::Area(t) => t.text(),
            Widget::Toggle(on) => if *on { "yes" } else { "" }.to_string(),
            Widget::Multi {
                options, chosen, ..
            } => options
                .iter()
                .zip(chosen)
                .filter(|(_, c)| **c)
                .map(|(o, _)| o.value.as_str())
                .collect::<Vec<_>>()
                .join(","),
            Widget::Button => String::new(),
        }
    }

    /// Set the value from its string form; unknown choice values are ignored.
    pub fn set_value(&mut self, v: &str) {
        match &mut self.widget {
            Widget::Choice { options, selected } => {
                if let Some(i) = options.iter().position(|o| o.value == v) {
                    *selected = i;
                }
            }
            Widget::Text(t) => *t = TextInput::new(&single_line(v)),
            Widget::Area(t) => *t = TextArea::new(v),
            Widget::Toggle(on) => *on = v == "yes",
            Widget::Multi {
                options, chosen, ..
            } => {
                let wanted: Vec<&str> = v.split(',').map(str::trim).collect();
                for (o, c) in options.iter().zip(chosen.iter_mut()) {
                    *c = wanted.contains(&o.value.as_str());
                }
            }
            Widget::Button => {}
        }
    }

    fn is_text(&self) -> bool {
        matches!(self.widget, Widget::Text(_) | Widget::Area(_))
    }
}

/// A one-line value: line breaks and tabs become spaces, other control
/// characters are dropped.
fn single_line(v: &str) -> String {
    let mut t = TextInput::default();
    t.insert_str(v);
    t.text().to_string()
}

/// What a key did to a form; the screen decides what follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    /// Not a form key: the screen may treat it as a command (ctrl-p, f1...).
    Ignored,
    /// The focus or a cursor moved; nothing changed.
    Moved,
    /// Text was typed or deleted in this field.
    Edited(&'static str),
    /// A choice, box or selection changed in this field (other fields may
    /// depend on it).
    Changed(&'static str),
    Submit,
    Cancel,
}

/// A form: its fields, the focused one, and an error about one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<Field>,
    /// Index of the focused field (always a visible one).
    pub focus: usize,
    /// A problem with one field: (field id, message). Drawn next to it.
    pub error: Option<(String, String)>,
    /// Submitted and waiting for the desk: keys are ignored meanwhile.
    pub pending: bool,
}

impl Form {
    pub fn new(fields: Vec<Field>) -> Form {
        let mut f = Form {
            fields,
            focus: 0,
            error: None,
            pending: false,
        };
        f.fix_focus();
        f
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn field_mut(&mut self, id: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
    }

    /// The value of field `id` (empty when there is no such field).
    pub fn value(&self, id: &str) -> String {
        self.field(id).map(Field::value).unwrap_or_default()
    }

    /// The trimmed value, `None` when empty.
    pub fn opt(&self, id: &str) -> Option<String> {
        let v = self.value(id);
        let t = v.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    pub fn is_on(&self, id: &str) -> bool {
        self.value(id) == "yes"
    }

    pub fn set(&mut self, id: &str, v: &str) {
        if let Some(f) = self.field_mut(id) {
            f.set_value(v);
            f.masked_as = None;
        }
    }

    /// Replace a choice's options, keeping the chosen value when it is
    /// still offered (else the first option).
    pub fn set_options(&mut self, id: &str, new: Vec<Choice>) {
        if let Some(Field {
            widget: Widget::Choice { options, selected },
            ..
        }) = self.field_mut(id)
        {
            let current = options.get(*selected).map(|o| o.value.clone());
            *selected = current
                .and_then(|c| new.iter().position(|o| o.value == c))
                .unwrap_or(0);
            *options = new;
        }
    }

    pub fn show(&mut self, id: &str, visible: bool) {
        if let Some(f) = self.field_mut(id) {
            f.hidden = !visible;
        }
        self.fix_focus();
    }

    /// The id of the focused field.
    pub fn focused(&self) -> &'static str {
        self.fields.get(self.focus).map(|f| f.id).unwrap_or("")
    }

    pub fn focus_on(&mut self, id: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.id == id && !f.hidden) {
            self.focus = i;
        }
    }

    /// Every value by field id (hidden fields included), for drafts.
    pub fn values(&self) -> BTreeMap<String, String> {
        self.fields
            .iter()
            .filter(|f| !matches!(f.widget, Widget::Button))
            .map(|f| (f.id.to_string(), f.value()))
            .collect()
    }

    /// The ids of fields still showing a masked value from the records.
    pub fn masked(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.masked_as.is_some())
            .map(|f| f.id.to_string())
            .collect()
    }

    /// Put back values saved by [`Form::values`] (unknown ids are ignored).
    pub fn restore(&mut self, values: &BTreeMap<String, String>) {
        for f in &mut self.fields {
            if let Some(v) = values.get(f.id) {
                f.set_value(v);
                f.masked_as = None;
            }
        }
    }

    fn fix_focus(&mut self) {
        if self.fields.get(self.focus).is_some_and(|f| !f.hidden) {
            return;
        }
        let after = (self.focus..self.fields.len()).find(|&i| !self.fields[i].hidden);
        let before = (0..self.focus.min(self.fields.len()))
            .rev()
            .find(|&i| !self.fields[i].hidden);
        self.focus = after.or(before).unwrap_or(0);
    }

    /// Focus the next visible field (stays on the last).
    pub fn next(&mut self) {
        if let Some(i) = (self.focus + 1..self.fields.len()).find(|&i| !self.fields[i].hidden) {
            self.focus = i;
        }
    }

    /// Focus the previous visible field (stays on the first).
    pub fn prev(&mut self) {
        if let Some(i) = (0..self.focus).rev().find(|&i| !self.fields[i].hidden) {
            self.focus = i;
        }
    }

    /// Insert pasted text into the focused text field (line breaks kept in
    /// a multi-line field).
    pub fn paste(&mut self, text: &str) -> FormEvent {
        if self.pending {
            return FormEvent::Ignored;
        }
        let Some(f) = self.fields.get_mut(self.focus) else {
            return FormEvent::Ignored;
        };
        if !f.is_text() {
            return FormEvent::Ignored;
        }
        unmask(f);
        match &mut f.widget {
            Widget::Text(t) => t.insert_str(text),
            Widget::Area(t) => t.insert_str(text),
            _ => {}
        }
        FormEvent::Edited(f.id)
    }

    /// Handle one key (see the module docs).
    pub fn key(&mut self, k: &KeyEvent) -> FormEvent {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Esc => return FormEvent::Cancel,
            KeyCode::Char('s') if ctrl => return FormEvent::Submit,
            _ => {}
        }
        if self.pending {
            return FormEvent::Moved;
        }
        match k.code {
            KeyCode::Tab => {
                self.next();
                return FormEvent::Moved;
            }
            KeyCode::BackTab => {
                self.prev();
                return FormEvent::Moved;
            }
            _ => {}
        }
        let focus = self.focus;
        let Some(field) = self.fields.get_mut(focus) else {
            return FormEvent::Ignored;
        };
        let id = field.id;
        let printable = is_printable_input(k);
        match &mut field.widget {
            Widget::Button => match k.code {
                KeyCode::Enter => FormEvent::Submit,
                KeyCode::Up => self.moved(-1),
                KeyCode::Down => self.moved(1),
                _ => FormEvent::Ignored,
            },
            Widget::Choice { options, selected } => {
                let n = options.len().max(1);
                match k.code {
                    KeyCode::Right | KeyCode::Char(' ') => {
                        *selected = (*selected + 1) % n;
                        FormEvent::Changed(id)
                    }
                    KeyCode::Left => {
                        *selected = (*selected + n - 1) % n;
                        FormEvent::Changed(id)
                    }
                    KeyCode::Char(c) if printable => {
                        // Jump to the next option starting with the letter.
                        let c = c.to_lowercase().next().unwrap_or(c);
                        let hit = (1..=n).map(|d| (*selected + d) % n).find(|&i| {
                            options[i]
                                .label
                                .chars()
                                .next()
                                .is_some_and(|f| f.to_lowercase().next() == Some(c))
                        });
                        match hit {
                            Some(i) if i != *selected => {
                                *selected = i;
                                FormEvent::Changed(id)
                            }
                            _ => FormEvent::Moved,
                        }
                    }
                    KeyCode::Enter | KeyCode::Down => self.moved(1),
                    KeyCode::Up => self.moved(-1),
                    _ => FormEvent::Ignored,
                }
            }
            Widget::Toggle(on) => match k.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => {
                    *on = !*on;
                    FormEvent::Changed(id)
                }
                KeyCode::Char('y') => {
                    *on = true;
                    FormEvent::Changed(id)
                }
                KeyCode::Char('n') => {
                    *on = false;
                    FormEvent::Changed(id)
                }
                KeyCode::Enter | KeyCode::Down => self.moved(1),
                KeyCode::Up => self.moved(-1),
                KeyCode::Char(_) if printable => FormEvent::Moved,
                _ => FormEvent::Ignored,
            },
            Widget::Multi { chosen, cursor, .. } => match k.code {
                KeyCode::Char(' ') | KeyCode::Enter => {
                    if let Some(c) = chosen.get_mut(*cursor) {
                        *c = !*c;
                    }
                    FormEvent::Changed(id)
                }
                KeyCode::Down if *cursor + 1 < chosen.len() => {
                    *cursor += 1;
                    FormEvent::Moved
                }
                KeyCode::Up if *cursor > 0 => {
                    *cursor -= 1;
                    FormEvent::Moved
                }
                KeyCode::Down => self.moved(1),
                KeyCode::Up => self.moved(-1),
                KeyCode::Char(_) if printable => FormEvent::Moved,
                _ => FormEvent::Ignored,
            },
            Widget::Text(_) => self.text_key(k),
            Widget::Area(_) => self.area_key(k),
        }
    }

    fn moved(&mut self, delta: i32) -> FormEvent {
        if delta > 0 {
            self.next();
        } else {
            self.prev();
        }
        FormEvent::Moved
    }

    fn text_key(&mut self, k: &KeyEvent) -> FormEvent {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let f = &mut self.fields[self.focus];
        let id = f.id;
        let edits = matches!(k.code, KeyCode::Backspace | KeyCode::Delete)
            || is_printable_input(k)
            || (ctrl && matches!(k.code, KeyCode::Char('u') | KeyCode::Char('w')));
        if edits {
            unmask(f);
        }
        let Widget::Text(t) = &mut f.widget else {
            return FormEvent::Ignored;
        };
        match k.code {
            KeyCode::Char('a') if ctrl => t.home(),
            KeyCode::Char('e') if ctrl => t.end(),
            KeyCode::Char('u') if ctrl => t.clear_to_start(),
            KeyCode::Char('w') if ctrl => t.delete_word(),
            KeyCode::Char(c) if is_printable_input(k) => t.insert(c),
            KeyCode::Backspace => t.backspace(),
            KeyCode::Delete => t.delete(),
            KeyCode::Left => t.left(),
            KeyCode::Right => t.right(),
            KeyCode::Home => t.home(),
            KeyCode::End => t.end(),
            KeyCode::Enter | KeyCode::Down => return self.moved(1),
            KeyCode::Up => return self.moved(-1),
            _ => return FormEvent::Ignored,
        }
        if edits {
            FormEvent::Edited(id)
        } else {
            FormEvent::Moved
        }
    }

    fn area_key(&mut self, k: &KeyEvent) -> FormEvent {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let f = &mut self.fields[self.focus];
        let id = f.id;
        let Widget::Area(t) = &mut f.widget else {
            return FormEvent::Ignored;
        };
        let edited = match k.code {
            KeyCode::Char('a') if ctrl => {
                t.home();
                false
            }
            KeyCode::Char('e') if ctrl => {
                t.end();
                false
            }
            KeyCode::Char('u') if ctrl => {
                t.clear_to_start();
                true
            }
            KeyCode::Char('w') if ctrl => {
                t.delete_word();
                true
            }
            KeyCode::Char(c) if is_printable_input(k) => {
                t.insert(c);
                true
            }
            KeyCode::Enter => {
                t.newline();
                true
            }
            KeyCode::Backspace => {
                t.backspace();
                true
            }
            KeyCode::Delete => {
                t.delete();
                true
            }
            KeyCode::Left => {
                t.left();
                false
            }
            KeyCode::Right => {
                t.right();
                false
            }
            KeyCode::Home => {
                t.home();
                false
            }
            KeyCode::End => {
                t.end();
                false
            }
            KeyCode::Up => {
                if !t.up() {
                    return self.moved(-1);
                }
                false
            }
            KeyCode::PageUp => {
                t.page_up();
                false
            }
            KeyCode::PageDown => {
                t.page_down();
                false
            }
            KeyCode::Down => {
                if !t.down() {
                    return self.moved(1);
                }
                false
            }
            _ => return FormEvent::Ignored,
        };
        if edited {
            FormEvent::Edited(id)
        } else {
            FormEvent::Moved
        }
    }
}

/// The first edit of a masked value replaces it.
fn unmask(f: &mut Field) {
    if f.masked_as.take().is_some() {
        match &mut f.widget {
            Widget::Text(t) => t.clear(),
            Widget::Area(t) => *t = TextArea::default(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn sample() -> Form {
        Form::new(vec![
            Field::choice(
                "colour",
                "Colour",
                vec![
                    Choice::new("red", "Red"),
                    Choice::new("green", "Green"),
                    Choice::new("blue", "Blue"),
                ],
            ),
            Field::text("name", "Name"),
            Field::toggle("more", "More"),
            Field::text("extra", "Extra"),
            Field::area("notes", "Notes"),
            Field::button("ok", "OK"),
        ])
    }

    #[test]
    fn choices_cycle_both_ways_and_by_letter() {
        let mut f = sample();
        assert_eq!(f.value("colour"), "red");
        assert_eq!(f.key(&key(KeyCode::Right)), FormEvent::Changed("colour"));
        assert_eq!(f.value("colour"), "green");
        f.key(&key(KeyCode::Char(' ')));
        f.key(&key(KeyCode::Char(' ')));
        assert_eq!(f.value("colour"), "red", "wraps around");
        f.key(&key(KeyCode::Left));
        assert_eq!(f.value("colour"), "blue");
        f.key(&key(KeyCode::Char('g')));
        assert_eq!(f.value("colour"), "green");
        f.set_options(
            "colour",
            vec![Choice::new("green", "G"), Choice::new("x", "X")],
        );
        assert_eq!(f.value("colour"), "green", "kept when still offered");
        f.set_options("colour", vec![Choice::new("x", "X")]);
        assert_eq!(f.value("colour"), "x");
    }

    #[test]
    fn moving_skips_hidden_fields_and_typing_goes_to_text() {
        let mut f = sample();
        f.show("extra", false);
        f.key(&key(KeyCode::Tab));
        assert_eq!(f.focused(), "name");
        for c in "山田".chars() {
            assert_eq!(f.key(&key(KeyCode::Char(c))), FormEvent::Edited("name"));
        }
        f.key(&key(KeyCode::Down));
        assert_eq!(f.focused(), "more");
        assert_eq!(f.key(&key(KeyCode::Char(' '))), FormEvent::Changed("more"));
        assert!(f.is_on("more"));
        f.key(&key(KeyCode::Enter));
        assert_eq!(f.focused(), "notes", "the hidden field is skipped");
        f.key(&key(KeyCode::Char('a')));
        f.key(&key(KeyCode::Enter));
        f.key(&key(KeyCode::Char('b')));
        assert_eq!(
            f.value("notes"),
            "a\nb",
            "Enter breaks the line in a text area"
        );
        f.key(&key(KeyCode::Up));
        assert_eq!(f.focused(), "notes", "↑ moves within the text first");
        f.key(&key(KeyCode::Up));
        assert_eq!(f.focused(), "more");
        f.key(&key(KeyCode::BackTab));
        f.key(&key(KeyCode::BackTab));
        f.key(&key(KeyCode::BackTab));
        assert_eq!(f.focused(), "colour", "stays on the first field");
        assert_eq!(f.value("name"), "山田");
        f.show("notes", false);
        f.focus = 4;
        f.show("notes", false);
        assert_eq!(f.focused(), "ok", "focus leaves a field that is hidden");
        assert_eq!(f.key(&key(KeyCode::Enter)), FormEvent::Submit);
    }

    #[test]
    fn ctrl_s_submits_esc_cancels_and_pending_forms_take_no_edits() {
        let mut f = sample();
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(f.key(&ctrl_s), FormEvent::Submit);
        assert_eq!(f.key(&key(KeyCode::Esc)), FormEvent::Cancel);
        f.focus_on("name");
        f.pending = true;
        f.key(&key(KeyCode::Char('x')));
        assert_eq!(f.paste("pasted"), FormEvent::Ignored);
        assert_eq!(f.value("name"), "");
        f.pending = false;
        assert_eq!(f.paste("a\nb"), FormEvent::Edited("name"));
        assert_eq!(f.value("name"), "a b", "one-line fields flatten pastes");
        assert_eq!(
            f.key(&KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)),
            FormEvent::Ignored
        );
    }

    #[test]
    fn values_round_trip_and_masked_values_are_replaced_on_edit() {
        let mut f = sample();
        f.set("colour", "blue");
        f.set("name", "Taro\nYamada");
        f.set("more", "yes");
        f.set("notes", "one\ntwo");
        let values = f.values();
        assert_eq!(values["name"], "Taro Yamada");
        assert!(!values.contains_key("ok"));
        let mut g = sample();
        g.restore(&values);
        assert_eq!(g.values(), values);

        let mut f = sample();
        f.set("name", "taro@example.jp");
        f.field_mut("name").unwrap().masked_as = Some("email");
        assert_eq!(f.masked(), vec!["name"]);
        f.focus_on("name");
        f.key(&key(KeyCode::Left));
        assert_eq!(f.value("name"), "taro@example.jp", "moving keeps it");
        f.key(&key(KeyCode::Char('h')));
        assert_eq!(f.value("name"), "h", "the first edit replaces it");
        assert!(f.masked().is_empty());
    }

    #[test]
    fn multi_select_ticks_options() {
        let mut f = Form::new(vec![
            Field::multi(
                "grounds",
                "Grounds",
                vec![
                    Choice::new("a", "A"),
                    Choice::new("b", "B"),
                    Choice::new("c", "C"),
                ],
            ),
            Field::button("ok", "OK"),
        ]);
        f.key(&key(KeyCode::Char(' ')));
        f.key(&key(KeyCode::Down));
        f.key(&key(KeyCode::Down));
        f.key(&key(KeyCode::Enter));
        assert_eq!(f.value("grounds"), "a,c");
        f.key(&key(KeyCode::Down));
        assert_eq!(f.focused(), "ok");
        let mut g = f.clone();
        g.set("grounds", "b");
        assert_eq!(g.value("grounds"), "b");
    }
}
