package civic_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"tremplin/internal/civic"
	"tremplin/internal/impact"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// hire accepts an applicant to an offer and gives them a contract under an
// approval, through the package's functions.
func hire(t *testing.T, d *db.DB, w *world, offer *civic.Offer, approval *civic.Approval, first, start, end string) *civic.Contract {
	t.Helper()
	ctx := context.Background()
	a := &civic.Application{OfferID: offer.ID, AntennaID: offer.AntennaID, FirstName: first, LastName: "Test", Phone: "+33612345678",
		Lang: "fr", Birth: d8("2005-03-04")}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if err := civic.Apply(ctx, tx, a, ""); err != nil {
			return err
		}
		if err := civic.Move(ctx, tx, a, "interview", "", time.Now().Add(time.Hour), "Salle", w.f.Adviser.ID); err != nil {
			return err
		}
		return civic.Move(ctx, tx, a, "accepted", "", time.Time{}, "", w.f.Adviser.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	c := &civic.Contract{ApplicationID: a.ID, ApprovalID: approval.ID, OfferID: offer.ID, AntennaID: offer.AntennaID,
		TutorID: w.f.Adviser.ID, Start: d8(start), End: d8(end), WeeklyHours: 28, Days: 4}
	if err := civic.CreateContract(ctx, d, c, w.f.Adviser.ID); err != nil {
		t.Fatal(err)
	}
	return c
}

// The dashboard's civic-service figures: posts used and approved on the
// period's last day (today when it ends later), an approval shared by two
// antennas counted in each row and once in the total; contracts running in the
// period; obligations late on that day, also when done since. A Lille filter
// never shows Bordeaux.
func TestDashboardCivicFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d, 2) // Lille: 2 posts, 2027–2029
		bordeaux := &civic.Approval{Number: "NA-033-27-00002-00", From: d8("2027-01-01"), To: d8("2029-12-31"), Posts: 3, Antennas: []int64{w.f.Bordeaux}}
		shared := &civic.Approval{Number: "NA-000-27-00003-00", From: d8("2027-01-01"), To: d8("2027-12-31"), Posts: 1, Antennas: []int64{w.f.Lille, w.f.Bordeaux}}
		expired := &civic.Approval{Number: "NA-000-26-00004-00", From: d8("2026-01-01"), To: d8("2026-12-31"), Posts: 5, Antennas: []int64{w.f.Lille}}
		for _, a := range []*civic.Approval{bordeaux, shared, expired} {
			if err := civic.SaveApproval(ctx, d, a); err != nil {
				t.Fatal(err)
			}
		}
		offerB := &civic.Offer{AntennaID: w.f.Bordeaux, Title: "Réemploi", Description: "Réparer", Months: 8, Places: 2,
			Domain: "environment", Remote: "no", State: "published", Start: d8("2027-10-01")}
		if err := civic.SaveOffer(ctx, d, offerB); err != nil {
			t.Fatal(err)
		}
		ines := hire(t, d, w, w.offer, w.approval, "Ines", "2027-09-01", "2028-04-30")
		samir := hire(t, d, w, w.offer, w.approval, "Samir", "2027-01-15", "2027-07-14") // over before the period
		hire(t, d, w, offerB, bordeaux, "Dan", "2027-10-01", "2028-05-31")

		autumn := impact.Filter{From: d8("2027-09-01"), To: d8("2027-12-31")}
		today := d8("2027-12-15")
		lille := autumn
		lille.Antennas = []int64{w.f.Lille}
		rows, total, on, err := civic.PeriodFigures(ctx, d, lille, today)
		if err != nil {
			t.Fatal(err)
		}
		if !on.Equal(today) {
			t.Errorf("read on %s, want today (the period ends later)", on)
		}
		late, err := civic.LateCount(ctx, d, w.f.LilleScope, today, 100)
		if err != nil {
			t.Fatal(err)
		}
		want := civic.AntennaFigures{AntennaID: w.f.Lille, Name: "Lille", Used: 1, Posts: 2 + 1, Ongoing: 1, Late: int64(late)}
		if len(rows) != 1 || rows[0] != want || late == 0 {
			t.Fatalf("Lille sees %+v, want only %+v", rows, want)
		}
		if total.Used != 1 || total.Posts != 3 || total.Ongoing != 1 || total.Late != int64(late) {
			t.Errorf("Lille's total %+v", total)
		}

		rows, total, _, err = civic.PeriodFigures(ctx, d, autumn, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Name != "Bordeaux" || rows[0].Used != 1 || rows[0].Posts != 3+1 || rows[0].Ongoing != 1 {
			t.Fatalf("the whole association: %+v", rows)
		}
		// The shared approval's post counts once: 2 + 3 + 1.
		if total.Posts != 6 || total.Used != 2 || total.Ongoing != 2 {
			t.Errorf("the whole association's total %+v, want 6 posts, 2 used, 2 ongoing", total)
		}

		// September and October, read on 31 October: Samir's obligations, none
		// done, are all late (his contract ended in July); Ines's tutor meeting
		// due on 30 September is late, even if done in November; not once done
		// in October.
		before, err := civic.Obligations(ctx, d, samir.ID)
		if err != nil || len(before) == 0 {
			t.Fatalf("Samir's obligations %+v, %v", before, err)
		}
		base := int64(len(before))
		autumn = impact.Filter{From: d8("2027-09-01"), To: d8("2027-10-31"), Antennas: []int64{w.f.Lille}}
		obligations, err := civic.Obligations(ctx, d, ines.ID)
		if err != nil {
			t.Fatal(err)
		}
		var meeting *civic.Obligation
		for _, o := range obligations {
			if o.Kind == "tutor_meeting" && o.Due.Equal(d8("2027-09-30")) {
				meeting = o
			}
		}
		if meeting == nil {
			t.Fatalf("no tutor meeting due on 30 September: %+v", obligations)
		}
		for _, c := range []struct {
			done string
			late int64
		}{{"", base + 1}, {"2027-11-05", base + 1}, {"2027-10-15", base}} {
			if c.done != "" {
				if _, err := civic.MarkDone(ctx, d, w.f.LilleScope, meeting.ID, d8(c.done), w.f.Adviser.ID); err != nil {
					t.Fatal(err)
				}
			}
			rows, _, on, err := civic.PeriodFigures(ctx, d, autumn, today)
			if err != nil {
				t.Fatal(err)
			}
			if !on.Equal(d8("2027-10-31")) || len(rows) != 1 || rows[0].Late != c.late {
				t.Errorf("done on %q: read on %s, %+v; want %d late", c.done, on, rows, c.late)
			}
		}
	})
}
