package training_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

// fixture is an antenna with a place, a manager, and a programme.
type fixture struct {
	t         *testing.T
	d         *db.DB
	ctx       context.Context
	antenna   *org.Antenna
	place     *org.Place
	staff     *auth.Staff
	programme *training.Programme
	learners  int
}

func newFixture(t *testing.T, d *db.DB, antennaName, tz string) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, d: d, ctx: ctx}
	f.antenna = &org.Antenna{Name: antennaName, City: antennaName, Country: "FR", Timezone: tz}
	if err := org.SaveAntenna(ctx, d, f.antenna); err != nil {
		t.Fatal(err)
	}
	f.place = &org.Place{AntennaID: f.antenna.ID, Name: "Salle " + antennaName, Address: "1 rue de la Gare", Postcode: "59000", City: antennaName}
	if err := org.SavePlace(ctx, d, f.place); err != nil {
		t.Fatal(err)
	}
	f.staff = &auth.Staff{Name: "Responsable " + antennaName, Email: "resp@" + antennaName + ".example", Role: auth.Manager, Lang: "fr", Active: true, Antennas: []int64{f.antenna.ID}}
	if err := auth.Save(ctx, d, f.staff); err != nil {
		t.Fatal(err)
	}
	f.programme = &training.Programme{Title: "Premiers pas " + antennaName, Level: "debutant", TotalHours: 40}
	if err := training.SaveProgramme(ctx, d, f.programme); err != nil {
		t.Fatal(err)
	}
	return f
}

// cohort creates an open cohort from start for four weeks.
func (f *fixture) cohort(capacity int, start time.Time) *training.Cohort {
	f.t.Helper()
	c := &training.Cohort{ProgrammeID: f.programme.ID, AntennaID: f.antenna.ID, PlaceID: f.place.ID, Capacity: capacity,
		StartsOn: start, EndsOn: start.AddDate(0, 0, 28), Timezone: f.antenna.Timezone, Advisers: []int64{f.staff.ID}}
	if _, err := training.SaveCohort(f.ctx, f.d, c, f.staff.ID); err != nil {
		f.t.Fatal(err)
	}
	if err := training.SetCohortState(f.ctx, f.d, c.ID, "open"); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// learner adds a person (the learners room's table, written here only as test data).
func (f *fixture) learner(first string) int64 {
	f.t.Helper()
	f.learners++
	now := db.Now()
	id, err := f.d.InsertID(f.ctx, `INSERT INTO learners (antenna_id, first_name, last_name, phone, birth_year, consent_text, consent_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 1990, 'test', $5, $5, $5) RETURNING id`, f.antenna.ID, first, "Martin", fmt.Sprintf("+3360000%04d", f.learners), now)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) load(id int64) *training.Cohort {
	f.t.Helper()
	c, err := training.CohortByID(f.ctx, f.d, auth.Scope{All: true}, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) state(cohortID, learnerID int64) string {
	f.t.Helper()
	var s string
	if err := f.d.QueryRowContext(f.ctx, "SELECT state FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", cohortID, learnerID).Scan(&s); err != nil && !errors.Is(err, sql.ErrNoRows) {
		f.t.Fatal(err)
	}
	return s
}

// monday is a Monday in the past: roll calls are taken once a meeting has started.
var monday = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// Two staff take the last seat at the same moment: one gets it, the other is told
// the cohort is full, and the cohort never holds more people than seats.
func TestLastSeatGoesToExactlyOneOfTwoConcurrentEnrolments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "Lille", "Europe/Paris")
		for round := range 6 {
			const capacity = 3
			c := f.cohort(capacity, monday.AddDate(0, 0, 7*round))
			for i := range capacity - 1 {
				if _, err := training.Enrol(f.ctx, d, c.ID, f.learner(fmt.Sprint("Déjà", i)), f.staff.ID); err != nil {
					t.Fatal(err)
				}
			}
			a, b := f.learner("Amina"), f.learner("Bruno")
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, l := range []int64{a, b} {
				wg.Go(func() {
					<-start
					_, errs[i] = training.Enrol(f.ctx, d, c.ID, l, f.staff.ID)
				})
			}
			close(start)
			wg.Wait()
			ok, full := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, training.ErrCohortFull):
					full++
				default:
					t.Fatalf("round %d: unexpected error %v", round, err)
				}
			}
			if ok != 1 || full != 1 {
				t.Fatalf("round %d: %d enrolled and %d refused, want 1 and 1", round, ok, full)
			}
			got := f.load(c.ID)
			if got.Taken != capacity || got.State != "full" {
				t.Fatalf("round %d: %d seats taken of %d, state %s", round, got.Taken, capacity, got.State)
			}
			// The one refused can join the waitlist.
			loser := a
			if f.state(c.ID, a) == training.Enrolled {
				loser = b
			}
			if err := training.Waitlist(f.ctx, d, c.ID, loser, f.staff.ID); err != nil {
				t.Fatal(err)
			}
			if got := f.state(c.ID, loser); got != training.Waitlisted {
				t.Fatalf("round %d: refused learner is %q, want waitlisted", round, got)
			}
		}
	})
}

