//! What leaves the server masked: the personal values of records (email,
//! phone, postal code, address, birth date), of a case's requester (email,
//! phone, postal address) and the names in the queue (masked there by the
//! queue index). A session gets them unmasked only from a reveal with a
//! purpose. Masking a masked value changes nothing, so a screen may mask
//! again what it is given.

use crate::desk::CaseView;
use crate::domain::mask::{mask_address, mask_email, mask_field, mask_phone};
use crate::domain::{Case, Contact, Record, SearchSnapshot};

pub(crate) fn record(r: &mut Record) {
    record_but(r, None)
}

/// Mask a record except `keep`, one masked field shown in full (a reveal of
/// one value).
pub(crate) fn record_but(r: &mut Record, keep: Option<&str>) {
    for (field, value) in [
        ("email", &mut r.email),
        ("phone", &mut r.phone),
        ("postal_code", &mut r.postal_code),
        ("address", &mut r.address),
        ("birth_date", &mut r.birth_date),
    ] {
        if Some(field) == keep {
            continue;
        }
        if let Some(v) = value.as_mut() {
            *v = mask_field(field, v);
        }
    }
}

pub(crate) fn snapshot(s: &mut SearchSnapshot) {
    for p in &mut s.persons {
        p.records.iter_mut().for_each(record);
    }
}

pub(crate) fn contact(c: &mut Contact) {
    if let Some(v) = c.email.as_mut() {
        *v = mask_email(v);
    }
    if let Some(v) = c.phone.as_mut() {
        *v = mask_phone(v);
    }
    if let Some(v) = c.postal_address.as_mut() {
        *v = mask_address(v);
    }
}

pub(crate) fn case(c: &mut Case) {
    contact(&mut c.requester.contact);
}

pub(crate) fn case_view(v: &mut CaseView) {
    case(&mut v.case);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_leave_masked_and_masking_twice_is_masking_once() {
        let mut r = Record {
            system: "crm".into(),
            id: "C-1".into(),
            name: Some("山田 太郎".into()),
            email: Some("taro.yamada@example.jp".into()),
            phone: Some("090-1234-5678".into()),
            postal_code: Some("100-0001".into()),
            address: Some("東京都千代田区1-1".into()),
            birth_date: Some("1980-01-02".into()),
            ..Default::default()
        };
        record(&mut r);
        let once = r.clone();
        record(&mut r);
        assert_eq!(r, once);
        assert_eq!(r.name.as_deref(), Some("山田 太郎"));
        for v in [
            &r.email,
            &r.phone,
            &r.postal_code,
            &r.address,
            &r.birth_date,
        ] {
            let v = v.as_deref().unwrap();
            assert!(v.contains("***"), "{v}");
        }
        assert!(!format!("{r:?}").contains("5678-") && !format!("{r:?}").contains("taro.yamada"));
    }
}
