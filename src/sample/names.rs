//! Name and place pools for the generated sample customers. Every person
//! built from them is fictional; streets and buildings are made up.

/// One part of a name: as written, its katakana reading, its romaji.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamePart {
    pub written: &'static str,
    pub kana: &'static str,
    pub romaji: &'static str,
}

const fn np(written: &'static str, kana: &'static str, romaji: &'static str) -> NamePart {
    NamePart {
        written,
        kana,
        romaji,
    }
}

pub const JP_FAMILY: &[NamePart] = &[
    np("佐藤", "サトウ", "Sato"),
    np("鈴木", "スズキ", "Suzuki"),
    np("高橋", "タカハシ", "Takahashi"),
    np("田中", "タナカ", "Tanaka"),
    np("伊藤", "イトウ", "Ito"),
    np("渡辺", "ワタナベ", "Watanabe"),
    np("山本", "ヤマモト", "Yamamoto"),
    np("中村", "ナカムラ", "Nakamura"),
    np("小林", "コバヤシ", "Kobayashi"),
    np("加藤", "カトウ", "Kato"),
    np("吉田", "ヨシダ", "Yoshida"),
    np("山田", "ヤマダ", "Yamada"),
    np("佐々木", "ササキ", "Sasaki"),
    np("山口", "ヤマグチ", "Yamaguchi"),
    np("松本", "マツモト", "Matsumoto"),
    np("井上", "イノウエ", "Inoue"),
    np("木村", "キムラ", "Kimura"),
    np("林", "ハヤシ", "Hayashi"),
    np("斎藤", "サイトウ", "Saito"),
    np("清水", "シミズ", "Shimizu"),
    np("山崎", "ヤマザキ", "Yamazaki"),
    np("森", "モリ", "Mori"),
    np("池田", "イケダ", "Ikeda"),
    np("橋本", "ハシモト", "Hashimoto"),
    np("阿部", "アベ", "Abe"),
    np("石川", "イシカワ", "Ishikawa"),
    np("山下", "ヤマシタ", "Yamashita"),
    np("中島", "ナカジマ", "Nakajima"),
    np("石井", "イシイ", "Ishii"),
    np("小川", "オガワ", "Ogawa"),
    np("前田", "マエダ", "Maeda"),
    np("岡田", "オカダ", "Okada"),
    np("長谷川", "ハセガワ", "Hasegawa"),
    np("藤田", "フジタ", "Fujita"),
    np("後藤", "ゴトウ", "Goto"),
    np("近藤", "コンドウ", "Kondo"),
    np("村上", "ムラカミ", "Murakami"),
    np("遠藤", "エンドウ", "Endo"),
    np("青木", "アオキ", "Aoki"),
    np("坂本", "サカモト", "Sakamoto"),
    np("斉藤", "サイトウ", "Saito"),
    np("福田", "フクダ", "Fukuda"),
    np("太田", "オオタ", "Ota"),
    np("西村", "ニシムラ", "Nishimura"),
    np("藤井", "フジイ", "Fujii"),
    np("金子", "カネコ", "Kaneko"),
    np("岡本", "オカモト", "Okamoto"),
    np("藤原", "フジワラ", "Fujiwara"),
    np("中野", "ナカノ", "Nakano"),
    np("三浦", "ミウラ", "Miura"),
    np("原田", "ハラダ", "Harada"),
    np("松田", "マツダ", "Matsuda"),
    np("竹内", "タケウチ", "Takeuchi"),
    np("上田", "ウエダ", "Ueda"),
    np("小山", "コヤマ", "Koyama"),
];

pub const JP_GIVEN_MALE: &[NamePart] = &[
    np("太郎", "タロウ", "Taro"),
    np("健一", "ケンイチ", "Kenichi"),
    np("大輔", "ダイスケ", "Daisuke"),
    np("翔太", "ショウタ", "Shota"),
    np("拓也", "タクヤ", "Takuya"),
    np("健太", "ケンタ", "Kenta"),
    np("誠", "マコト", "Makoto"),
    np("浩", "ヒロシ", "Hiroshi"),
    np("隆", "タカシ", "Takashi"),
    np("修", "オサム", "Osamu"),
    np("直樹", "ナオキ", "Naoki"),
    np("亮", "リョウ", "Ryo"),
    np("蓮", "レン", "Ren"),
    np("悠真", "ユウマ", "Yuma"),
    np("湊", "ミナト", "Minato"),
    np("大翔", "ヒロト", "Hiroto"),
    np("和也", "カズヤ", "Kazuya"),
    np("達也", "タツヤ", "Tatsuya"),
    np("一郎", "イチロウ", "Ichiro"),
    np("正人", "マサト", "Masato"),
    np("秀樹", "ヒデキ", "Hideki"),
    np("剛", "ツヨシ", "Tsuyoshi"),
    np("悠斗", "ユウト", "Yuto"),
    np("陽太", "ヨウタ", "Yota"),
    np("智也", "トモヤ", "Tomoya"),
    np("雄一", "ユウイチ", "Yuichi"),
    np("俊介", "シュンスケ", "Shunsuke"),
    np("康介", "コウスケ", "Kosuke"),
];

