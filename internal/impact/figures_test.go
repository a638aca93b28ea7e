package impact

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"tremplin/internal/attendance"
	"tremplin/internal/learners"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/i18n"
)

// fixture writes a small, known association into the packages' tables (test data
// only: the impact package never writes them).
type fixture struct {
	t   *testing.T
	d   *db.DB
	ctx context.Context
	ids map[string]int64
}

func (f *fixture) insert(name, query string, args ...any) int64 {
	f.t.Helper()
	id, err := f.d.InsertID(f.ctx, query+" RETURNING id", args...)
	if err != nil {
		f.t.Fatalf("%s: %v", name, err)
	}
	if name != "" {
		f.ids[name] = id
	}
	return id
}

func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.d.Exec(f.ctx, query, args...); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
}

const old = "2024-01-01T00:00:00Z" // created_at/updated_at of the set-up rows

func (f *fixture) antenna(name string) {
	f.insert(name, `INSERT INTO antennas (name, city, country, timezone, created_at, updated_at) VALUES ($1, $1, 'FR', 'Europe/Paris', $2, $2)`, name, old)
	f.insert(name+"/place", `INSERT INTO places (antenna_id, name, address, postcode, city, created_at, updated_at) VALUES ($1, $2, 'rue', '59000', 'Ville', $3, $3)`,
		f.ids[name], name+" salle", old)
}

func (f *fixture) programme(name, title, level string) {
	f.insert(name, `INSERT INTO programmes (title, level, total_hours, certifying, created_at, updated_at) VALUES ($1, $2, 40, $3, $4, $4)`,
		title, level, level == "certifiant", old)
}

func (f *fixture) cohort(name, antenna, programme, starts string) {
	f.insert(name, `INSERT INTO cohorts (programme_id, antenna_id, place_id, capacity, starts_on, ends_on, state, feed_token, created_at, updated_at)
		VALUES ($1, $2, $3, 12, $4, $4, 'running', $5, $6, $6)`, f.ids[programme], f.ids[antenna], f.ids[antenna+"/place"], starts, "tok-"+name, old)
}

func (f *fixture) learner(name, antenna, created string, birthYear int, situations string) {
	f.insert(name, `INSERT INTO learners (antenna_id, first_name, last_name, phone, birth_year, situations, consent_text, consent_at, created_at, updated_at)
		VALUES ($1, $2, 'Test', '+33600000000', $3, $4, 'ok', $5, $5, $5)`, f.ids[antenna], name, birthYear, situations, created)
}

func (f *fixture) test(learner, takenAt string) {
	f.insert("", `INSERT INTO positioning_tests (learner_id, staff_id, taken_at, lang, percent, level, intermediate_from, advanced_from)
		VALUES ($1, $2, $3, 'fr', 50, 'intermediaire', 35, 70)`, f.ids[learner], f.ids["staff"], takenAt)
}

func (f *fixture) seat(learner, cohort, state string) {
	f.insert("", `INSERT INTO enrolments (cohort_id, learner_id, state, since, created_at, updated_at) VALUES ($1, $2, $3, $4, $4, $4)`,
		f.ids[cohort], f.ids[learner], state, old)
}

func (f *fixture) exit(learner, outcome, on string) {
	f.exec(`UPDATE learners SET status = $1, exited_on = $2 WHERE id = $3`, outcome, on, f.ids[learner])
	due, _ := time.Parse(time.DateOnly, on)
	for i, m := range []string{"m3", "m6"} {
		f.exec(`INSERT INTO learner_followups (learner_id, milestone, due_on) VALUES ($1, $2, $3)`, f.ids[learner], m,
			due.AddDate(0, 3*(i+1), 0).Format(time.DateOnly))
	}
}

func (f *fixture) followUp(learner, situation string) {
	f.exec(`UPDATE learner_followups SET situation = $1, recorded_at = $2 WHERE learner_id = $3 AND milestone = 'm6'`,
		situation, old, f.ids[learner])
}

