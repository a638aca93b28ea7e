package volunteers_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/volunteers"
)

var peopleNow = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

func peopleJoin(t *testing.T, d *db.DB, antenna int64, first, phone, email string) (*volunteers.Volunteer, error) {
	t.Helper()
	v := &volunteers.Volunteer{AntennaID: antenna, FirstName: first, LastName: "Test", Phone: phone, Email: email, Lang: "fr",
		Skills: []string{"repair"}, Languages: []string{"ar"}}
	return v, volunteers.Join(context.Background(), d, v, 1, peopleNow, nil)
}

// The same phone or email at the same antenna is one volunteer while pending or
// active; once declined, or at another antenna, a new sign-up is stored.
func TestJoinTwiceIsOneVolunteer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := orgtest.Setup(t, d)
		v, err := peopleJoin(t, d, f.Lille, "Awet", "+33611223344", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := peopleJoin(t, d, f.Lille, "Awet", "", "x@example.org"); err != nil {
			t.Fatal("another person with another email was refused:", err)
		}
		if _, err := peopleJoin(t, d, f.Lille, "A.", "+33611223344", "y@example.org"); !errors.Is(err, volunteers.ErrAlreadyJoined) {
			t.Errorf("same phone again: %v, want ErrAlreadyJoined", err)
		}
		if _, err := peopleJoin(t, d, f.Lille, "A.", "", "x@example.org"); !errors.Is(err, volunteers.ErrAlreadyJoined) {
			t.Errorf("same email again: %v, want ErrAlreadyJoined", err)
		}
		if _, err := peopleJoin(t, d, f.Bordeaux, "Awet", "+33611223344", ""); err != nil {
			t.Errorf("same phone at another antenna: %v", err)
		}
		if err := volunteers.Decide(ctx, d, f.LilleScope, v.ID, "declined", "no_fit", f.Adviser.ID, peopleNow, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := peopleJoin(t, d, f.Lille, "Awet", "+33611223344", ""); err != nil {
			t.Errorf("signing up again after a decline: %v", err)
		}
		got, _ := volunteers.Get(ctx, d, v.ID)
		if got.State != "declined" || got.DeclineReason != "no_fit" || len(got.Skills) != 1 || got.Languages[0] != "ar" {
			t.Errorf("stored %+v", got)
		}
	})
}

// Staff of another antenna neither see nor change a volunteer; a decision the
// state does not allow is refused.
func TestVolunteersOfAnotherAntennaAreOutOfReach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := orgtest.Setup(t, d)
		v, _ := peopleJoin(t, d, f.Lille, "Selam", "+33611223345", "")
		if _, err := volunteers.InScope(ctx, d, f.BordeauxScope, v.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("Bordeaux reads a Lille volunteer: %v", err)
		}
		if err := volunteers.Decide(ctx, d, f.BordeauxScope, v.ID, "active", "", f.BordeauxAdviser.ID, peopleNow, nil); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("Bordeaux validates a Lille volunteer: %v", err)
		}
		if err := volunteers.RecordCheck(ctx, d, f.BordeauxScope, v.ID, "2026-01-01", f.BordeauxAdviser.ID, peopleNow); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("Bordeaux records a check: %v", err)
		}
		rows, counts, err := volunteers.List(ctx, d, f.BordeauxScope, volunteers.Filter{Day: "2026-12-03"})
		if err != nil || len(rows) != 0 || counts["pending"] != 0 {
			t.Errorf("Bordeaux's list: %d rows, %v, %v", len(rows), counts, err)
		}
		if err := volunteers.Decide(ctx, d, f.LilleScope, v.ID, "active", "", f.Adviser.ID, peopleNow, nil); err != nil {
			t.Fatal(err)
		}
		if err := volunteers.Decide(ctx, d, f.LilleScope, v.ID, "declined", "other", f.Adviser.ID, peopleNow, nil); !errors.Is(err, volunteers.ErrNotAllowed) {
			t.Errorf("declining an active volunteer: %v", err)
		}
		got, _ := volunteers.Get(ctx, d, v.ID)
		if got.State != "active" {
			t.Errorf("state %s", got.State)
		}
	})
}