pub const JP_GIVEN_FEMALE: &[NamePart] = &[
    np("花子", "ハナコ", "Hanako"),
    np("美咲", "ミサキ", "Misaki"),
    np("陽子", "ヨウコ", "Yoko"),
    np("恵子", "ケイコ", "Keiko"),
    np("由美", "ユミ", "Yumi"),
    np("美穂", "ミホ", "Miho"),
    np("真由美", "マユミ", "Mayumi"),
    np("さくら", "サクラ", "Sakura"),
    np("結衣", "ユイ", "Yui"),
    np("陽菜", "ヒナ", "Hina"),
    np("葵", "アオイ", "Aoi"),
    np("愛", "アイ", "Ai"),
    np("舞", "マイ", "Mai"),
    np("彩", "アヤ", "Aya"),
    np("直美", "ナオミ", "Naomi"),
    np("智子", "トモコ", "Tomoko"),
    np("久美子", "クミコ", "Kumiko"),
    np("裕子", "ユウコ", "Yuko"),
    np("明美", "アケミ", "Akemi"),
    np("優子", "ユウコ", "Yuko"),
    np("千尋", "チヒロ", "Chihiro"),
    np("菜々子", "ナナコ", "Nanako"),
    np("凛", "リン", "Rin"),
    np("芽衣", "メイ", "Mei"),
    np("彩花", "アヤカ", "Ayaka"),
    np("麻衣", "マイ", "Mai"),
    np("理恵", "リエ", "Rie"),
    np("香織", "カオリ", "Kaori"),
];

/// Western names: `written` and `romaji` are the Latin spelling.
pub const WEST_FAMILY: &[NamePart] = &[
    np("Smith", "スミス", "Smith"),
    np("Johnson", "ジョンソン", "Johnson"),
    np("Williams", "ウィリアムズ", "Williams"),
    np("Brown", "ブラウン", "Brown"),
    np("Miller", "ミラー", "Miller"),
    np("Davis", "デイビス", "Davis"),
    np("Wilson", "ウィルソン", "Wilson"),
    np("Taylor", "テイラー", "Taylor"),
    np("Anderson", "アンダーソン", "Anderson"),
    np("Thomas", "トーマス", "Thomas"),
    np("Martin", "マーティン", "Martin"),
    np("Garcia", "ガルシア", "Garcia"),
    np("Clark", "クラーク", "Clark"),
    np("Lewis", "ルイス", "Lewis"),
    np("Walker", "ウォーカー", "Walker"),
    np("Young", "ヤング", "Young"),
    np("Müller", "ミュラー", "Muller"),
    np("Schmidt", "シュミット", "Schmidt"),
    np("Dubois", "デュボワ", "Dubois"),
    np("Rossi", "ロッシ", "Rossi"),
    np("Kim", "キム", "Kim"),
    np("Nguyen", "グエン", "Nguyen"),
];

pub const WEST_GIVEN: &[NamePart] = &[
    np("John", "ジョン", "John"),
    np("Emily", "エミリー", "Emily"),
    np("Michael", "マイケル", "Michael"),
    np("Sarah", "サラ", "Sarah"),
    np("David", "デイビッド", "David"),
    np("Laura", "ローラ", "Laura"),
    np("James", "ジェームズ", "James"),
    np("Anna", "アンナ", "Anna"),
    np("Robert", "ロバート", "Robert"),
    np("Olivia", "オリビア", "Olivia"),
    np("Daniel", "ダニエル", "Daniel"),
    np("Sophie", "ソフィー", "Sophie"),
    np("Thomas", "トーマス", "Thomas"),
    np("Emma", "エマ", "Emma"),
    np("Lucas", "ルーカス", "Lucas"),
    np("Chloe", "クロエ", "Chloe"),
    np("Marco", "マルコ", "Marco"),
    np("Minh", "ミン", "Minh"),
];

/// A place: prefecture, city, first three postal digits, landline area code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub prefecture: &'static str,
    pub city: &'static str,
    pub postal3: &'static str,
    pub area_code: &'static str,
}

const fn pl(
    prefecture: &'static str,
    city: &'static str,
    postal3: &'static str,
    area_code: &'static str,
) -> Place {
    Place {
        prefecture,
        city,
        postal3,
        area_code,
    }
}

pub const PLACES: &[Place] = &[
    pl("東京都", "千代田区", "100", "03"),
    pl("東京都", "新宿区", "160", "03"),
    pl("東京都", "世田谷区", "154", "03"),
    pl("東京都", "八王子市", "192", "042"),
    pl("神奈川県", "横浜市港北区", "222", "045"),
    pl("神奈川県", "川崎市中原区", "211", "044"),
    pl("埼玉県", "さいたま市浦和区", "330", "048"),
    pl("千葉県", "千葉市中央区", "260", "043"),
    pl("大阪府", "大阪市北区", "530", "06"),
    pl("大阪府", "堺市堺区", "590", "072"),
    pl("京都府", "京都市中京区", "604", "075"),
    pl("兵庫県", "神戸市中央区", "650", "078"),
    pl("愛知県", "名古屋市中区", "460", "052"),
    pl("福岡県", "福岡市博多区", "812", "092"),
    pl("北海道", "札幌市中央区", "060", "011"),
    pl("宮城県", "仙台市青葉区", "980", "022"),
    pl("広島県", "広島市中区", "730", "082"),
    pl("静岡県", "静岡市葵区", "420", "054"),
    pl("新潟県", "新潟市中央区", "950", "025"),
    pl("沖縄県", "那覇市", "900", "098"),
];

/// Made-up neighbourhood names for street lines.
pub const TOWNS: &[&str] = &[
    "みどり台",
    "桜ヶ丘",
    "若葉町",
    "旭町",
    "本町",
    "栄町",
    "緑が丘",
    "青葉台",
    "富士見町",
    "東雲",
    "松風町",
    "泉町",
    "花園",
    "朝日が丘",
    "光町",
    "柳町",
];

/// Made-up building names (some lines get a flat number).
pub const BUILDINGS: &[&str] = &[
    "サンプルハイツ",
    "コーポ見本",
    "メゾン架空",
    "グリーンテラス",
    "パークサイド模擬",
];

/// Fictional mail domains only.
pub const DOMAINS: &[&str] = &["example.jp", "example.com", "example.net", "example.org"];
