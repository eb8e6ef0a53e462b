//! Update logic of the audit screen: open, filter, verify, export.

use crate::tui::app::*;
use crate::tui::keymap::{is_printable_input, Command, Context};
use crate::tui::update::{run_command, show};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Show the audit screen and load the newest entries. The desk decides
/// who may read them: an agent sees its refusal on the screen.
pub fn open(s: &mut State) -> Vec<Effect> {
    let mut fx = show(s, |_| AuditScreen::new());
    s.message = None;
    fx.extend(load(s));
    if s.screens
        .get::<AuditScreen>()
        .is_some_and(|a| a.chain.is_none())
    {
        fx.extend(verify(s));
    }
    fx
}

/// Load the entries again with the filters in force.
pub fn load(s: &mut State) -> Vec<Effect> {
    let Some(a) = s.screens.get_mut::<AuditScreen>() else {
        return vec![];
    };
    let gen = a.entries.start();
    vec![AuditEffect::Load {
        gen,
        filter: a.applied.clone(),
    }
    .into()]
}

pub fn loaded(
    s: &mut State,
    gen: u64,
    result: Result<Vec<crate::domain::AuditEntry>, String>,
) -> Vec<Effect> {
    let Some(a) = s.screens.get_mut::<AuditScreen>() else {
        return vec![];
    };
    if !a.entries.awaits(gen) {
        return vec![];
    }
    let result = result.map(|mut entries| {
        entries.reverse();
        entries
    });
    if a.entries.finish(result).is_some() {
        // A refused read shows nothing of what was shown before.
        a.entries.data.clear();
    }
    a.selected = a.selected.min(a.entries.data.len().saturating_sub(1));
    vec![]
}

pub fn verify(s: &mut State) -> Vec<Effect> {
    let Some(a) = s.screens.get_mut::<AuditScreen>() else {
        return vec![];
    };
    a.chain = Some(ChainStatus::Checking);
    vec![AuditEffect::Verify.into()]
}

pub fn verified(
    s: &mut State,
    result: Result<crate::domain::AuditVerification, String>,
) -> Vec<Effect> {
    let Some(a) = s.screens.get_mut::<AuditScreen>() else {
        return vec![];
    };
    let said = match &result {
        Ok(v) if v.is_intact() => Ok(format!(
            "✓ chain intact: {n} of {n} entries checked",
            n = v.entries
        )),
        Ok(v) => Err(format!(
            "✗ chain BROKEN at entry {} ({} entries checked): {}",
            v.first_broken.as_ref().map_or(0, |b| b.id),
            v.entries,
            v.first_broken.as_ref().map_or("", |b| b.reason.as_str())
        )),
        Err(e) => Err(format!("✗ the chain could not be checked: {e}")),
    };
    a.chain = Some(match result {
        Ok(v) => match v.first_broken {
            None => ChainStatus::Intact { entries: v.entries },
            Some(b) => ChainStatus::Broken {
                entries: v.entries,
                id: b.id,
                reason: b.reason,
            },
        },
        Err(e) => ChainStatus::Failed(e),
    });
    match said {
        Ok(m) => s.info(m),
        Err(m) => s.error(m),
    }
    vec![]
}

pub fn open_filters(s: &mut State) {
    if let Some(a) = s.screens.get_mut::<AuditScreen>() {
        a.prompt = Some(AuditPrompt::Filters { focus: 0 });
    }
}

pub fn open_export(s: &mut State) {
    if let Some(a) = s.screens.get_mut::<AuditScreen>() {
        if a.exporting {
            s.info("an export is being written");
            return;
        }
        a.prompt = Some(AuditPrompt::Export { csv: false });
    }
}

pub fn exported(s: &mut State, result: Result<String, String>) -> Vec<Effect> {
    if let Some(a) = s.screens.get_mut::<AuditScreen>() {
        a.exporting = false;
    }
    match result {
        Ok(done) => s.info(done),
        Err(e) => s.error(e),
    }
    // The export is an audit entry of its own: show it.
    load(s)
}

pub fn move_by(s: &mut State, delta: i64) {
    let Some(a) = s.screens.get_mut::<AuditScreen>() else {
        return;
    };
    if a.entries.data.is_empty() {
        return;
    }
    let last = a.entries.data.len() as i64 - 1;
    a.selected = (a.selected as i64).saturating_add(delta).clamp(0, last) as usize;
}

