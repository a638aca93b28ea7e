package demo

import (
	"context"
	"fmt"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

var programmes = []training.Programme{
	{Title: "Premiers pas numériques", Level: "debutant", TotalHours: 40,
		Description: "Allumer un ordinateur, utiliser la souris et le clavier, aller sur internet, créer une adresse e-mail.\nEn petit groupe, à son rythme, sans rien savoir au départ.",
		TitleEn:     "First steps with computers", TitleAr: "الخطوات الأولى في العالم الرقمي",
		DescriptionEn: "Turn on a computer, use the mouse and keyboard, go on the internet, create an email address.\nIn a small group, at your own pace, starting from nothing.",
		DescriptionAr: "تشغيل الحاسوب، واستعمال الفأرة ولوحة المفاتيح، وتصفح الإنترنت، وإنشاء عنوان بريد إلكتروني.\nفي مجموعة صغيرة، حسب وتيرتك، دون أي معرفة مسبقة."},
	{Title: "Autonomie numérique", Level: "intermediaire", TotalHours: 60,
		Description: "Envoyer des e-mails avec des pièces jointes, ranger ses fichiers, utiliser son téléphone pour ses démarches, repérer les arnaques.",
		TitleEn:     "Digital independence", TitleAr: "الاستقلالية الرقمية",
		DescriptionEn: "Send emails with attachments, organise your files, use your phone for official procedures, spot scams.",
		DescriptionAr: "إرسال رسائل بريد إلكتروني مع مرفقات، وترتيب الملفات، واستعمال الهاتف في الإجراءات الإدارية، واكتشاف عمليات الاحتيال."},
	{Title: "Bureautique et démarches en ligne", Level: "avance", TotalHours: 60,
		Description: "Écrire un CV et une lettre avec un traitement de texte, faire un tableau simple, faire seul ses démarches sur les sites de la CAF, de France Travail et des impôts.",
		TitleEn:     "Office software and online procedures", TitleAr: "البرامج المكتبية والإجراءات عبر الإنترنت",
		DescriptionEn: "Write a CV and a letter with a word processor, make a simple table, carry out your own procedures on the CAF, France Travail and tax websites.",
		DescriptionAr: "كتابة سيرة ذاتية ورسالة ببرنامج معالجة النصوص، وإنشاء جدول بسيط، وإنجاز الإجراءات بنفسك على مواقع CAF وFrance Travail والضرائب."},
	{Title: "Développeur·se web", Level: "certifiant", TotalHours: 600, Certifying: true,
		Description: "Formation intensive de 600 heures pour devenir développeur·se web : HTML, CSS, JavaScript, bases de données, projet en équipe, stage en entreprise.\nElle prépare au titre professionnel reconnu par l'État.",
		TitleEn:     "Web developer", TitleAr: "مطوّر ويب",
		DescriptionEn: "A 600-hour intensive course to become a web developer: HTML, CSS, JavaScript, databases, team project, work placement.\nIt prepares for the professional title recognised by the State.",
		DescriptionAr: "تكوين مكثف لمدة 600 ساعة لتصبح مطوّر ويب: HTML وCSS وJavaScript وقواعد البيانات ومشروع جماعي وتدريب في شركة.\nيُعِدّ للشهادة المهنية المعترف بها من الدولة."},
}

// demoCohort is a cohort relative to today: days from today to its first and last
// day, its weekly timetable (local times), and the states it goes through.
type demoCohort struct {
	antenna, place, programme string
	capacity                  int
	from, to                  int // days from today
	weekdays                  []time.Weekday
	slots                     [][2]string // start, end
	advisers                  []string    // emails
	states                    []string    // after draft
}

var cohorts = []demoCohort{
	// Started ten days ago: a few meetings have passed, so a roll call can be taken
	// (it waits for the meeting's start).
	{"Lille", "La Grappe – tiers-lieu", "Premiers pas numériques", 12, -10, 52,
		[]time.Weekday{time.Tuesday, time.Thursday}, [][2]string{{"09:30", "12:00"}},
		[]string{"karim.lille@tremplin.example", "julie.lille@tremplin.example"}, []string{"open"}},
	// Eight seats: the learners package's demo enrols people here until one is left.
	{"Lille", "Centre social des Moulins", "Autonomie numérique", 8, 10, 80,
		[]time.Weekday{time.Monday, time.Wednesday}, [][2]string{{"14:00", "17:00"}},
		[]string{"thomas.lille@tremplin.example"}, []string{"open"}},
	{"Lille", "La Grappe – tiers-lieu", "Bureautique et démarches en ligne", 10, -140, -56,
		[]time.Weekday{time.Monday, time.Friday}, [][2]string{{"09:00", "12:00"}},
		[]string{"julie.lille@tremplin.example"}, []string{"open", "running", "finished"}},
	{"Lille", "La Grappe – tiers-lieu", "Développeur·se web", 16, 42, 210,
		[]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, [][2]string{{"09:30", "12:30"}, {"13:30", "16:30"}},
		[]string{"karim.lille@tremplin.example", "thomas.lille@tremplin.example"}, []string{"open"}},
	{"Paris – Île-de-France", "Salle Belleville", "Développeur·se web", 16, -56, 112,
		[]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday}, [][2]string{{"09:00", "12:30"}, {"13:30", "17:00"}},
		[]string{"manager.paris@tremplin.example"}, []string{"open", "running"}},
	{"Paris – Île-de-France", "Salle Belleville", "Premiers pas numériques", 10, 14, 70,
		[]time.Weekday{time.Friday}, [][2]string{{"09:30", "12:30"}},
		[]string{"manager.paris@tremplin.example"}, []string{"open"}},
	{"Bordeaux", "Espace Bastide", "Autonomie numérique", 12, 7, 77,
		[]time.Weekday{time.Tuesday, time.Thursday}, [][2]string{{"14:00", "17:00"}},
		[]string{"manager.bordeaux@tremplin.example"}, []string{"open"}},
	{"Dzaleka", "Dzaleka community learning centre", "Premiers pas numériques", 20, -2, 40,
		[]time.Weekday{time.Monday, time.Wednesday, time.Friday}, [][2]string{{"08:30", "11:00"}},
		[]string{"adviser.dzaleka@tremplin.example"}, []string{"open"}},
}

