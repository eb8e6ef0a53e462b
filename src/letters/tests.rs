//! The built-in templates and the override folder.

use super::*;

#[test]
fn every_builtin_template_parses_in_both_languages() {
    let none = Path::new("/nonexistent/privdesk-templates");
    let names = builtin_names();
    assert_eq!(
        names,
        [
            "receipt",
            "identity_request",
            "extension",
            "disclosure_done",
            "action_done",
            "refusal"
        ]
    );
    for name in names {
        for lang in Lang::ALL {
            let t = load(name, lang, none).unwrap_or_else(|e| panic!("{name}.{lang}: {e}"));
            assert_eq!(
                t.file(),
                format!("built-in data/templates/{name}.{lang}.txt")
            );
        }
    }
}

#[test]
fn an_override_file_replaces_the_builtin_and_errors_name_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.en.txt");
    std::fs::write(
        &path,
        "Dear {{requester_name}},\nRef {{case_id}}\nsee {{cas_id}}\n",
    )
    .unwrap();
    let e = load("receipt", Lang::En, dir.path()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!(
            "{}:3: unknown placeholder `{{{{cas_id}}}}`",
            path.display()
        )),
        "{msg}"
    );
    // The Japanese one is still the built-in.
    assert!(load("receipt", Lang::Ja, dir.path()).is_ok());
    // A new name in the folder is a new template.
    std::fs::write(dir.path().join("fee_reminder.ja.txt"), "{{fee}}\n").unwrap();
    let names = template_names(dir.path());
    assert_eq!(names.last().map(String::as_str), Some("fee_reminder"));
    assert!(load("fee_reminder", Lang::Ja, dir.path()).is_ok());
    // ...in the languages it has.
    assert!(matches!(
        load("fee_reminder", Lang::En, dir.path()),
        Err(LetterError::Unknown { .. })
    ));
}

#[test]
fn template_names_cannot_leave_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["../receipt", "a/b", "", "Receipt", "x.txt"] {
        let e = load(bad, Lang::En, dir.path()).unwrap_err();
        assert!(matches!(e, LetterError::Unknown { .. }), "{bad}: {e}");
        assert!(e.to_string().contains("templates: receipt, "), "{e}");
    }
}
