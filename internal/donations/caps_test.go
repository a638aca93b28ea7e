package donations_test

import (
	"context"
	"testing"

	"tremplin/internal/donations"
	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// A company's gifts of the year against the ceiling in force that year:
// €20,000 since 2020 (€10,000 in 2019), or 0.5 % of its turnover when higher;
// refunded gifts left out.
func TestCompanyCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgtest.Setup(t, d)
		acme := donor(t, d, donations.Organisation, "Acme", true)
		gift(t, d, acme.ID, 1500000, "2026-02-01")
		gift(t, d, acme.ID, 1000000, "2026-09-01")
		refunded := &donations.Gift{DonorID: acme.ID, Kind: donations.Money, Method: "card", AmountCents: 900000,
			ReceivedOn: day("2026-10-01"), State: "refunded"}
		if err := donations.AddGift(ctx, d, refunded); err != nil {
			t.Fatal(err)
		}
		gift(t, d, acme.ID, 1200000, "2019-05-01")
		c, err := donations.CompanyCap(ctx, d, acme, 2026)
		if err != nil || c.GivenCents != 2500000 || c.CapCents != 2000000 || !c.Over() || c.FromTurnover {
			t.Errorf("2026 without turnover: %+v, %v", c, err)
		}
		acme.TurnoverCents = 1_000_000_000 // €10 M: 0.5 % is €50,000
		c, _ = donations.CompanyCap(ctx, d, acme, 2026)
		if c.CapCents != 5000000 || c.Over() || !c.FromTurnover {
			t.Errorf("2026 with €10 M of turnover: %+v", c)
		}
		acme.TurnoverCents = 0
		c, _ = donations.CompanyCap(ctx, d, acme, 2019)
		if c.CapCents != 1000000 || c.GivenCents != 1200000 || !c.Over() {
			t.Errorf("2019: %+v", c)
		}
	})
}
