package training_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"tremplin/internal/attendance"
	"tremplin/internal/catalogue"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/training"
	"tremplin/internal/training/trainingtest"
)

func meetingStates(f *trainingtest.Fixture, c *training.Cohort) []string {
	f.T.Helper()
	rows, err := f.DB.QueryContext(f.Ctx, "SELECT cancelled_at FROM meetings WHERE cohort_id = $1 ORDER BY starts_at", c.ID)
	if err != nil {
		f.T.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var at string
		rows.Scan(&at)
		if at == "" {
			out = append(out, "stands")
		} else {
			out = append(out, "cancelled")
		}
	}
	return out
}

// Cancelling a cohort ends every seat, offer and place on its waitlist with the
// reason kept, cancels the meetings to come (those held keep their marks), and
// cannot happen twice; a cohort whose meetings have begun cannot be reopened.
func TestCancellingACohortWithdrawsEveryoneAndCancelsTheMeetingsToCome(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		c := f.Cohort(2, trainingtest.Monday)
		ann, bob, cyr, dia := f.Learner("Ann"), f.Learner("Bob"), f.Learner("Cyr"), f.Learner("Dia")
		d.Exec(f.Ctx, "UPDATE learners SET email = 'ann@example.org', lang = 'ar' WHERE id = $1", ann)
		for _, l := range []int64{ann, bob} {
			if _, err := training.Enrol(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, l := range []int64{cyr, dia} {
			if err := training.Waitlist(f.Ctx, d, c.ID, l, f.Staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := training.Withdraw(f.Ctx, d, c.ID, bob, f.Staff.ID); err != nil { // Cyr is offered Bob's seat
			t.Fatal(err)
		}
		ms := f.Meetings(c, 3, 3, 3)
		if err := attendance.SaveAttendance(f.Ctx, d, ms[0].ID, map[int64]string{ann: "present"}, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		now := ms[1].Start.Add(-time.Hour) // after the first meeting, before the second

		people, err := training.CancelCohort(f.Ctx, d, c.ID, f.Staff.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range people {
			got = append(got, p.FirstName+":"+p.State+":"+p.Lang+":"+p.Email)
		}
		if want := "[Ann:enrolled:ar:ann@example.org Cyr:offered:fr: Dia:waitlisted:fr:]"; fmt.Sprint(got) != want {
			t.Fatalf("people concerned %v, want %s", got, want)
		}
		if c2 := f.Load(c.ID); c2.State != "cancelled" || c2.Taken != 0 || c2.Waiting != 0 {
			t.Fatalf("after cancelling: state %s, taken %d, waiting %d", c2.State, c2.Taken, c2.Waiting)
		}
		var reasons []string
		rows, _ := d.QueryContext(f.Ctx, `SELECT e.state || '/' || e.ended_reason || '/' || e.state_before FROM enrolments e
			JOIN learners l ON l.id = e.learner_id WHERE e.cohort_id = $1 ORDER BY l.first_name`, c.ID)
		for rows.Next() {
			var s string
			rows.Scan(&s)
			reasons = append(reasons, s)
		}
		rows.Close()
		want := "[withdrawn/cohort_cancelled/enrolled withdrawn// withdrawn/cohort_cancelled/offered withdrawn/cohort_cancelled/waitlisted]"
		if fmt.Sprint(reasons) != want {
			t.Fatalf("enrolments %v, want %s", reasons, want)
		}
		if got := fmt.Sprint(meetingStates(f, c)); got != "[stands cancelled cancelled]" {
			t.Fatalf("meetings %s", got)
		}
		var marks int
		d.QueryRowContext(f.Ctx, "SELECT COUNT(*) FROM attendance WHERE meeting_id = $1", ms[0].ID).Scan(&marks)
		if marks != 1 {
			t.Fatal("the held meeting lost its marks")
		}
		if _, err := training.CancelCohort(f.Ctx, d, c.ID, f.Staff.ID, now); !errors.Is(err, training.ErrNotCancellable) {
			t.Fatalf("cancelling twice: %v", err)
		}
		if _, err := training.Enrol(f.Ctx, d, c.ID, bob, f.Staff.ID); !errors.Is(err, training.ErrCohortClosed) {
			t.Fatalf("enrolling in a cancelled cohort: %v", err)
		}
		if ok, _ := training.Reopenable(f.Ctx, d, c.ID, now); ok {
			t.Fatal("a cohort whose first meeting was held can be reopened")
		}
		if _, err := training.ReopenCohort(f.Ctx, d, c.ID, f.Staff.ID, now); !errors.Is(err, training.ErrNotReopenable) {
			t.Fatalf("reopening after a meeting: %v", err)
		}
		if err := training.SetCohortState(f.Ctx, d, f.Cohort(3, trainingtest.Monday).ID, "cancelled"); !errors.Is(err, training.ErrBadTransition) {
			t.Fatalf("one-click cancel: %v", err)
		}
	})
}

// Reopening brings back the meetings cancelled with the cohort (not one cancelled
// on its own before), the cohort's state before, and lists its former people
// until they are enrolled again; who did what is logged.
func TestReopeningRestoresTheCohortsMeetingsAndListsItsFormerPeople(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		c := f.Cohort(3, trainingtest.Monday)
		ann, bob := f.Learner("Ann"), f.Learner("Bob")
		training.Enrol(f.Ctx, d, c.ID, ann, f.Staff.ID)
		training.Waitlist(f.Ctx, d, c.ID, bob, f.Staff.ID) // seats are free: a place on the list all the same
		ms := f.Meetings(c, 2, 2, 2)
		d.Exec(f.Ctx, "UPDATE meetings SET cancelled_at = '2027-01-01T10:00:00Z' WHERE id = $1", ms[1].ID)
		now := trainingtest.Monday.AddDate(0, 0, -10)
		if _, err := training.CancelCohort(f.Ctx, d, c.ID, f.Staff.ID, now); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(meetingStates(f, c)); got != "[cancelled cancelled cancelled]" {
			t.Fatalf("meetings after cancelling %s", got)
		}
		later := now.Add(48 * time.Hour)
		if ok, err := training.Reopenable(f.Ctx, d, c.ID, later); !ok || err != nil {
			t.Fatalf("reopenable: %v %v", ok, err)
		}
		people, err := training.ReopenCohort(f.Ctx, d, c.ID, f.Staff.ID, later)
		if err != nil {
			t.Fatal(err)
		}
		if len(people) != 2 || people[0].LearnerID != ann || people[0].State != training.Enrolled || people[1].State != training.Waitlisted {
			t.Fatalf("former people %+v", people)
		}
		if c2 := f.Load(c.ID); c2.State != "open" {
			t.Fatalf("state after reopening %s", c2.State)
		}
		if got := fmt.Sprint(meetingStates(f, c)); got != "[stands cancelled stands]" {
			t.Fatalf("meetings after reopening %s", got)
		}
		if _, err := training.Enrol(f.Ctx, d, c.ID, ann, f.Staff.ID); err != nil {
			t.Fatal(err)
		}
		left, _ := training.FormerlyIn(f.Ctx, d, c.ID)
		if len(left) != 1 || left[0].LearnerID != bob {
			t.Fatalf("still to enrol again %+v", left)
		}
		log, err := training.CohortLog(f.Ctx, d, c.ID)
		if err != nil || len(log) != 2 || log[0].Action != "reopened" || log[1].Action != "cancelled" || log[1].StaffName != f.Staff.Name || log[1].People != 2 {
			t.Fatalf("log %+v %v", log, err)
		}
		// A draft cancelled goes back to draft.
		draft := &training.Cohort{ProgrammeID: f.Programme.ID, AntennaID: f.Antenna.ID, PlaceID: f.Place.ID, Capacity: 5,
			StartsOn: trainingtest.Monday, EndsOn: trainingtest.Monday.AddDate(0, 0, 7), Timezone: f.Antenna.Timezone}
		training.SaveCohort(f.Ctx, d, draft, f.Staff.ID)
		training.CancelCohort(f.Ctx, d, draft.ID, f.Staff.ID, now)
		if _, err := training.ReopenCohort(f.Ctx, d, draft.ID, f.Staff.ID, now); err != nil || f.Load(draft.ID).State != "draft" {
			t.Fatalf("draft reopened: %v %s", err, f.Load(draft.ID).State)
		}
	})
}

// The staff list is read a page at a time in start order, with filters by
// programme, state and period, and staff see only their antennas.
func TestCohortPagesWalkTheListWithFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		other := trainingtest.New(t, d, "Bordeaux", "Europe/Paris")
		second := &training.Programme{Title: "Bureautique", Level: "intermediaire", TotalHours: 30}
		training.SaveProgramme(f.Ctx, d, second)
		var all []int64
		for i := range 7 {
			c := f.Cohort(5, trainingtest.Monday.AddDate(0, 0, 14*(i/2))) // two cohorts share each start day
			if i%3 == 0 {
				d.Exec(f.Ctx, "UPDATE cohorts SET programme_id = $1 WHERE id = $2", second.ID, c.ID)
			}
			all = append(all, c.ID)
		}
		other.Cohort(5, trainingtest.Monday)
		everyone := auth.Scope{All: true}
		var walked []int64
		after := ""
		for page := 0; page < 5; page++ {
			list, next, total, err := training.CohortPage(f.Ctx, d, everyone, training.CohortFilter{AntennaID: f.Antenna.ID}, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			if total != 7 {
				t.Fatalf("total %d", total)
			}
			for _, c := range list {
				walked = append(walked, c.ID)
			}
			if after = next; next == "" {
				break
			}
		}
		want, _ := training.Cohorts(f.Ctx, d, everyone, training.CohortFilter{AntennaID: f.Antenna.ID})
		var wantIDs []int64
		for _, c := range want {
			wantIDs = append(wantIDs, c.ID)
		}
		if fmt.Sprint(walked) != fmt.Sprint(wantIDs) || len(walked) != 7 {
			t.Fatalf("pages walked %v, want %v", walked, wantIDs)
		}
		slices.Reverse(all)
		for i := range all {
			if !slices.Contains(walked, all[i]) {
				t.Fatalf("cohort %d missing", all[i])
			}
		}
		_, _, n, _ := training.CohortPage(f.Ctx, d, everyone, training.CohortFilter{ProgrammeID: second.ID}, "", 3)
		if n != 3 {
			t.Fatalf("by programme: %d", n)
		}
		_, _, n, _ = training.CohortPage(f.Ctx, d, everyone, training.CohortFilter{From: trainingtest.Monday.AddDate(0, 0, 40), To: trainingtest.Monday.AddDate(0, 0, 41)}, "", 3)
		if n != 4 { // the cohorts starting on day 14 (ending on day 42) and on day 28
			t.Fatalf("by period: %d", n)
		}
		_, _, n, _ = training.CohortPage(f.Ctx, d, everyone, training.CohortFilter{State: "draft"}, "", 3)
		if n != 0 {
			t.Fatalf("drafts: %d", n)
		}
		_, _, n, _ = training.CohortPage(f.Ctx, d, f.Staff.Scope(), training.CohortFilter{}, "", 3)
		if n != 7 {
			t.Fatalf("a Lille manager sees %d cohorts", n)
		}
	})
}