// A check of honourability expires by the validity in force the day it was
// seen (a dated parameter); the list finds expired and soon-expiring ones; a
// newer charter makes the accepted one outdated, the acceptance of each version
// kept.
func TestRequirementsExpireAndChartersChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := orgtest.Setup(t, d)
		old, _ := peopleJoin(t, d, f.Lille, "Old", "+33611220001", "")
		soon, _ := peopleJoin(t, d, f.Lille, "Soon", "+33611220002", "")
		fresh, _ := peopleJoin(t, d, f.Lille, "Fresh", "+33611220003", "")
		if _, err := d.Exec(ctx, "INSERT INTO volunteer_check_validity (valid_from, months) VALUES ('2026-06-01', 24)"); err != nil {
			t.Fatal(err)
		}
		for v, seen := range map[int64]string{old.ID: "2023-01-10", soon.ID: "2023-12-20", fresh.ID: "2026-11-01"} {
			if err := volunteers.RecordCheck(ctx, d, f.LilleScope, v, seen, f.Adviser.ID, peopleNow); err != nil {
				t.Fatal(err)
			}
		}
		day := "2026-12-03"
		reqs, err := volunteers.Requirements(ctx, d, fresh.ID, day, 1)
		if err != nil || len(reqs) != 2 {
			t.Fatal(reqs, err)
		}
		check := reqs[1]
		if check.Kind != volunteers.Honourability || check.ExpiresOn != "2028-11-01" || check.RecordedBy != "Karim" || check.Expired || check.Expiring {
			t.Errorf("fresh check (24 months since June 2026): %+v", check)
		}
		reqs, _ = volunteers.Requirements(ctx, d, old.ID, day, 1)
		if !reqs[1].Expired || reqs[1].ExpiresOn != "2026-01-10" {
			t.Errorf("old check (36 months before June 2026): %+v", reqs[1])
		}
		reqs, _ = volunteers.Requirements(ctx, d, soon.ID, day, 1)
		if reqs[1].Expired || !reqs[1].Expiring {
			t.Errorf("check expiring on 2026-12-20: %+v", reqs[1])
		}
		names := func(due string) []string {
			rows, _, err := volunteers.List(ctx, d, f.LilleScope, volunteers.Filter{Due: due, Day: day})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, r.FirstName)
			}
			return out
		}
		if got := fmt.Sprint(names("expired")); got != "[Old]" {
			t.Errorf("expired: %s", got)
		}
		if got := fmt.Sprint(names("expiring")); got != "[Soon]" {
			t.Errorf("expiring: %s", got)
		}
		// A new check replaces the expired one.
		volunteers.RecordCheck(ctx, d, f.LilleScope, old.ID, "2026-12-01", f.Adviser.ID, peopleNow)
		if got := names("expired"); len(got) != 0 {
			t.Errorf("expired after a new check: %v", got)
		}

		// Charter version 2, published later: current only from its day.
		if _, err := d.Exec(ctx, "INSERT INTO volunteer_charters (version, published_on, text_fr, text_en, text_ar) VALUES (2, '2027-01-01', 'deux', 'two', 'اثنان')"); err != nil {
			t.Fatal(err)
		}
		c, _ := volunteers.CurrentCharter(ctx, d, day)
		if c.Version != 1 {
			t.Errorf("current charter before version 2 is published: %d", c.Version)
		}
		c, _ = volunteers.CurrentCharter(ctx, d, "2027-01-02")
		if c.Version != 2 || c.Text("ar") != "اثنان" || c.Text("xx") != "deux" {
			t.Errorf("charter %d %q", c.Version, c.Text("ar"))
		}
		reqs, _ = volunteers.Requirements(ctx, d, fresh.ID, "2027-01-02", c.Version)
		if reqs[0].Kind != volunteers.Charter || !reqs[0].Outdated || reqs[0].Version != "1" {
			t.Errorf("charter 1 under version 2: %+v", reqs[0])
		}
		volunteers.AcceptCharter(ctx, d, fresh.ID, 2, peopleNow.AddDate(0, 1, 0))
		reqs, _ = volunteers.Requirements(ctx, d, fresh.ID, "2027-01-02", c.Version)
		if reqs[0].Outdated || reqs[0].Version != "2" {
			t.Errorf("after accepting version 2: %+v", reqs[0])
		}
		if ok, _ := volunteers.RequirementMet(ctx, d, old.ID, volunteers.Honourability, day); !ok {
			t.Error("a renewed check is not met")
		}
	})
}

// The list pages by PageSize and counts every state whatever the page.
func TestVolunteerListPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := orgtest.Setup(t, d)
		for i := range volunteers.PageSize + 5 {
			if _, err := peopleJoin(t, d, f.Lille, fmt.Sprintf("P%03d", i), fmt.Sprintf("+336112%05d", i), ""); err != nil {
				t.Fatal(err)
			}
		}
		page1, counts, err := volunteers.List(ctx, d, f.LilleScope, volunteers.Filter{Day: "2026-12-03", Page: 1})
		if err != nil || len(page1) != volunteers.PageSize || counts["pending"] != volunteers.PageSize+5 {
			t.Fatalf("page 1: %d rows, %v, %v", len(page1), counts, err)
		}
		page2, _, _ := volunteers.List(ctx, d, f.LilleScope, volunteers.Filter{Day: "2026-12-03", Page: 2})
		if len(page2) != 5 || page2[0].FirstName == page1[0].FirstName {
			t.Errorf("page 2: %d rows", len(page2))
		}
		active, _, _ := volunteers.List(ctx, d, f.LilleScope, volunteers.Filter{Day: "2026-12-03", State: "active"})
		if len(active) != 0 {
			t.Errorf("%d active", len(active))
		}
	})
}
