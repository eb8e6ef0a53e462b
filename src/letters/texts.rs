//! The fixed wordings letters and package summaries use, in Japanese and
//! English: request kinds, categories, refusal grounds, the regulator to
//! complain to, and the names of the canonical record fields.

use crate::domain::{Category, Lang, Law, RefusalGround, RequestKind};

/// A request kind as a letter names it.
pub fn kind_label(kind: RequestKind, lang: Lang) -> &'static str {
    use RequestKind::*;
    match lang {
        Lang::En => kind.label(),
        Lang::Ja => match kind {
            PurposeNotification => "利用目的の通知",
            Disclosure => "保有個人データの開示",
            ThirdPartyRecords => "第三者提供記録の開示",
            Correction => "保有個人データの訂正・追加・削除",
            Suspension => "保有個人データの利用停止・消去",
            StopThirdParty => "保有個人データの第三者提供の停止",
            Access => "個人データへのアクセス（GDPR）",
            Rectification => "個人データの訂正（GDPR）",
            Erasure => "個人データの消去（GDPR）",
            Restriction => "処理の制限（GDPR）",
            Portability => "データポータビリティ（GDPR）",
            Objection => "処理への異議（GDPR）",
            Know => "個人情報を知る権利（CCPA）",
            Delete => "個人情報の削除（CCPA）",
            Correct => "個人情報の訂正（CCPA）",
            OptOut => "個人情報の販売・共有のオプトアウト（CCPA）",
        },
    }
}

/// A category of contact as a letter names it (used when there is no kind).
pub fn category_label(c: Category, lang: Lang) -> &'static str {
    match (lang, c) {
        (Lang::En, Category::Inquiry) => "Inquiry",
        (Lang::En, Category::Complaint) => "Complaint about the handling of personal data",
        (Lang::En, Category::RightsRequest) => "Request concerning personal data",
        (Lang::Ja, Category::Inquiry) => "お問い合わせ",
        (Lang::Ja, Category::Complaint) => "個人情報の取扱いに関する苦情",
        (Lang::Ja, Category::RightsRequest) => "個人情報に関するご請求",
    }
}

/// A refusal ground as told to the requester (APPI Art. 33(2); seed
/// policies 002 §7 and 004 §9).
pub fn ground_text(g: RefusalGround, lang: Lang) -> &'static str {
    use RefusalGround::*;
    match lang {
        Lang::Ja => match g {
            HarmToLifeBodyPropertyRights => {
                "ご本人又は第三者の生命、身体、財産その他の権利利益を害するおそれがあるため"
            }
            SignificantBusinessHindrance => "当社の業務の適正な実施に著しい支障を及ぼすおそれがあるため",
            ViolationOfOtherLaws => "他の法令に違反することとなるため",
            IdentityNotVerified => "ご請求者がご本人（又はその代理人）であることを確認できないため",
            RepeatedOrExcessive => "不正な請求が繰り返されている、又は過大なご請求であるため",
            NotCoveredByLaw => "法令に定めるご請求の対象に当たらないため",
        },
        Lang::En => match g {
            HarmToLifeBodyPropertyRights => {
                "Answering would risk harm to the life, body, property or other rights and interests of you or a third party."
            }
            SignificantBusinessHindrance => {
                "Answering would risk significantly hindering the proper conduct of our business."
            }
            ViolationOfOtherLaws => "Answering would violate other laws or regulations.",
            IdentityNotVerified => {
                "We could not verify that the request comes from you (or from your authorised representative)."
            }
            RepeatedOrExcessive => "The request repeats fraudulent requests or is excessive.",
            NotCoveredByLaw => "The request is not one the law provides for.",
        },
    }
}

/// Where a requester may take a complaint outside the company, by name
/// only: for APPI the Personal Information Protection Commission's
/// consultation line, for GDPR a supervisory authority, for CCPA the
/// California agency or Attorney General.
pub fn regulator(law: Law, lang: Lang) -> &'static str {
    match (law, lang) {
        (Law::Appi, Lang::Ja) => "個人情報保護委員会の「個人情報保護法相談ダイヤル」",
        (Law::Appi, Lang::En) => {
            "the Personal Information Protection Commission (PPC) of Japan, through its consultation line on the Act on the Protection of Personal Information (個人情報保護法相談ダイヤル)"
        }
        (Law::Gdpr, Lang::Ja) => {
            "お住まい若しくは勤務地、又は侵害があったとされる場所の EU 加盟国のデータ保護監督機関"
        }
        (Law::Gdpr, Lang::En) => {
            "a data protection supervisory authority, in particular in the EU member state where you live or work or where the alleged infringement took place"
        }
        (Law::Ccpa, Lang::Ja) => "カリフォルニア州プライバシー保護局（California Privacy Protection Agency）又は同州司法長官",
        (Law::Ccpa, Lang::En) => {
            "the California Privacy Protection Agency or the California Attorney General"
        }
    }
}

/// The label of a canonical record field (`name`, `email`...), or `None`
/// for a field a system labels itself.
pub fn canonical_label(field: &str, lang: Lang) -> Option<&'static str> {
    Some(match (lang, field) {
        (Lang::En, "id") => "Record number",
        (Lang::En, "name") => "Name",
        (Lang::En, "name_kana") => "Name (reading)",
        (Lang::En, "email") => "Email",
        (Lang::En, "phone") => "Phone",
        (Lang::En, "postal_code") => "Postal code",
        (Lang::En, "address") => "Address",
        (Lang::En, "birth_date") => "Date of birth",
        (Lang::Ja, "id") => "登録番号",
        (Lang::Ja, "name") => "氏名",
        (Lang::Ja, "name_kana") => "氏名（フリガナ）",
        (Lang::Ja, "email") => "メールアドレス",
        (Lang::Ja, "phone") => "電話番号",
        (Lang::Ja, "postal_code") => "郵便番号",
        (Lang::Ja, "address") => "住所",
        (Lang::Ja, "birth_date") => "生年月日",
        _ => return None,
    })
}

/// A fee as a letter writes it: `800円` or `JPY 800`.
pub fn yen(amount: u32, lang: Lang) -> String {
    let digits = amount.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match lang {
        Lang::Ja => format!("{grouped}円"),
        Lang::En => format!("JPY {grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_ground_has_both_wordings() {
        for k in RequestKind::ALL {
            for l in Lang::ALL {
                assert!(!kind_label(k, l).is_empty());
            }
            assert_ne!(kind_label(k, Lang::Ja), kind_label(k, Lang::En));
        }
        for g in RefusalGround::ALL {
            assert_ne!(ground_text(g, Lang::Ja), ground_text(g, Lang::En));
        }
        for law in Law::ALL {
            for l in Lang::ALL {
                assert!(!regulator(law, l).chars().any(|c| c.is_ascii_digit()));
            }
        }
        assert_eq!(yen(800, Lang::Ja), "800円");
        assert_eq!(yen(1200, Lang::En), "JPY 1,200");
        assert_eq!(yen(1234567, Lang::En), "JPY 1,234,567");
    }
}
