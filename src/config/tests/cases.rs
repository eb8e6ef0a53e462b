use super::{find, ok, problems};
use crate::domain::case::DEFAULT_CHANNELS;

#[test]
fn default_channels_exclude_in_person() {
    let c = ok("");
    assert_eq!(
        c.cases.channels,
        DEFAULT_CHANNELS.map(String::from).to_vec()
    );
    assert!(!c.cases.channels.iter().any(|c| c == "in_person"));
    let c = ok("[cases]\nchannels = [\"phone\", \"in_person\"]\n");
    assert_eq!(c.cases.channels, ["phone", "in_person"]);
}

#[test]
fn channel_lists_are_checked_with_locations() {
    let ps = problems("[cases]\nchannels = []\n");
    let p = find(&ps, "cases.channels is empty");
    assert_eq!(p.line, 2);
    let ps = problems("[cases]\nchannels = [\"phone\", \"Postal Mail\", \"phone\"]\n");
    find(&ps, "channel \"Postal Mail\" must be a short name");
    find(&ps, "channel \"phone\" is listed twice");
}