func (f *fixture) meeting(name, cohort, start, end string, marks map[string]string) {
	f.insert(name, `INSERT INTO meetings (cohort_id, starts_at, ends_at, created_at) VALUES ($1, $2, $3, $4)`, f.ids[cohort], start, end, old)
	for l, m := range marks {
		// Marked at the end of the meeting: a mark made before its meeting never counts.
		f.exec(`INSERT INTO attendance (meeting_id, learner_id, mark, marked_at) VALUES ($1, $2, $3, $4)`, f.ids[name], f.ids[l], m, end)
	}
}

// newFixture builds the association the expectations below were counted by hand
// from: two antennas, two programmes, four cohorts, nine files.
func newFixture(t *testing.T, d *db.DB) *fixture {
	f := &fixture{t: t, d: d, ctx: context.Background(), ids: map[string]int64{}}
	f.antenna("A")
	f.antenna("B")
	f.insert("staff", `INSERT INTO staff (name, email, role, created_at, updated_at) VALUES ('Conseillère', 'c@example.org', 'adviser', $1, $1)`, old)
	f.programme("P1", "Premiers pas", "debutant")
	f.programme("P2", "Développeur web", "certifiant")
	f.cohort("C1", "A", "P1", "2025-02-03")
	f.cohort("C2", "A", "P2", "2025-03-01")
	f.cohort("C3", "B", "P1", "2024-11-04")
	f.cohort("C4", "B", "P1", "2025-06-02")

	f.learner("L1", "A", "2025-01-10T10:00:00Z", 1990, "rsa,qpv")
	f.test("L1", "2025-01-15T10:00:00Z")
	f.seat("L1", "C1", "enrolled")
	f.exit("L1", "completed", "2025-04-30")
	f.followUp("L1", "cdi")

	f.learner("L2", "A", "2025-01-20T10:00:00Z", 2005, "young_unqualified")
	f.test("L2", "2025-03-01T10:00:00Z")
	f.test("L2", "2025-01-25T10:00:00Z")
	f.seat("L2", "C2", "enrolled")
	f.seat("L2", "C1", "enrolled")
	f.exit("L2", "certified", "2025-09-15")

	f.learner("L3", "A", "2024-12-20T10:00:00Z", 1960, "job_seeker,asylum")
	f.test("L3", "2024-12-22T10:00:00Z")
	f.seat("L3", "C1", "enrolled")
	f.exit("L3", "dropped", "2025-02-20")
	f.followUp("L3", "job_search")

	f.learner("L4", "A", "2025-05-05T10:00:00Z", 0, "")
	f.seat("L4", "C2", "waitlisted")

	f.learner("L5", "B", "2024-10-01T10:00:00Z", 1985, "rsa")
	f.seat("L5", "C3", "enrolled")
	f.exit("L5", "completed", "2025-01-31")
	f.followUp("L5", "training")

	f.learner("L6", "B", "2025-06-01T10:00:00Z", 2010, "other")
	f.test("L6", "2025-06-01T11:00:00Z")
	f.seat("L6", "C4", "enrolled")

	f.learner("L7", "B", "2025-03-03T10:00:00Z", 1980, "rsa")
	f.exec("UPDATE learners SET merged_into = $1 WHERE id = $2", f.ids["L6"], f.ids["L7"])

	f.learner("L8", "B", "2025-12-31T23:30:00Z", 1950, "qpv")
	f.learner("L9", "A", "2026-01-01T00:00:00Z", 1990, "rsa")

	f.meeting("M1", "C1", "2025-02-03T09:00:00Z", "2025-02-03T12:00:00Z", map[string]string{"L1": "present", "L2": "late", "L3": "absent"})
	f.meeting("M2", "C1", "2025-02-10T09:00:00Z", "2025-02-10T12:30:00Z", map[string]string{"L1": "present", "L2": "excused", "L3": "present"})
	f.meeting("M3", "C3", "2024-11-04T09:00:00Z", "2024-11-04T11:00:00Z", map[string]string{"L5": "present"})
	f.meeting("M4", "C4", "2025-06-02T13:00:00Z", "2025-06-02T15:00:00Z", map[string]string{"L6": "present"})
	f.meeting("M5", "C2", "2025-12-31T23:00:00Z", "2026-01-01T01:00:00Z", map[string]string{"L2": "present"})
	return f
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

type expect struct {
	counts   Counts
	training Training
}

func check(t *testing.T, what string, fig *Figures, want expect) {
	t.Helper()
	if fig.Counts != want.counts {
		t.Errorf("%s: counts %+v, want %+v", what, fig.Counts, want.counts)
	}
	if fig.Training != want.training {
		t.Errorf("%s: training %+v, want %+v", what, fig.Training, want.training)
	}
}

func findGroup(t *testing.T, gs []Group, key string) Group {
	t.Helper()
	for _, g := range gs {
		if g.Key == key || g.Name == key {
			return g
		}
	}
	t.Fatalf("no group %s in %+v", key, gs)
	return Group{}
}

// The figures of the fixture, counted by hand (see each comment), on both engines.
func TestFiguresMatchHandCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		year := Filter{From: day("2025-01-01"), To: day("2025-12-31")}
		fig, err := Compute(ctx, d, year)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "2025", fig, expect{
			// Registered L1 L2 L4 L6 L8 (L3, L5 in 2024; L7 merged; L9 in 2026).
			// Positioned L1 L2 L6 (L2's first test counts; L3's was in 2024).
			// Enrolled L1 L2 L3 (C1, 3 Feb) and L6 (C4); L4 is waitlisted, L5's cohort began in 2024.
			// Completed L1 L5; certified L2; dropped L3.
			counts: Counts{Registered: 5, Positioned: 3, Enrolled: 4, Completed: 2, Certified: 1, Dropped: 1},
			// Minutes: M1 2×180 + M2 2×210 + M4 120 + M5 120 (crosses midnight) = 1020.
			// Marks: 6 present or late out of 8. Follow-ups at 6 months due in 2025:
			// L1 (CDI), L3 (job search), L5 (training): 3 recorded, 2 positive.
			training: Training{LearnerMinutes: 1020, MarksAttended: 6, MarksTotal: 8, FollowUpsRecorded: 3, PositiveExits: 2},
		})
		if fig.Training.Hours() != 17 || fig.Training.AttendanceRate().Percent() != 75 || fig.Counts.CompletionRate().Percent() != 75 ||
			fig.Training.PositiveRate().Percent() != 66.7 {
			t.Errorf("rates: hours %v, attendance %v, completion %v, positive %v", fig.Training.Hours(),
				fig.Training.AttendanceRate().Percent(), fig.Counts.CompletionRate().Percent(), fig.Training.PositiveRate().Percent())
		}
		for key, want := range map[string]Counts{
			"impact.situation.rsa":               {Registered: 1, Positioned: 1, Enrolled: 1, Completed: 2}, // L1; L5 completed
			"impact.situation.young_unqualified": {Registered: 1, Positioned: 1, Enrolled: 1, Certified: 1},
			"impact.situation.qpv":               {Registered: 2, Positioned: 1, Enrolled: 1, Completed: 1}, // L1, L8
			"impact.situation.job_seeker":        {Enrolled: 1, Dropped: 1},                                 // L3
			"impact.situation.asylum":            {Enrolled: 1, Dropped: 1},
			"impact.situation.other":             {Registered: 1, Positioned: 1, Enrolled: 1}, // L6
		} {
			if got := findGroup(t, fig.BySituation, key).Counts; got != want {
				t.Errorf("%s: %+v, want %+v", key, got, want)
			}
		}
		for key, want := range map[string]Counts{
			"impact.band.25_39":       {Registered: 1, Positioned: 1, Enrolled: 1, Completed: 2}, // L1 (35), L5 (39 in 2024)
			"impact.band.18_24":       {Registered: 1, Positioned: 1, Enrolled: 1, Certified: 1}, // L2
			"impact.band.60_69":       {Enrolled: 1, Dropped: 1},                                 // L3 (64)
			"impact.band.12_17":       {Registered: 1, Positioned: 1, Enrolled: 1},               // L6 (15)
			"impact.band.70_plus":     {Registered: 1},                                           // L8 (75)
			"impact.band.undisclosed": {Registered: 1},                                           // L4
			"impact.band.under_12":    {},
		} {
			if got := findGroup(t, fig.ByBand, key).Counts; got != want {
				t.Errorf("%s: %+v, want %+v", key, got, want)
			}
		}
		// Programmes: exits count in the last cohort's programme (L2 certified in C2).
		p1 := findGroup(t, fig.ByProgramme, "Premiers pas")
		if want := (Counts{Enrolled: 4, Completed: 2, Dropped: 1}); p1.Counts != want {
			t.Errorf("P1: %+v, want %+v", p1.Counts, want)
		}
		if want := (Training{LearnerMinutes: 900, MarksAttended: 5, MarksTotal: 7, FollowUpsRecorded: 3, PositiveExits: 2}); p1.Training != want {
			t.Errorf("P1 training: %+v, want %+v", p1.Training, want)
		}
		p2 := findGroup(t, fig.ByProgramme, "Développeur web")
		if want := (Counts{Certified: 1}); p2.Counts != want || p2.Training.LearnerMinutes != 120 {
			t.Errorf("P2: %+v %+v", p2.Counts, p2.Training)
		}
		if lv := findGroup(t, fig.ByLevel, "impact.level.debutant"); lv.Counts != p1.Counts || lv.Training != p1.Training {
			t.Errorf("level debutant %+v differs from its one programme %+v", lv, p1)
		}

		// One antenna.
		fig, err = Compute(ctx, d, Filter{From: year.From, To: year.To, Antennas: []int64{f.ids["B"]}})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "antenna B", fig, expect{
			counts:   Counts{Registered: 2, Positioned: 1, Enrolled: 1, Completed: 1},
			training: Training{LearnerMinutes: 120, MarksAttended: 1, MarksTotal: 1, FollowUpsRecorded: 1, PositiveExits: 1},
		})

		// A period cut inside months: days at both ends, whole months between.
		fig, err = Compute(ctx, d, Filter{From: day("2025-01-15"), To: day("2025-02-10")})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "15 Jan – 10 Feb", fig, expect{
			counts:   Counts{Registered: 1, Positioned: 2, Enrolled: 3, Completed: 1},
			training: Training{LearnerMinutes: 780, MarksAttended: 4, MarksTotal: 6},
		})

		// A programme chosen: training figures of that programme; registrations stay.
		fig, err = Compute(ctx, d, Filter{From: year.From, To: year.To, Programmes: []int64{f.ids["P2"]}})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "programme P2", fig, expect{
			counts:   Counts{Registered: 5, Positioned: 3, Certified: 1},
			training: Training{LearnerMinutes: 120, MarksAttended: 1, MarksTotal: 1},
		})
	})
}

