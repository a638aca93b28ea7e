package app_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"tremplin/internal/platform/db"
)

// The cohort list at national scale: 25,000 cohorts in 100 antennas with a
// million enrolments (the generated association's shape), each page under
// 100 ms at p95 and 30 KB on the wire, for the national admin and an antenna
// manager, first page, a deep page and filtered. Slow to build (3 minutes on
// SQLite): the national shape is built with TREMPLIN_SCALE=1 (=strict holds the
// times too); otherwise a twenty-fifth of it, where the weight is held all the same.
func TestCohortListAtNationalScale(t *testing.T) {
	n := 1000 // cohorts, and people each in 40 of them
	if os.Getenv("TREMPLIN_SCALE") != "" {
		n = 25000
	}
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		now := db.Now()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := s.app.DB.Exec(ctx, q, args...); err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
		}
		start := time.Now()
		exec(`INSERT INTO antennas (name, city, country, timezone, address, phone, created_at, updated_at)
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 96)
			SELECT 'Antenne ' || i, 'Ville ' || i, 'FR', 'Europe/Paris', '', '', $1, $1 FROM n`, now)
		exec(`INSERT INTO places (antenna_id, name, address, postcode, city, created_at, updated_at)
			SELECT a.id, 'Salle ' || a.name, '1 rue', '75001', a.city, $1, $1 FROM antennas a WHERE a.name LIKE 'Antenne %'`, now)
		// 25,000 cohorts: 250 per antenna, a new one every few days since 2015.
		exec(`INSERT INTO cohorts (programme_id, antenna_id, place_id, capacity, starts_on, ends_on, state, feed_token, created_at, updated_at)
			WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $2),
			a AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM antennas),
			pl AS (SELECT antenna_id, MIN(id) AS id FROM places GROUP BY antenna_id),
			pr AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM programmes)
			SELECT pr.id, a.id, pl.id, 40, `+dateExpr(s.app.DB.Engine, "n.i / 2")+`, `+dateExpr(s.app.DB.Engine, "n.i / 2 + 60")+`,
				CASE WHEN n.i % 17 = 0 THEN 'cancelled' WHEN n.i > $3 THEN 'open' ELSE 'finished' END, 'scale' || n.i, $1, $1
			FROM n JOIN a ON a.k = n.i % (SELECT COUNT(*) FROM antennas) JOIN pl ON pl.antenna_id = a.id
			JOIN pr ON pr.k = n.i % (SELECT COUNT(*) FROM programmes)`, now, n-1, n*24/25)
		// 25,000 people, each in 40 cohorts of their antenna: a million enrolments.
		exec(`INSERT INTO learners (antenna_id, first_name, last_name, phone, birth_year, consent_text, consent_at, created_at, updated_at)
			WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
			SELECT (SELECT id FROM antennas ORDER BY id LIMIT 1), 'P' || i, 'Scale', '+33600000000', 1990, 't', $1, $1, $1 FROM n`, now, n-1)
		exec(`INSERT INTO enrolments (cohort_id, learner_id, state, since, created_at, updated_at)
			WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 39),
			first AS (SELECT MIN(id) AS id FROM learners WHERE last_name = 'Scale')
			SELECT c.id, first.id + (c.id + k.j * $2) % $3, CASE WHEN k.j < 36 THEN 'enrolled' ELSE 'waitlisted' END, $1, $1, $1
			FROM cohorts c CROSS JOIN k CROSS JOIN first`, now, n/40, n)
		exec("ANALYZE")
		t.Logf("built in %s", time.Since(start).Round(time.Second))

		admin := s.signIn("admin@tremplin.example")
		manager := s.signIn("manager.lille@tremplin.example")
		deep := "/cohorts?after=2016-01-01.1000000"
		for _, c := range []struct {
			who  string
			b    *browser
			path string
		}{
			{"admin", admin, "/cohorts"},
			{"admin", admin, deep},
			{"admin", admin, "/cohorts?state=open&from=2025-01-01"},
			{"admin", admin, "/cohorts?programme=" + s.id("SELECT MIN(id) FROM programmes") + "&state=cancelled"},
			{"admin", admin, "/cohorts?antenna=" + s.antennaID("Lille")},
			{"manager", manager, "/cohorts"},
			{"manager", manager, "/cohorts?state=finished&to=2018-12-31"},
		} {
			var times []time.Duration
			var size int
			for range 30 {
				t0 := time.Now()
				n, _, body := rawGet(t, s, c.b, c.path)
				times = append(times, time.Since(t0))
				size = n
				if len(body) < 1000 {
					t.Fatalf("%s: %s", c.path, body)
				}
			}
			slices.Sort(times)
			p50, p95 := times[len(times)/2], times[len(times)*95/100]
			t.Logf("%-8s %-60s p50 %6.1f ms  p95 %6.1f ms  %5d bytes", c.who, c.path, ms(p50), ms(p95), size)
			// Times depend on what else the machine runs: held to 100 ms only when
			// asked (TREMPLIN_SCALE=strict); the weight always.
			if (p95 > 100*time.Millisecond && os.Getenv("TREMPLIN_SCALE") == "strict") || size > 30*1024 {
				t.Errorf("%s %s: p95 %s, %d bytes", c.who, c.path, p95, size)
			}
		}
		if p := admin.get("/cohorts"); p.status != http.StatusOK {
			t.Fatal(p.status)
		}
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// dateExpr is a calendar date n days after 2015-01-01, on either engine.
func dateExpr(e db.Engine, n string) string {
	if e == db.Postgres {
		return "to_char(DATE '2015-01-01' + (" + n + ")::int, 'YYYY-MM-DD')"
	}
	return "date('2015-01-01', '+' || (" + n + ") || ' days')"
}