// Programmes of an antenna are seen by its staff only; archived and off-catalogue
// ones leave the public catalogue; missing translations fall back to French.
func TestProgrammesBelongToAnAntennaAndSpeakItsLanguages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		other := trainingtest.New(t, d, "Bordeaux", "Europe/Paris")
		local := &training.Programme{Title: "Atelier CAF", Level: "debutant", TotalHours: 6, AntennaID: f.Antenna.ID,
			TitleAr: "ورشة", Description: "Faire ses démarches.", DescriptionEn: "Doing one's paperwork."}
		if err := training.SaveProgramme(f.Ctx, d, local); err != nil {
			t.Fatal(err)
		}
		f.Programme.AntennaID = f.Antenna.ID
		training.SaveProgramme(f.Ctx, d, f.Programme)
		today := trainingtest.Monday.AddDate(0, 0, -20)
		c := f.Cohort(4, trainingtest.Monday)
		_ = c
		seen := func(sc auth.Scope, archived bool) []string {
			list, err := training.ProgrammesIn(f.Ctx, d, sc, archived)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range list {
				out = append(out, p.Title)
			}
			return out
		}
		if got := seen(other.Staff.Scope(), false); slices.Contains(got, "Atelier CAF") || !slices.Contains(got, "Premiers pas Bordeaux") {
			t.Fatalf("Bordeaux sees %v", got)
		}
		if got := seen(f.Staff.Scope(), false); !slices.Contains(got, "Atelier CAF") {
			t.Fatalf("Lille sees %v", got)
		}
		if !local.CanEdit(f.Staff) || local.CanEdit(other.Staff) {
			t.Fatal("who may edit an antenna's programme")
		}
		if got := local.TitleIn("ar"); got != (training.Text{Text: "ورشة", Lang: "ar"}) {
			t.Fatalf("Arabic title %+v", got)
		}
		if got := local.TitleIn("en"); got != (training.Text{Text: "Atelier CAF", Lang: "fr"}) {
			t.Fatalf("English title falls back %+v", got)
		}
		if got := local.DescriptionIn("en"); got.Lang != "en" || local.DescriptionIn("ar").Lang != "fr" {
			t.Fatalf("descriptions %+v %+v", got, local.DescriptionIn("ar"))
		}
		titles := func(antenna int64) []string {
			offers, err := catalogue.Catalogue(f.Ctx, d, antenna, 0, today)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range offers {
				out = append(out, fmt.Sprintf("%s:%d", o.Title, len(o.Cohorts)))
			}
			return out
		}
		if got := fmt.Sprint(titles(other.Antenna.ID)); got != "[Premiers pas Bordeaux:0]" {
			t.Fatalf("Bordeaux catalogue %s", got)
		}
		if got := fmt.Sprint(titles(f.Antenna.ID)); got != "[Atelier CAF:0 Premiers pas Bordeaux:0 Premiers pas Lille:1]" { // Bordeaux's fixture programme is national
			t.Fatalf("Lille catalogue %s", got)
		}
		f.Programme.OffCatalogue = true
		training.SaveProgramme(f.Ctx, d, f.Programme)
		local.Archived = true
		training.SaveProgramme(f.Ctx, d, local)
		if got := fmt.Sprint(titles(0)); got != "[Premiers pas Bordeaux:0]" {
			t.Fatalf("catalogue without archived and off-catalogue programmes %s", got)
		}
		if got := seen(f.Staff.Scope(), false); slices.Contains(got, "Atelier CAF") {
			t.Fatalf("archived programme listed %v", got)
		}
		if got := seen(f.Staff.Scope(), true); !slices.Contains(got, "Atelier CAF") {
			t.Fatalf("archived programme hidden when asked %v", got)
		}
		pub, _ := training.PublicProgrammes(f.Ctx, d, 0)
		if len(pub) != 1 || pub[0].Title != "Premiers pas Bordeaux" {
			t.Fatalf("public programmes %+v", pub)
		}
	})
}

