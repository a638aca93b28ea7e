package volunteers_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"database/sql"

	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

// fixture is an antenna's missions, shifts and volunteers, built by direct
// inserts for the volunteers (their sign-up is another page's work).
type fixture struct {
	t   *testing.T
	d   *db.DB
	ctx context.Context
	org *orgtest.Fixture
	loc *time.Location
	// now is "today" of the tests: Monday 7 December 2026, 10:00 in Lille.
	now time.Time
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	loc, _ := time.LoadLocation("Europe/Paris")
	return &fixture{t: t, d: d, ctx: context.Background(), org: orgtest.Setup(t, d), loc: loc,
		now: time.Date(2026, 12, 7, 10, 0, 0, 0, loc)}
}

// volunteer stores an active volunteer of the antenna with these skills, who
// signed up 60 days before f.now.
func (f *fixture) volunteer(antenna int64, name string, skills ...string) *volunteers.Volunteer {
	f.t.Helper()
	id, err := f.d.InsertID(f.ctx, `INSERT INTO volunteers (antenna_id, first_name, last_name, phone, lang, state, created_at)
		VALUES ($1, $2, 'Test', $3, 'fr', 'active', $4) RETURNING id`, antenna, name, fmt.Sprintf("+336%08d", len(name)*1000+int(antenna)),
		db.FormatTime(f.now.AddDate(0, 0, -60)))
	if err != nil {
		f.t.Fatal(err)
	}
	for _, s := range skills {
		if _, err := f.d.Exec(f.ctx, "INSERT INTO volunteer_skills (volunteer_id, skill) VALUES ($1, $2)", id, s); err != nil {
			f.t.Fatal(err)
		}
	}
	v, err := volunteers.Get(f.ctx, f.d, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

// honourability records a check seen on done, valid until expires.
func (f *fixture) honourability(v *volunteers.Volunteer, done, expires string) {
	f.t.Helper()
	if _, err := f.d.Exec(f.ctx, `INSERT INTO volunteer_requirements (volunteer_id, kind, done_on, expires_on, created_at)
		VALUES ($1, 'honourability', $2, $3, $4)`, v.ID, done, expires, db.Now()); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) mission(antenna int64, title string, vulnerable bool, skills ...string) *volunteers.Mission {
	f.t.Helper()
	m := &volunteers.Mission{AntennaID: antenna, Title: title, Vulnerable: vulnerable, Active: true, Skills: skills}
	if err := volunteers.SaveMission(f.ctx, f.d, f.org.LilleScope, m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

// shift adds a fixed shift of the mission on day (days after f.now's day) from
// hour to hour+length.
func (f *fixture) shift(m *volunteers.Mission, days, hour, length, capacity int) *volunteers.Shift {
	f.t.Helper()
	y, mo, d := f.now.Date()
	start := time.Date(y, mo, d+days, hour, 0, 0, 0, f.loc)
	s := &volunteers.Shift{MissionID: m.ID, Kind: volunteers.Fixed, StartsAt: start, EndsAt: start.Add(time.Duration(length) * time.Hour),
		Capacity: capacity, CancelHours: 24}
	ids, err := volunteers.AddShifts(f.ctx, f.d, f.org.LilleScope, f.org.Adviser.ID, s, 1)
	if err != nil {
		f.t.Fatal(err)
	}
	got, err := volunteers.ShiftByID(f.ctx, f.d, f.org.LilleScope, ids[0])
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

func (f *fixture) signUp(v *volunteers.Volunteer, s *volunteers.Shift, wait bool) (string, error) {
	return volunteers.SignUp(f.ctx, f.d, v, s.ID, wait, f.now)
}

func (f *fixture) states(s *volunteers.Shift) map[string]string {
	f.t.Helper()
	list, err := volunteers.Signups(f.ctx, f.d, s.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]string{}
	for _, g := range list {
		out[g.Name] = g.State
	}
	return out
}

func TestCapacityHoldsUnderConcurrentSignUps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.mission(f.org.Lille, "Atelier du mardi", false)
		s := f.shift(m, 1, 14, 3, 3)
		var vs []*volunteers.Volunteer
		for i := range 12 {
			vs = append(vs, f.volunteer(f.org.Lille, fmt.Sprintf("V%02d", i)))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[string]int{}
		for _, v := range vs {
			wg.Go(func() {
				state, err := f.signUp(v, s, false)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, volunteers.ErrFull):
					got["full"]++
				case err != nil:
					t.Error(err)
				default:
					got[state]++
				}
			})
		}
		wg.Wait()
		if got[volunteers.Coming] != 3 || got["full"] != 9 {
			t.Fatalf("12 volunteers at once for 3 seats: %v, want 3 coming and 9 told it is full", got)
		}
		s, _ = volunteers.ShiftByID(f.ctx, d, f.org.LilleScope, s.ID)
		if s.Coming != 3 {
			t.Fatalf("%d coming on the shift, want 3", s.Coming)
		}
	})
}

func TestWaitlistPromotionAndCancellationDeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.mission(f.org.Lille, "Atelier du mardi", false)
		s := f.shift(m, 3, 14, 2, 1)
		ana, ben, chloe := f.volunteer(f.org.Lille, "Ana"), f.volunteer(f.org.Lille, "Ben"), f.volunteer(f.org.Lille, "Chloe")
		if st, err := f.signUp(ana, s, false); err != nil || st != volunteers.Coming {
			t.Fatalf("Ana: %q, %v", st, err)
		}
		if _, err := f.signUp(ben, s, false); !errors.Is(err, volunteers.ErrFull) {
			t.Fatalf("Ben without the waitlist on a full shift: %v, want ErrFull", err)
		}
		for _, v := range []*volunteers.Volunteer{ben, chloe} {
			if st, err := f.signUp(v, s, true); err != nil || st != volunteers.Waiting {
				t.Fatalf("%s on the waitlist: %q, %v", v.FirstName, st, err)
			}
		}
		var told []int64
		tell := func(_ context.Context, _ *sql.Tx, news string, id int64, _ *volunteers.Shift) error {
			if news != "promoted" {
				t.Errorf("news %q, want promoted", news)
			}
			told = append(told, id)
			return nil
		}
		if err := volunteers.CancelSignup(f.ctx, d, ana.ID, s.ID, f.now, tell); err != nil {
			t.Fatal(err)
		}
		if got := f.states(s); got["Ana Test"] != volunteers.Cancelled || got["Ben Test"] != volunteers.Coming || got["Chloe Test"] != volunteers.Waiting {
			t.Fatalf("after Ana cancels: %v, want Ben coming (first in line) and Chloe still waiting", got)
		}
		if len(told) != 1 || told[0] != ben.ID {
			t.Fatalf("told %v, want Ben (%d) alone", told, ben.ID)
		}
		// Less than 24 hours before the start, Ben may no longer cancel; Chloe
		// may still leave the waitlist.
		late := s.StartsAt.Add(-23 * time.Hour)
		if err := volunteers.CancelSignup(f.ctx, d, ben.ID, s.ID, late, tell); !errors.Is(err, volunteers.ErrDeadline) {
			t.Fatalf("Ben cancels 23 h before: %v, want ErrDeadline", err)
		}
		if err := volunteers.CancelSignup(f.ctx, d, chloe.ID, s.ID, late, tell); err != nil {
			t.Fatal(err)
		}
		if got := f.states(s); got["Ben Test"] != volunteers.Coming || got["Chloe Test"] != volunteers.Cancelled {
			t.Fatalf("after the deadline: %v", got)
		}
	})
}

