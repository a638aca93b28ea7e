package demo

import (
	"context"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/positioning"
)

type demoAnswer struct {
	fr, en, ar string
	weight     int
}

// scale is the usual ladder of answers, from "cannot" to "can teach it".
var scale = []demoAnswer{
	{"Je ne sais pas faire", "I can't do it", "لا أعرف كيف أفعل ذلك", 0},
	{"Avec de l'aide", "With some help", "بمساعدة شخص آخر", 40},
	{"Seul·e, sans aide", "On my own", "بمفردي دون مساعدة", 80},
	{"Je peux l'expliquer à quelqu'un", "I can explain it to someone", "أستطيع أن أشرح ذلك لغيري", 100},
}

// starterQuestions is a first questionnaire: at least one concrete, everyday
// question per competence, in simple French with English and Arabic.
var starterQuestions = []struct {
	competence, fr, en, ar string
	answers                []demoAnswer // nil: the usual scale
}{
	{"1.1", "Chercher l'horaire d'un bus sur internet", "Look up a bus timetable on the internet", "البحث عن مواعيد الحافلة على الإنترنت", nil},
	{"1.1", "Vérifier si une information lue sur internet est vraie", "Check whether something you read on the internet is true", "التحقق من صحة معلومة قرأتها على الإنترنت", []demoAnswer{
		{"Je ne vérifie pas", "I don't check", "لا أتحقق منها", 0},
		{"Je demande à quelqu'un", "I ask someone", "أسأل شخصًا آخر", 40},
		{"Je regarde qui a écrit le site et la date", "I look at who wrote the site and the date", "أنظر إلى من كتب الموقع وإلى التاريخ", 80},
		{"Je compare avec d'autres sites sérieux", "I compare with other reliable sites", "أقارنها بمواقع موثوقة أخرى", 100},
	}},
	{"1.2", "Ranger ses photos et ses documents dans des dossiers, sur le téléphone ou l'ordinateur", "Sort your photos and documents into folders, on your phone or computer", "ترتيب صورك ومستنداتك في مجلدات على الهاتف أو الحاسوب", nil},
	{"1.3", "Faire un tableau simple de ses dépenses du mois (Excel, LibreOffice Calc…)", "Make a simple table of your monthly spending (Excel, LibreOffice Calc…)", "إعداد جدول بسيط لمصاريفك الشهرية (Excel أو LibreOffice Calc…)", nil},
	{"2.1", "Envoyer une photo par WhatsApp", "Send a photo on WhatsApp", "إرسال صورة عبر واتساب", nil},
	{"2.1", "Écrire un e-mail avec une pièce jointe, par exemple son CV", "Write an email with an attachment, for example your CV", "كتابة رسالة بريد إلكتروني مع مرفق، مثل سيرتك الذاتية", []demoAnswer{
		{"Je n'ai pas d'adresse e-mail", "I don't have an email address", "ليس لدي بريد إلكتروني", 0},
		{"J'ai une adresse, mais je ne sais pas joindre un fichier", "I have an address, but I can't attach a file", "لدي بريد إلكتروني، لكن لا أعرف كيف أرفق ملفًا", 30},
		{"Je le fais seul·e", "I do it on my own", "أفعل ذلك بمفردي", 80},
		{"Je le fais et j'aide les autres", "I do it and I help others", "أفعل ذلك وأساعد غيري", 100},
	}},
	{"2.2", "Partager un document avec un lien (Google Drive, WeTransfer…)", "Share a document with a link (Google Drive, WeTransfer…)", "مشاركة مستند عبر رابط (Google Drive أو WeTransfer…)", nil},
	{"2.3", "Participer à un appel vidéo (Zoom, Teams, WhatsApp)", "Join a video call (Zoom, Teams, WhatsApp)", "المشاركة في مكالمة فيديو (Zoom أو Teams أو WhatsApp)", []demoAnswer{
		{"Je n'ai jamais essayé", "I have never tried", "لم أجرّب ذلك أبدًا", 0},
		{"Quand quelqu'un m'envoie le lien et m'aide", "When someone sends me the link and helps me", "عندما يرسل لي أحدهم الرابط ويساعدني", 40},
		{"Seul·e, avec le micro et la caméra", "On my own, with microphone and camera", "بمفردي، مع الميكروفون والكاميرا", 80},
		{"Je sais aussi partager mon écran", "I can also share my screen", "أعرف أيضًا كيف أشارك شاشتي", 100},
	}},
	{"2.4", "Faire une démarche en ligne : CAF, France Travail, ameli…", "Do a procedure online: CAF, France Travail, ameli…", "إنجاز معاملة إدارية عبر الإنترنت: CAF أو France Travail أو ameli…", nil},
	{"3.1", "Écrire son CV avec un traitement de texte (Word, LibreOffice Writer)", "Write your CV with a word processor (Word, LibreOffice Writer)", "كتابة سيرتك الذاتية ببرنامج معالجة نصوص (Word أو LibreOffice Writer)", nil},
	{"3.2", "Prendre en photo un document et recadrer la photo pour qu'il soit lisible", "Take a photo of a document and crop it so that it can be read", "تصوير مستند وقصّ الصورة لتكون مقروءة", nil},
	{"3.3", "Transformer un document en PDF avant de l'envoyer", "Turn a document into a PDF before sending it", "تحويل مستند إلى ملف PDF قبل إرساله", nil},
	{"3.4", "Programmer : écrire une suite d'instructions, par exemple un petit jeu sur Scratch", "Programming: write a sequence of instructions, for example a small game on Scratch", "البرمجة: كتابة سلسلة من التعليمات، مثل لعبة صغيرة على Scratch", []demoAnswer{
		{"Je n'ai jamais essayé", "I have never tried", "لم أجرّب ذلك أبدًا", 0},
		{"J'ai déjà suivi un tutoriel", "I have followed a tutorial", "سبق أن اتبعت درسًا تعليميًا", 40},
		{"Je crée un petit programme seul·e", "I make a small programme on my own", "أُنشئ برنامجًا صغيرًا بمفردي", 80},
		{"Je sais trouver et corriger une erreur dans un programme", "I can find and fix a mistake in a programme", "أعرف كيف أجد خطأً في برنامج وأصححه", 100},
	}},
	{"4.1", "Créer un mot de passe solide, et ne pas utiliser le même partout", "Create a strong password, and not use the same one everywhere", "إنشاء كلمة مرور قوية، وعدم استخدام الكلمة نفسها في كل مكان", nil},
	{"4.1", "Reconnaître un faux message (arnaque par SMS ou par e-mail)", "Recognise a fake message (a scam by text or email)", "التعرّف على رسالة مزيّفة (احتيال عبر رسالة نصية أو بريد إلكتروني)", []demoAnswer{
		{"Je ne sais pas les reconnaître", "I can't recognise them", "لا أعرف كيف أميّزها", 0},
		{"J'ai un doute, alors je demande à quelqu'un", "I have doubts, so I ask someone", "أشكّ فيها، فأسأل شخصًا آخر", 50},
		{"Je les reconnais et je les supprime", "I recognise them and delete them", "أتعرّف عليها وأحذفها", 100},
	}},
	{"4.2", "Choisir qui peut voir ses photos et ses informations sur Facebook ou Instagram", "Choose who can see your photos and information on Facebook or Instagram", "اختيار من يستطيع رؤية صورك ومعلوماتك على فيسبوك أو إنستغرام", nil},
	{"4.3", "Limiter son temps d'écran et couper les notifications la nuit", "Limit your screen time and turn off notifications at night", "تقليل وقت استخدام الشاشة وإيقاف الإشعارات ليلًا", nil},
	{"5.1", "Se connecter à un réseau Wi-Fi avec un mot de passe", "Connect to a Wi-Fi network with a password", "الاتصال بشبكة واي فاي باستخدام كلمة مرور", nil},
	{"5.1", "Libérer de la place quand le téléphone est plein", "Free up space when your phone is full", "إفراغ مساحة عندما تمتلئ ذاكرة الهاتف", nil},
	{"5.2", "Installer une application sur son téléphone et la mettre à jour", "Install an app on your phone and update it", "تثبيت تطبيق على هاتفك وتحديثه", nil},
}

