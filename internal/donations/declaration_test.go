package donations_test

import (
	"context"
	"slices"
	"testing"

	"tremplin/internal/donations"
	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// The year's declaration: receipts in force and HelloAsso's counted and
// summed; a cancelled receipt explained (with the one that replaced it), not
// declared; a number taken out of the sequence shows as missing.
func TestYearlyDeclaration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgtest.Setup(t, d)
		ana := donor(t, d, donations.Individual, "Diallo", true)
		acme := donor(t, d, donations.Organisation, "Acme", true)
		issue := func(o *donations.Donor, cents int64, on string) *donations.Receipt {
			t.Helper()
			g := gift(t, d, o.ID, cents, on)
			r, err := donations.Issue(ctx, d, o.ID, []int64{g.ID}, day(on), 0)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		issue(ana, 5000, "2026-01-10")             // 1
		wrong := issue(acme, 100000, "2026-02-10") // 2, replaced by 4
		issue(ana, 2500, "2026-03-10")             // 3
		fixed, err := donations.Replace(ctx, d, wrong.ID, "Adresse erronée", day("2026-03-15"), 0)
		if err != nil || fixed.Number != 4 || fixed.AmountCents != 100000 {
			t.Fatalf("replace: %+v, %v", fixed, err)
		}
		issue(ana, 1000, "2025-12-20") // a 2025 gift receipted in 2025: another year
		ha := &donations.Gift{DonorID: ana.ID, Kind: donations.Money, Method: "helloasso", AmountCents: 3000, ReceivedOn: day("2026-05-01"),
			HelloAssoID: "987", HelloAssoURL: "https://www.helloasso.com/x/987"}
		if err := donations.AddGift(ctx, d, ha); err != nil {
			t.Fatal(err)
		}
		dec, err := donations.Declare(ctx, d, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if dec.Ours != (donations.Count{Receipts: 3, Cents: 107500}) || dec.HelloAsso != (donations.Count{Receipts: 1, Cents: 3000}) ||
			dec.Total() != (donations.Count{Receipts: 4, Cents: 110500}) {
			t.Errorf("declared %+v + %+v", dec.Ours, dec.HelloAsso)
		}
		if len(dec.Cancelled) != 1 || dec.Cancelled[0].Ref != "2026-000002" || dec.Cancelled[0].ReplacedBy != "2026-000004" ||
			dec.Cancelled[0].Reason != "Adresse erronée" || !dec.Consistent() || dec.LastNumber != 4 {
			t.Errorf("the sequence is not explained: %+v", dec)
		}
		// A receipt removed behind the application's back shows as missing.
		if _, err := d.Exec(ctx, "DELETE FROM receipt_gifts WHERE receipt_id IN (SELECT id FROM receipts WHERE year = 2026 AND number = 3)"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "DELETE FROM receipts WHERE year = 2026 AND number = 3"); err != nil {
			t.Fatal(err)
		}
		dec, err = donations.Declare(ctx, d, 2026)
		if err != nil || !slices.Equal(dec.Missing, []int{3}) || dec.Consistent() {
			t.Errorf("missing %v, consistent %v, %v", dec.Missing, dec.Consistent(), err)
		}
	})
}