/// Keys while a prompt of the audit screen is open.
pub fn prompt_key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    let Some(a) = s.screens.get_mut::<AuditScreen>() else {
        return vec![];
    };
    let Some(prompt) = a.prompt.clone() else {
        return vec![];
    };
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let n = AuditField::ALL.len();
    match prompt {
        AuditPrompt::Filters { focus } => {
            let input = &mut a.filters[focus];
            match k.code {
                KeyCode::Esc => {
                    // Back to the filters in force.
                    let applied = a.applied.clone();
                    for f in AuditField::ALL {
                        let v = match f {
                            AuditField::Operator => &applied.operator,
                            AuditField::Subject => &applied.subject,
                            AuditField::Kind => &applied.kind,
                            AuditField::Since => &applied.since,
                            AuditField::Until => &applied.until,
                        };
                        a.filters[f as usize] =
                            crate::tui::input::TextInput::new(v.as_deref().unwrap_or_default());
                    }
                    a.prompt = None;
                }
                KeyCode::Enter => {
                    a.applied = a.filter_from_form();
                    a.prompt = None;
                    a.selected = 0;
                    return load(s);
                }
                KeyCode::Tab | KeyCode::Down => {
                    a.prompt = Some(AuditPrompt::Filters {
                        focus: (focus + 1) % n,
                    })
                }
                KeyCode::BackTab | KeyCode::Up => {
                    a.prompt = Some(AuditPrompt::Filters {
                        focus: (focus + n - 1) % n,
                    })
                }
                KeyCode::Char('u') if ctrl => input.clear_to_start(),
                KeyCode::Backspace => input.backspace(),
                KeyCode::Delete => input.delete(),
                KeyCode::Left => input.left(),
                KeyCode::Right => input.right(),
                KeyCode::Home => input.home(),
                KeyCode::End => input.end(),
                KeyCode::Char(c) if is_printable_input(&k) => input.insert(c),
                _ => return global(s, k),
            }
        }
        AuditPrompt::Export { csv } => match k.code {
            KeyCode::Esc => a.prompt = None,
            KeyCode::Tab | KeyCode::BackTab => a.prompt = Some(AuditPrompt::Export { csv: !csv }),
            KeyCode::Enter => {
                let person = a.person.text().trim().to_string();
                if person.is_empty() {
                    s.error("type a record key (crm:C-1001), an email, a phone number or a name");
                    return vec![];
                }
                a.prompt = None;
                a.exporting = true;
                s.info("writing the export…");
                return vec![AuditEffect::Export { person, csv }.into()];
            }
            KeyCode::Char('u') if ctrl => a.person.clear_to_start(),
            KeyCode::Backspace => a.person.backspace(),
            KeyCode::Delete => a.person.delete(),
            KeyCode::Left => a.person.left(),
            KeyCode::Right => a.person.right(),
            KeyCode::Char(c) if is_printable_input(&k) => a.person.insert(c),
            _ => return global(s, k),
        },
    }
    vec![]
}

/// A key a prompt did not take: global commands that are not typing.
fn global(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    match s.keymap.command_for(Context::Global, &k) {
        Some(Command::Back) | None => vec![],
        Some(cmd) => run_command(s, cmd),
    }
}

/// Pasted text goes to the prompt's input. False when no prompt is open.
pub fn paste(s: &mut State, text: &str) -> bool {
    let Some(a) = s.screens.get_mut::<AuditScreen>() else {
        return false;
    };
    match a.prompt {
        Some(AuditPrompt::Filters { focus }) => a.filters[focus].insert_str(text),
        Some(AuditPrompt::Export { .. }) => a.person.insert_str(text),
        None => return false,
    }
    true
}

/// Whether a prompt of the audit screen has the keys.
pub fn prompting(s: &State) -> bool {
    s.screen() == ScreenId::Audit
        && s.screens
            .get::<AuditScreen>()
            .is_some_and(|a| a.prompt.is_some())
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: AuditMsg) -> Vec<Effect> {
    match m {
        AuditMsg::Loaded { gen, result } => loaded(s, gen, result),
        AuditMsg::Verified(result) => verified(s, result),
        AuditMsg::Exported(result) => exported(s, result),
    }
}