// Changes made through the packages' own functions after a first dashboard are in
// the next one, and the counters kept up to date equal those rebuilt from scratch.
func TestFiguresFollowChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		year := Filter{From: day("2025-01-01"), To: day("2025-12-31")}
		if _, err := Compute(ctx, d, year); err != nil {
			t.Fatal(err)
		}
		// L6 leaves with a certificate.
		if err := learners.RecordExit(ctx, d, f.ids["L6"], learners.Certified, "", day("2025-08-01"), f.ids["staff"]); err != nil {
			t.Fatal(err)
		}
		// L1's exit is corrected to 2026: it leaves 2025.
		if err := learners.RecordExit(ctx, d, f.ids["L1"], learners.Completed, "", day("2026-02-01"), f.ids["staff"]); err != nil {
			t.Fatal(err)
		}
		// A registration back-dated into 2025 (a paper form typed in later).
		l := &learners.Learner{AntennaID: f.ids["A"], FirstName: "Nora", LastName: "Benali", Phone: "+33611111111", BirthYear: 1999,
			Situations: []string{"rsa"}, ConsentText: "ok", CreatedAt: time.Date(2025, 11, 11, 9, 0, 0, 0, time.UTC)}
		if err := learners.Register(ctx, d, l, "", 0); err != nil {
			t.Fatal(err)
		}
		// L3 was present at M1 after all.
		if err := attendance.SaveAttendance(ctx, d, f.ids["M1"], map[int64]string{f.ids["L3"]: "present"}, f.ids["staff"]); err != nil {
			t.Fatal(err)
		}
		fig, err := Compute(ctx, d, year)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "after changes", fig, expect{
			counts: Counts{Registered: 6, Positioned: 3, Enrolled: 4, Completed: 1, Certified: 2, Dropped: 1},
			// RecordExit moves only follow-ups not yet done: L1's recorded +6 months
			// stays due in 2025; L6's is due in 2026.
			training: Training{LearnerMinutes: 1200, MarksAttended: 7, MarksTotal: 8, FollowUpsRecorded: 3, PositiveExits: 2},
		})
		if got := findGroup(t, fig.BySituation, "impact.situation.rsa").Counts.Registered; got != 2 {
			t.Errorf("RSA registered: %d, want 2", got)
		}
		// What was kept up to date equals a rebuild.
		kept := dump(t, d)
		if err := Rebuild(ctx, d); err != nil {
			t.Fatal(err)
		}
		if rebuilt := dump(t, d); rebuilt != kept {
			t.Errorf("counters kept up to date differ from a rebuild:\nkept    %s\nrebuilt %s", kept, rebuilt)
		}
	})
}

