use super::{at, find, ok, pos, problems};

#[test]
fn letters_default_to_an_unnamed_company_and_the_templates_folder() {
    let c = ok("");
    assert_eq!(c.letters.company, "");
    assert_eq!(c.letters.desk, "Personal Data Desk");
    assert_eq!(c.letters.desk_ja, "個人情報お問い合わせ窓口");
    assert_eq!(c.letters.templates_dir.to_str(), Some("templates"));
    assert!(c.letters.purposes.is_empty());
    assert_eq!(c.letters.pick("Desk", "", true), "Desk");
    assert_eq!(c.letters.pick("Desk", "窓口", true), "窓口");
    assert_eq!(c.letters.pick("Desk", "窓口", false), "Desk");
}

#[test]
fn letters_problems_are_located() {
    let text = "\
[systems.crm]
base_url = \"https://crm.example.jp\"
search = { kinds = [\"email\"], path = \"/c\", query = { q = \"{query}\" }, results = \"data\" }
fields = { id = \"id\", email = \"email\" }

[letters]
company = \"Example\\nCo.\"
desk = \"  \"

[letters.purposes.crm]
en = [\"Billing\", \" \"]

[letters.purposes.warehouse]
ja = [\"在庫管理のため\"]
";
    let ps = problems(text);
    assert_eq!(
        at(find(&ps, "company must be one line")),
        pos(text, "company =")
    );
    assert_eq!(at(find(&ps, "desk is empty")), pos(text, "desk ="));
    find(&ps, "purpose is empty");
    let p = find(
        &ps,
        "no system named `warehouse` is configured; systems: crm",
    );
    assert_eq!(p.line, pos(text, "[letters.purposes.warehouse]").0);
    let ps = problems("[letters]\ncolour = \"red\"\n");
    assert_eq!(ps.len(), 1, "{ps:?}");
}