// Seats are offered to the people chosen on the waitlist while seats last; the
// others are named. People of the antenna are found by the start of a name.
func TestOfferToChosenPeopleAndFindPeopleToEnrol(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := trainingtest.New(t, d, "Lille", "Europe/Paris")
		c := f.Cohort(2, trainingtest.Monday)
		ann, bob, cyr, dia := f.Learner("Ann"), f.Learner("Bob"), f.Learner("Cyr"), f.Learner("Dia")
		training.Enrol(f.Ctx, d, c.ID, ann, f.Staff.ID)
		for _, l := range []int64{bob, cyr, dia} {
			training.Waitlist(f.Ctx, d, c.ID, l, f.Staff.ID)
		}
		changes, left, err := training.OfferTo(f.Ctx, d, c.ID, []int64{dia, cyr, ann}, f.Staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(changes) != fmt.Sprint([]training.Change{{CohortID: c.ID, LearnerID: dia, State: training.Offered}}) || fmt.Sprint(left) != fmt.Sprint([]int64{cyr, ann}) {
			t.Fatalf("changes %v, left %v", changes, left)
		}
		if got := f.Load(c.ID); got.State != "full" {
			t.Fatalf("state %s", got.State)
		}
		d.Exec(f.Ctx, "UPDATE learners SET first_key = lower(first_name), last_key = 'martin' WHERE antenna_id = $1", f.Antenna.ID)
		eve := f.Learner("Eve")
		d.Exec(f.Ctx, "UPDATE learners SET first_key = 'eve', last_key = 'martin' WHERE id = $1", eve)
		found, err := training.FindCandidates(f.Ctx, d, f.Load(c.ID), []string{"mar"})
		if err != nil || len(found) != 1 || found[0].LearnerID != eve {
			t.Fatalf("people not in the cohort named Mar…: %+v %v", found, err)
		}
		if found, _ := training.FindCandidates(f.Ctx, d, f.Load(c.ID), []string{"martin", "ev"}); len(found) != 1 {
			t.Fatalf("two words: %+v", found)
		}
		// Waiting for another cohort of the programme.
		next := f.Cohort(2, trainingtest.Monday.AddDate(0, 1, 0))
		if list, err := training.ProgrammeWaitlist(f.Ctx, d, f.Load(next.ID), 10); err != nil || len(list) != 2 {
			t.Fatalf("programme waitlist %+v %v", list, err)
		}
	})
}
