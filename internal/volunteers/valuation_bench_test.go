package volunteers_test

import (
	"context"
	"io"
	"testing"
	"time"

	"tremplin/internal/demo"
	"tremplin/internal/impact"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

// generated is the generated association of the benchmarks: 100 antennas of
// 5 missions, 20,000 volunteers and their hours since 2022.
func generated(b *testing.B, engine db.Engine) *db.DB {
	d := dbtest.Open(b, engine)
	if err := demo.Generate(context.Background(), d, demo.GenerateOptions{Learners: 2000, Antennas: 100, Volunteers: 20000, Seed: 1,
		Out: io.Discard}); err != nil {
		b.Fatal(err)
	}
	return d
}

// The yearly valuation of the whole generated association (tremplin generate:
// 100 antennas of 5 missions, 20,000 volunteers and their hours since 2022) for
// 2025, its last full year: the budget is 300 ms.
//
//	go test ./internal/volunteers -run XXX -bench YearValuation -benchtime 10x
func BenchmarkYearValuation(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d := generated(b, engine)
			ctx := context.Background()
			var rows int
			if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteer_hours WHERE state = 'approved' AND day >= '2025-01-01' AND day < '2026-01-01'").Scan(&rows); err != nil {
				b.Fatal(err)
			}
			var times []time.Duration
			for b.Loop() {
				t := time.Now()
				v, err := volunteers.YearValuation(ctx, d, auth.Scope{All: true}, 2025)
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t))
				if len(v.Antennas) != 100 || len(v.Lines) < 100*5*11 || v.Unvalued != 0 {
					b.Fatalf("%d antennas, %d lines, %d minutes without a rate", len(v.Antennas), len(v.Lines), v.Unvalued)
				}
			}
			b.ReportMetric(float64(rows), "approved-rows")
			dbtest.Percentiles(b, times)
		})
	}
}

// The dashboard's volunteers by antenna for a year of the whole association
// (same data): active volunteers read the rows of hours (an index), hours and
// value the summary.
//
//	go test ./internal/volunteers -run XXX -bench DashboardFigures -benchtime 10x
func BenchmarkDashboardFigures(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d := generated(b, engine)
			f := impact.Filter{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
			var times []time.Duration
			for b.Loop() {
				t := time.Now()
				rows, total, err := volunteers.PeriodFigures(context.Background(), d, f)
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t))
				if len(rows) != 100 || total.Active == 0 {
					b.Fatalf("%d antennas, %d active", len(rows), total.Active)
				}
			}
			dbtest.Percentiles(b, times)
		})
	}
}
