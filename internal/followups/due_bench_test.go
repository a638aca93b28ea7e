package followups

import (
	"context"
	"testing"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// BenchmarkFollowUpList reads what /followups shows (the counts per milestone and
// a page of the list: the first, and one deep in the list) on a database made by
// `tremplin generate`, named by TREMPLIN_BENCH_DATABASE (a SQLite path or a
// postgres:// URL), as the national admin and as an antenna's staff.
//
//	TREMPLIN_BENCH_DATABASE=/tmp/big/tremplin.db go test ./internal/followups -run XXX -bench FollowUpList -benchtime 40x
func BenchmarkFollowUpList(b *testing.B) {
	ctx := context.Background()
	d := dbtest.Generated(b)
	today := time.Now()
	for name, sc := range benchScopes(b, d) {
		b.Run(name, func(b *testing.B) {
			// A cursor halfway down the list, for a deep page.
			var mid Cursor
			for range 20 {
				_, next, err := ListDue(ctx, d, sc, today, Query{After: mid, Limit: 500})
				if err != nil {
					b.Fatal(err)
				}
				if next.Due == "" {
					break
				}
				mid = next
			}
			var times []time.Duration
			cpu := dbtest.CPUTime()
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				counts, err := Counts(ctx, d, sc, today)
				if err != nil {
					b.Fatal(err)
				}
				q := Query{}
				if i%2 == 1 {
					q.After = mid
				}
				page, _, err := ListDue(ctx, d, sc, today, q)
				if err != nil || len(page) == 0 && counts[0].Total()+counts[1].Total() > 0 {
					b.Fatalf("page: %d items, %v", len(page), err)
				}
				times = append(times, time.Since(start))
			}
			// The processor time, apart from the wall clock a busy machine stretches.
			b.ReportMetric(float64((dbtest.CPUTime()-cpu).Microseconds())/1000/float64(len(times)), "cpu-ms/op")
			dbtest.Percentiles(b, times)
		})
	}
}

// BenchmarkDueCount counts the follow-ups due for the staff home page, on the
// database BenchmarkFollowUpList reads, as the national admin and as an
// antenna's staff.
func BenchmarkDueCount(b *testing.B) {
	d := dbtest.Generated(b)
	for name, sc := range benchScopes(b, d) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := DueCount(context.Background(), d, sc, time.Now(), 100); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchScopes are whom the benchmarks read as: the national admin, and the staff
// of one antenna when there is one.
func benchScopes(b *testing.B, d *db.DB) map[string]auth.Scope {
	scopes := map[string]auth.Scope{"admin": {All: true}}
	var staff int64
	if err := d.QueryRowContext(b.Context(), `SELECT staff_id FROM staff_antennas GROUP BY staff_id HAVING COUNT(*) = 1
		ORDER BY staff_id LIMIT 1`).Scan(&staff); err == nil {
		scopes["antenna"] = auth.Scope{StaffID: staff}
	}
	return scopes
}
