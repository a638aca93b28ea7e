package demo

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/learners"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/i18n"
)

// A small generated association is consistent: the association's totals are the
// sum of its antennas', every referral is counted once in the funnel, and the
// application can go on writing into it (identity counters moved past its ids).
func TestGeneratedDatasetIsConsistent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := Generate(ctx, d, GenerateOptions{Learners: 3000, Antennas: 3, Out: io.Discard}); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			var n int
			if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("SELECT COUNT(*) FROM learners"); n != 3000 {
			t.Fatalf("%d learners", n)
		}
		referred := count("SELECT COUNT(*) FROM referral_people")
		if referred < 300 || referred > 600 {
			t.Errorf("%d people referred out of 3000, want about one in seven", referred)
		}
		if n := count("SELECT COUNT(*) FROM attendance"); n == 0 {
			t.Error("no attendance marks")
		}
		// About 7 % show a profile to recruiters (one in twenty of them withdrew),
		// with the skills of their test and the hours of their courses.
		if n := count("SELECT COUNT(*) FROM recruiter_profiles WHERE shown"); n < 100 || n > 300 {
			t.Errorf("%d of 3000 show a recruiter profile, want about 7 %%", n)
		}
		if n := count("SELECT COUNT(*) FROM recruiter_profiles WHERE shown AND skill_sum = 0"); n != 0 {
			t.Errorf("%d profiles without skills", n)
		}
		if n := count("SELECT COUNT(*) FROM recruiter_profiles WHERE hours_total > 0"); n == 0 {
			t.Error("no profile with course hours")
		}
		if n := count("SELECT COUNT(*) FROM profile_consents WHERE action = 'withdrawn'"); n == 0 {
			t.Error("no consent withdrawn")
		}
		if n := count("SELECT COUNT(*) FROM learners WHERE gender <> ''"); n < 2500 || n == 3000 {
			t.Errorf("%d of 3000 gave their gender, want most but not all", n)
		}
		all := impact.Filter{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)}
		whole, err := impact.Compute(ctx, d, all)
		if err != nil {
			t.Fatal(err)
		}
		var sum impact.Counts
		var hours float64
		rows, err := d.QueryContext(ctx, "SELECT id FROM antennas ORDER BY id")
		ids, err := db.Collect[int64](rows, err)(db.ScanInt64)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			f := all
			f.Antennas = []int64{id}
			fig, err := impact.Compute(ctx, d, f)
			if err != nil {
				t.Fatal(err)
			}
			c := fig.Counts
			sum = impact.Counts{Registered: sum.Registered + c.Registered, Positioned: sum.Positioned + c.Positioned, Enrolled: sum.Enrolled + c.Enrolled,
				Completed: sum.Completed + c.Completed, Certified: sum.Certified + c.Certified, Dropped: sum.Dropped + c.Dropped}
			hours += fig.Training.Hours()
		}
		if whole.Counts != sum || whole.Counts.Registered != 3000 || whole.Training.Hours() != hours {
			t.Errorf("association %+v %.1f h, sum of antennas %+v %.1f h", whole.Counts, whole.Training.Hours(), sum, hours)
		}
		funnel := 0
		for _, o := range whole.Partners {
			funnel += o.Referred
		}
		if funnel != referred {
			t.Errorf("the funnel counts %d referred people, the database %d", funnel, referred)
		}
		l := &learners.Learner{AntennaID: ids[0], FirstName: "Awa", LastName: "Diallo", Phone: "+33699999999", BirthYear: 1990, ConsentText: "ok"}
		if err := learners.Register(ctx, d, l, "", 0); err != nil {
			t.Fatalf("registering after the generator: %v", err)
		}
	})
}