// frenchHolidays are the fixed-date public holidays, skipped by French timetables.
var frenchHolidays = []string{"01-01", "05-01", "05-08", "07-14", "08-15", "11-01", "11-11", "12-25"}

// seedTraining adds the demo data of the training package, idempotently: programmes by
// title, and an antenna's cohorts only when it has none yet.
func seedTraining(ctx context.Context, d *db.DB) error {
	existing, err := training.Programmes(ctx, d)
	if err != nil {
		return err
	}
	progIDs := map[string]int64{}
	for _, p := range existing {
		progIDs[p.Title] = p.ID
	}
	for _, p := range programmes {
		if progIDs[p.Title] != 0 {
			continue
		}
		if err := training.SaveProgramme(ctx, d, &p); err != nil {
			return err
		}
		progIDs[p.Title] = p.ID
	}
	antennas, err := org.AllAntennas(ctx, d)
	if err != nil {
		return err
	}
	all := auth.Scope{All: true}
	for _, a := range antennas {
		have, err := training.Cohorts(ctx, d, all, training.CohortFilter{AntennaID: a.ID})
		if err != nil {
			return err
		}
		if len(have) > 0 {
			continue
		}
		places, err := org.Places(ctx, d, all, a.ID)
		if err != nil {
			return err
		}
		placeIDs := map[string]int64{}
		for _, p := range places {
			placeIDs[p.Name] = p.ID
		}
		for _, dc := range cohorts {
			if dc.antenna != a.Name {
				continue
			}
			if err := seedCohort(ctx, d, a, placeIDs[dc.place], progIDs[dc.programme], dc); err != nil {
				return fmt.Errorf("demo cohort %s %s: %w", dc.antenna, dc.programme, err)
			}
		}
	}
	return nil
}

func seedCohort(ctx context.Context, d *db.DB, a *org.Antenna, placeID, programmeID int64, dc demoCohort) error {
	loc := training.Location(a.Timezone)
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	c := &training.Cohort{ProgrammeID: programmeID, AntennaID: a.ID, PlaceID: placeID, Capacity: dc.capacity,
		StartsOn: today.AddDate(0, 0, dc.from), EndsOn: today.AddDate(0, 0, dc.to), Timezone: a.Timezone}
	for _, email := range dc.advisers {
		st, err := auth.ByEmail(ctx, d, email)
		if err != nil {
			return err
		}
		c.Advisers = append(c.Advisers, st.ID)
	}
	if _, err := training.SaveCohort(ctx, d, c, 0); err != nil {
		return err
	}
	skip := map[string]bool{}
	if a.Country == "FR" {
		for y := c.StartsOn.Year(); y <= c.EndsOn.Year(); y++ {
			for _, md := range frenchHolidays {
				skip[fmt.Sprintf("%d-%s", y, md)] = true
			}
		}
	}
	var slots []training.Slot
	for _, s := range dc.slots {
		start, _ := time.Parse("15:04", s[0])
		end, _ := time.Parse("15:04", s[1])
		slots = append(slots, training.Weekly(c.StartsOn, c.EndsOn, dc.weekdays,
			start.Hour()*60+start.Minute(), end.Hour()*60+end.Minute(), skip, loc)...)
	}
	if _, err := training.AddMeetings(ctx, d, c.ID, slots); err != nil {
		return err
	}
	for _, s := range dc.states {
		if err := training.SetCohortState(ctx, d, c.ID, s); err != nil {
			return err
		}
	}
	return nil
}
