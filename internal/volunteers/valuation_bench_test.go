package volunteers_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

// fillValuation stores 100 antennas of 5 missions and 200 volunteers each
// (20,000 in all) who give about 50 approved hours' records in 2026 each
// (1,000,000 rows), with pending ones and a year before beside them.
func fillValuation(b *testing.B, d *db.DB) {
	ctx := context.Background()
	var antennas []int64
	for i := range 100 {
		a := &org.Antenna{Name: fmt.Sprintf("Antenne %03d", i), City: "Ville", Country: "FR", Timezone: "Europe/Paris"}
		if err := org.SaveAntenna(ctx, d, a); err != nil {
			b.Fatal(err)
		}
		antennas = append(antennas, a.ID)
	}
	now := db.Now()
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		ms := db.NewBatch(ctx, tx, "volunteer_missions", "id", "antenna_id", "title", "supervising", "created_at", "updated_at")
		vs := db.NewBatch(ctx, tx, "volunteers", "id", "antenna_id", "first_name", "last_name", "phone", "lang", "state", "created_at")
		for i, a := range antennas {
			for k := range 5 {
				if err := ms.Add(int64(i*5+k+1), a, fmt.Sprintf("Mission %d", k), k == 0, now, now); err != nil {
					return err
				}
			}
			for k := range 200 {
				id := int64(i*200 + k + 1)
				if err := vs.Add(id, a, "Bénévole", fmt.Sprint(id), fmt.Sprintf("+336%08d", id), "fr", "active", now); err != nil {
					return err
				}
			}
		}
		if err := ms.Flush(); err != nil {
			return err
		}
		if err := vs.Flush(); err != nil {
			return err
		}
		hs := db.NewBatch(ctx, tx, "volunteer_hours", "volunteer_id", "antenna_id", "mission_id", "day", "minutes", "state", "created_at")
		start := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
		for v := range 20000 {
			a := v / 200
			for k := range 56 {
				day := start.AddDate(0, 0, (v*7+k*8)%455)
				state := volunteers.HoursApproved
				if k%10 == 9 {
					state = volunteers.HoursPending
				}
				if err := hs.Add(int64(v+1), antennas[a], int64(a*5+k%5+1), day.Format(time.DateOnly), 60+k%4*30, state, now); err != nil {
					return err
				}
			}
		}
		return hs.Flush()
	})
	if err != nil {
		b.Fatal(err)
	}
	// Loaded in bulk: the valuation's summary is rebuilt after, as an import does.
	if err := volunteers.RebuildSummaries(ctx, d); err != nil {
		b.Fatal(err)
	}
	if d.Engine == db.Postgres {
		for _, t := range []string{"volunteer_missions", "volunteers"} {
			if _, err := d.Exec(ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'id'), (SELECT MAX(id) FROM "+t+"))"); err != nil {
				b.Fatal(err)
			}
		}
		for _, t := range []string{"volunteer_hours", "volunteer_hours_days"} {
			if _, err := d.Exec(ctx, "VACUUM ANALYZE "+t); err != nil {
				b.Fatal(err)
			}
		}
	} else if _, err := d.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
}

// The yearly valuation of the whole association (100 antennas, 20,000
// volunteers, a million rows of hours): the budget is 300 ms.
//
//	go test ./internal/volunteers -run XXX -bench YearValuation -benchtime 10x
func BenchmarkYearValuation(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			fillValuation(b, d)
			var times []time.Duration
			for b.Loop() {
				t := time.Now()
				v, err := volunteers.YearValuation(context.Background(), d, auth.Scope{All: true}, 2026)
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t))
				if len(v.Antennas) != 100 || len(v.Lines) != 100*5*12 {
					b.Fatalf("%d antennas, %d lines", len(v.Antennas), len(v.Lines))
				}
			}
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
			d := dbtest.Open(b, engine)
			fillValuation(b, d)
			f := impact.Filter{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
			var times []time.Duration
			for b.Loop() {
				t := time.Now()
				rows, total, err := volunteers.PeriodFigures(context.Background(), d, f)
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t))
				if len(rows) != 100 || total.Active != 20000 {
					b.Fatalf("%d antennas, %d active", len(rows), total.Active)
				}
			}
			dbtest.Percentiles(b, times)
		})
	}
}