func TestOverlapSkillsRequirementAndAntenna(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		workshop := f.mission(f.org.Lille, "Atelier", false)
		a := f.shift(workshop, 2, 14, 3, 5) // 14:00–17:00
		b := f.shift(workshop, 2, 16, 2, 5) // 16:00–18:00, overlaps
		c := f.shift(workshop, 2, 17, 1, 5) // 17:00–18:00, right after a
		ana := f.volunteer(f.org.Lille, "Ana")
		if _, err := f.signUp(ana, a, false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.signUp(ana, b, false); !errors.Is(err, volunteers.ErrOverlap) {
			t.Fatalf("an overlapping shift: %v, want ErrOverlap", err)
		}
		if _, err := f.signUp(ana, c, false); err != nil {
			t.Fatalf("a shift that starts when the other ends: %v", err)
		}

		repair := f.mission(f.org.Lille, "Réparation", false, "repair")
		r := f.shift(repair, 4, 10, 2, 2)
		if _, err := f.signUp(ana, r, false); !errors.Is(err, volunteers.ErrSkills) {
			t.Fatalf("a mission needing a skill she lacks: %v, want ErrSkills", err)
		}
		bob := f.volunteer(f.org.Lille, "Bob", "repair")
		if _, err := f.signUp(bob, r, false); err != nil {
			t.Fatal(err)
		}

		kids := f.mission(f.org.Lille, "Aide aux devoirs", true)
		k := f.shift(kids, 5, 17, 1, 4) // 12 December 2026
		if _, err := f.signUp(bob, k, false); !errors.Is(err, volunteers.ErrRequirement) {
			t.Fatalf("with minors, no check of honourability: %v, want ErrRequirement", err)
		}
		f.honourability(bob, "2023-12-01", "2026-12-11") // expires the day before
		if _, err := f.signUp(bob, k, false); !errors.Is(err, volunteers.ErrRequirement) {
			t.Fatalf("with an expired check: %v, want ErrRequirement", err)
		}
		f.honourability(bob, "2026-12-01", "2029-12-01")
		if _, err := f.signUp(bob, k, false); err != nil {
			t.Fatalf("with a valid check: %v", err)
		}

		// A volunteer of Bordeaux cannot take a Lille shift; nor anyone a past one.
		lucas := f.volunteer(f.org.Bordeaux, "Lucas")
		if _, err := f.signUp(lucas, c, false); !errors.Is(err, volunteers.ErrClosed) {
			t.Fatalf("another antenna's shift: %v, want ErrClosed", err)
		}
		past := f.shift(workshop, -1, 14, 2, 5)
		if _, err := f.signUp(bob, past, false); !errors.Is(err, volunteers.ErrClosed) {
			t.Fatalf("a past shift: %v, want ErrClosed", err)
		}
		// Staff of Bordeaux do not see Lille's shift.
		if _, err := volunteers.ShiftByID(f.ctx, d, f.org.BordeauxScope, a.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("a Lille shift for Bordeaux staff: %v, want not found", err)
		}
		if _, err := volunteers.MissionByID(f.ctx, d, f.org.BordeauxScope, workshop.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("a Lille mission for Bordeaux staff: %v, want not found", err)
		}
	})
}

