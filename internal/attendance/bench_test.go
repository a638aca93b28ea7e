package attendance_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/attendance"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// The scale benchmarks run on a database made by `tremplin generate`, named by
// TREMPLIN_BENCH_DATABASE (a SQLite path or a postgres:// URL); skipped without.
//
//	tremplin generate --learners 1000000 --data /tmp/big
//	TREMPLIN_BENCH_DATABASE=/tmp/big/tremplin.db go test ./internal/attendance -run XXX -bench . -benchtime 20x

func benchStaff(b *testing.B, d *db.DB, role auth.Role) *auth.Staff {
	var id int64
	if err := d.QueryRowContext(context.Background(), "SELECT id FROM staff WHERE role = $1 ORDER BY id LIMIT 1", string(role)).Scan(&id); err != nil {
		b.Fatal(err)
	}
	st, err := auth.ByID(context.Background(), d, id)
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// The alerts page, first and tenth page, for the national admin and a manager,
// at the end of the generated period (roll calls taken up to then) and today
// (months of meetings without roll calls since).
func BenchmarkAbsenceAlerts(b *testing.B) {
	d := dbtest.Generated(b)
	ctx := context.Background()
	end := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	for _, role := range []auth.Role{auth.Admin, auth.Manager} {
		st := benchStaff(b, d, role)
		for name, now := range map[string]time.Time{"end": end, "today": time.Now()} {
			for _, page := range []int{0, 9} {
				b.Run(fmt.Sprintf("%s/%s/page%d", role, name, page+1), func(b *testing.B) {
					var times []time.Duration
					n := 0
					// The cursor of the page: the pages before are followed once.
					var after int64
					for range page {
						if _, next, err := attendance.AbsenceAlerts(ctx, d, st.Scope(), now, after, 20); err != nil {
							b.Fatal(err)
						} else if after = next; next == 0 {
							break
						}
					}
					cpu := dbtest.CPUTime()
					for b.Loop() {
						t := time.Now()
						got, _, err := attendance.AbsenceAlerts(ctx, d, st.Scope(), now, after, 20)
						if err != nil {
							b.Fatal(err)
						}
						n = len(got)
						times = append(times, time.Since(t))
					}
					b.ReportMetric(float64(n), "alerts")
					b.ReportMetric(float64((dbtest.CPUTime()-cpu).Microseconds())/1000/float64(len(times)), "cpu-ms/op")
					dbtest.Percentiles(b, times)
				})
			}
		}
	}
}

// "My meetings" for an adviser, a manager and the national admin.
func BenchmarkMyMeetings(b *testing.B) {
	d := dbtest.Generated(b)
	ctx := context.Background()
	for _, role := range []auth.Role{auth.Adviser, auth.Manager, auth.Admin} {
		st := benchStaff(b, d, role)
		b.Run(string(role), func(b *testing.B) {
			var times []time.Duration
			cpu := dbtest.CPUTime()
			for b.Loop() {
				t := time.Now()
				if _, _, err := attendance.RollCallsToTake(ctx, d, st, time.Now(), 0, 20); err != nil {
					b.Fatal(err)
				}
				if _, err := attendance.NextMeetings(ctx, d, st, time.Now(), 10); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t))
			}
			b.ReportMetric(float64((dbtest.CPUTime()-cpu).Microseconds())/1000/float64(len(times)), "cpu-ms/op")
			dbtest.Percentiles(b, times)
		})
	}
}
