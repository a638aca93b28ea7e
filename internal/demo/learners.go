package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

// demoLearner is an invented person and how far they have gone.
type demoLearner struct {
	antenna, first, last, phone string
	year                        int
	where, lang                 string
	languages, situations       []string
	equipment, availabilities   []string
	french, heard               string
	daysAgo                     int
	contacts                    []string // contact kinds, in order
	status, reason              string   // a decision, when beyond "contacted"
	exitMonthsAgo               int      // for completed, certified, dropped
	m3                          string   // situation recorded at +3 months
}

var demoLearners = []demoLearner{
	{"Lille", "Amina", "Haddad", "06 12 34 56 01", 1994, "59000 Lille", "ar", []string{"ar", "fr"}, []string{"rsa"},
		[]string{"smartphone"}, []string{"mornings"}, "a_little", "friend", 2, nil, "", "", 0, ""},
	{"Lille", "Kevin", "Lemaire", "06 12 34 56 02", 2004, "59100 Roubaix", "fr", []string{"fr"}, []string{"young_unqualified", "qpv"},
		[]string{"smartphone", "internet"}, []string{"afternoons"}, "fluent", "employment_agency", 9, []string{"no_answer", "reached"}, "", "", 0, ""},
	{"Lille", "Fatima Zahra", "El Amrani", "06 12 34 56 03", 1988, "59000 Lille", "fr", []string{"ar", "fr"}, []string{"job_seeker"},
		[]string{"smartphone"}, []string{"mornings", "afternoons"}, "everyday", "social_worker", 12, []string{"no_answer"}, "", "", 0, ""},
	// The same person again, a few days later, from another phone: a likely duplicate.
	{"Lille", "Fatima-Zahra", "EL AMRANI", "07 81 22 33 44", 1988, "59000", "ar", []string{"ar"}, []string{"job_seeker"},
		[]string{"smartphone"}, []string{"mornings"}, "everyday", "friend", 3, nil, "", "", 0, ""},
	{"Lille", "Yonas", "Tesfaye", "07 53 11 22 33", 1996, "59000 Lille", "en", []string{"ti", "en"}, []string{"asylum"},
		[]string{"smartphone"}, []string{"mornings", "saturday"}, "a_little", "social_worker", 15, []string{"reached", "interview"}, "", "", 0, ""},
	{"Lille", "Nadia", "Boukherroub", "06 44 55 66 77", 1979, "59000 Lille", "fr", []string{"fr", "ar"}, []string{"rsa", "qpv"},
		[]string{"smartphone"}, []string{"mornings"}, "fluent", "social_worker", 30, []string{"reached"}, learners.Enrolled, "", 0, ""},
	{"Lille", "Sébastien", "Delattre", "06 70 80 90 10", 1985, "59260 Hellemmes", "fr", []string{"fr"}, []string{"job_seeker"},
		[]string{"computer", "internet"}, []string{"evenings"}, "fluent", "website", 25, []string{"reached"},
		learners.Oriented, "Cherche une formation de technicien réseau : orienté vers l'AFPA de Roubaix.", 0, ""},
	{"Lille", "Mohammed", "Al-Rashid", "07 66 12 98 45", 1991, "59000 Lille", "ar", []string{"ar", "en"}, []string{"asylum", "job_seeker"},
		[]string{"smartphone"}, []string{"mornings", "afternoons"}, "a_little", "friend", 28, []string{"no_answer", "reached"}, learners.Waitlisted, "", 0, ""},
	{"Lille", "Chloé", "Vandamme", "06 23 45 67 89", 2001, "59800 Lille", "fr", []string{"fr", "en"}, []string{"young_unqualified"},
		[]string{"smartphone", "computer"}, []string{"mornings", "afternoons"}, "fluent", "social_media", 60, []string{"reached"}, learners.InTraining, "", 0, ""},
	{"Lille", "Ibrahima", "Sow", "06 98 76 54 32", 1983, "59000 Lille", "fr", []string{"fr"}, []string{"rsa"},
		[]string{"smartphone"}, []string{"afternoons"}, "fluent", "employment_agency", 200, []string{"reached"}, learners.Completed, "", 4, ""},
	{"Lille", "Océane", "Lefebvre", "06 11 22 33 44", 1999, "59130 Lambersart", "fr", []string{"fr"}, []string{"young_unqualified"},
		[]string{"smartphone", "computer", "internet"}, []string{"mornings", "afternoons"}, "fluent", "event", 320, []string{"reached"},
		learners.Certified, "Titre professionnel Développeur web et web mobile", 7, "cdd_long"},
	{"Lille", "Ahmad", "Noori", "07 45 67 89 01", 1990, "59000 Lille", "en", []string{"fa_ps", "en"}, nil,
		[]string{"smartphone", "computer"}, []string{"evenings"}, "a_little", "friend", 20, []string{"reached"},
		learners.NotEligible, "Déjà diplômé en informatique (master) : le parcours ne lui apporterait rien ; mis en lien avec le réseau des entreprises partenaires.", 0, ""},
	{"Lille", "Julie", "Carpentier", "06 33 21 54 76", 1997, "59650 Villeneuve-d'Ascq", "fr", []string{"fr"}, []string{"job_seeker"},
		[]string{"smartphone"}, []string{"mornings"}, "fluent", "poster", 150, []string{"reached"}, learners.Dropped, "Déménagement à Lyon en cours de formation.", 2, ""},
	{"Paris – Île-de-France", "Moussa", "Camara", "06 52 43 21 09", 1993, "75019 Paris", "fr", []string{"fr", "other"}, []string{"job_seeker"},
		[]string{"smartphone"}, []string{"afternoons"}, "everyday", "social_worker", 4, nil, "", "", 0, ""},
	{"Paris – Île-de-France", "Samira", "Benali", "07 82 34 56 78", 1986, "93200 Saint-Denis", "fr", []string{"fr", "ar"}, []string{"rsa", "qpv"},
		[]string{"smartphone", "internet"}, []string{"mornings"}, "fluent", "friend", 11, []string{"sms", "reached"}, "", "", 0, ""},
	{"Paris – Île-de-France", "Thi Lan", "Nguyen", "06 87 65 43 21", 2002, "75020 Paris", "fr", []string{"fr", "other"}, []string{"young_unqualified"},
		[]string{"smartphone", "computer"}, []string{"evenings", "saturday"}, "everyday", "social_media", 6, nil, "", "", 0, ""},
	{"Bordeaux", "Pierre", "Dubois", "06 45 32 10 98", 1975, "33100 Bordeaux", "fr", []string{"fr"}, []string{"rsa"},
		[]string{"smartphone"}, []string{"mornings"}, "fluent", "employment_agency", 5, nil, "", "", 0, ""},
	{"Bordeaux", "Aïcha", "Traoré", "07 56 78 90 12", 1998, "33300 Bordeaux", "fr", []string{"fr", "other"}, []string{"qpv", "job_seeker"},
		[]string{"smartphone"}, []string{"afternoons", "saturday"}, "fluent", "friend", 8, []string{"no_answer"}, "", "", 0, ""},
	{"Dzaleka", "Jean-Claude", "Habimana", "0991 23 45 67", 1992, "Dzaleka", "en", []string{"sw", "en", "fr"}, []string{"asylum"},
		[]string{"smartphone"}, []string{"mornings"}, "everyday", "friend", 3, nil, "", "", 0, ""},
	{"Dzaleka", "Espérance", "Uwimana", "0888 12 34 56", 2000, "Dzaleka", "fr", []string{"fr", "sw"}, nil,
		[]string{"smartphone"}, []string{"afternoons", "saturday"}, "everyday", "event", 14, []string{"reached", "interview"}, "", "", 0, ""},
	{"Dzaleka", "Patrick", "Mugisha", "0999 87 65 43", 1995, "Dzaleka", "en", []string{"sw", "en"}, nil,
		[]string{"smartphone", "computer"}, []string{"mornings", "afternoons"}, "a_little", "friend", 45, []string{"reached"}, learners.InTraining, "", 0, ""},
}

