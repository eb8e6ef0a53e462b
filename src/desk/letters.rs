//! Letters to requesters: a template rendered with a case's fields, and
//! the sent text stored as the case's reply.
//!
//! Writing a letter is work on the case: agents on their own and
//! unassigned cases, supervisors on all, auditors refused. Rendering is
//! audited (`letter`, subject the case number), except the previews the
//! letter editor shows while templates are browsed; recording goes through
//! [`Desk::add_note`] (a reply, audited as a `case_change`): one entry per
//! letter recorded.

use super::case_access::CaseAccess;
use super::{Desk, DeskError};
use crate::config::resolve_path;
use crate::domain::AuditKind;
use crate::domain::{Case, CaseId, Lang};
use crate::letters::{self, case_vars, LetterContext, LetterError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::PathBuf;

/// A rendered letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub case_id: CaseId,
    pub template: String,
    pub lang: Lang,
    /// Where the template came from (a file, or the built-in one).
    pub source: String,
    /// The case's version the letter was rendered from.
    pub case_version: i64,
    pub text: String,
}

fn letter_error(e: LetterError) -> DeskError {
    DeskError::Invalid(e.to_string())
}

impl Desk {
    /// The folder of template overrides (`[letters] templates_dir`, relative
    /// to the configuration file's folder).
    pub fn templates_dir(&self) -> PathBuf {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        resolve_path(
            &self.config().letters.templates_dir,
            &self.config().base_dir(),
            home.as_deref(),
        )
    }

    /// Every template name: the built-in ones and those only the override
    /// folder has.
    pub fn letter_templates(&self) -> Vec<String> {
        letters::template_names(&self.templates_dir())
    }

    /// Render template `template` for a case, in `lang` (default: Japanese
    /// for APPI cases, English for GDPR and CCPA ones). Errors in the
    /// template or values the case lacks name the template file and line.
    pub fn render_letter(
        &self,
        id: CaseId,
        template: &str,
        lang: Option<Lang>,
    ) -> Result<Letter, DeskError> {
        self.letter(id, template, lang, true)
    }

    /// The same, for the letter editor: templates are browsed before one is
    /// chosen, so this is not audited (the case itself was, when opened);
    /// the letter recorded is, as the case's change. Same access as writing.
    pub fn preview_letter(
        &self,
        id: CaseId,
        template: &str,
        lang: Option<Lang>,
    ) -> Result<Letter, DeskError> {
        self.letter(id, template, lang, false)
    }

    fn letter(
        &self,
        id: CaseId,
        template: &str,
        lang: Option<Lang>,
        audited: bool,
    ) -> Result<Letter, DeskError> {
        let case = self.load_case(id)?;
        self.check_case_access(Some(&case), CaseAccess::Work)?;
        let lang = lang.unwrap_or(Lang::for_law(case.law));
        let dir = self.templates_dir();
        let (origin, text) = letters::template_text(template, lang, &dir).map_err(letter_error)?;
        let source = origin.describe(template, lang);
        let parsed = letters::Template::parse(&source, &text, letters::is_known)
            .map_err(|e| letter_error(LetterError::Template(e)))?;
        let text = parsed
            .render(&self.letter_vars(&case, lang)?)
            .map_err(|e| letter_error(LetterError::Template(e)))?;
        if audited {
            self.audit(
                AuditKind::Letter,
                &id.to_string(),
                json!({ "template": template, "lang": lang.as_str(), "source": source }),
            )?;
        }
        Ok(Letter {
            case_id: id,
            template: template.to_string(),
            lang,
            source,
            case_version: case.version,
            text,
        })
    }

    fn letter_vars(&self, case: &Case, lang: Lang) -> Result<letters::Vars, DeskError> {
        let package = self.latest_package(case.id)?;
        let cx = LetterContext {
            letters: &self.config().letters,
            lang,
            today: self.today(),
            operator: &self.operator().display_name,
            package: package
                .as_ref()
                .map(|p| (p.manifest_sha256.as_str(), p.complete)),
        };
        Ok(case_vars(case, &cx))
    }

    /// Store a letter's text (as rendered, or as edited before sending) as
    /// a reply of the case; `is_response` marks it as THE response. A text
    /// that still holds a `{{...}}` placeholder is refused.
    pub fn record_letter(
        &self,
        id: CaseId,
        expected_version: i64,
        text: &str,
        is_response: bool,
    ) -> Result<Case, DeskError> {
        if let Some((n, _)) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("{{") && l.contains("}}"))
        {
            return Err(DeskError::Invalid(format!(
                "line {} of the letter still holds a {{{{...}}}} placeholder; fill it in before recording the letter",
                n + 1
            )));
        }
        self.add_note(id, expected_version, text, false, is_response)
    }
}