// seedPositioning writes the starter questionnaire when there is none yet. The
// default thresholds (35 % and 70 %) come with the migration.
func seedPositioning(ctx context.Context, d *db.DB) error {
	var qs []*positioning.Question
	for _, sq := range starterQuestions {
		q := &positioning.Question{Competence: sq.competence, Text: positioning.Text{FR: sq.fr, EN: sq.en, AR: sq.ar}, Active: true}
		answers := sq.answers
		if answers == nil {
			answers = scale
		}
		for _, a := range answers {
			q.Answers = append(q.Answers, positioning.Answer{Text: positioning.Text{FR: a.fr, EN: a.en, AR: a.ar}, Weight: a.weight})
		}
		qs = append(qs, q)
	}
	if _, err := positioning.SeedQuestionnaire(ctx, d, qs); err != nil {
		return err
	}
	return seedTests(ctx, d)
}

// seedTests gives the demo people who went beyond the first contact the test
// they took two days after registering, and those who finished training a second
// one near the end, higher: their files show their progress and the dashboards
// count them as positioned. People who already have a test are left as they are.
func seedTests(ctx context.Context, d *db.DB) error {
	questions, err := positioning.ActiveQuestions(ctx, d)
	if err != nil || len(questions) == 0 {
		return err
	}
	th, err := positioning.LoadThresholds(ctx, d)
	if err != nil {
		return err
	}
	type person struct {
		id, staff     int64
		lang, status  string
		created, exit string
	}
	rows, err := d.QueryContext(ctx, `SELECT l.id, COALESCE((SELECT MIN(sa.staff_id) FROM staff_antennas sa WHERE sa.antenna_id = l.antenna_id), 0),
		l.lang, l.status, l.created_at, l.exited_on FROM learners l
		WHERE l.merged_into IS NULL AND l.status NOT IN ('received', 'contacted', 'not_eligible')
		AND NOT EXISTS (SELECT 1 FROM positioning_tests t WHERE t.learner_id = l.id) ORDER BY l.id`)
	people, err := db.Collect[person](rows, err)(func(r db.Scanner) (person, error) {
		var p person
		return p, r.Scan(&p.id, &p.staff, &p.lang, &p.status, &p.created, &p.exit)
	})
	if err != nil {
		return err
	}
	now := time.Now()
	take := func(p person, at time.Time, better int) error {
		chosen := map[int64]int64{}
		for i, q := range questions {
			// A spread of answers that differs from one person to the next.
			k := min(len(q.Answers)-1, int(p.id+int64(i))%len(q.Answers)+better)
			chosen[q.ID] = q.Answers[k].ID
		}
		t, err := positioning.Take(questions, chosen, th, p.lang)
		if err != nil {
			return err
		}
		t.LearnerID, t.StaffID, t.TakenAt = p.id, p.staff, at
		return positioning.SaveTest(ctx, d, t)
	}
	for _, p := range people {
		first := db.ParseTime(p.created).AddDate(0, 0, 2)
		if first.After(now) {
			first = now
		}
		if err := take(p, first, 0); err != nil {
			return err
		}
		if exit, err := time.Parse(time.DateOnly, p.exit); err == nil && (p.status == "completed" || p.status == "certified") && exit.After(first) {
			if err := take(p, exit.Add(10*time.Hour), 2); err != nil {
				return err
			}
		}
	}
	return nil
}
