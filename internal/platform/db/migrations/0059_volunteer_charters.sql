-- The association's volunteer charter, one row a version with its text in each
-- language of the site. The current charter is the latest version published on
-- or before today; a volunteer whose latest 'charter' requirement names an older
-- version is asked to accept the new one (the version accepted and the time are
-- kept in volunteer_requirements).
CREATE TABLE volunteer_charters (
    version INTEGER PRIMARY KEY,
    published_on TEXT NOT NULL,
    text_fr TEXT NOT NULL,
    text_en TEXT NOT NULL,
    text_ar TEXT NOT NULL
);
INSERT INTO volunteer_charters (version, published_on, text_fr, text_en, text_ar) VALUES (1, '2026-01-01',
'Je donne mon temps librement, sans rémunération. Je respecte les personnes accompagnées, leur vie privée et leurs choix, sans jugement ni prosélytisme. Je garde pour moi ce que j''apprends de leur situation. Je préviens l''antenne si je ne peux pas venir. Je suis les consignes de l''équipe salariée et je lui signale toute difficulté.',
'I give my time freely, without pay. I respect the people we support, their privacy and their choices, without judgement or proselytism. I keep to myself what I learn about their situation. I tell the branch when I cannot come. I follow the staff''s guidance and tell them of any difficulty.',
'أتطوع بوقتي بحرية ودون أجر. أحترم الأشخاص الذين نرافقهم وخصوصيتهم واختياراتهم، دون إصدار أحكام ودون تبشير. أحتفظ لنفسي بما أعرفه عن أوضاعهم. أُبلغ الفرع عندما لا أستطيع الحضور. أتبع توجيهات الفريق وأُبلغه بأي صعوبة.');

-- How long a check of honourability stays valid, as a dated parameter the board
-- may change: a check seen on a day expires that many months later, by the
-- period in force on the day it was seen.
CREATE TABLE volunteer_check_validity (
    valid_from TEXT PRIMARY KEY,
    months INTEGER NOT NULL CHECK (months > 0)
);
INSERT INTO volunteer_check_validity (valid_from, months) VALUES ('2020-01-01', 36);
