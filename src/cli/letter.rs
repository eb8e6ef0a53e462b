//! `privdesk letter CASE --template NAME`: a letter to the requester,
//! printed, and with `--record` stored as the case's reply (the text as
//! rendered, or as edited in `--edit-file`).
//!
//! Exit codes: 0 done; 2 unknown template or case, a template error (named
//! by file and line), a value the case lacks, or not allowed; 4 the case
//! changed since the letter was rendered (nothing recorded); 1 store failures.

use super::case::{fail, CaseIdArg};
use super::case_output::change_line;
use super::package::LangArg;
use super::{connect, emit, Cli, EXIT_OK};
use crate::client::Client;
use crate::desk::DeskError;
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct LetterArgs {
    pub id: CaseIdArg,
    /// receipt, identity_request, extension, disclosure_done, action_done,
    /// refusal, or a template of the override folder.
    #[arg(long, value_name = "NAME")]
    pub template: String,
    /// ja or en (default: ja for APPI cases, en for GDPR and CCPA).
    #[arg(long, value_name = "ja|en")]
    pub lang: Option<LangArg>,
    /// Store the letter as a reply of the case (the sent text).
    #[arg(long)]
    pub record: bool,
    /// With --record: the reply is THE response that counts for the deadline.
    #[arg(long, requires = "record")]
    pub response: bool,
    /// With --record: store this file's text (the letter as edited) instead
    /// of the rendered one.
    #[arg(long, value_name = "FILE", requires = "record")]
    pub edit_file: Option<PathBuf>,
    /// The case version you looked at (default: the one the letter is rendered from).
    #[arg(long, value_name = "V")]
    pub version: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

pub async fn run(cli: &Cli, a: &LetterArgs) -> u8 {
    let desk = match connect(cli, "letter").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    match letter(&desk, a).await {
        Ok(code) => code,
        Err(e) => fail(&e),
    }
}

async fn letter(desk: &Client, a: &LetterArgs) -> Result<u8, DeskError> {
    let letter = desk
        .render_letter(a.id.0, a.template.clone(), a.lang.map(|l| l.0))
        .await?;
    let text = match &a.edit_file {
        Some(f) => std::fs::read_to_string(f).map_err(|e| {
            DeskError::Invalid(format!(
                "cannot read the edited letter {}: {e}",
                f.display()
            ))
        })?,
        None => letter.text.clone(),
    };
    let recorded = if a.record {
        let v = a.version.unwrap_or(letter.case_version);
        Some(
            desk.record_letter(a.id.0, v, text.clone(), a.response)
                .await?,
        )
    } else {
        None
    };
    let out = if a.json {
        let mut s = serde_json::to_string_pretty(&json!({
            "case_id": letter.case_id.to_string(),
            "template": letter.template,
            "lang": letter.lang,
            "source": letter.source,
            "text": text,
            "recorded": recorded.is_some(),
            "response": recorded.is_some() && a.response,
            "case_version": recorded.as_ref().map_or(letter.case_version, |c| c.version),
        }))
        .unwrap_or_default();
        s.push('\n');
        s
    } else {
        let mut s = text.clone();
        if !s.ends_with('\n') {
            s.push('\n');
        }
        s
    };
    if let Err(code) = emit(&out) {
        return Ok(code);
    }
    if let (Some(case), false) = (&recorded, a.json) {
        eprintln!("Recorded as a reply: {}", change_line(case, desk.today()));
    }
    Ok(EXIT_OK)
}
