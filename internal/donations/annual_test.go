package donations_test

import (
	"context"
	"errors"
	"testing"

	"tremplin/internal/donations"
	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// A monthly donor gets one receipt for the year's twelve gifts and a one-off
// gift of the same year; a gift already receipted, a refunded one, another
// year's and a one-off donor's are not in it; a recurring donor without an
// address is reported, not receipted; running it again issues nothing more.
func TestAnnualReceiptsOfRecurringDonors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgtest.Setup(t, d)
		ana := donor(t, d, donations.Individual, "Diallo", true)
		nomad := donor(t, d, donations.Individual, "Sans adresse", false)
		once := donor(t, d, donations.Individual, "Ponctuel", true)
		add := func(o *donations.Donor, cents int64, on string, recurring bool, state string) *donations.Gift {
			t.Helper()
			g := &donations.Gift{DonorID: o.ID, Kind: donations.Money, Method: "direct_debit", AmountCents: cents, ReceivedOn: day(on),
				Recurring: recurring, State: state}
			if err := donations.AddGift(ctx, d, g); err != nil {
				t.Fatal(err)
			}
			return g
		}
		for m := 1; m <= 12; m++ {
			add(ana, 1500, "2026-"+[]string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"}[m-1]+"-05", true, "received")
		}
		add(ana, 10000, "2026-06-18", false, "received")
		add(ana, 1500, "2025-12-05", true, "received")
		add(ana, 700, "2026-07-01", false, "refunded")
		early := add(ana, 2000, "2026-02-01", false, "received")
		if _, err := donations.Issue(ctx, d, ana.ID, []int64{early.ID}, day("2026-02-02"), 0); err != nil {
			t.Fatal(err)
		}
		add(nomad, 1000, "2026-03-05", true, "received")
		add(once, 5000, "2026-03-05", false, "received")
		var seen []int
		got, err := donations.IssueAnnual(ctx, d, 2026, day("2027-01-15"), 0, func(done, total int) { seen = append(seen, done*10+total) })
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Issued) != 1 || got.Issued[0].AmountCents != 12*1500+10000 || len(got.Issued[0].GiftIDs) != 13 ||
			got.Issued[0].From != day("2026-01-05") || got.Issued[0].To != day("2026-12-05") {
			t.Fatalf("issued %+v", got.Issued)
		}
		if len(got.Refused) != 1 || got.Refused[0].DonorID != nomad.ID || !errors.Is(got.Refused[0].Err, donations.ErrAddress) {
			t.Errorf("refused %+v", got.Refused)
		}
		if len(seen) != 2 {
			t.Errorf("progress told %v, want twice", seen)
		}
		again, err := donations.IssueAnnual(ctx, d, 2026, day("2027-01-16"), 0, nil)
		if err != nil || len(again.Issued) != 0 {
			t.Errorf("a second run issued %d receipts, %v", len(again.Issued), err)
		}
	})
}
