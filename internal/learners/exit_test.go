package learners

import (
	"context"
	"testing"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/training"
)

// trainingFixture adds to the antenna a place, a basic and a certifying programme,
// and makes cohorts relative to now.
type trainingFixture struct {
	*fixture
	t           *testing.T
	place       int64
	basic, cert int64
	now         time.Time
}

func (f *fixture) training(t *testing.T) *trainingFixture {
	t.Helper()
	ctx := context.Background()
	tf := &trainingFixture{fixture: f, t: t, now: time.Now().In(training.Location("Europe/Paris"))} // the antenna's day, as the tests count days
	p := &org.Place{AntennaID: f.lille, Name: "La Grappe", Address: "1 rue de la Grappe", Postcode: "59000", City: "Lille"}
	if err := org.SavePlace(ctx, f.d, p); err != nil {
		t.Fatal(err)
	}
	tf.place = p.ID
	for _, pr := range []struct {
		id *int64
		p  *training.Programme
	}{
		{&tf.basic, &training.Programme{Title: "Premiers pas", Level: "debutant", TotalHours: 24}},
		{&tf.cert, &training.Programme{Title: "Développeur web", Level: "certifiant", TotalHours: 600, Certifying: true}},
	} {
		if err := training.SaveProgramme(ctx, f.d, pr.p); err != nil {
			t.Fatal(err)
		}
		*pr.id = pr.p.ID
	}
	return tf
}

// cohort makes a cohort of programme from days after today to days after, with
// one three-hour meeting on its first day, moved through states.
func (tf *trainingFixture) cohort(programme int64, capacity, from, to int, states ...string) (cohort, meeting int64) {
	tf.t.Helper()
	ctx := context.Background()
	day := tf.now.AddDate(0, 0, from)
	c := &training.Cohort{ProgrammeID: programme, AntennaID: tf.lille, PlaceID: tf.place, Capacity: capacity,
		StartsOn: day, EndsOn: tf.now.AddDate(0, 0, to), Timezone: "Europe/Paris"}
	if _, err := training.SaveCohort(ctx, tf.d, c, tf.adviser.ID); err != nil {
		tf.t.Fatal(err)
	}
	for _, s := range states {
		if err := training.SetCohortState(ctx, tf.d, c.ID, s); err != nil {
			tf.t.Fatal(err)
		}
	}
	start := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, training.Location("Europe/Paris"))
	if _, err := training.AddMeetings(ctx, tf.d, c.ID, []training.Slot{{Start: start, End: start.Add(3 * time.Hour)}}); err != nil {
		tf.t.Fatal(err)
	}
	if err := tf.d.QueryRowContext(ctx, "SELECT id FROM meetings WHERE cohort_id = $1", c.ID).Scan(&meeting); err != nil {
		tf.t.Fatal(err)
	}
	return c.ID, meeting
}

// enrol gives the person a seat and marks them enrolled on their path.
func (tf *trainingFixture) enrol(l *Learner, cohort int64) {
	tf.t.Helper()
	ctx := context.Background()
	if _, err := training.Enrol(ctx, tf.d, cohort, l.ID, tf.adviser.ID); err != nil {
		tf.t.Fatal(err)
	}
	if err := SetStatus(ctx, tf.d, l.ID, Enrolled, "", tf.adviser.ID); err != nil {
		tf.t.Fatal(err)
	}
	l.Status = Enrolled
}

func (tf *trainingFixture) present(l *Learner, meeting int64) {
	tf.t.Helper()
	if _, err := tf.d.Exec(context.Background(), `INSERT INTO attendance (meeting_id, learner_id, mark, marked_by, marked_at)
		VALUES ($1, $2, 'present', $3, $4)`, meeting, l.ID, tf.adviser.ID, db.Now()); err != nil {
		tf.t.Fatal(err)
	}
}