// The generated interviews read as an association's would: each with an adviser
// of its antenna, never two at once for one adviser, outcomes recorded only once
// they have begun, an adviser's next week neither empty nor impossible, SMS about
// them in the person's language from their own antenna, and no-show figures that
// compare people reminded and not.
func TestGeneratedInterviewsAndMessages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := Generate(ctx, d, GenerateOptions{Learners: 3000, Antennas: 3, Seed: 7, Out: io.Discard}); err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		now := db.FormatTime(genNow)
		contacted := count("SELECT COUNT(*) FROM learners WHERE status <> 'received'")
		if n := count("SELECT COUNT(DISTINCT learner_id) FROM appointments WHERE kind = 'first_contact'"); n < contacted*9/10 || n > contacted {
			t.Errorf("%d people had a first interview, %d were contacted", n, contacted)
		}
		if n := count(`SELECT COUNT(*) FROM appointments a JOIN positioning_tests p ON p.learner_id = a.learner_id
			WHERE a.kind = 'positioning' AND a.starts_at < p.taken_at AND a.starts_at > $1`, db.FormatTime(genStart)); n == 0 {
			t.Error("no positioning interview before a test")
		}
		exited := count("SELECT COUNT(*) FROM learners WHERE exited_on <> ''")
		if n := count(`SELECT COUNT(*) FROM appointments a JOIN learners l ON l.id = a.learner_id WHERE a.kind = 'follow_up'
			AND l.exited_on <> '' AND a.starts_at > l.exited_on AND a.starts_at < $1`, db.FormatTime(genNow.AddDate(0, -1, 0))); n < exited/5 {
			t.Errorf("%d follow-up interviews after %d courses ended", n, exited)
		}
		if n := count(`SELECT COUNT(*) FROM appointments a WHERE NOT EXISTS (SELECT 1 FROM staff_antennas sa JOIN staff s ON s.id = sa.staff_id
			WHERE sa.staff_id = a.staff_id AND sa.antenna_id = a.antenna_id AND s.role = 'adviser')`); n > 0 {
			t.Errorf("%d interviews with someone who is not an adviser of their antenna", n)
		}
		if n := count(`SELECT COUNT(*) FROM appointments a JOIN learners l ON l.id = a.learner_id LEFT JOIN places p ON p.id = a.place_id
			WHERE l.antenna_id <> a.antenna_id OR (a.mode = 'place') <> (p.id IS NOT NULL) OR p.antenna_id <> a.antenna_id`); n > 0 {
			t.Errorf("%d interviews of another antenna's person or at another antenna's place", n)
		}
		if n := count(`SELECT COUNT(*) FROM appointments a JOIN appointments b ON b.staff_id = a.staff_id AND b.id > a.id
			AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at WHERE a.state = 'booked' AND b.state = 'booked'`); n > 0 {
			t.Errorf("%d pairs of an adviser's interviews overlap", n)
		}
		// The person's "I cannot come" counts them excused at once; any other
		// outcome waits for the interview.
		if n := count(`SELECT COUNT(*) FROM appointments WHERE outcome <> '' AND starts_at >= $1
			AND NOT (state = 'cancelled' AND cancelled_by = 'person' AND outcome = 'excused')`, now); n > 0 {
			t.Errorf("%d interviews after now have an outcome", n)
		}
		past := count("SELECT COUNT(*) FROM appointments WHERE starts_at < $1 AND state = 'booked'", now)
		if n := count("SELECT COUNT(*) FROM appointments WHERE starts_at < $1 AND state = 'booked' AND outcome = ''", now); n*20 > past {
			t.Errorf("%d of %d past interviews have no outcome", n, past)
		}
		if n := count("SELECT COUNT(*) FROM appointments WHERE state = 'cancelled' AND cancelled_by = 'staff'"); n == 0 {
			t.Error("staff never cancelled an interview")
		}
		// An adviser's next week.
		week := db.FormatTime(genNow.AddDate(0, 0, 7))
		err := db.Each(d.QueryContext(ctx, `SELECT s.name, COUNT(a.id) FROM staff s JOIN staff_antennas sa ON sa.staff_id = s.id
			LEFT JOIN appointments a ON a.staff_id = s.id AND a.state = 'booked' AND a.starts_at >= $1 AND a.starts_at < $2
			WHERE s.role = 'adviser' GROUP BY s.id, s.name`, now, week))(func(row db.Scanner) error {
			var name string
			var n int
			if err := row.Scan(&name, &n); err != nil {
				return err
			}
			if n < 10 || n > 60 {
				t.Errorf("%s has %d interviews in the week after now, want 10 to 60", name, n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count("SELECT COUNT(*) FROM appointment_slots WHERE starts_at >= $1 AND appointment_id IS NULL", now); n == 0 {
			t.Error("no free slot after now")
		}
		if n := count(`SELECT COUNT(*) FROM appointment_slots s JOIN appointments a ON a.staff_id = s.staff_id AND a.state = 'booked'
			AND a.starts_at < s.ends_at AND a.ends_at > s.starts_at`); n > 0 {
			t.Errorf("%d free slots overlap their adviser's interviews", n)
		}

		// Messages: from the person's antenna, about one of their interviews, in
		// their language, with the provider's answer.
		if n := count(`SELECT COUNT(*) FROM messages m JOIN learners l ON l.id = m.learner_id LEFT JOIN appointments a ON a.id = m.ref_id
			WHERE m.antenna_id <> l.antenna_id OR a.learner_id IS NULL OR a.learner_id <> m.learner_id OR m.lang <> l.lang OR m.recipient <> l.phone`); n > 0 {
			t.Errorf("%d messages not from the person's antenna or not about their interview", n)
		}
		if n := count("SELECT COUNT(*) FROM messages WHERE state = 'queued' OR send_at >= $1 OR dedupe IS NOT NULL", now); n > 0 {
			t.Errorf("%d messages queued or after now", n)
		}
		if n := count(`SELECT COUNT(*) FROM appointments a WHERE NOT EXISTS (SELECT 1 FROM messages m
			WHERE m.ref_kind = 'appointment' AND m.ref_id = a.id AND m.kind = 'appointment_booked')`); n > count("SELECT COUNT(*) FROM appointments")/50 {
			t.Errorf("%d interviews without their booking SMS", n)
		}
		if n := count("SELECT COUNT(*) FROM messages WHERE state IN ('sent', 'delivered') AND (sent_at = '' OR provider_id = '' OR segments < 1)"); n > 0 {
			t.Errorf("%d messages sent without a moment, a provider's id or a length", n)
		}
		var body string
		if err := d.QueryRowContext(ctx, `SELECT m.body FROM messages m WHERE m.lang = 'ar' AND m.kind = 'appointment_booked'
			ORDER BY m.id LIMIT 1`).Scan(&body); err != nil || !strings.Contains(body, "لديك موعد مع") {
			t.Errorf("an Arabic booking SMS reads %q (%v)", body, err)
		}
		for _, reason := range []string{"undeliverable", "refused"} {
			if n := count("SELECT COUNT(*) FROM messages WHERE state = 'failed' AND reason = $1 AND updated_at >= $2", reason,
				db.FormatTime(genNow.AddDate(0, 0, -7))); n == 0 {
				t.Errorf("no SMS failed as %s in the last week", reason)
			}
		}
		if n := count(`SELECT COUNT(*) FROM messages m JOIN learners l ON l.id = m.learner_id WHERE m.reason = 'undeliverable'
			AND l.phone_undeliverable_at = ''`); n > 0 {
			t.Errorf("%d undeliverable SMS to people whose number is not flagged", n)
		}
		links := count("SELECT COUNT(*) FROM reply_links r JOIN appointments a ON a.id = r.ref_id AND a.learner_id = r.learner_id AND r.expires_at = a.starts_at")
		if links == 0 || links != count("SELECT COUNT(*) FROM reply_links") {
			t.Errorf("%d reply links of %d match their interview", links, count("SELECT COUNT(*) FROM reply_links"))
		}
		if n := count(`SELECT COUNT(*) FROM reply_links r JOIN appointments a ON a.id = r.ref_id WHERE r.answer = 'cannot_come'
			AND a.starts_at >= $1 AND a.cancelled_by = 'person'`, now); n == 0 {
			t.Error("nobody said they cannot come to an interview still ahead")
		}

		ns, err := impact.ComputeNoShows(ctx, d, impact.Filter{From: genStart, To: genNow})
		if err != nil {
			t.Fatal(err)
		}
		r, n := ns.All.RateReminded(), ns.All.RateNot()
		if r.Num == 0 || n.Num == 0 || r.Den < 100 || n.Den < 100 || r.Percent() >= n.Percent() {
			t.Errorf("no-shows: %d of %d reminded, %d of %d not", r.Num, r.Den, n.Num, n.Den)
		}
		if len(ns.ByAdviser) != 9 || len(ns.ByKind) != 4 {
			t.Errorf("no-shows of %d advisers and %d kinds", len(ns.ByAdviser), len(ns.ByKind))
		}
	})
}

// The same seed gives the same interviews and messages.
func TestGeneratedInterviewsFollowTheSeed(t *testing.T) {
	sum := func() string {
		d := dbtest.Open(t, db.SQLite)
		ctx := context.Background()
		if err := Generate(ctx, d, GenerateOptions{Learners: 400, Antennas: 2, Seed: 3, Out: io.Discard}); err != nil {
			t.Fatal(err)
		}
		var s string
		if err := d.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) || ':' || MAX(starts_at) || ':' || SUM(staff_id) FROM appointments) || '/' ||
			(SELECT COUNT(*) || ':' || SUM(LENGTH(body)) || ':' || MAX(provider_id) FROM messages) || '/' ||
			(SELECT COUNT(*) || ':' || MAX(token) FROM reply_links)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, b := sum(), sum(); a != b {
		t.Errorf("two generations with one seed: %s, then %s", a, b)
	}
}

// The generator fills the catalog's SMS texts itself, for speed: its words are
// those i18n's T gives, in every language, even for odd braces.
func TestGeneratedSMSTextsAreTheCatalogs(t *testing.T) {
	ag := newApptGen(&generator{})
	vals := []string{"Amina", "Karim Benhaddou", "premier contact", "8 décembre 2026", "mardi", "14:30", "Salle 1, 2 place du Marché",
		"Lille 001", "+33140000000"}
	var args []any
	for i, name := range genPlaceholders {
		args = append(args, name, vals[i])
	}
	for _, lang := range i18n.Languages {
		pr := i18n.For(lang)
		for _, key := range genNewsKeys {
			if got, want := ag.sms(pr, key).fill(vals...), pr.T(key, args...); got != want {
				t.Errorf("%s %s: %q, want %q", lang, key, got, want)
			}
		}
	}
	for _, text := range []string{"{name} {{name}} {unknown} {", "no placeholder", "}{name", "{time}{date}", ""} {
		if got, want := cutText(text).fill(vals...), i18n.Fill(text, args...); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}
