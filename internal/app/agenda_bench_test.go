package app_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// BenchmarkAgendaWeek serves the agenda of an adviser with 60 appointments in a
// week (twelve a day, Monday to Friday, with as many people, a few cancelled) and
// the meetings she teaches, on each engine, through the whole middleware chain as
// a browser asks for it (gzip): her week, one of its days, the place's week and the
// antenna's week for the manager. It reports the server time (p50, p95, p99, max),
// the processor time and the compressed size, against the budget of issue 10: a
// week page at most 50 ms and 30 KB.
//
//	TREMPLIN_TEST_DATABASE_URL=postgres://… go test ./internal/app -run XXX -bench AgendaWeek
func BenchmarkAgendaWeek(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			s := newSite(b, engine)
			ctx := context.Background()
			day := agendaDay()
			monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
			week := isoWeekOf(monday)
			lille, grappe := s.antennaID("Lille"), s.placeID("La Grappe – tiers-lieu")
			karim := s.staffID("karim.lille@tremplin.example")
			firsts := []string{"Amina", "Mohamed", "Fatou", "Ibrahim", "Sarah", "Yacine", "Awa", "Léa", "Moussa", "Nadia", "Omar", "Inès"}
			lasts := []string{"Diallo", "Benali", "Traoré", "Martin", "Haddad", "Nguyen", "Keita", "Dubois", "Sow", "Lefebvre"}
			kinds := []string{"first_contact", "positioning", "follow_up", "other"}
			now := db.Now()
			for d := range 5 {
				for i := range 12 {
					n := d*12 + i
					person := s.learner("Lille", firsts[n%len(firsts)], lasts[n%len(lasts)]+fmt.Sprint(n))
					start := time.Date(monday.Year(), monday.Month(), monday.Day()+d, 8, 30+40*i, 0, 0, monday.Location())
					mode, place, state := "phone", any(nil), "booked"
					if i%2 == 0 {
						mode, place = "place", grappe
					}
					if i == 7 {
						state = "cancelled"
					}
					if _, err := s.app.DB.Exec(ctx, `INSERT INTO appointments (antenna_id, learner_id, staff_id, kind, mode, place_id,
						starts_at, ends_at, state, cancelled_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
						lille, person, karim, kinds[n%4], mode, place, db.FormatTime(start), db.FormatTime(start.Add(35*time.Minute)),
						state, map[string]string{"cancelled": "staff"}[state], now); err != nil {
						b.Fatal(err)
					}
				}
			}
			adviser := s.signIn("karim.lille@tremplin.example")
			manager := s.signIn("manager.lille@tremplin.example")
			for _, page := range []struct {
				name, path string
				who        *browser
			}{
				{"adviser-week", "/agenda?week=" + week, adviser},
				{"adviser-day", "/agenda?day=" + day.Format(time.DateOnly), adviser},
				{"place-week", "/agenda/places/" + grappe + "?week=" + week, adviser},
				{"antenna-week", "/agenda/antenna/" + lille + "?week=" + week, manager},
			} {
				b.Run(page.name, func(b *testing.B) {
					cookies := page.who.c.Jar.Cookies(mustURL(s.srv.URL))
					var times []time.Duration
					var size int
					cpu := dbtest.CPUTime()
					for b.Loop() {
						req := httptest.NewRequest("GET", page.path, nil)
						req.Header.Set("Accept-Encoding", "gzip")
						for _, c := range cookies {
							req.AddCookie(c)
						}
						w := httptest.NewRecorder()
						t := time.Now()
						s.app.Handler().ServeHTTP(w, req)
						times = append(times, time.Since(t))
						if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "gzip" {
							b.Fatalf("%s: %d %q", page.path, w.Code, w.Header().Get("Content-Encoding"))
						}
						if size == 0 && page.name == "adviser-week" {
							// What is measured is the whole week: every appointment shows.
							zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
							if err != nil {
								b.Fatal(err)
							}
							body, _ := io.ReadAll(zr)
							if n := strings.Count(string(body), `<li class="ag-appt`); n != 60 {
								b.Fatalf("the week shows %d appointments, want 60", n)
							}
						}
						size = w.Body.Len()
					}
					// On a shared machine the wall clock also counts the neighbours:
					// the processor time this process spent tells the page's own cost
					// (all of it on SQLite; PostgreSQL's share runs in its server).
					b.ReportMetric(float64((dbtest.CPUTime()-cpu).Microseconds())/1000/float64(len(times)), "cpu-ms/op")
					dbtest.Percentiles(b, times)
					slices.Sort(times)
					b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
					b.ReportMetric(float64(size), "gzip-bytes")
				})
			}
		})
	}
}