// registerSince registers a person days ago.
func (f *fixture) registerSince(t *testing.T, first, last, phone string, daysAgo int) *Learner {
	t.Helper()
	l := &Learner{AntennaID: f.lille, FirstName: first, LastName: last, Phone: phone, BirthYear: 1990,
		ConsentText: "J'accepte.", CreatedAt: time.Now().AddDate(0, 0, -daysAgo)}
	if err := Register(context.Background(), f.d, l, "", 0); err != nil {
		t.Fatal(err)
	}
	l, err := ByID(context.Background(), f.d, f.lilleScope, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestAnExitMustBePossible(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		tf := setup(t, d).training(t)
		today := time.Now().In(training.Location("Europe/Paris"))
		day := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }
		check := func(l *Learner, outcome, on string) string {
			t.Helper()
			field, key, err := CheckExit(ctx, d, l, outcome, on, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if field == "" {
				return "ok"
			}
			return field + " " + key
		}
		// A short course that starts in ten days, one seat: taken by Mariam, Paul waits.
		future, _ := tf.cohort(tf.basic, 1, 10, 40, "open")
		mariam := tf.registerSince(t, "Mariam", "Diallo", "+33612345678", 60)
		paul := tf.registerSince(t, "Paul", "Martin", "+33612345679", 30)
		if got := check(mariam, Dropped, day(0)); got != "exit_outcome learner.exit_not_in_training" {
			t.Errorf("exit before any enrolment: %s", got)
		}
		tf.enrol(mariam, future)
		if err := training.Waitlist(ctx, d, future, paul.ID, tf.adviser.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ outcome, day, want string }{
			{Certified, day(0), "exit_outcome learner.exit_certified_refused"},
			{Completed, day(0), "exit_outcome learner.exit_completed_refused"},
			{Dropped, day(1), "exit_date learner.exit_date_future"},
			{Dropped, day(-61), "exit_date learner.exit_date_before_registration"},
			{Dropped, day(-60), "ok"},
			{Dropped, day(0), "ok"},
		} {
			if got := check(mariam, c.outcome, c.day); got != c.want {
				t.Errorf("%s on %s: %s, want %s", c.outcome, c.day, got, c.want)
			}
		}
		// Leaving frees the seat: the first person waiting is offered it.
		changes, err := Exit(ctx, d, mariam.ID, Dropped, "Déménage", today, tf.adviser.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 2 || changes[0] != (training.Change{CohortID: future, LearnerID: mariam.ID, State: training.Withdrawn}) ||
			changes[1] != (training.Change{CohortID: future, LearnerID: paul.ID, State: training.Offered}) {
			t.Fatalf("changes: %+v", changes)
		}
		for l, want := range map[int64]string{mariam.ID: training.Withdrawn, paul.ID: training.Offered} {
			es, err := training.LearnerEnrolments(ctx, d, l)
			if err != nil || len(es) != 1 || es[0].State != want {
				t.Errorf("learner %d: %+v %v, want %s", l, es, err, want)
			}
		}
		// Her follow-ups are three months away: none may be recorded yet.
		mariam, _ = ByID(ctx, d, tf.lilleScope, mariam.ID)
		for _, c := range []struct {
			at   time.Time
			want string
		}{
			{time.Now(), "followup.too_early"},
			{today.AddDate(0, 3, -8), "followup.too_early"},
			{today.AddDate(0, 3, -6), ""},
			{today.AddDate(0, 4, 0), ""},
		} {
			if got, err := CheckFollowUp(ctx, d, mariam, "m3", c.at); err != nil || got != c.want {
				t.Errorf("m3 on %s: %q %v, want %q", c.at.Format(time.DateOnly), got, err, c.want)
			}
		}
		if got, _ := CheckFollowUp(ctx, d, paul, "m3", time.Now()); got != "followup.none_planned" {
			t.Errorf("follow-up without exit: %q", got)
		}

		// A short course under way for three weeks, which Chloé attends: completed,
		// but not certified; her seat stays hers (she followed it).
		started, meeting := tf.cohort(tf.basic, 10, -21, 20, "open", "running")
		chloe := tf.registerSince(t, "Chloé", "Vandamme", "+33612345680", 40)
		tf.enrol(chloe, started)
		if got := check(chloe, Completed, day(0)); got != "exit_outcome learner.exit_completed_refused" {
			t.Errorf("completed without hours: %s", got)
		}
		tf.present(chloe, meeting)
		if got := check(chloe, Certified, day(0)); got != "exit_outcome learner.exit_certified_refused" {
			t.Errorf("certified from a basic course: %s", got)
		}
		if got := check(chloe, Completed, day(-22)); got != "exit_outcome learner.exit_completed_refused" {
			t.Errorf("completed before the course started: %s", got)
		}
		if got := check(chloe, Completed, day(0)); got != "ok" {
			t.Errorf("completed: %s", got)
		}
		if changes, err := Exit(ctx, d, chloe.ID, Completed, "", today, tf.adviser.ID); err != nil || len(changes) != 0 {
			t.Fatalf("completed exit: %+v %v", changes, err)
		}
		if es, _ := training.LearnerEnrolments(ctx, d, chloe.ID); len(es) != 1 || es[0].State != training.Enrolled {
			t.Errorf("the seat of a course followed: %+v", es)
		}

		// The certifying course, followed: certified.
		cert, meeting := tf.cohort(tf.cert, 10, -21, 150, "open", "running")
		oceane := tf.registerSince(t, "Océane", "Lefebvre", "+33612345681", 40)
		tf.enrol(oceane, cert)
		tf.present(oceane, meeting)
		if got := check(oceane, Certified, day(0)); got != "ok" {
			t.Errorf("certified: %s", got)
		}
	})
}