func TestCancelShiftTellsEveryone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.mission(f.org.Lille, "Atelier", false)
		s := f.shift(m, 2, 14, 3, 1)
		ana, ben := f.volunteer(f.org.Lille, "Ana"), f.volunteer(f.org.Lille, "Ben")
		f.signUp(ana, s, false)
		f.signUp(ben, s, true)
		told := map[int64]string{}
		tell := func(_ context.Context, _ *sql.Tx, news string, id int64, _ *volunteers.Shift) error {
			told[id] = news
			return nil
		}
		if err := volunteers.CancelShift(f.ctx, d, f.org.BordeauxScope, s.ID, tell); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("Bordeaux staff cancel a Lille shift: %v", err)
		}
		if err := volunteers.CancelShift(f.ctx, d, f.org.LilleScope, s.ID, tell); err != nil {
			t.Fatal(err)
		}
		if told[ana.ID] != "cancelled" || told[ben.ID] != "cancelled" {
			t.Fatalf("told %v, want Ana and Ben told it is cancelled", told)
		}
		if got := f.states(s); got["Ana Test"] != volunteers.Cancelled || got["Ben Test"] != volunteers.Cancelled {
			t.Fatalf("states %v", got)
		}
		if _, err := f.signUp(ana, s, false); !errors.Is(err, volunteers.ErrClosed) {
			t.Fatalf("sign-up to a cancelled shift: %v", err)
		}
	})
}

func TestOverlapHoldsUnderConcurrentSignUps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		m := f.mission(f.org.Lille, "Atelier", false)
		var shifts []*volunteers.Shift
		for range 4 { // four shifts at the same time
			shifts = append(shifts, f.shift(m, 2, 14, 2, 5))
		}
		ana := f.volunteer(f.org.Lille, "Ana")
		var wg sync.WaitGroup
		var mu sync.Mutex
		taken, refused := 0, 0
		for _, s := range shifts {
			wg.Go(func() {
				_, err := f.signUp(ana, s, false)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					taken++
				case errors.Is(err, volunteers.ErrOverlap):
					refused++
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if taken != 1 || refused != 3 {
			t.Fatalf("four overlapping shifts at once: %d taken, %d refused; want 1 and 3", taken, refused)
		}
	})
}

func TestInviteAsksOnlyThoseWhoFit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		kids := f.mission(f.org.Lille, "Réparer avec des collégiens", true, "repair")
		s := f.shift(kids, 3, 14, 2, 3)
		other := f.shift(f.mission(f.org.Lille, "Atelier", false), 3, 15, 2, 3)
		fits := f.volunteer(f.org.Lille, "Fits", "repair")
		f.volunteer(f.org.Lille, "NoSkill", "workshop")
		f.volunteer(f.org.Lille, "NoCheck", "repair") // no check of honourability
		coming := f.volunteer(f.org.Lille, "Coming", "repair")
		busy := f.volunteer(f.org.Lille, "Busy", "repair")
		elsewhere := f.volunteer(f.org.Bordeaux, "Elsewhere", "repair")
		for _, v := range []*volunteers.Volunteer{fits, coming, busy, elsewhere} {
			f.honourability(v, "2026-01-01", "2029-01-01")
		}
		if _, err := f.signUp(coming, s, false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.signUp(busy, other, false); err != nil {
			t.Fatal(err)
		}
		var asked []int64
		tell := func(_ context.Context, _ *sql.Tx, news string, id int64, _ *volunteers.Shift) error {
			if news != "invited" {
				t.Errorf("news %q", news)
			}
			asked = append(asked, id)
			return nil
		}
		if _, err := volunteers.Invite(f.ctx, d, f.org.BordeauxScope, s.ID, f.now, tell); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("Bordeaux staff invite to a Lille shift: %v", err)
		}
		n, err := volunteers.Invite(f.ctx, d, f.org.LilleScope, s.ID, f.now, tell)
		if err != nil || n != 1 || len(asked) != 1 || asked[0] != fits.ID {
			t.Fatalf("asked %v (%d, %v); want only the volunteer who fits (%d)", asked, n, err, fits.ID)
		}
	})
}
