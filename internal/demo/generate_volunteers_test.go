package demo

import (
	"context"
	"io"
	"testing"
	"time"

	"tremplin/internal/civic"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

// The generated volunteers and civic service are data the application could
// have written: shifts within capacity and a waitlist only when full, no
// volunteer at two overlapping shifts, sign-ups by validated volunteers of the
// antenna with the mission's skills and a valid check where it works with
// minors, hours only for a shift they came to or ongoing work they joined, and
// contracts of 6 to 12 months within their approval's period and posts.
func TestGeneratedVolunteersFollowTheRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := Generate(ctx, d, GenerateOptions{Learners: 600, Antennas: 8, Volunteers: 800, Seed: 5, Out: io.Discard}); err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%v: %s", err, q)
			}
			return n
		}
		none := func(what, q string, args ...any) {
			t.Helper()
			if n := count(q, args...); n > 0 {
				t.Errorf("%d %s", n, what)
			}
		}
		some := func(what, q string, args ...any) {
			t.Helper()
			if n := count(q, args...); n == 0 {
				t.Errorf("no %s", what)
			}
		}
		now := db.FormatTime(genNow)
		today := dateOf(genNow)
		if n := count("SELECT COUNT(*) FROM volunteers v WHERE NOT EXISTS (SELECT 1 FROM civic_contracts c WHERE c.volunteer_id = v.id)"); n != 800 {
			t.Errorf("%d volunteers, want 800", n)
		}
		for _, s := range []string{"pending", "active", "declined", "left"} {
			some(s+" volunteers", "SELECT COUNT(*) FROM volunteers WHERE state = $1", s)
		}
		for _, l := range []string{"ar", "fa", "ti"} {
			some("volunteer speaking "+l, "SELECT COUNT(*) FROM volunteer_languages WHERE lang = $1", l)
		}
		some("charter accepted", "SELECT COUNT(*) FROM volunteer_requirements WHERE kind = 'charter' AND version = '1' AND done_on >= '2026-01-01'")
		none("charters accepted before they were published", "SELECT COUNT(*) FROM volunteer_requirements WHERE kind = 'charter' AND done_on < '2026-01-01'")
		some("expired check of honourability", `SELECT COUNT(*) FROM volunteer_requirements r JOIN volunteers v ON v.id = r.volunteer_id
			WHERE v.state = 'active' AND r.kind = 'honourability' AND r.expires_on < $1
			AND r.id = (SELECT MAX(id) FROM volunteer_requirements x WHERE x.volunteer_id = r.volunteer_id AND x.kind = r.kind)`, today)
		none("pending or declined volunteers with a decision missing or made", `SELECT COUNT(*) FROM volunteers
			WHERE (state = 'pending') = (decided_at IS NOT NULL) OR (state = 'declined') = (decline_reason = '')`)

		// Shifts and sign-ups.
		seats := `(SELECT COUNT(*) FROM volunteer_signups g WHERE g.shift_id = s.id AND g.state IN ('coming', 'no_show', 'not_happened'))`
		some("shift", "SELECT COUNT(*) FROM volunteer_shifts WHERE kind = 'fixed' AND starts_at > $1", now)
		none("shifts over capacity", "SELECT COUNT(*) FROM volunteer_shifts s WHERE "+seats+" > s.capacity")
		none("shifts with a waitlist and a seat free", `SELECT COUNT(*) FROM volunteer_shifts s WHERE s.state = 'open' AND `+seats+` < s.capacity
			AND EXISTS (SELECT 1 FROM volunteer_signups g WHERE g.shift_id = s.id AND g.state = 'waiting')`)
		none("places held on cancelled shifts", `SELECT COUNT(*) FROM volunteer_signups g JOIN volunteer_shifts s ON s.id = g.shift_id
			WHERE s.state = 'cancelled' AND g.state <> 'cancelled'`)
		for _, st := range []string{"waiting", "cancelled", "no_show", "not_happened"} {
			some("sign-up "+st, "SELECT COUNT(*) FROM volunteer_signups WHERE state = $1", st)
		}
		some("shift called off", "SELECT COUNT(*) FROM volunteer_shifts WHERE state = 'cancelled'")
		none("pairs of overlapping fixed shifts of one volunteer", `SELECT COUNT(*) FROM volunteer_signups a JOIN volunteer_shifts x ON x.id = a.shift_id
			JOIN volunteer_signups b ON b.volunteer_id = a.volunteer_id AND b.id > a.id JOIN volunteer_shifts y ON y.id = b.shift_id
			WHERE a.state IN ('coming', 'no_show', 'not_happened') AND b.state IN ('coming', 'no_show', 'not_happened')
			AND x.kind = 'fixed' AND y.kind = 'fixed' AND x.state = 'open' AND y.state = 'open'
			AND x.starts_at < y.ends_at AND y.starts_at < x.ends_at`)
		none("sign-ups by someone not validated then, of another antenna, or after the start", `SELECT COUNT(*) FROM volunteer_signups g
			JOIN volunteer_shifts s ON s.id = g.shift_id JOIN volunteers v ON v.id = g.volunteer_id
			WHERE v.antenna_id <> s.antenna_id OR v.state NOT IN ('active', 'left')
			OR (v.state = 'active' AND g.created_at < v.decided_at) OR (v.state = 'left' AND g.created_at > v.decided_at)
			OR (s.kind <> 'ongoing' AND g.created_at >= s.starts_at) OR g.created_at > $1 OR g.updated_at > $1 OR g.updated_at < g.created_at`, now)
		none("sign-ups without the mission's skills", `SELECT COUNT(*) FROM volunteer_signups g JOIN volunteer_shifts s ON s.id = g.shift_id
			JOIN volunteer_mission_skills k ON k.mission_id = s.mission_id
			WHERE NOT EXISTS (SELECT 1 FROM volunteer_skills vs WHERE vs.volunteer_id = g.volunteer_id AND vs.skill = k.skill)`)
		some("sign-up to a mission with minors", `SELECT COUNT(*) FROM volunteer_signups g JOIN volunteer_shifts s ON s.id = g.shift_id
			JOIN volunteer_missions m ON m.id = s.mission_id WHERE m.vulnerable`)
		none("sign-ups to a mission with minors without a check valid on the day", `SELECT COUNT(*) FROM volunteer_signups g
			JOIN volunteer_shifts s ON s.id = g.shift_id JOIN volunteer_missions m ON m.id = s.mission_id
			WHERE m.vulnerable AND COALESCE((SELECT r.expires_on FROM volunteer_requirements r WHERE r.volunteer_id = g.volunteer_id
				AND r.kind = 'honourability' AND r.created_at <= g.created_at ORDER BY r.id DESC LIMIT 1), '') < SUBSTR(s.starts_at, 1, 10)`)

		// Hours.
		for _, st := range []string{"approved", "pending", "declined"} {
			some(st+" hours", "SELECT COUNT(*) FROM volunteer_hours WHERE state = $1", st)
		}
		some("hours of ongoing work", "SELECT COUNT(*) FROM volunteer_hours WHERE shift_id IS NULL")
		none("hours of someone not validated then, or of another antenna's mission", `SELECT COUNT(*) FROM volunteer_hours h
			JOIN volunteers v ON v.id = h.volunteer_id JOIN volunteer_missions m ON m.id = h.mission_id
			WHERE v.state NOT IN ('active', 'left') OR v.antenna_id <> h.antenna_id OR m.antenna_id <> h.antenna_id
			OR (v.state = 'active' AND h.day < SUBSTR(v.decided_at, 1, 10)) OR (v.state = 'left' AND h.created_at > v.decided_at)`)
		none("hours of a shift without a seat on it, before it began or of another mission", `SELECT COUNT(*) FROM volunteer_hours h
			JOIN volunteer_shifts s ON s.id = h.shift_id LEFT JOIN volunteer_signups g ON g.shift_id = s.id AND g.volunteer_id = h.volunteer_id
			WHERE g.state IS NULL OR g.state <> 'coming' OR s.state <> 'open' OR s.kind = 'ongoing' OR h.created_at < s.starts_at
			OR s.mission_id <> h.mission_id OR h.day < SUBSTR(g.created_at, 1, 10)`)
		none("hours of ongoing work without having joined it first", `SELECT COUNT(*) FROM volunteer_hours h WHERE h.shift_id IS NULL
			AND NOT EXISTS (SELECT 1 FROM volunteer_signups g JOIN volunteer_shifts s ON s.id = g.shift_id
				WHERE s.mission_id = h.mission_id AND s.kind = 'ongoing' AND g.volunteer_id = h.volunteer_id
				AND SUBSTR(g.created_at, 1, 10) <= h.day AND (g.state = 'coming' OR h.created_at <= g.updated_at))`)
		none("hours in the future or recorded after now", "SELECT COUNT(*) FROM volunteer_hours WHERE day > $1 OR created_at > $2 OR decided_at > $2", today, now)
		none("hours decided without who and when, or pending with them", `SELECT COUNT(*) FROM volunteer_hours
			WHERE (state = 'pending') = (decided_at IS NOT NULL) OR (state = 'pending') = (decided_by IS NOT NULL) OR (state = 'declined') = (reason = '')`)
		none("days of more than 24 hours", `SELECT COUNT(*) FROM (SELECT volunteer_id, day FROM volunteer_hours WHERE state <> 'declined'
			GROUP BY volunteer_id, day HAVING SUM(minutes) > 1440) x`)

		// Every year is valued at a rate, and someone reaches the Compte
		// d'engagement citoyen's thresholds.
		for y := genStart.Year(); y <= genNow.Year(); y++ {
			v, err := volunteers.YearValuation(ctx, d, auth.Scope{All: true}, y)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Antennas) != 8 || v.Unvalued != 0 || v.Total.Value == 0 {
				t.Errorf("%d: %d antennas valued, %d minutes without a rate, %d cents", y, len(v.Antennas), v.Unvalued, v.Total.Value)
			}
		}
		leading, civics := 0, 0
		for y := 2023; y <= 2025; y++ {
			cec, _, err := volunteers.CEC(ctx, d, auth.Scope{All: true}, y, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range cec {
				if e.Leading {
					leading++
				}
				if e.Civic {
					civics++
				}
			}
		}
		if leading == 0 || civics == 0 {
			t.Errorf("the CEC of 2023 to 2025 lists %d volunteers in a leading role, %d in civic service", leading, civics)
		}
		none("CEC confirmations below the thresholds or out of time", `SELECT COUNT(*) FROM volunteer_cec_confirmations k
			WHERE k.total_hours < 200 OR k.confirmed_at < CAST(k.year + 1 AS TEXT) || '-01-01' OR k.confirmed_at > $1
			OR (SELECT COALESCE(SUM(h.minutes), 0) FROM volunteer_hours h JOIN volunteer_missions m ON m.id = h.mission_id
				WHERE h.volunteer_id = k.volunteer_id AND h.state = 'approved' AND m.supervising
				AND SUBSTR(h.day, 1, 4) = CAST(k.year AS TEXT)) < 6000`, now)

		// Civic service.
		type period struct {
			approval, application int64
			start, end            time.Time
		}
		var contracts []period
		err := db.Each(d.QueryContext(ctx, "SELECT approval_id, application_id, starts_on, ends_on FROM civic_contracts"))(func(row db.Scanner) error {
			var p period
			var s, e string
			err := row.Scan(&p.approval, &p.application, &s, &e)
			p.start, _ = time.Parse(time.DateOnly, s)
			p.end, _ = time.Parse(time.DateOnly, e)
			contracts = append(contracts, p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(contracts) < 5 {
			t.Fatalf("%d civic contracts", len(contracts))
		}
		for _, c := range contracts {
			if bad := (civic.Terms{Start: c.start, End: c.end, WeeklyHours: 24, Days: 4, Birth: c.start.AddDate(-20, 0, 0)}).Check(); len(bad) > 0 {
				t.Errorf("a contract from %s to %s: %v", dateOf(c.start), dateOf(c.end), bad)
			}
		}
		err = db.Each(d.QueryContext(ctx, "SELECT id, valid_from, valid_to, posts FROM civic_approvals"))(func(row db.Scanner) error {
			var id int64
			var from, to string
			var posts int
			if err := row.Scan(&id, &from, &to, &posts); err != nil {
				return err
			}
			var periods [][2]time.Time
			for _, c := range contracts {
				if c.approval == id {
					if dateOf(c.start) < from || dateOf(c.end) > to {
						t.Errorf("a contract from %s to %s under an approval from %s to %s", dateOf(c.start), dateOf(c.end), from, to)
					}
					periods = append(periods, [2]time.Time{c.start, c.end})
				}
			}
			f, _ := time.Parse(time.DateOnly, from)
			e, _ := time.Parse(time.DateOnly, to)
			if n := civic.Running(periods, f, e); n > posts {
				t.Errorf("approval %d: %d contracts running at once for %d posts", id, n, posts)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		none("contracts of an application not accepted, of another antenna or without their volunteer", `SELECT COUNT(*) FROM civic_contracts c
			JOIN civic_applications a ON a.id = c.application_id LEFT JOIN volunteers v ON v.id = c.volunteer_id
			JOIN civic_approval_antennas x ON x.approval_id = c.approval_id AND x.antenna_id = c.antenna_id
			WHERE a.state <> 'accepted' OR a.antenna_id <> c.antenna_id OR a.offer_id <> c.offer_id OR v.antenna_id IS NULL OR v.antenna_id <> c.antenna_id`)
		none("contracts not covered by their approval", `SELECT COUNT(*) FROM civic_contracts c WHERE NOT EXISTS
			(SELECT 1 FROM civic_approval_antennas x WHERE x.approval_id = c.approval_id AND x.antenna_id = c.antenna_id)`)
		none("contracts without all their obligations", `SELECT COUNT(*) FROM civic_contracts c
			WHERE (SELECT COUNT(*) FROM civic_obligations b WHERE b.contract_id = c.id) < 6`)
		some("obligation late", "SELECT COUNT(*) FROM civic_obligations WHERE done_on = '' AND due_on < $1", today)
		some("obligation done", "SELECT COUNT(*) FROM civic_obligations WHERE done_on <> '' AND done_by IS NOT NULL")
		none("obligations done in the future", "SELECT COUNT(*) FROM civic_obligations WHERE done_on > $1", today)
		for _, st := range []string{"new", "interview", "accepted", "declined", "withdrawn"} {
			some("application "+st, "SELECT COUNT(*) FROM civic_applications WHERE state = $1", st)
		}
		none("applications whose last event is not their state", `SELECT COUNT(*) FROM civic_applications a
			WHERE a.state <> COALESCE((SELECT e.state FROM civic_application_events e WHERE e.application_id = a.id ORDER BY e.id DESC LIMIT 1), 'new')
			OR (a.state = 'declined') = (a.decline_reason = '')`)
		err = db.Each(d.QueryContext(ctx, `SELECT a.birth_date, a.disability, o.minors, o.starts_on FROM civic_applications a
			JOIN civic_offers o ON o.id = a.offer_id`))(func(row db.Scanner) error {
			var birth, start string
			var disability, minors bool
			if err := row.Scan(&birth, &disability, &minors, &start); err != nil {
				return err
			}
			b, _ := time.Parse(time.DateOnly, birth)
			s, _ := time.Parse(time.DateOnly, start)
			if why := civic.Eligibility(b, s, disability, minors); why != "" {
				t.Errorf("an applicant born on %s for a mission from %s: %s", birth, start, why)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		// The application goes on writing after the generator.
		v := &volunteers.Volunteer{AntennaID: 1, FirstName: "Awa", LastName: "Diallo", Phone: "+33699999998", Lang: "fr"}
		if err := d.QueryRowContext(ctx, "SELECT MIN(id) FROM antennas").Scan(&v.AntennaID); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.Join(ctx, d, v, 1, time.Now(), nil); err != nil {
			t.Fatalf("joining after the generator: %v", err)
		}
	})
}

// The same seed gives the same volunteers, shifts, hours and civic service.
func TestGeneratedVolunteersFollowTheSeed(t *testing.T) {
	sum := func() string {
		d := dbtest.Open(t, db.SQLite)
		ctx := context.Background()
		if err := Generate(ctx, d, GenerateOptions{Learners: 200, Antennas: 2, Volunteers: 150, Seed: 3, Out: io.Discard}); err != nil {
			t.Fatal(err)
		}
		var s string
		if err := d.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) || ':' || SUM(LENGTH(first_name || state || created_at)) FROM volunteers) || '/' ||
			(SELECT COUNT(*) || ':' || MAX(starts_at) || ':' || SUM(capacity) FROM volunteer_shifts) || '/' ||
			(SELECT COUNT(*) || ':' || SUM(volunteer_id) || ':' || SUM(LENGTH(state || created_at)) FROM volunteer_signups) || '/' ||
			(SELECT COUNT(*) || ':' || SUM(minutes) || ':' || SUM(volunteer_id) || ':' || MAX(created_at) FROM volunteer_hours) || '/' ||
			(SELECT COUNT(*) || ':' || SUM(LENGTH(starts_on || ends_on)) FROM civic_contracts) || '/' ||
			(SELECT COUNT(*) || ':' || SUM(LENGTH(done_on)) FROM civic_obligations)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, b := sum(), sum(); a != b {
		t.Errorf("two generations with one seed: %s, then %s", a, b)
	}
}
