//! Checks of `[systems.<name>.search.pagination]`: what each style needs and
//! which keys it does not use.

use super::connector_checks::{check_path, Ck};
use super::systems::{PaginationDef, PaginationStyle, SearchDef};

pub(crate) fn check_pagination(ck: &mut Ck<'_>, p: &PaginationDef, s: &SearchDef) {
    use PaginationStyle as S;
    let at = |k: &'static str| ["search", "pagination", k];
    let style_name = match p.style {
        S::None => "none",
        S::Page => "page",
        S::Offset => "offset",
        S::Cursor => "cursor",
        S::NextUrl => "next_url",
        S::LinkHeader => "link_header",
    };
    // Keys and the styles they belong to.
    let keys: [(&'static str, bool, &[S]); 11] = [
        ("param", p.param.is_some(), &[S::Page, S::Offset, S::Cursor]),
        (
            "body_field",
            p.body_field.is_some(),
            &[S::Page, S::Offset, S::Cursor],
        ),
        ("start", p.start.is_some(), &[S::Page]),
        (
            "size",
            p.size.is_some(),
            &[
                S::None,
                S::Page,
                S::Offset,
                S::Cursor,
                S::NextUrl,
                S::LinkHeader,
            ],
        ),
        (
            "size_param",
            p.size_param.is_some(),
            &[
                S::None,
                S::Page,
                S::Offset,
                S::Cursor,
                S::NextUrl,
                S::LinkHeader,
            ],
        ),
        (
            "size_body_field",
            p.size_body_field.is_some(),
            &[
                S::None,
                S::Page,
                S::Offset,
                S::Cursor,
                S::NextUrl,
                S::LinkHeader,
            ],
        ),
        ("cursor_path", p.cursor_path.is_some(), &[S::Cursor]),
        (
            "cursor_from_last_item",
            p.cursor_from_last_item.is_some(),
            &[S::Cursor],
        ),
        ("has_more_path", p.has_more_path.is_some(), &[S::Cursor]),
        ("next_path", p.next_path.is_some(), &[S::NextUrl]),
        ("total_path", p.total_path.is_some(), &[S::Page, S::Offset]),
    ];
    for (key, is_set, styles) in keys {
        if is_set && !styles.contains(&p.style) {
            ck.at(
                &at(key),
                format!("{key} is not used with pagination style \"{style_name}\""),
            );
        }
    }
    let carrier = p.param.is_some() || p.body_field.is_some();
    match p.style {
        S::Page | S::Offset | S::Cursor if !carrier => {
            let what = if p.style == S::Cursor {
                "cursor"
            } else if p.style == S::Page {
                "page number"
            } else {
                "offset"
            };
            ck.at(&at("style"), format!("pagination style \"{style_name}\" needs param or body_field to carry the {what}"));
        }
        _ => {}
    }
    if p.param.is_some() && p.body_field.is_some() {
        ck.at(
            &at("body_field"),
            "give either param or body_field, not both",
        );
    }
    if p.style == S::Offset && p.size.is_none() {
        ck.at(
            &at("style"),
            "pagination style \"offset\" needs size (the page size)",
        );
    }
    if p.style == S::Cursor {
        match (p.cursor_path.is_some(), p.cursor_from_last_item.is_some()) {
            (false, false) => ck.at(
                &at("style"),
                "pagination style \"cursor\" needs cursor_path or cursor_from_last_item",
            ),
            (true, true) => ck.at(
                &at("cursor_from_last_item"),
                "give either cursor_path or cursor_from_last_item, not both",
            ),
            _ => {}
        }
    }
    if p.style == S::NextUrl && p.next_path.is_none() {
        ck.at(
            &at("style"),
            "pagination style \"next_url\" needs next_path",
        );
    }
    if p.max_pages < 1 {
        ck.at(&at("max_pages"), "max_pages must be at least 1");
    }
    if p.size == Some(0) {
        ck.at(&at("size"), "size must be at least 1");
    }
    if p.size.is_none() {
        for (key, is_set) in [
            ("size_param", p.size_param.is_some()),
            ("size_body_field", p.size_body_field.is_some()),
        ] {
            if is_set {
                ck.at(
                    &at(key),
                    format!("{key} needs size (the page size to send)"),
                );
            }
        }
    }
    for (key, value) in [("param", &p.param), ("size_param", &p.size_param)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            ck.at(&at(key), format!("{key} is empty"));
        }
    }
    let has_body = s.body.is_some() || s.per_kind.values().any(|o| o.body.is_some());
    for (key, value) in [
        ("body_field", &p.body_field),
        ("size_body_field", &p.size_body_field),
    ] {
        if let Some(v) = value {
            if !has_body {
                ck.at(
                    &at(key),
                    format!("{key} needs a JSON body (search.body) to write into"),
                );
            }
            if v.trim().is_empty() {
                ck.at(&at(key), format!("{key} is empty"));
            } else {
                check_path(ck, &at(key), v);
            }
        }
    }
    for (key, value) in [
        ("cursor_path", &p.cursor_path),
        ("cursor_from_last_item", &p.cursor_from_last_item),
        ("has_more_path", &p.has_more_path),
        ("next_path", &p.next_path),
        ("total_path", &p.total_path),
    ] {
        if let Some(v) = value {
            check_path(ck, &at(key), v);
        }
    }
}
