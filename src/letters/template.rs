//! A small template language for letters, checked before anything is
//! rendered:
//!
//! - `{{name}}` is replaced by the value of `name`;
//! - `{{#if name}} ... {{else}} ... {{/if}}` keeps the first part when `name`
//!   has a non-empty value, else the second (`{{else}}` is optional; blocks
//!   nest);
//! - a line holding nothing but one `{{#if ...}}`, `{{else}}` or `{{/if}}`
//!   disappears entirely, so block tags on their own lines leave no blank
//!   lines behind.
//!
//! Names are lower-case letters, digits and `_`. A name the letters do not
//! know, a malformed tag or an unbalanced block is an error naming the
//! template file and line; so is a placeholder printed without a value (guard
//! optional values with `{{#if}}`). Nothing is left unreplaced.

use std::collections::HashMap;
use std::fmt;

/// An error in a template or in rendering it, located in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template file as shown to the operator (a path, or
    /// `built-in data/templates/NAME`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for TemplateError {}

/// The values a template is rendered with. A name may be known without a
/// value (the case has no such thing); `missing` says why, for the error.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    values: HashMap<&'static str, Result<String, String>>,
}

impl Vars {
    /// Set `name` to `value` (an empty value counts as false in `{{#if}}`).
    pub fn set(&mut self, name: &'static str, value: impl Into<String>) {
        self.values.insert(name, Ok(value.into()));
    }

    /// Set `name` when `value` is `Some` and not blank; else record why it
    /// has no value.
    pub fn set_opt(&mut self, name: &'static str, value: Option<String>, missing: &str) {
        match value.filter(|v| !v.trim().is_empty()) {
            Some(v) => self.set(name, v),
            None => {
                self.values.insert(name, Err(missing.to_string()));
            }
        }
    }

    fn get(&self, name: &str) -> Option<&Result<String, String>> {
        self.values.get(name)
    }

    fn truthy(&self, name: &str) -> bool {
        matches!(self.get(name), Some(Ok(v)) if !v.trim().is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    Var {
        name: String,
        line: usize,
    },
    If {
        name: String,
        then: Vec<Node>,
        otherwise: Vec<Node>,
    },
}

/// A parsed and checked template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    file: String,
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tag {
    Var(String),
    If(String),
    Else,
    EndIf,
}

enum Token {
    Text(String),
    Tag(Tag, usize),
}

/// A placeholder name: a lower-case letter, then letters, digits and `_`.
fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn parse_tag(inner: &str) -> Option<Tag> {
    let inner = inner.trim();
    if inner == "else" {
        return Some(Tag::Else);
    }
    if inner == "/if" {
        return Some(Tag::EndIf);
    }
    if let Some(rest) = inner.strip_prefix("#if") {
        let name = rest.trim();
        return (rest.starts_with(char::is_whitespace) && valid_name(name))
            .then(|| Tag::If(name.to_string()));
    }
    valid_name(inner).then(|| Tag::Var(inner.to_string()))
}

impl Template {
    /// Parse `text` (from `file`, for messages) and check every name with
    /// `known`.
    pub fn parse(
        file: &str,
        text: &str,
        known: impl Fn(&str) -> bool,
    ) -> Result<Template, TemplateError> {
        let err = |line: usize, message: String| TemplateError {
            file: file.to_string(),
            line,
            message,
        };
        let tokens = tokenize(text).map_err(|(line, m)| err(line, m))?;
        // A stack of open blocks: (name, line, then, otherwise, in_else).
        struct Open {
            name: String,
            line: usize,
            then: Vec<Node>,
            otherwise: Vec<Node>,
            in_else: bool,
        }
        let mut root: Vec<Node> = Vec::new();
        let mut stack: Vec<Open> = Vec::new();
        fn target<'a>(root: &'a mut Vec<Node>, stack: &'a mut [Open]) -> &'a mut Vec<Node> {
            match stack.last_mut() {
                Some(o) if o.in_else => &mut o.otherwise,
                Some(o) => &mut o.then,
                None => root,
            }
        }
        for t in tokens {
            match t {
                Token::Text(s) => target(&mut root, &mut stack).push(Node::Text(s)),
                Token::Tag(Tag::Var(name), line) | Token::Tag(Tag::If(name), line)
                    if !known(&name) =>
                {
                    return Err(err(line, format!("unknown placeholder `{{{{{name}}}}}`")));
                }
                Token::Tag(Tag::Var(name), line) => {
                    target(&mut root, &mut stack).push(Node::Var { name, line })
                }
                Token::Tag(Tag::If(name), line) => stack.push(Open {
                    name,
                    line,
                    then: Vec::new(),
                    otherwise: Vec::new(),
                    in_else: false,
                }),
                Token::Tag(Tag::Else, line) => match stack.last_mut() {
                    Some(o) if !o.in_else => o.in_else = true,
                    Some(o) => {
                        return Err(err(
                            line,
                            format!(
                                "a second `{{{{else}}}}` in the `{{{{#if {}}}}}` of line {}",
                                o.name, o.line
                            ),
                        ))
                    }
                    None => {
                        return Err(err(
                            line,
                            "`{{else}}` outside any `{{#if ...}}` block".to_string(),
                        ))
                    }
                },
                Token::Tag(Tag::EndIf, line) => {
                    let Some(o) = stack.pop() else {
                        return Err(err(
                            line,
                            "`{{/if}}` without an open `{{#if ...}}`".to_string(),
                        ));
                    };
                    target(&mut root, &mut stack).push(Node::If {
                        name: o.name,
                        then: o.then,
                        otherwise: o.otherwise,
                    });
                }
            }
        }
        if let Some(o) = stack.pop() {
            return Err(err(
                o.line,
                format!(
                    "`{{{{#if {}}}}}` is never closed with `{{{{/if}}}}`",
                    o.name
                ),
            ));
        }
        Ok(Template {
            file: file.to_string(),
            nodes: root,
        })
    }

    /// The file this template came from, as named in errors.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Render with `vars`. A placeholder printed without a value is an error
    /// naming its line and why the value is missing.
    pub fn render(&self, vars: &Vars) -> Result<String, TemplateError> {
        let mut out = String::new();
        self.render_nodes(&self.nodes, vars, &mut out)?;
        Ok(out)
    }

    fn render_nodes(
        &self,
        nodes: &[Node],
        vars: &Vars,
        out: &mut String,
    ) -> Result<(), TemplateError> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Var { name, line } => match vars.get(name) {
                    Some(Ok(v)) => out.push_str(v),
                    Some(Err(why)) => {
                        return Err(TemplateError {
                            file: self.file.clone(),
                            line: *line,
                            message: format!("`{{{{{name}}}}}` has no value for this case: {why}"),
                        })
                    }
                    None => {
                        return Err(TemplateError {
                            file: self.file.clone(),
                            line: *line,
                            message: format!("`{{{{{name}}}}}` has no value"),
                        })
                    }
                },
                Node::If {
                    name,
                    then,
                    otherwise,
                } => {
                    let branch = if vars.truthy(name) { then } else { otherwise };
                    self.render_nodes(branch, vars, out)?;
                }
            }
        }
        Ok(())
    }
}

