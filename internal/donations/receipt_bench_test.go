package donations_test

import (
	"archive/zip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"testing"
	"time"

	"tremplin/internal/donations"
	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// BenchmarkRenderReceipt prints one receipt's PDF per iteration.
func BenchmarkRenderReceipt(b *testing.B) {
	d := dbtest.Open(b, db.SQLite)
	ctx := context.Background()
	orgtest.Setup(b, d)
	receiptSetup(b, d)
	person := &donations.Donor{Kind: donations.Individual, FirstName: "فاطمة", LastName: "حداد", Address: "14 rue de Wazemmes",
		Postcode: "59000", City: "Lille"}
	if err := donations.SaveDonor(ctx, d, person); err != nil {
		b.Fatal(err)
	}
	g := &donations.Gift{DonorID: person.ID, Kind: donations.Money, Method: "transfer", AmountCents: 15000, ReceivedOn: day("2026-03-12")}
	if err := donations.AddGift(ctx, d, g); err != nil {
		b.Fatal(err)
	}
	r, err := donations.Issue(ctx, d, person.ID, []int64{g.ID}, day("2026-03-20"), 0)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := donations.RenderReceipt(ctx, d, r, person); err != nil {
			b.Fatal(err)
		}
	}
}

// The year's 50,000 annual receipts (monthly donors, twelve gifts each; one
// donor in ten with a name in Arabic script) printed as PDFs into the ZIP the
// association keeps: the budget is 60 s on this 2-core machine.
//
//	go test ./internal/donations -run XXX -bench ReceiptsArchive -benchtime 1x -timeout 30m
func BenchmarkReceiptsArchive(b *testing.B) {
	const donors = 50000
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			ctx := context.Background()
			orgtest.Setup(b, d)
			receiptSetup(b, d)
			now := db.Now()
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				ds := db.NewBatch(ctx, tx, "donors", "id", "kind", "first_name", "last_name", "address", "postcode", "city", "created_at", "updated_at")
				gs := db.NewBatch(ctx, tx, "gifts", "id", "donor_id", "kind", "method", "amount_cents", "received_on", "recurring", "created_at", "updated_at")
				rs := db.NewBatch(ctx, tx, "receipts", "id", "year", "number", "donor_id", "form", "amount_cents", "period_from", "period_to",
					"donor_name", "donor_address", "issued_on", "created_at")
				xs := db.NewBatch(ctx, tx, "receipt_gifts", "receipt_id", "gift_id")
				// Each table whole before the next: a batch writes when full, and
				// the rows it writes must find those they reference.
				name := func(i int) (string, string) {
					if i%10 == 0 {
						return "محمد", fmt.Sprint("حداد ", i)
					}
					return "Camille", fmt.Sprint("Donatrice-", i)
				}
				cents := func(i int) int { return 1000 + i%5000 }
				for i := 1; i <= donors; i++ {
					first, last := name(i)
					if err := ds.Add(i, "individual", first, last, fmt.Sprint(i%200+1, " rue de Wazemmes"), "59000", "Lille", now, now); err != nil {
						return err
					}
				}
				if err := ds.Flush(); err != nil {
					return err
				}
				for i := 1; i <= donors; i++ {
					for m := 1; m <= 12; m++ {
						if err := gs.Add((i-1)*12+m, i, "money", "direct_debit", cents(i), fmt.Sprintf("2026-%02d-05", m), true, now, now); err != nil {
							return err
						}
					}
				}
				if err := gs.Flush(); err != nil {
					return err
				}
				for i := 1; i <= donors; i++ {
					first, last := name(i)
					if err := rs.Add(i, 2026, i, i, "11580", 12*cents(i), "2026-01-05", "2026-12-05", first+" "+last,
						fmt.Sprint(i%200+1, " rue de Wazemmes\n59000 Lille"), "2027-01-15", now); err != nil {
						return err
					}
				}
				if err := rs.Flush(); err != nil {
					return err
				}
				for i := 1; i <= donors; i++ {
					for m := 1; m <= 12; m++ {
						if err := xs.Add(i, (i-1)*12+m); err != nil {
							return err
						}
					}
				}
				return xs.Flush()
			})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				start, cpu := time.Now(), dbtest.CPUTime()
				out := &counter{}
				n, err := donations.WriteArchive(ctx, d, 2026, zip.NewWriter(out))
				if err != nil {
					b.Fatal(err)
				}
				if n != donors {
					b.Fatalf("%d receipts printed, want %d", n, donors)
				}
				took, used := time.Since(start), dbtest.CPUTime()-cpu
				b.ReportMetric(took.Seconds(), "s/archive")
				// The process's CPU time (a PostgreSQL server's is not in it):
				// on a machine shared with other work, the wall time says
				// little, and the CPU time over the cores says what it would be.
				b.ReportMetric(used.Seconds(), "cpu-s/archive")
				b.ReportMetric(float64(out.n)/donors/1024, "KB/receipt")
				b.Logf("%s: %d receipts in %.1f s (%.1f s of CPU), %.0f MB", engine, n, took.Seconds(), used.Seconds(), float64(out.n)/1e6)
			}
		})
	}
}

// counter is a writer that counts and forgets.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return io.Discard.Write(p) }
