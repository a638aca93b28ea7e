package donations_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"tremplin/internal/donations"
	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func donor(t *testing.T, d *db.DB, kind, name string, address bool) *donations.Donor {
	t.Helper()
	o := &donations.Donor{Kind: kind, FirstName: "Amina", LastName: name, OrgName: name}
	if address {
		o.Address, o.Postcode, o.City = "12 rue d'Arras", "59000", "Lille"
	}
	if err := donations.SaveDonor(context.Background(), d, o); err != nil {
		t.Fatal(err)
	}
	return o
}

func gift(t *testing.T, d *db.DB, donorID int64, cents int64, on string) *donations.Gift {
	t.Helper()
	g := &donations.Gift{DonorID: donorID, Kind: donations.Money, Method: "transfer", AmountCents: cents, ReceivedOn: day(on)}
	if err := donations.AddGift(context.Background(), d, g); err != nil {
		t.Fatal(err)
	}
	return g
}

// Fifty receipts issued at the same moment get the numbers 1 to 50 of the
// year, each once; a receipt that fails takes no number.
func TestConcurrentReceiptsAreNumberedWithoutGap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgtest.Setup(t, d)
		var gifts []*donations.Gift
		var donors []*donations.Donor
		for i := range 50 {
			o := donor(t, d, donations.Individual, "Donor"+string(rune('A'+i%26))+string(rune('a'+i/26)), true)
			donors = append(donors, o)
			gifts = append(gifts, gift(t, d, o.ID, int64(1000+i), "2026-03-01"))
		}
		noAddress := donor(t, d, donations.Individual, "Sans adresse", false)
		bad := gift(t, d, noAddress.ID, 5000, "2026-03-02")
		var wg sync.WaitGroup
		numbers := make([]int, 50)
		errs := make([]error, 51)
		for i := range 50 {
			wg.Go(func() {
				r, err := donations.Issue(ctx, d, donors[i].ID, []int64{gifts[i].ID}, day("2026-12-02"), 0)
				errs[i] = err
				if err == nil {
					numbers[i] = r.Number
				}
			})
		}
		wg.Go(func() {
			_, errs[50] = donations.Issue(ctx, d, noAddress.ID, []int64{bad.ID}, day("2026-12-02"), 0)
		})
		wg.Wait()
		for i, err := range errs[:50] {
			if err != nil {
				t.Fatalf("receipt %d: %v", i, err)
			}
		}
		if !errors.Is(errs[50], donations.ErrAddress) {
			t.Errorf("a donor without an address: %v, want ErrAddress", errs[50])
		}
		slices.Sort(numbers)
		for i, n := range numbers {
			if n != i+1 {
				t.Fatalf("numbers %v, want 1 to 50", numbers)
			}
		}
		// The next year starts again at 1.
		g := gift(t, d, donors[0].ID, 700, "2027-01-05")
		r, err := donations.Issue(ctx, d, donors[0].ID, []int64{g.ID}, day("2027-01-10"), 0)
		if err != nil || r.Number != 1 || r.Ref() != "2027-000001" {
			t.Fatalf("first receipt of 2027: %+v, %v", r, err)
		}
	})
}

// An issued receipt is never changed: cancelling keeps it readable with its
// number and reason; its gift can then be receipted anew with the next number.
// A gift already receipted, refunded, another donor's or receipted by HelloAsso
// is refused.
func TestCancelledReceiptStaysAndGiftsAreReceiptedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgtest.Setup(t, d)
		company := donor(t, d, donations.Organisation, "Numérique Solidaire SAS", true)
		other := donor(t, d, donations.Individual, "Diallo", true)
		g1, g2 := gift(t, d, company.ID, 150000, "2026-02-10"), gift(t, d, company.ID, 50050, "2026-06-30")
		r, err := donations.Issue(ctx, d, company.ID, []int64{g1.ID, g2.ID}, day("2026-07-01"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.Form != "16216" || r.AmountCents != 200050 || r.From != day("2026-02-10") || r.To != day("2026-06-30") ||
			r.DonorAddress != "12 rue d'Arras\n59000 Lille" {
			t.Errorf("receipt %+v", r)
		}
		if _, err := donations.Issue(ctx, d, company.ID, []int64{g2.ID}, day("2026-07-02"), 0); !errors.Is(err, donations.ErrReceipted) {
			t.Errorf("a gift receipted twice: %v", err)
		}
		if _, err := donations.Issue(ctx, d, other.ID, []int64{g1.ID}, day("2026-07-02"), 0); !errors.Is(err, donations.ErrNotReceived) {
			t.Errorf("another donor's gift: %v", err)
		}
		ha := &donations.Gift{DonorID: other.ID, Kind: donations.Money, Method: "helloasso", AmountCents: 2000, ReceivedOn: day("2026-05-01"),
			HelloAssoID: "12345", HelloAssoURL: "https://www.helloasso.com/associations/x/formulaires/1/paiement-attestation/12345"}
		if err := donations.AddGift(ctx, d, ha); err != nil {
			t.Fatal(err)
		}
		if _, err := donations.Issue(ctx, d, other.ID, []int64{ha.ID}, day("2026-07-02"), 0); !errors.Is(err, donations.ErrHelloAsso) {
			t.Errorf("a gift HelloAsso receipted: %v", err)
		}
		// A donor's changed address does not change the receipt issued.
		company.Address = "1 place de la Gare"
		if err := donations.SaveDonor(ctx, d, company); err != nil {
			t.Fatal(err)
		}
		if err := donations.Cancel(ctx, d, r.ID, " ", 0); !errors.Is(err, donations.ErrReasonNeeded) {
			t.Errorf("cancel without a reason: %v", err)
		}
		if err := donations.Cancel(ctx, d, r.ID, "Montant erroné", 0); err != nil {
			t.Fatal(err)
		}
		if err := donations.Cancel(ctx, d, r.ID, "Deux fois", 0); !errors.Is(err, donations.ErrNotIssued) {
			t.Errorf("cancel twice: %v", err)
		}
		got, err := donations.ReceiptByID(ctx, d, r.ID)
		if err != nil || got.State != "cancelled" || got.CancelReason != "Montant erroné" || got.Number != r.Number ||
			got.DonorAddress != "12 rue d'Arras\n59000 Lille" || len(got.GiftIDs) != 2 || got.CancelledAt.IsZero() {
			t.Fatalf("the cancelled receipt: %+v, %v", got, err)
		}
		again, err := donations.Issue(ctx, d, company.ID, []int64{g1.ID, g2.ID}, day("2026-07-03"), 0)
		if err != nil || again.Number != r.Number+1 || again.DonorAddress != "1 place de la Gare\n59000 Lille" {
			t.Fatalf("the receipt issued anew: %+v, %v", again, err)
		}
	})
}