/// The tag a line consists of alone (spaces around it allowed), if any.
fn standalone_block(line: &str) -> Option<Tag> {
    let t = line.trim();
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?;
    if inner.contains("{{") || inner.contains("}}") {
        return None;
    }
    match parse_tag(inner)? {
        Tag::Var(_) => None,
        block => Some(block),
    }
}

/// Split into text and tags, line by line (a tag never spans lines).
fn tokenize(text: &str) -> Result<Vec<Token>, (usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let no = i + 1;
        if let Some(tag) = standalone_block(line) {
            out.push(Token::Tag(tag, no));
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                out.push(Token::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err((
                    no,
                    "`{{` is not closed with `}}` on the same line".to_string(),
                ));
            };
            let inner = &after[..end];
            let tag = parse_tag(inner).ok_or_else(|| {
                (
                    no,
                    format!(
                        "`{{{{{}}}}}` is not a placeholder; write {{{{name}}}}, {{{{#if name}}}}, {{{{else}}}} or {{{{/if}}}} (names: a-z, 0-9, _)",
                        crate::domain::text::escape_controls(inner)
                    ),
                )
            })?;
            out.push(Token::Tag(tag, no));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            out.push(Token::Text(rest.to_string()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(n: &str) -> bool {
        matches!(n, "name" | "due" | "rep" | "empty")
    }

    fn vars() -> Vars {
        let mut v = Vars::default();
        v.set("name", "山田 太郎");
        v.set("empty", "");
        v.set_opt("due", None, "the case has no due date");
        v.set_opt("rep", Some("Jane".into()), "no representative");
        v
    }

    fn render(text: &str) -> Result<String, TemplateError> {
        Template::parse("t.txt", text, known)?.render(&vars())
    }

    #[test]
    fn placeholders_and_blocks_render() {
        assert_eq!(render("Dear {{ name }},\n").unwrap(), "Dear 山田 太郎,\n");
        let t = "A\n{{#if rep}}\nvia {{rep}}\n{{else}}\ndirect\n{{/if}}\nB\n";
        assert_eq!(render(t).unwrap(), "A\nvia Jane\nB\n");
        let t = "A\n  {{#if due}}\nby {{due}}\n{{/if}}\nB\n";
        assert_eq!(render(t).unwrap(), "A\nB\n");
        assert_eq!(
            render("x {{#if empty}}yes{{else}}no{{/if}} y").unwrap(),
            "x no y"
        );
        let nested = "{{#if rep}}{{#if due}}d{{else}}n{{/if}}{{/if}}";
        assert_eq!(render(nested).unwrap(), "n");
    }

    #[test]
    fn unknown_names_and_bad_tags_are_located() {
        let e = render("one\ntwo {{nmae}}\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("t.txt", 2));
        assert!(e.message.contains("unknown placeholder `{{nmae}}`"), "{e}");
        assert_eq!(e.to_string(), format!("t.txt:2: {}", e.message));
        // Unknown names are refused even in a branch not taken.
        let e = render("{{#if empty}}\n\n{{ghost}}\n{{/if}}").unwrap_err();
        assert_eq!(e.line, 3);
        let e = render("a\nb {{name\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("not closed"), "{e}");
        let e = render("{{Name}}").unwrap_err();
        assert!(e.message.contains("is not a placeholder"), "{e}");
        let e = render("{{#iffy name}}").unwrap_err();
        assert!(e.message.contains("is not a placeholder"), "{e}");
    }

    #[test]
    fn unbalanced_blocks_are_located() {
        let e = render("a\n{{#if rep}}\nb\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("never closed"), "{e}");
        let e = render("a\n{{/if}}\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = render("{{else}}").unwrap_err();
        assert!(e.message.contains("outside"), "{e}");
        let e = render("{{#if rep}}\n{{else}}\n{{else}}\n{{/if}}").unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn a_value_the_case_lacks_is_an_error_unless_guarded() {
        let e = render("Due: {{due}}\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("the case has no due date"), "{e}");
        assert_eq!(render("{{#if due}}Due: {{due}}{{/if}}").unwrap(), "");
    }
}
