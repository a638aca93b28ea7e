package app_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"tremplin/internal/app"
	"tremplin/internal/platform/db"
)

// BenchmarkAuditOverhead measures what the audit's write costs a staff
// member opening a learner's file (GET /learners/{id}), on each engine: two
// sites with the demo data, one audited as in production and one built
// without the audit, served over loopback, their requests taken in turn so
// that both see the same machine. Reported: p50 and p95 of each, in ms, and
// their difference, with one client and with eight at once (SQLite writes
// one at a time).
//
//	TREMPLIN_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test go test ./internal/app -run XXX -bench AuditOverhead -benchtime 500x
func BenchmarkAuditOverhead(b *testing.B) {
	for _, e := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(e), func(b *testing.B) {
			if e == db.Postgres && os.Getenv("TREMPLIN_TEST_DATABASE_URL") == "" {
				b.Skip("set TREMPLIN_TEST_DATABASE_URL for PostgreSQL")
			}
			audited := newSite(b, e)
			app.SetAudit(false)
			unaudited := newSite(b, e)
			app.SetAudit(true)
			type client struct {
				br   *browser
				path string
			}
			var clients []client
			for _, s := range []*site{audited, unaudited} {
				learner := s.id(`SELECT MIN(l.id) FROM learners l JOIN antennas a ON a.id = l.antenna_id WHERE a.name = 'Lille'`)
				br := s.signIn("karim.lille@tremplin.example")
				// Warm up: templates, connections, the database's caches.
				for range 20 {
					br.get("/learners/" + learner)
				}
				clients = append(clients, client{br, "/learners/" + learner})
			}
			reads := 0
			before := audited.count("SELECT COUNT(*) FROM audit_events")
			for _, k := range []int{1, 8} {
				b.Run(fmt.Sprintf("clients-%d", k), func(b *testing.B) {
					var with, without []time.Duration
					for b.Loop() {
						for i, c := range clients {
							times := make([]time.Duration, k)
							var wg sync.WaitGroup
							for j := range k {
								wg.Go(func() {
									start := time.Now()
									res, err := c.br.c.Get(c.br.s.srv.URL + c.path)
									if err == nil {
										io.Copy(io.Discard, res.Body)
										res.Body.Close()
									}
									times[j] = time.Since(start)
									if err != nil || res.StatusCode != http.StatusOK {
										b.Errorf("%s: %v", c.path, err)
									}
								})
							}
							wg.Wait()
							if i == 0 {
								with = append(with, times...)
							} else {
								without = append(without, times...)
							}
						}
					}
					p50w, p95w := percentiles(with)
					p50o, p95o := percentiles(without)
					b.ReportMetric(p50w, "audit-p50-ms")
					b.ReportMetric(p95w, "audit-p95-ms")
					b.ReportMetric(p50o, "noaudit-p50-ms")
					b.ReportMetric(p95o, "noaudit-p95-ms")
					b.ReportMetric(p50w-p50o, "diff-p50-ms")
					b.ReportMetric(p95w-p95o, "diff-p95-ms")
					reads += len(with)
				})
			}
			if n := audited.count("SELECT COUNT(*) FROM audit_events") - before; n < reads {
				b.Fatalf("%d audit events for %d reads", n, reads)
			}
			if n := unaudited.count("SELECT COUNT(*) FROM audit_events WHERE action = 'read_file'"); n != 0 {
				b.Fatalf("the site without audit wrote %d events", n)
			}
		})
	}
}

// percentiles are the median and the 95th percentile of times, in ms.
func percentiles(times []time.Duration) (p50, p95 float64) {
	s := slices.Clone(times)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return ms(s[len(s)/2]), ms(s[len(s)*95/100])
}
