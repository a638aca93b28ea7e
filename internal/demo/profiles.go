package demo

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/positioning"
	"tremplin/internal/profiles"
)

// webTrainees attend the Paris web developer course, running for eight weeks:
// they were positioned before it, attended every meeting so far, and agreed to
// show a profile to recruiters (the first also to be put in touch, with a CV
// made from her profile, the third's in Arabic).
var webTrainees = []struct {
	first, last, phone, where, lang string
	languages, availabilities       []string
	better                          int // answers this far above the usual spread
}{
	{"Bintou", "Keita", "06 41 52 63 74", "75019 Paris", "fr", []string{"fr", "other"}, []string{"mornings", "afternoons"}, 2},
	{"Grace", "Mwale", "07 58 69 70 81", "93100 Montreuil", "en", []string{"en", "sw", "fr"}, []string{"mornings", "afternoons", "saturday"}, 1},
	{"Rami", "Khalil", "06 36 47 58 69", "75020 Paris", "ar", []string{"ar", "fr"}, []string{"afternoons", "evenings"}, 1},
}

// seedProfiles adds the web trainees and gives every demo person of the
// certifying course with a positioning test a profile for recruiters, their
// consent recorded in person by their adviser. People who already have a
// consent on record are left as they are.
func seedProfiles(ctx context.Context, d *db.DB) error {
	if err := seedWebTrainees(ctx, d); err != nil {
		return err
	}
	type person struct{ id, staff int64 }
	rows, err := d.QueryContext(ctx, `SELECT l.id, COALESCE((SELECT MIN(sa.staff_id) FROM staff_antennas sa WHERE sa.antenna_id = l.antenna_id), 0)
		FROM learners l WHERE l.merged_into IS NULL
		AND (l.status = 'certified' OR EXISTS (SELECT 1 FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
			JOIN programmes p ON p.id = c.programme_id WHERE e.learner_id = l.id AND p.certifying AND e.state = 'enrolled'))
		AND EXISTS (SELECT 1 FROM positioning_tests t WHERE t.learner_id = l.id)
		AND NOT EXISTS (SELECT 1 FROM profile_consents pc WHERE pc.learner_id = l.id) ORDER BY l.id`)
	people, err := db.Collect[person](rows, err)(func(r db.Scanner) (person, error) {
		var p person
		return p, r.Scan(&p.id, &p.staff)
	})
	if err != nil {
		return err
	}
	for i, p := range people {
		c := profiles.DefaultChoices
		c.CV = "generated"
		if err := profiles.SaveChoices(ctx, d, p.id, c); err != nil {
			return err
		}
		if err := profiles.Record(ctx, d, p.id, profiles.LevelProfile, "given", "in_person", p.staff); err != nil {
			return err
		}
		if i == 1 {
			if err := profiles.Record(ctx, d, p.id, profiles.LevelContact, "given", "paper", p.staff); err != nil {
				return err
			}
		}
	}
	return nil
}

func seedWebTrainees(ctx context.Context, d *db.DB) error {
	var antenna, cohort int64
	err := d.QueryRowContext(ctx, `SELECT c.antenna_id, c.id FROM cohorts c JOIN antennas a ON a.id = c.antenna_id
		JOIN programmes p ON p.id = c.programme_id WHERE a.name = 'Paris – Île-de-France' AND p.certifying AND c.state = 'running'
		ORDER BY c.id LIMIT 1`).Scan(&antenna, &cohort)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	st, err := auth.ByEmail(ctx, d, "manager.paris@tremplin.example")
	if err != nil {
		return err
	}
	questions, err := positioning.ActiveQuestions(ctx, d)
	if err != nil || len(questions) == 0 {
		return err
	}
	th, err := positioning.LoadThresholds(ctx, d)
	if err != nil {
		return err
	}
	now := time.Now()
	var past []int64
	err = db.Each(d.QueryContext(ctx, "SELECT id FROM meetings WHERE cohort_id = $1 AND starts_at < $2 AND cancelled_at = '' ORDER BY starts_at",
		cohort, db.FormatTime(now)))(func(s db.Scanner) error {
		var id int64
		past = append(past, id)
		return s.Scan(&past[len(past)-1])
	})
	if err != nil {
		return err
	}
	for n, w := range webTrainees {
		phone, _ := check.Phone("FR", w.phone)
		var id int64
		err := d.QueryRowContext(ctx, "SELECT id FROM learners WHERE antenna_id = $1 AND phone = $2", antenna, phone).Scan(&id)
		if err == nil {
			continue
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		l := &learners.Learner{AntennaID: antenna, FirstName: w.first, LastName: w.last, Phone: phone, BirthYear: 1990 + 3*n,
			Languages: w.languages, Situations: []string{"job_seeker"}, Equipment: []string{"smartphone", "computer"}, Availabilities: w.availabilities,
			FrenchLevel: "everyday", HeardFrom: "employment_agency", Lang: w.lang, Source: "web",
			ConsentText: i18n.For(w.lang).T("register.consent"), CreatedAt: now.AddDate(0, 0, -90)}
		l.Postcode, l.Town = learners.SplitWhere(w.where)
		if err := learners.Register(ctx, d, l, "", 0); err != nil {
			return err
		}
		chosen := map[int64]int64{}
		for i, q := range questions {
			chosen[q.ID] = q.Answers[min(len(q.Answers)-1, (i+n)%len(q.Answers)+w.better)].ID
		}
		t, err := positioning.Take(questions, chosen, th, w.lang)
		if err != nil {
			return err
		}
		t.LearnerID, t.StaffID, t.TakenAt = l.ID, st.ID, now.AddDate(0, 0, -70)
		if err := positioning.SaveTest(ctx, d, t); err != nil {
			return err
		}
		if _, err := d.Exec(ctx, `INSERT INTO enrolments (cohort_id, learner_id, state, since, updated_by, created_at, updated_at)
			VALUES ($1, $2, 'enrolled', $3, $4, $3, $3)`, cohort, l.ID, db.FormatTime(now.AddDate(0, 0, -60)), st.ID); err != nil {
			return err
		}
		if err := learners.SetStatus(ctx, d, l.ID, learners.InTraining, "", st.ID); err != nil {
			return err
		}
		// Present at every meeting so far, marked as the roll calls were.
		for _, m := range past {
			if _, err := d.Exec(ctx, `INSERT INTO attendance (meeting_id, learner_id, mark, marked_by, marked_at) VALUES ($1, $2, 'present', $3, $4)`,
				m, l.ID, st.ID, db.FormatTime(now)); err != nil {
				return err
			}
		}
	}
	return nil
}