func dump(t *testing.T, d *db.DB) string {
	t.Helper()
	out := ""
	for _, table := range []string{"impact_days", "impact_months"} {
		key := "day"
		if table == "impact_months" {
			key = "month"
		}
		rows, err := d.QueryContext(context.Background(), "SELECT antenna_id, "+key+", programme_id, "+columnList+" FROM "+table+
			" ORDER BY antenna_id, "+key+", programme_id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, p int64
			var k string
			var c counters
			if err := rows.Scan(append([]any{&a, &k, &p}, c.scanArgs()...)...); err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("%s %d %s %d %v\n", table, a, k, p, c)
		}
		rows.Close()
	}
	rows, err := d.QueryContext(context.Background(), "SELECT person_id, learner_id, org_id, antenna_id, referred_on, reached, enrolled, completed, positive FROM impact_referrals ORDER BY person_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var person, learner, org, antenna, reached, enrolled, completed, positive int64
		var on string
		if err := rows.Scan(&person, &learner, &org, &antenna, &on, &reached, &enrolled, &completed, &positive); err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("impact_referrals %d %d %d %d %s %d %d %d %d\n", person, learner, org, antenna, on, reached, enrolled, completed, positive)
	}
	return out
}

func TestSpans(t *testing.T) {
	got := fmt.Sprint(spans(day("2025-01-15"), day("2025-04-10")))
	want := "[{false 2025-01-15 2025-01-31} {true 2025-02 2025-03} {false 2025-04-01 2025-04-10}]"
	if got != want {
		t.Errorf("spans: %s, want %s", got, want)
	}
	if got := fmt.Sprint(spans(day("2025-01-01"), day("2025-12-31"))); got != "[{true 2025-01 2025-12}]" {
		t.Errorf("year: %s", got)
	}
	if got := fmt.Sprint(spans(day("2025-02-03"), day("2025-02-03"))); got != "[{false 2025-02-03 2025-02-03}]" {
		t.Errorf("one day: %s", got)
	}
}

