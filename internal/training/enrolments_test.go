package training_test

import (
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"

	"tremplin/internal/attendance"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/training"
	"tremplin/internal/training/trainingtest"
)

// Two staff take the last seat at the same moment: one gets it, the other is told
// the cohort is full, and the cohort never holds more people than seats.
func TestLastSeatGoesToExactlyOneOfTwoConcurrentEnrolments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		for round := range 6 {
			const capacity = 3
			c := f.Cohort(capacity, trainingtest.Monday.AddDate(0, 0, 7*round))
			for i := range capacity - 1 {
				if _, err := training.Enrol(f.Ctx, d, c.ID, f.Learner(fmt.Sprint("Déjà", i)), f.Staff.ID); err != nil {
					t.Fatal(err)
				}
			}
			a, b := f.Learner("Amina"), f.Learner("Bruno")
			start := make(chan struct{})
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, l := range []int64{a, b} {
				wg.Go(func() {
					<-start
					_, errs[i] = training.Enrol(f.Ctx, d, c.ID, l, f.Staff.ID)
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
			got := f.Load(c.ID)
			if got.Taken != capacity || got.State != "full" {
				t.Fatalf("round %d: %d seats taken of %d, state %s", round, got.Taken, capacity, got.State)
			}
			// The one refused can join the waitlist.
			loser := a
			if f.State(c.ID, a) == training.Enrolled {
				loser = b
			}
			if err := training.Waitlist(f.Ctx, d, c.ID, loser, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
			if got := f.State(c.ID, loser); got != training.Waitlisted {
				t.Fatalf("round %d: refused learner is %q, want waitlisted", round, got)
			}
		}
	})
}

// When a seat frees, the first person waiting is offered it; staff confirm, or
// pass it to the next; the cohort opens again when nobody is left waiting.
func TestFreedSeatIsOfferedToTheWaitlistInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		c := f.Cohort(2, trainingtest.Monday)
		ann, bob, cyr, dia, eve := f.Learner("Ann"), f.Learner("Bob"), f.Learner("Cyr"), f.Learner("Dia"), f.Learner("Eve")
		for _, l := range []int64{ann, bob} {
			if _, err := training.Enrol(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := training.Enrol(f.Ctx, d, c.ID, cyr, f.Staff.ID); !errors.Is(err, training.ErrCohortFull) {
			t.Fatalf("third enrolment in two seats: %v", err)
		}
		for _, l := range []int64{cyr, dia, eve} {
			if err := training.Waitlist(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Waitlisting again keeps one's place.
		if err := training.Waitlist(f.Ctx, d, c.ID, cyr, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		roster, err := training.Roster(f.Ctx, d, c.ID)
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

		changes, err := training.Withdraw(f.Ctx, d, c.ID, ann, f.Staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []training.Change{{CohortID: c.ID, LearnerID: ann, State: training.Withdrawn}, {CohortID: c.ID, LearnerID: cyr, State: training.Offered}}
		if fmt.Sprint(changes) != fmt.Sprint(want) {
			t.Fatalf("changes %v, want %v", changes, want)
		}
		if got := f.Load(c.ID); got.State != "full" || got.Taken != 2 {
			t.Fatalf("the offered seat is held: state %s, taken %d", got.State, got.Taken)
		}
		// Nobody else can take the held seat.
		if _, err := training.Enrol(f.Ctx, d, c.ID, eve, f.Staff.ID); !errors.Is(err, training.ErrCohortFull) {
			t.Fatalf("enrolling over an offered seat: %v", err)
		}
		// Cyr does not answer: the seat passes to Dia, who confirms.
		changes, err = training.Withdraw(f.Ctx, d, c.ID, cyr, f.Staff.ID)
		if err != nil || len(changes) != 2 || changes[1] != (training.Change{CohortID: c.ID, LearnerID: dia, State: training.Offered}) {
			t.Fatalf("pass: %v %v", changes, err)
		}
		if s, err := training.Enrol(f.Ctx, d, c.ID, dia, f.Staff.ID); err != nil || s != training.Enrolled {
			t.Fatalf("confirm: %q %v", s, err)
		}
		if f.State(c.ID, dia) != training.Enrolled || f.State(c.ID, eve) != training.Waitlisted {
			t.Fatalf("after confirm: dia %s, eve %s", f.State(c.ID, dia), f.State(c.ID, eve))
		}
		// Eve leaves the list, then Bob withdraws: nobody waits, the cohort opens again.
		if _, err := training.Withdraw(f.Ctx, d, c.ID, eve, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if changes, err := training.Withdraw(f.Ctx, d, c.ID, bob, f.Staff.ID); err != nil || len(changes) != 1 {
			t.Fatalf("withdraw with nobody waiting: %v %v", changes, err)
		}
		if got := f.Load(c.ID); got.State != "open" || got.SeatsLeft() != 1 {
			t.Fatalf("state %s, seats left %d", got.State, got.SeatsLeft())
		}
		// Enrolling twice is harmless.
		if _, err := training.Enrol(f.Ctx, d, c.ID, dia, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.Load(c.ID); got.Taken != 1 {
			t.Fatalf("taken %d after a repeated enrolment", got.Taken)
		}
	})
}

func TestEnrolmentNeedsAnOpenCohortAndCapacityAboveTheSeatsTaken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		draft := &training.Cohort{ProgrammeID: f.Programme.ID, AntennaID: f.Antenna.ID, PlaceID: f.Place.ID, Capacity: 5,
			StartsOn: trainingtest.Monday, EndsOn: trainingtest.Monday.AddDate(0, 1, 0), Timezone: "Europe/Paris"}
		if _, err := training.SaveCohort(f.Ctx, d, draft, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		l := f.Learner("Nora")
		if _, err := training.Enrol(f.Ctx, d, draft.ID, l, f.Staff.ID); !errors.Is(err, training.ErrCohortClosed) {
			t.Fatalf("enrol in a draft: %v", err)
		}
		if _, err := training.Enrol(f.Ctx, d, 999999, l, f.Staff.ID); !errors.Is(err, training.ErrCohortClosed) {
			t.Fatalf("enrol in nothing: %v", err)
		}
		if err := training.SetCohortState(f.Ctx, d, draft.ID, "finished"); !errors.Is(err, training.ErrBadTransition) {
			t.Fatalf("draft → finished: %v", err)
		}

		c := f.Cohort(3, trainingtest.Monday)
		var people []int64
		for _, n := range []string{"A", "B", "C", "W"} {
			people = append(people, f.Learner(n))
		}
		for _, p := range people[:3] {
			if _, err := training.Enrol(f.Ctx, d, c.ID, p, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := training.Waitlist(f.Ctx, d, c.ID, people[3], f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		c = f.Load(c.ID)
		c.Capacity = 2
		if _, err := training.SaveCohort(f.Ctx, d, c, f.Staff.ID); !errors.Is(err, training.ErrCapacityBelowTaken) {
			t.Fatalf("capacity below the enrolled: %v", err)
		}
		// More seats: the person waiting is offered one, and the cohort is no longer full.
		c.Capacity = 5
		changes, err := training.SaveCohort(f.Ctx, d, c, f.Staff.ID)
		if err != nil || len(changes) != 1 || changes[0].LearnerID != people[3] || changes[0].State != training.Offered {
			t.Fatalf("capacity up: %v %v", changes, err)
		}
		if got := f.Load(c.ID); got.State != "open" || got.Taken != 4 {
			t.Fatalf("after capacity up: %s, %d taken", got.State, got.Taken)
		}
		if err := training.SetCohortState(f.Ctx, d, c.ID, "running"); err != nil {
			t.Fatal(err)
		}
		if err := training.SetCohortState(f.Ctx, d, c.ID, "finished"); err != nil {
			t.Fatal(err)
		}
		if err := training.Waitlist(f.Ctx, d, c.ID, f.Learner("Late"), f.Staff.ID); !errors.Is(err, training.ErrCohortClosed) {
			t.Fatalf("waitlist on a finished cohort: %v", err)
		}
	})
}

func TestReassignLearnerMovesEnrolmentsAndMarks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		x, y := f.Cohort(5, trainingtest.Monday), f.Cohort(5, trainingtest.Monday.AddDate(0, 2, 0))
		mx := f.Meetings(x, 2, 2)
		dup, keep := f.Learner("Doublon"), f.Learner("Garde")
		if _, err := training.Enrol(f.Ctx, d, x.ID, dup, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if err := training.Waitlist(f.Ctx, d, x.ID, keep, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := training.Enrol(f.Ctx, d, y.ID, dup, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		// Both files hold the two seats of z: after the merge, one is free again.
		z := f.Cohort(2, trainingtest.Monday.AddDate(0, 4, 0))
		for _, l := range []int64{dup, keep} {
			if _, err := training.Enrol(f.Ctx, d, z.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := attendance.SaveAttendance(f.Ctx, d, mx[0].ID, map[int64]string{dup: "present", keep: "absent"}, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		if err := attendance.SaveAttendance(f.Ctx, d, mx[1].ID, map[int64]string{dup: "late"}, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		err := d.Tx(f.Ctx, func(tx *sql.Tx) error { return training.ReassignLearner(f.Ctx, tx, dup, keep) })
		if err != nil {
			t.Fatal(err)
		}
		if f.State(x.ID, keep) != training.Enrolled || f.State(y.ID, keep) != training.Enrolled {
			t.Fatalf("kept file: %s in x, %s in y", f.State(x.ID, keep), f.State(y.ID, keep))
		}
		if v, _ := training.LearnerEnrolments(f.Ctx, d, dup); len(v) != 0 {
			t.Fatalf("the duplicate still has %d enrolments", len(v))
		}
		views, err := training.LearnerEnrolments(f.Ctx, d, keep)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range views {
			if v.CohortID == x.ID && (v.HoursAttended != 4 || len(v.Marks) != 2) {
				t.Fatalf("marks in x after merge: %+v", v)
			}
		}
		if got := f.Load(x.ID); got.Taken != 1 || got.Waiting != 0 {
			t.Fatalf("cohort x: %d taken, %d waiting", got.Taken, got.Waiting)
		}
		if got := f.Load(z.ID); got.Taken != 1 || got.State != "open" {
			t.Fatalf("cohort z: %d taken, state %s", got.Taken, got.State)
		}
	})
}