// When a seat frees, the first person waiting is offered it; staff confirm, or
// pass it to the next; the cohort opens again when nobody is left waiting.
func TestFreedSeatIsOfferedToTheWaitlistInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "Lille", "Europe/Paris")
		c := f.cohort(2, monday)
		ann, bob, cyr, dia, eve := f.learner("Ann"), f.learner("Bob"), f.learner("Cyr"), f.learner("Dia"), f.learner("Eve")
		for _, l := range []int64{ann, bob} {
			if _, err := training.Enrol(f.ctx, d, c.ID, l, f.staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := training.Enrol(f.ctx, d, c.ID, cyr, f.staff.ID); !errors.Is(err, training.ErrCohortFull) {
			t.Fatalf("third enrolment in two seats: %v", err)
		}
		for _, l := range []int64{cyr, dia, eve} {
			if err := training.Waitlist(f.ctx, d, c.ID, l, f.staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Waitlisting again keeps one's place.
		if err := training.Waitlist(f.ctx, d, c.ID, cyr, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		roster, err := training.Roster(f.ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		positions := map[int64]int{}
		for _, s := range roster {
			positions[s.LearnerID] = s.Position
		}
		if positions[cyr] != 1 || positions[dia] != 2 || positions[eve] != 3 {
			t.Fatalf("waitlist positions %v", positions)
		}

		changes, err := training.Withdraw(f.ctx, d, c.ID, ann, f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []training.Change{{LearnerID: ann, State: training.Withdrawn}, {LearnerID: cyr, State: training.Offered}}
		if fmt.Sprint(changes) != fmt.Sprint(want) {
			t.Fatalf("changes %v, want %v", changes, want)
		}
		if got := f.load(c.ID); got.State != "full" || got.Taken != 2 {
			t.Fatalf("the offered seat is held: state %s, taken %d", got.State, got.Taken)
		}
		// Nobody else can take the held seat.
		if _, err := training.Enrol(f.ctx, d, c.ID, eve, f.staff.ID); !errors.Is(err, training.ErrCohortFull) {
			t.Fatalf("enrolling over an offered seat: %v", err)
		}
		// Cyr does not answer: the seat passes to Dia, who confirms.
		changes, err = training.Withdraw(f.ctx, d, c.ID, cyr, f.staff.ID)
		if err != nil || len(changes) != 2 || changes[1] != (training.Change{LearnerID: dia, State: training.Offered}) {
			t.Fatalf("pass: %v %v", changes, err)
		}
		if s, err := training.Enrol(f.ctx, d, c.ID, dia, f.staff.ID); err != nil || s != training.Enrolled {
			t.Fatalf("confirm: %q %v", s, err)
		}
		if f.state(c.ID, dia) != training.Enrolled || f.state(c.ID, eve) != training.Waitlisted {
			t.Fatalf("after confirm: dia %s, eve %s", f.state(c.ID, dia), f.state(c.ID, eve))
		}
		// Eve leaves the list, then Bob withdraws: nobody waits, the cohort opens again.
		if _, err := training.Withdraw(f.ctx, d, c.ID, eve, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		if changes, err := training.Withdraw(f.ctx, d, c.ID, bob, f.staff.ID); err != nil || len(changes) != 1 {
			t.Fatalf("withdraw with nobody waiting: %v %v", changes, err)
		}
		if got := f.load(c.ID); got.State != "open" || got.SeatsLeft() != 1 {
			t.Fatalf("state %s, seats left %d", got.State, got.SeatsLeft())
		}
		// Enrolling twice is harmless.
		if _, err := training.Enrol(f.ctx, d, c.ID, dia, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.load(c.ID); got.Taken != 1 {
			t.Fatalf("taken %d after a repeated enrolment", got.Taken)
		}
	})
}

func TestEnrolmentNeedsAnOpenCohortAndCapacityAboveTheSeatsTaken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "Lille", "Europe/Paris")
		draft := &training.Cohort{ProgrammeID: f.programme.ID, AntennaID: f.antenna.ID, PlaceID: f.place.ID, Capacity: 5,
			StartsOn: monday, EndsOn: monday.AddDate(0, 1, 0), Timezone: "Europe/Paris"}
		if _, err := training.SaveCohort(f.ctx, d, draft, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		l := f.learner("Nora")
		if _, err := training.Enrol(f.ctx, d, draft.ID, l, f.staff.ID); !errors.Is(err, training.ErrCohortClosed) {
			t.Fatalf("enrol in a draft: %v", err)
		}
		if _, err := training.Enrol(f.ctx, d, 999999, l, f.staff.ID); !errors.Is(err, training.ErrCohortClosed) {
			t.Fatalf("enrol in nothing: %v", err)
		}
		if err := training.SetCohortState(f.ctx, d, draft.ID, "finished"); !errors.Is(err, training.ErrBadTransition) {
			t.Fatalf("draft → finished: %v", err)
		}

		c := f.cohort(3, monday)
		var people []int64
		for _, n := range []string{"A", "B", "C", "W"} {
			people = append(people, f.learner(n))
		}
		for _, p := range people[:3] {
			if _, err := training.Enrol(f.ctx, d, c.ID, p, f.staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := training.Waitlist(f.ctx, d, c.ID, people[3], f.staff.ID); err != nil {
			t.Fatal(err)
		}
		c = f.load(c.ID)
		c.Capacity = 2
		if _, err := training.SaveCohort(f.ctx, d, c, f.staff.ID); !errors.Is(err, training.ErrCapacityBelowTaken) {
			t.Fatalf("capacity below the enrolled: %v", err)
		}
		// More seats: the person waiting is offered one, and the cohort is no longer full.
		c.Capacity = 5
		changes, err := training.SaveCohort(f.ctx, d, c, f.staff.ID)
		if err != nil || len(changes) != 1 || changes[0].LearnerID != people[3] || changes[0].State != training.Offered {
			t.Fatalf("capacity up: %v %v", changes, err)
		}
		if got := f.load(c.ID); got.State != "open" || got.Taken != 4 {
			t.Fatalf("after capacity up: %s, %d taken", got.State, got.Taken)
		}
		if err := training.SetCohortState(f.ctx, d, c.ID, "running"); err != nil {
			t.Fatal(err)
		}
		if err := training.SetCohortState(f.ctx, d, c.ID, "finished"); err != nil {
			t.Fatal(err)
		}
		if err := training.Waitlist(f.ctx, d, c.ID, f.learner("Late"), f.staff.ID); !errors.Is(err, training.ErrCohortClosed) {
			t.Fatalf("waitlist on a finished cohort: %v", err)
		}
	})
}

// meetings adds meetings of the given lengths (hours) on consecutive days at 9:00.
func (f *fixture) meetings(c *training.Cohort, hours ...float64) []training.Meeting {
	f.t.Helper()
	loc := training.Location(f.antenna.Timezone)
	var slots []training.Slot
	for i, h := range hours {
		s := time.Date(c.StartsOn.Year(), c.StartsOn.Month(), c.StartsOn.Day()+i, 9, 0, 0, 0, loc)
		slots = append(slots, training.Slot{Start: s, End: s.Add(time.Duration(h * float64(time.Hour)))})
	}
	if _, err := training.AddMeetings(f.ctx, f.d, c.ID, slots); err != nil {
		f.t.Fatal(err)
	}
	ms, err := training.Meetings(f.ctx, f.d, c.ID, loc)
	if err != nil {
		f.t.Fatal(err)
	}
	return ms
}

func TestAttendanceSavedTwiceKeepsTheSameMarksAndCountsPresentAndLateHours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "Lille", "Europe/Paris")
		c := f.cohort(10, monday)
		ms := f.meetings(c, 2, 3, 1.5, 2.5)
		ana, ben := f.learner("Ana"), f.learner("Ben")
		for _, l := range []int64{ana, ben} {
			if _, err := training.Enrol(f.ctx, d, c.ID, l, f.staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		marks := []string{"present", "late", "absent", "excused"}
		for round := 0; round < 2; round++ {
			for i, m := range ms {
				if err := training.SaveAttendance(f.ctx, d, m.ID, map[int64]string{ana: marks[i], ben: "present"}, f.staff.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		var rows int
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM attendance").Scan(&rows)
		if rows != 8 {
			t.Fatalf("%d attendance rows after saving twice, want 8", rows)
		}
		// Saving one learner's mark leaves the other's as it was.
		if err := training.SaveAttendance(f.ctx, d, ms[0].ID, map[int64]string{ben: "late"}, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		att, err := training.Attendees(f.ctx, d, &ms[0])
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]string{}
		for _, a := range att {
			got[a.LearnerID] = a.Mark
		}
		if got[ana] != "present" || got[ben] != "late" {
			t.Fatalf("marks at the first meeting: %v", got)
		}

		views, err := training.LearnerEnrolments(f.ctx, d, ana)
		if err != nil {
			t.Fatal(err)
		}
		if len(views) != 1 || views[0].HoursAttended != 5 || views[0].HoursPlanned != 9 || len(views[0].Marks) != 4 {
			t.Fatalf("Ana's enrolment: %+v", views)
		}
		roster, err := training.Roster(f.ctx, d, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range roster {
			want := map[int64]float64{ana: 5, ben: 9}[s.LearnerID]
			if s.Attended != want {
				t.Errorf("%s attended %.1f h, want %.1f", s.FirstName, s.Attended, want)
			}
		}
	})
}

func TestTwoAbsencesInARowRaiseAnAlertInTheAntennaOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "Lille", "Europe/Paris")
		other := newFixture(t, d, "Bordeaux", "Europe/Paris")
		c := f.cohort(10, monday)
		ms := f.meetings(c, 2, 2, 2, 2)
		twice, apart, once, fine := f.learner("Deux"), f.learner("Ecart"), f.learner("Une"), f.learner("Assidu")
		for _, l := range []int64{twice, apart, once, fine} {
			if _, err := training.Enrol(f.ctx, d, c.ID, l, f.staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		marks := [][]string{ // per meeting: twice, apart, once, fine
			{"present", "absent", "present", "present"},
			{"absent", "present", "present", "present"},
			{"absent", "absent", "absent", "excused"},
		}
		for i, row := range marks {
			if err := training.SaveAttendance(f.ctx, d, ms[i].ID, map[int64]string{twice: row[0], apart: row[1], once: row[2], fine: row[3]}, f.staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		alerts, _, err := training.AbsenceAlerts(f.ctx, d, f.staff.Scope(), time.Now(), 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 1 || alerts[0].LearnerID != twice || alerts[0].CohortID != c.ID {
			t.Fatalf("alerts %+v, want only the learner absent at meetings 2 and 3", alerts)
		}
		if !alerts[0].First.Equal(ms[1].Start) || !alerts[0].Last.Equal(ms[2].Start) {
			t.Errorf("missed meetings %v and %v", alerts[0].First, alerts[0].Last)
		}
		if got, _, _ := training.AbsenceAlerts(f.ctx, d, other.staff.Scope(), time.Now(), 0, 20); len(got) != 0 {
			t.Fatalf("another antenna sees %d alerts", len(got))
		}
		// Back in class at the next meeting: no more alert.
		if err := training.SaveAttendance(f.ctx, d, ms[3].ID, map[int64]string{twice: "late"}, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := training.AbsenceAlerts(f.ctx, d, f.staff.Scope(), time.Now(), 0, 20); len(got) != 0 {
			t.Fatalf("alerts after coming back: %+v", got)
		}
	})
}

func TestReassignLearnerMovesEnrolmentsAndMarks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "Lille", "Europe/Paris")
		x, y := f.cohort(5, monday), f.cohort(5, monday.AddDate(0, 2, 0))
		mx := f.meetings(x, 2, 2)
		dup, keep := f.learner("Doublon"), f.learner("Garde")
		if _, err := training.Enrol(f.ctx, d, x.ID, dup, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		if err := training.Waitlist(f.ctx, d, x.ID, keep, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := training.Enrol(f.ctx, d, y.ID, dup, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		// Both files hold the two seats of z: after the merge, one is free again.
		z := f.cohort(2, monday.AddDate(0, 4, 0))
		for _, l := range []int64{dup, keep} {
			if _, err := training.Enrol(f.ctx, d, z.ID, l, f.staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := training.SaveAttendance(f.ctx, d, mx[0].ID, map[int64]string{dup: "present", keep: "absent"}, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		if err := training.SaveAttendance(f.ctx, d, mx[1].ID, map[int64]string{dup: "late"}, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		err := d.Tx(f.ctx, func(tx *sql.Tx) error { return training.ReassignLearner(f.ctx, tx, dup, keep) })
		if err != nil {
			t.Fatal(err)
		}
		if f.state(x.ID, keep) != training.Enrolled || f.state(y.ID, keep) != training.Enrolled {
			t.Fatalf("kept file: %s in x, %s in y", f.state(x.ID, keep), f.state(y.ID, keep))
		}
		if v, _ := training.LearnerEnrolments(f.ctx, d, dup); len(v) != 0 {
			t.Fatalf("the duplicate still has %d enrolments", len(v))
		}
		views, err := training.LearnerEnrolments(f.ctx, d, keep)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range views {
			if v.CohortID == x.ID && (v.HoursAttended != 4 || len(v.Marks) != 2) {
				t.Fatalf("marks in x after merge: %+v", v)
			}
		}
		if got := f.load(x.ID); got.Taken != 1 || got.Waiting != 0 {
			t.Fatalf("cohort x: %d taken, %d waiting", got.Taken, got.Waiting)
		}
		if got := f.load(z.ID); got.Taken != 1 || got.State != "open" {
			t.Fatalf("cohort z: %d taken, state %s", got.Taken, got.State)
		}
	})
}

// A weekly timetable keeps its local hours across a change to summer time, and
// skips the dates asked.
func TestWeeklyTimetableKeepsLocalHoursAcrossDaylightSaving(t *testing.T) {
	paris := training.Location("Europe/Paris")
	first := time.Date(2027, 3, 22, 0, 0, 0, 0, time.UTC) // Monday; summer time starts on Sunday 28 March
	last := time.Date(2027, 4, 9, 0, 0, 0, 0, time.UTC)
	slots := training.Weekly(first, last, []time.Weekday{time.Tuesday, time.Thursday}, 9*60+30, 12*60, map[string]bool{"2027-04-01": true}, paris)
	var days []string
	for _, s := range slots {
		days = append(days, s.Start.Format("01-02 15:04 -0700"))
		if s.End.Sub(s.Start) != 150*time.Minute {
			t.Errorf("meeting of %v", s.End.Sub(s.Start))
		}
	}
	want := "[03-23 09:30 +0100 03-25 09:30 +0100 03-30 09:30 +0200 04-06 09:30 +0200 04-08 09:30 +0200]"
	if fmt.Sprint(days) != want {
		t.Fatalf("slots %v\nwant  %s", days, want)
	}
}

func TestCatalogueShowsOpenCohortsWithSeatsLeftInOneQuery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "Lille", "Europe/Paris")
		other := newFixture(t, d, "Bordeaux", "Europe/Paris")
		today := time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)
		open := f.cohort(4, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
		if _, err := training.Enrol(f.ctx, d, open.ID, f.learner("Un"), f.staff.ID); err != nil {
			t.Fatal(err)
		}
		over := f.cohort(4, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) // ended before today
		_ = over
		elsewhere := other.cohort(8, time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC))
		cert := &training.Programme{Title: "Développeur·se web", Level: "certifiant", TotalHours: 600, Certifying: true}
		if err := training.SaveProgramme(f.ctx, d, cert); err != nil {
			t.Fatal(err)
		}
		all, err := training.Catalogue(f.ctx, d, 0, 0, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[2].Title != "Développeur·se web" || len(all[2].Cohorts) != 0 {
			t.Fatalf("catalogue: %+v", all)
		}
		var lille *training.Offer
		for _, o := range all {
			if o.ID == f.programme.ID {
				lille = o
			}
		}
		if len(lille.Cohorts) != 1 || lille.Cohorts[0].ID != open.ID || lille.Cohorts[0].SeatsLeft != 3 {
			t.Fatalf("Lille's programme: %+v", lille.Cohorts)
		}
		only, err := training.Catalogue(f.ctx, d, other.antenna.ID, 0, today)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, o := range only {
			for _, c := range o.Cohorts {
				n++
				if c.ID != elsewhere.ID {
					t.Errorf("Bordeaux filter shows cohort %d", c.ID)
				}
			}
		}
		if n != 1 {
			t.Fatalf("Bordeaux filter: %d cohorts", n)
		}
	})
}

// A visitor is not offered a session that has begun (the catalogue hides it, and
// PublicSession refuses it); an upcoming one comes with its weekly days and hours.
func TestStartedSessionsAreNotOffered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "Lille", "Europe/Paris")
		today := monday.AddDate(0, 0, 2) // the Wednesday of its first week
		started := f.cohort(8, monday)
		upcoming := f.cohort(8, monday.AddDate(0, 0, 7))
		loc := training.Location(f.antenna.Timezone)
		slots := training.Weekly(upcoming.StartsOn, upcoming.EndsOn, []time.Weekday{time.Tuesday, time.Thursday}, 9*60+30, 12*60+30, nil, loc)
		if _, err := training.AddMeetings(f.ctx, d, upcoming.ID, slots); err != nil {
			t.Fatal(err)
		}
		all, err := training.Catalogue(f.ctx, d, 0, 0, today)
		if err != nil {
			t.Fatal(err)
		}
		var shown []int64
		for _, o := range all {
			for _, c := range o.Cohorts {
				shown = append(shown, c.ID)
			}
		}
		if len(shown) != 1 || shown[0] != upcoming.ID {
			t.Fatalf("catalogue offers cohorts %v, want only %d (not %d, started)", shown, upcoming.ID, started.ID)
		}
		if _, err := training.PublicSession(f.ctx, d, started.ID, today); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("a started session: %v", err)
		}
		s, err := training.PublicSession(f.ctx, d, upcoming.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		if s.ProgrammeID != f.programme.ID || s.Place() == "" || s.Schedule.Words(i18n.For("en")) != "Tuesdays and Thursdays, 9:30–12:30" {
			t.Fatalf("upcoming session: %+v, %q", s, s.Schedule.Words(i18n.For("en")))
		}
	})
}