// Merging two files that were both marked at the same meetings leaves one mark per
// meeting, and the next dashboard counts it so: the counters kept up to date equal
// a rebuild.
func TestFiguresFollowAMerge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		year := Filter{From: day("2025-01-01"), To: day("2025-12-31")}
		before, err := Compute(ctx, d, year)
		if err != nil {
			t.Fatal(err)
		}
		// L1 and L2 were both marked at M1 and M2: one person after all.
		if err := learners.Merge(ctx, d, f.ids["L1"], f.ids["L2"], f.ids["staff"]); err != nil {
			t.Fatal(err)
		}
		fig, err := Compute(ctx, d, year)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fig.Training.MarksTotal, before.Training.MarksTotal-2; got != want {
			t.Errorf("marks after the merge: %d, want %d", got, want)
		}
		if got, want := fig.Counts.Registered, before.Counts.Registered-1; got != want {
			t.Errorf("registered after the merge: %d, want %d", got, want)
		}
		kept := dump(t, d)
		if err := Rebuild(ctx, d); err != nil {
			t.Fatal(err)
		}
		if rebuilt := dump(t, d); rebuilt != kept {
			t.Errorf("counters kept up to date differ from a rebuild:\nkept    %s\nrebuilt %s", kept, rebuilt)
		}
	})
}

