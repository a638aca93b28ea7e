package profiles

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/communes"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/positioning"
)

// benchDepartements are where the seeded antennas are: twenty big cities'
// départements, so that each holds thousands of consenting people (a
// uniform spread over the hundred départements would make matching easier).
var benchDepartements = []string{"59", "75", "33", "69", "13", "31", "44", "67", "35", "34", "38", "76", "57", "51", "80", "37", "21", "29", "87", "30"}

// seedScale writes n learners over 100 antennas, share of them (in percent)
// with a profile shown to recruiters: their skills from a test (16
// competences), their courses (most followed the web course, some another),
// their availability. Rows go in by thousands per statement.
func seedScale(b *testing.B, d *db.DB, n, share int) (programmes []int64) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(13, 2026))
	now := db.Now()
	var antennas []int64
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		for i := range 100 {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO antennas (name, city, country, timezone, created_at, updated_at)
				VALUES ($1, $1, 'FR', 'Europe/Paris', $2, $2) RETURNING id`, fmt.Sprintf("Antenne %03d", i), now).Scan(&id); err != nil {
				return err
			}
			antennas = append(antennas, id)
		}
		for i, t := range []string{"Développeur·se web", "Technicien·ne d'assistance informatique", "Outils numériques avancés"} {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO programmes (title, level, total_hours, certifying, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, t, []string{"certifiant", "certifiant", "avance"}[i], []int{600, 600, 162}[i], i < 2, now).Scan(&id); err != nil {
				return err
			}
			programmes = append(programmes, id)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// Real towns of each département, for their postcodes and centres.
	towns := map[string][]*communes.Commune{}
	for _, dep := range benchDepartements {
		for _, c := range communes.InDepartement(dep) {
			if c.Located && len(c.Postcodes) > 0 {
				towns[dep] = append(towns[dep], c)
			}
		}
	}
	comps := positioning.Competences()
	avail := []string{"mornings", "afternoons", "evenings", "saturday"}
	const chunk = 50_000
	for done := 0; done < n; done += chunk {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			lb := db.NewBatch(ctx, tx, "learners", "id", "antenna_id", "first_name", "last_name", "phone", "birth_year", "postcode",
				"consent_text", "consent_at", "created_at", "updated_at")
			pb := db.NewBatch(ctx, tx, "recruiter_profiles", append([]string{"learner_id", "antenna_id", "shown", "first_name", "last_initial", "postcode",
				"departement", "availabilities", "available_from", "hours_total", "certified", "skill_sum", "updated_at", "lat_e4", "lon_e4", "located"}, strings.Split(skillColumns(), ", ")...)...)
			cb := db.NewBatch(ctx, tx, "recruiter_profile_courses", "learner_id", "programme_id", "hours", "certificate")
			pb.Hold()
			cb.Hold()
			for i := done; i < min(n, done+chunk); i++ {
				id := int64(i + 1)
				a := rng.IntN(len(antennas))
				town := towns[benchDepartements[a%len(benchDepartements)]]
				commune := town[rng.IntN(len(town))]
				post := commune.Postcodes[0]
				if err := lb.Add(id, antennas[a], "Prénom", "Nom", "+33600000000", 1990, post, "ok", now, now, now); err != nil {
					return err
				}
				if rng.IntN(100) >= share {
					continue
				}
				// A few withdrew their consent: their profile is kept, hidden.
				shown := rng.IntN(20) != 0
				base := rng.IntN(7)
				sum := 0
				levels := make([]any, len(comps))
				for i := range comps {
					l := max(0, min(8, base+rng.IntN(4)-1))
					sum += l
					levels[i] = l
				}
				hours, cert := 0, false
				if r := rng.IntN(10); r < 7 {
					prog := programmes[r%3]
					hours = 40 + rng.IntN(560)
					cert = r%3 < 2 && hours > 450
					if err := cb.Add(id, prog, hours, cert); err != nil {
						return err
					}
				}
				var av []string
				for _, x := range avail {
					if rng.IntN(2) == 0 {
						av = append(av, x)
					}
				}
				from := ""
				if rng.IntN(4) == 0 {
					from = time.Date(2027, time.Month(1+rng.IntN(6)), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
				}
				if err := pb.Add(append([]any{id, antennas[a], shown, "Prénom", "N", post, Departement(post), strings.Join(av, ","), from, hours, cert, sum, now,
					e4(commune.Centre.Lat), e4(commune.Centre.Lon), true},
					levels...)...); err != nil {
					return err
				}
			}
			for _, bt := range []*db.Batch{lb, pb, cb} {
				if err := bt.Flush(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := d.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return programmes
}

// BenchmarkMatch matches job offers against a million learners (or
// TREMPLIN_MATCH_LEARNERS), 7 % of whom show a profile, on each engine: an
// offer has a ROME code and a town (its département holds about 1 in 20 of the
// consenting people), some a course, a start date, an availability; the first
// page of 20 is read, as a company's or a staff's page does. Budget: p95 ≤ 100 ms.
//
//	TREMPLIN_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test go test ./internal/profiles -run XXX -bench Match -benchtime 200x -timeout 1h
func BenchmarkMatch(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("TREMPLIN_MATCH_LEARNERS")); err == nil && v > 0 {
		n = v
	}
	for _, e := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			start := time.Now()
			progs := seedScale(b, d, n, 7)
			var shown int
			d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM recruiter_profiles WHERE shown").Scan(&shown)
			b.Logf("%s: %d learners, %d profiles shown, seeded in %s", e, n, shown, time.Since(start).Round(time.Second))
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(7, 7))
			romes := []string{"M1805", "M1805", "I1401", "M1810", "M1607", "D1408"}
			var times []time.Duration
			found := 0
			b.ResetTimer()
			for b.Loop() {
				// A town of the département (its commune 056); four offers in seven ask for a radius
				// (10, 20, 30 or 50 km), the others the same département.
				c := Criteria{ROME: romes[rng.IntN(len(romes))], INSEE: benchDepartements[rng.IntN(len(benchDepartements))] + "056", HoursPerWeek: 35,
					WithinKm: []int{0, 0, 0, 10, 20, 30, 50}[rng.IntN(7)]}
				switch rng.IntN(4) {
				case 0:
					c.Programme, c.MinHours = progs[0], 200
				case 1:
					c.Start = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
				case 2:
					c.Availability = []string{"mornings"}
				}
				t := time.Now()
				list, _, err := Match(ctx, d, auth.Scope{All: true}, c, 20, 0)
				times = append(times, time.Since(t))
				if err != nil {
					b.Fatal(err)
				}
				found += len(list)
			}
			b.StopTimer()
			dbtest.Percentiles(b, times)
			b.ReportMetric(float64(found)/float64(len(times)), "found/op")
		})
	}
}
