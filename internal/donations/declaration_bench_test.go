package donations_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/donations"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// The yearly declaration for 200,000 gifts, each with its receipt (one in a
// hundred cancelled) and one in ten received through HelloAsso with its own
// receipt: the budget is 1 s.
//
//	go test ./internal/donations -run XXX -bench Declaration -benchtime 10x
func BenchmarkDeclaration(b *testing.B) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			ctx := context.Background()
			now := db.Now()
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				ds := db.NewBatch(ctx, tx, "donors", "id", "kind", "last_name", "address", "postcode", "city", "created_at", "updated_at")
				gs := db.NewBatch(ctx, tx, "gifts", "id", "donor_id", "kind", "method", "amount_cents", "received_on", "helloasso_id",
					"helloasso_receipt_url", "created_at", "updated_at")
				rs := db.NewBatch(ctx, tx, "receipts", "id", "year", "number", "donor_id", "form", "amount_cents", "period_from", "period_to",
					"donor_name", "donor_address", "issued_on", "state", "cancel_reason", "created_at")
				xs := db.NewBatch(ctx, tx, "receipt_gifts", "receipt_id", "gift_id", "in_force")
				start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
				for i := 1; i <= 50000; i++ {
					if err := ds.Add(i, "individual", fmt.Sprint("Donateur ", i), "1 rue", "59000", "Lille", now, now); err != nil {
						return err
					}
				}
				if err := ds.Flush(); err != nil {
					return err
				}
				type row struct {
					donor, cents int
					on           string
				}
				var rows []row
				for i := 1; i <= 200000; i++ {
					r := row{(i-1)%50000 + 1, 1000 + i%9000, start.AddDate(0, 0, i%365).Format(time.DateOnly)}
					rows = append(rows, r)
					var ha any
					url := ""
					if i%10 == 0 {
						ha, url = fmt.Sprint(i), "https://www.helloasso.com/r/"+fmt.Sprint(i)
					}
					if err := gs.Add(i, r.donor, "money", "transfer", r.cents, r.on, ha, url, now, now); err != nil {
						return err
					}
				}
				if err := gs.Flush(); err != nil {
					return err
				}
				number := 0
				var links [][2]int
				for i, r := range rows {
					if (i+1)%10 == 0 {
						continue
					}
					number++
					state, reason := "issued", ""
					if number%100 == 0 {
						state, reason = "cancelled", "Erreur"
					}
					if err := rs.Add(number, 2026, number, r.donor, "11580", r.cents, r.on, r.on, "Donateur", "1 rue\n59000 Lille", r.on, state, reason, now); err != nil {
						return err
					}
					links = append(links, [2]int{number, i + 1})
				}
				if err := rs.Flush(); err != nil {
					return err
				}
				for _, l := range links {
					if err := xs.Add(l[0], l[1], l[0]%100 != 0); err != nil {
						return err
					}
				}
				if err := xs.Flush(); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, "INSERT INTO receipt_sequences (year, last_number) VALUES (2026, $1)", number)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			if engine == db.Postgres {
				d.Exec(ctx, "VACUUM ANALYZE receipts, gifts")
			} else {
				d.Exec(ctx, "ANALYZE")
			}
			var times []time.Duration
			for b.Loop() {
				t := time.Now()
				dec, err := donations.Declare(ctx, d, 2026)
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t))
				if !dec.Consistent() || dec.HelloAsso.Receipts != 20000 || dec.Ours.Receipts+len(dec.Cancelled) != 180000 {
					b.Fatalf("declaration %+v", dec.Total())
				}
			}
			dbtest.Percentiles(b, times)
		})
	}
}