// The referral funnel counts, per partner, the people referred in the period to
// the chosen antennas, each as far as they went.
func TestFiguresCountReferralsPerPartner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		org := func(name string) {
			f.insert(name, `INSERT INTO partner_orgs (name, kind, created_at, updated_at) VALUES ($1, 'local_mission', $2, $2)`, name, old)
		}
		referral := func(name, org, antenna, at string, people map[string]string) {
			f.insert(name, `INSERT INTO referrals (org_id, antenna_id, source, created_at) VALUES ($1, $2, 'staff', $3)`, f.ids[org], f.ids[antenna], at)
			for l, state := range people {
				f.insert("", `INSERT INTO referral_people (referral_id, learner_id, state, updated_at) VALUES ($1, $2, $3, $4)`, f.ids[name], f.ids[l], state, at)
			}
		}
		org("Mission locale")
		org("CCAS")
		referral("R1", "Mission locale", "A", "2025-03-01T10:00:00Z", map[string]string{"L1": "enrolled", "L4": "sent"})
		referral("R2", "CCAS", "B", "2025-06-01T10:00:00Z", map[string]string{"L6": "contacted"})
		referral("R3", "CCAS", "A", "2024-06-01T10:00:00Z", map[string]string{"L3": "dropped"})
		type row struct {
			name                                             string
			referred, reached, enrolled, completed, positive int
		}
		for _, c := range []struct {
			filter Filter
			want   []row
		}{
			{Filter{From: day("2025-01-01"), To: day("2025-12-31")}, []row{{"CCAS", 1, 1, 0, 0, 0}, {"Mission locale", 2, 1, 1, 1, 1}}},
			{Filter{From: day("2025-01-01"), To: day("2025-12-31"), Antennas: []int64{f.ids["B"]}}, []row{{"CCAS", 1, 1, 0, 0, 0}}},
			{Filter{From: day("2024-01-01"), To: day("2024-12-31")}, []row{{"CCAS", 1, 1, 1, 0, 0}}},
			{Filter{From: day("2025-03-02"), To: day("2025-05-31")}, nil},
		} {
			fig, err := Compute(ctx, d, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, o := range fig.Partners {
				got = append(got, row{o.OrgName, o.Referred, o.Reached, o.Enrolled, o.Completed, o.Positive})
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s–%s %v: %v, want %v", c.filter.From.Format(time.DateOnly), c.filter.To.Format(time.DateOnly), c.filter.Antennas, got, c.want)
			}
			// The report prints the same numbers.
			tables := fig.Tables(i18n.For("fr"))
			funnel := tables[len(tables)-1]
			if funnel.ID != "partners" || len(funnel.Rows) != len(c.want) {
				t.Fatalf("report table %q has %d rows, want %d", funnel.ID, len(funnel.Rows), len(c.want))
			}
			for i, w := range c.want {
				if r := funnel.Rows[i]; r[0].Text != w.name || r[1].Value != float64(w.referred) || r[5].Value != float64(w.positive) {
					t.Errorf("report row %d: %+v, want %+v", i, r, w)
				}
			}
		}
		// After the first dashboard: staff reach L4 (the referral's state), L6 leaves
		// with a certificate (the file's status), and a new person is referred.
		var l4 int64
		if err := d.QueryRowContext(ctx, "SELECT id FROM referral_people WHERE learner_id = $1", f.ids["L4"]).Scan(&l4); err != nil {
			t.Fatal(err)
		}
		if _, err := partners.SetState(ctx, d, auth.Scope{All: true}, l4, partners.Contacted, "", f.ids["staff"]); err != nil {
			t.Fatal(err)
		}
		if err := learners.RecordExit(ctx, d, f.ids["L6"], learners.Certified, "", day("2025-08-01"), f.ids["staff"]); err != nil {
			t.Fatal(err)
		}
		f.learner("L10", "A", "2025-07-01T10:00:00Z", 1999, "rsa")
		referral("R4", "CCAS", "A", "2025-07-01T10:00:00Z", map[string]string{"L10": "sent"})
		fig, err := Compute(ctx, d, Filter{From: day("2025-01-01"), To: day("2025-12-31")})
		if err != nil {
			t.Fatal(err)
		}
		var got []row
		for _, o := range fig.Partners {
			got = append(got, row{o.OrgName, o.Referred, o.Reached, o.Enrolled, o.Completed, o.Positive})
		}
		if want := []row{{"CCAS", 2, 1, 1, 1, 0}, {"Mission locale", 2, 2, 1, 1, 1}}; !slices.Equal(got, want) {
			t.Errorf("after changes: %v, want %v", got, want)
		}
		kept := dump(t, d)
		if err := Rebuild(ctx, d); err != nil {
			t.Fatal(err)
		}
		if rebuilt := dump(t, d); rebuilt != kept {
			t.Errorf("referral counters kept up to date differ from a rebuild:\nkept    %s\nrebuilt %s", kept, rebuilt)
		}
	})
}

