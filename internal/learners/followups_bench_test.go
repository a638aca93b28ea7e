package learners

import (
	"context"
	"slices"
	"syscall"
	"testing"
	"time"

	"tremplin/internal/platform/auth"
)

// BenchmarkFollowUpList reads what /followups shows (the counts per milestone and
// a page of the list: the first, and one deep in the list) on a database made by
// `tremplin generate`, named by TREMPLIN_BENCH_DATABASE (a SQLite path or a
// postgres:// URL), as the national admin and as an antenna's staff.
//
//	TREMPLIN_BENCH_DATABASE=/tmp/big/tremplin.db go test ./internal/learners -run XXX -bench FollowUpList -benchtime 40x
func BenchmarkFollowUpList(b *testing.B) {
	ctx := context.Background()
	d := benchDB(b)
	scopes := map[string]auth.Scope{"admin": {All: true}}
	var staff int64
	if err := d.QueryRowContext(ctx, `SELECT staff_id FROM staff_antennas GROUP BY staff_id HAVING COUNT(*) = 1
		ORDER BY staff_id LIMIT 1`).Scan(&staff); err == nil {
		scopes["antenna"] = auth.Scope{StaffID: staff}
	}
	today := time.Now()
	for name, sc := range scopes {
		b.Run(name, func(b *testing.B) {
			// A cursor halfway down the list, for a deep page.
			var mid FollowUpCursor
			for range 20 {
				_, next, err := FollowUpsDue(ctx, d, sc, today, FollowUpQuery{After: mid, Limit: 500})
				if err != nil {
					b.Fatal(err)
				}
				if next.Due == "" {
					break
				}
				mid = next
			}
			var times []time.Duration
			cpu := cpuTime()
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				counts, err := FollowUpCounts(ctx, d, sc, today)
				if err != nil {
					b.Fatal(err)
				}
				q := FollowUpQuery{}
				if i%2 == 1 {
					q.After = mid
				}
				page, _, err := FollowUpsDue(ctx, d, sc, today, q)
				if err != nil || len(page) == 0 && counts[0].Total()+counts[1].Total() > 0 {
					b.Fatalf("page: %d items, %v", len(page), err)
				}
				times = append(times, time.Since(start))
			}
			// The processor time, apart from the wall clock a busy machine stretches.
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(len(times)), "cpu-ms/op")
			slices.Sort(times)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
			b.ReportMetric(ms(times[len(times)*95/100]), "p95-ms")
		})
	}
}

// cpuTime is the processor time this process has used (SQLite runs in it).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