// demoGenders are the answers to the optional question; the others did not answer.
var demoGenders = map[string]string{"Amina": "woman", "Kevin": "man", "Fatima Zahra": "woman", "Fatima-Zahra": "woman",
	"Yonas": "man", "Nadia": "woman", "Mohammed": "man", "Chloé": "woman", "Océane": "woman", "Ahmad": "man", "Julie": "woman",
	"Samira": "woman", "Thi Lan": "woman", "Pierre": "man", "Aïcha": "woman", "Jean-Claude": "man", "Patrick": "man"}

// seedLearners adds the demo data of the learners package, idempotently: a person
// already there (same antenna, phone and name) is left as is.
func seedLearners(ctx context.Context, d *db.DB) error {
	all, err := org.AllAntennas(ctx, d)
	if err != nil {
		return err
	}
	antennas := map[string]*org.Antenna{}
	for _, a := range all {
		antennas[a.Name] = a
	}
	advisers := map[string]int64{}
	for name, email := range map[string]string{"Lille": "karim.lille@tremplin.example", "Paris – Île-de-France": "manager.paris@tremplin.example",
		"Bordeaux": "manager.bordeaux@tremplin.example", "Dzaleka": "adviser.dzaleka@tremplin.example"} {
		st, err := auth.ByEmail(ctx, d, email)
		if err != nil {
			return err
		}
		advisers[name] = st.ID
	}
	// Enrolments only where training has open cohorts (its seed runs first).
	cohorts := map[string][]training.CohortSummary{}
	for name, a := range antennas {
		if cs, err := training.OpenCohorts(ctx, d, a.ID); err == nil {
			cohorts[name] = cs
		}
	}
	now := time.Now()
	for _, p := range demoLearners {
		a := antennas[p.antenna]
		if a == nil {
			continue
		}
		phone, ok := check.Phone(a.Country, p.phone)
		if !ok {
			return fmt.Errorf("demo learner %s %s: bad phone %q", p.first, p.last, p.phone)
		}
		var id int64
		err := d.QueryRowContext(ctx, "SELECT id FROM learners WHERE antenna_id = $1 AND phone = $2 AND last_name = $3",
			a.ID, phone, p.last).Scan(&id)
		if err == nil {
			continue
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		l := &learners.Learner{AntennaID: a.ID, FirstName: p.first, LastName: p.last, Phone: phone, BirthYear: p.year,
			Languages: p.languages, Situations: p.situations, Equipment: p.equipment, Availabilities: p.availabilities,
			FrenchLevel: p.french, HeardFrom: p.heard, Gender: demoGenders[p.first], Lang: p.lang, Source: "web",
			ConsentText: i18n.For(p.lang).T("register.consent"), CreatedAt: now.AddDate(0, 0, -p.daysAgo)}
		l.Postcode, l.Town = learners.SplitWhere(p.where)
		if err := learners.Register(ctx, d, l, "", 0); err != nil {
			return err
		}
		staff := advisers[p.antenna]
		for _, kind := range p.contacts {
			c := &learners.Contact{LearnerID: l.ID, Kind: kind, StaffID: staff}
			if kind == "interview" {
				c.InterviewAt = now.AddDate(0, 0, 3).Format(time.DateOnly) + " 10:00"
			}
			if err := learners.AddContact(ctx, d, c); err != nil {
				return err
			}
		}
		if err := seedDecision(ctx, d, l, p, staff, cohorts[p.antenna], now); err != nil {
			return err
		}
	}
	return nil
}

// seedDecision takes the demo person as far as their story goes; an enrolment
// that training cannot make (no open cohort yet) leaves them contacted.
func seedDecision(ctx context.Context, d *db.DB, l *learners.Learner, p demoLearner, staff int64, cohorts []training.CohortSummary, now time.Time) error {
	detail := p.reason
	switch p.status {
	case "":
		return nil
	case learners.Enrolled, learners.Waitlisted, learners.InTraining:
		if len(cohorts) == 0 {
			return nil
		}
		c := cohorts[0]
		var err error
		if p.status == learners.Waitlisted {
			err = training.Waitlist(ctx, d, c.ID, l.ID, staff)
		} else {
			_, err = training.Enrol(ctx, d, c.ID, l.ID, staff)
		}
		if errors.Is(err, training.ErrCohortFull) || errors.Is(err, training.ErrCohortClosed) {
			return nil
		} else if err != nil {
			return err
		}
		detail = c.ProgrammeTitle + " — " + c.StartsOn.Format(time.DateOnly)
		if p.status == learners.InTraining {
			if err := learners.SetStatus(ctx, d, l.ID, learners.Enrolled, detail, staff); err != nil {
				return err
			}
			detail = ""
		}
	case learners.Completed, learners.Certified, learners.Dropped:
		if err := learners.RecordExit(ctx, d, l.ID, p.status, p.reason, now.AddDate(0, -p.exitMonthsAgo, -3), staff); err != nil {
			return err
		}
		if p.m3 != "" {
			return learners.RecordFollowUp(ctx, d, l.ID, "m3", p.m3, "", staff)
		}
		return nil
	}
	return learners.SetStatus(ctx, d, l.ID, p.status, detail, staff)
}