// Figures by gender count the optional answer; the people who gave none are a row
// of their own, so that every column adds up to the total.
func TestFiguresByGender(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		for l, g := range map[string]string{"L1": "woman", "L2": "woman", "L3": "man", "L6": "other"} {
			f.exec("UPDATE learners SET gender = $1 WHERE id = $2", g, f.ids[l])
		}
		year := Filter{From: day("2025-01-01"), To: day("2025-12-31")}
		want := map[string]Counts{
			// Registered L1 L2 (women), L6 (other), L4 L8 (not given); positioned
			// L1 L2 L6; enrolled L1 L2 L3 L6; completed L1 and L5 (not given);
			// certified L2; dropped L3 (man).
			"impact.gender.woman":     {Registered: 2, Positioned: 2, Enrolled: 2, Completed: 1, Certified: 1},
			"impact.gender.man":       {Enrolled: 1, Dropped: 1},
			"impact.gender.other":     {Registered: 1, Positioned: 1, Enrolled: 1},
			"impact.gender.not_given": {Registered: 2, Completed: 1},
		}
		byGender := func() map[string]Counts {
			fig, err := Compute(ctx, d, year)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Counts{}
			for _, g := range fig.ByGender {
				got[g.Key] = g.Counts
			}
			return got
		}
		if got := byGender(); !maps.Equal(got, want) {
			t.Errorf("by gender:\n got %+v\nwant %+v", got, want)
		}
		// L4 answers when staff edit the file: the next dashboard counts it.
		l4, err := learners.ByID(ctx, d, auth.Scope{All: true}, f.ids["L4"])
		if err != nil {
			t.Fatal(err)
		}
		l4.Gender = "man"
		if err := learners.Update(ctx, d, l4, f.ids["staff"]); err != nil {
			t.Fatal(err)
		}
		want["impact.gender.man"] = Counts{Registered: 1, Enrolled: 1, Dropped: 1}
		want["impact.gender.not_given"] = Counts{Registered: 1, Completed: 1}
		if got := byGender(); !maps.Equal(got, want) {
			t.Errorf("after an edit:\n got %+v\nwant %+v", got, want)
		}
		kept := dump(t, d)
		if err := Rebuild(ctx, d); err != nil {
			t.Fatal(err)
		}
		if rebuilt := dump(t, d); rebuilt != kept {
			t.Errorf("counters kept up to date differ from a rebuild")
		}
	})
}

// Several dashboards opened at once on a database whose counters were never built
// (a fresh upgrade, several web processes) all get the right figures.
func TestFirstDashboardsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		newFixture(t, d)
		year := Filter{From: day("2025-01-01"), To: day("2025-12-31")}
		errs := make(chan error, 4)
		figs := make(chan *Figures, 4)
		for range 4 {
			go func() {
				fig, err := Compute(context.Background(), d, year)
				errs <- err
				figs <- fig
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			if fig := <-figs; fig.Counts != (Counts{Registered: 5, Positioned: 3, Enrolled: 4, Completed: 2, Certified: 1, Dropped: 1}) {
				t.Errorf("figures: %+v", fig.Counts)
			}
		}
	})
}
