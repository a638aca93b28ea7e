package privacy_test

import (
	"context"
	"testing"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/privacy"
)

// The daily purge removes the events older than a year, and only those;
// running it again removes nothing more.
func TestAuditIsKeptAYear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now()
		before, err := privacy.AuditBefore(ctx, d, now)
		if err != nil || !before.Equal(now.AddDate(-1, 0, 0)) {
			t.Fatalf("audit kept from %v (%v), want a year", before, err)
		}
		for _, at := range []time.Time{now.AddDate(-2, 0, 0), before.Add(-time.Hour), before.Add(time.Hour), now} {
			if _, err := d.ExecContext(ctx, `INSERT INTO audit_events (at, action, route, path) VALUES ($1, 'read_file', 'GET /learners/{id}', '/learners/1')`,
				db.FormatTime(at)); err != nil {
				t.Fatal(err)
			}
		}
		for i, want := range []int64{2, 0} {
			n, err := privacy.PurgeAudit(ctx, d, now)
			if err != nil || n != want {
				t.Errorf("purge %d: %d removed (%v), want %d", i+1, n, err, want)
			}
		}
		var left int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_events").Scan(&left)
		if left != 2 {
			t.Errorf("%d events left, want the 2 of the last year", left)
		}
	})
}

// BenchmarkAuditWrite is what the audit adds to each page of a learner's file:
// one row written, on each engine (p50, p95 reported), into a table that
// already holds a year of reads (200,000 rows).
//
//	go test ./internal/privacy -run XXX -bench AuditWrite -benchtime 2000x
func BenchmarkAuditWrite(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			ctx := context.Background()
			start := time.Now().AddDate(-1, 0, 0)
			if _, err := d.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
				INSERT INTO audit_events (at, action, learner_id, route, path, request_id)
				SELECT $1, 'read_file', i, 'GET /learners/{id}', '/learners/' || CAST(i AS TEXT), 'x' FROM n`, db.FormatTime(start)); err != nil {
				b.Fatal(err)
			}
			var times []time.Duration
			i := 0
			for b.Loop() {
				i++
				t := time.Now()
				if _, err := d.ExecContext(ctx, `INSERT INTO audit_events (at, staff_id, action, learner_id, route, path, request_id)
					VALUES ($1, NULL, 'read_file', $2, 'GET /learners/{id}', '/learners/1', 'abc')`, db.FormatTime(time.Now()), i); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t))
			}
			dbtest.Percentiles(b, times)
		})
	}
}
