package partners_test

import (
	"context"
	"testing"

	"tremplin/internal/partners"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// The staff lists of referrals and the figures per partner, on a generated
// association (143,000 people referred by 300 organisations at a million
// learners), with the impact counters built:
//
//	tremplin generate --learners 1000000 --data /tmp/big
//	TREMPLIN_BENCH_DATABASE=/tmp/big/tremplin.db go test ./internal/partners -run XXX -bench . -benchtime 20x
//
// Without TREMPLIN_BENCH_DATABASE (a SQLite path or a postgres:// URL) they are skipped.

// busiest is the antenna with the most referrals.
func busiest(b *testing.B, d *db.DB) int64 {
	var id int64
	if err := d.QueryRowContext(context.Background(), "SELECT antenna_id FROM referrals GROUP BY antenna_id ORDER BY COUNT(*) DESC LIMIT 1").Scan(&id); err != nil {
		b.Fatal(err)
	}
	return id
}

func BenchmarkReferralsPage(b *testing.B) {
	d := dbtest.Generated(b)
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		antennas []int64
	}{{"national", nil}, {"antenna", []int64{busiest(b, d)}}} {
		b.Run(c.name+"/first", func(b *testing.B) {
			for b.Loop() {
				if list, _, err := partners.ReferralsPage(ctx, d, c.antennas, nil, 50); err != nil || len(list) != 50 {
					b.Fatal(err, len(list))
				}
			}
		})
		// Twenty pages in, by the cursor of the page before.
		var cursor *partners.Cursor
		for range 20 {
			_, next, err := partners.ReferralsPage(ctx, d, c.antennas, cursor, 50)
			if err != nil || next == "" {
				b.Fatal(err, next)
			}
			cur, _ := partners.ParseCursor(next)
			cursor = &cur
		}
		b.Run(c.name+"/page21", func(b *testing.B) {
			for b.Loop() {
				if list, _, err := partners.ReferralsPage(ctx, d, c.antennas, cursor, 50); err != nil || len(list) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFiguresPage(b *testing.B) {
	d := dbtest.Generated(b)
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		antennas []int64
		offset   int
	}{{"national/first", nil, 0}, {"national/last", nil, 275}, {"antenna", []int64{busiest(b, d)}, 0}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if list, _, err := partners.FiguresPage(ctx, d, c.antennas, c.offset, 25); err != nil || len(list) == 0 {
					b.Fatal(err, len(list))
				}
			}
		})
	}
}
