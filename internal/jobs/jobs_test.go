package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"tremplin/internal/donations"
	"tremplin/internal/jobs"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

func TestFindJob(t *testing.T) {
	for _, c := range []struct{ name, typed, want string }{
		{"a code", "M1805", "M1805"},
		{"a code in lower case", "m1805", "M1805"},
		{"a code and its title, as the form suggests", "M1805 Études et développement informatique", "M1805"},
		{"the exact title without accents", "etudes et developpement informatique", "M1805"},
		{"an unknown code", "Z9999", ""},
		{"a code glued to more letters", "M1805X", ""},
		{"words that are no title", "développeur", ""},
		{"nothing", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ""
			if j := jobs.FindJob(c.typed); j != nil {
				got = j.Code
			}
			if got != c.want {
				t.Errorf("FindJob(%q) = %q, want %q", c.typed, got, c.want)
			}
		})
	}
	if n := len(jobs.Jobs()); n != 532 {
		t.Errorf("%d ROME sheets, want 532", n)
	}
}

func TestFindCommune(t *testing.T) {
	for _, c := range []struct {
		name, typed, want string
		many              bool
	}{
		{"postcode and name", "59000 Lille", "59350", false},
		{"name and postcode", "Lille 59000", "59350", false},
		{"a name only one commune has", "Roubaix", "59512", false},
		{"a name without its accents and hyphens", "villeneuve d ascq", "59009", false},
		{"an INSEE code that is no postcode", "75056", "75056", false},
		{"five digits that are a postcode too: the postcode wins", "59350", "59527", false},
		{"Corsica's INSEE code", "2A004", "2A004", false},
		{"a postcode alone that one commune has", "59100", "59512", false},
		{"Paris by an arrondissement's postcode", "75001 Paris", "75056", false},
		{"a name several communes share", "Saint-Denis", "", true},
		{"the same with its postcode", "93200 Saint-Denis", "93066", false},
		{"an unknown town", "Lilleville-sur-Rien", "", false},
		{"a postcode and another town's name", "59000 Roubaix", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, n := jobs.FindCommune(c.typed)
			code := ""
			if got != nil {
				code = got.INSEE
			}
			if code != c.want || (c.many && n < 2) {
				t.Errorf("FindCommune(%q) = %q (%d), want %q (several: %v)", c.typed, code, n, c.want, c.many)
			}
		})
	}
}

// An offer moves between its states as the transitions allow, each change
// logged with who made it; a closed offer keeps its terms.
func TestOfferStatesAndLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		co := &donations.Donor{Kind: donations.Organisation, OrgName: "Atelier Numérique SARL"}
		if err := donations.SaveDonor(ctx, d, co); err != nil {
			t.Fatal(err)
		}
		contact, err := d.InsertID(ctx, `INSERT INTO donor_contacts (donor_id, name, email, created_at) VALUES ($1, 'Inès Roy', 'ines@atelier.example', $2) RETURNING id`,
			co.ID, db.Now())
		if err != nil {
			t.Fatal(err)
		}
		rid, err := jobs.Grant(ctx, d, co.ID, contact, 0, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if rc, err := jobs.RecruiterByEmail(ctx, d, "INES@atelier.example"); err != nil || rc.ID != rid || rc.Company != "Atelier Numérique SARL" {
			t.Fatalf("the recruiter by email: %+v %v", rc, err)
		}
		o := &jobs.Offer{DonorID: co.ID, Title: "Développeuse web", ROME: "M1805", Contract: "CDI", Hours: 35, Positions: 1,
			INSEE: "59350", Town: "Lille", StartsOn: time.Now().AddDate(0, 1, 0), Experience: "beginner"}
		by := jobs.Actor{RecruiterID: rid}
		if err := jobs.SaveOffer(ctx, d, o, by); err != nil || o.State != jobs.Open {
			t.Fatalf("saving: %v %s", err, o.State)
		}
		for _, c := range []struct {
			to string
			ok bool
		}{{jobs.Paused, true}, {jobs.Paused, false}, {jobs.Open, true}, {jobs.Filled, true}, {jobs.Paused, false}, {jobs.Open, true},
			{jobs.Closed, true}, {jobs.Open, false}, {"hired", false}} {
			err := jobs.SetState(ctx, d, o, c.to, by)
			if c.ok != (err == nil) || (!c.ok && !errors.Is(err, jobs.ErrTransition)) {
				t.Errorf("to %s: %v, want ok=%v", c.to, err, c.ok)
			}
		}
		// Someone else's change meanwhile: the state read before is stale.
		stale := *o
		stale.State = jobs.Open
		if err := jobs.SetState(ctx, d, &stale, jobs.Paused, by); !errors.Is(err, jobs.ErrTransition) {
			t.Errorf("a change from a stale state: %v", err)
		}
		o.Title = "Changed"
		if err := jobs.SaveOffer(ctx, d, o, by); !errors.Is(err, jobs.ErrTransition) {
			t.Errorf("a closed offer's terms changed: %v", err)
		}
		ev, err := jobs.Events(ctx, d, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"closed", "open", "filled", "open", "paused", "created"}
		if len(ev) != len(want) {
			t.Fatalf("%d events, want %d", len(ev), len(want))
		}
		for i, e := range ev {
			got := e.State
			if e.Kind == "created" {
				got = "created"
			}
			if got != want[i] || e.Who != "Inès Roy" || e.Staff {
				t.Errorf("event %d: %+v, want %s by Inès Roy", i, e, want[i])
			}
		}
		// Another company's recruiter never reads it.
		if _, err := jobs.OfferOf(ctx, d, co.ID+1000, o.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("another company reads the offer: %v", err)
		}
		// Access taken back: the recruiter is no more.
		if err := jobs.Revoke(ctx, d, co.ID, contact); err != nil {
			t.Fatal(err)
		}
		if _, err := jobs.RecruiterByID(ctx, d, rid); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("a revoked recruiter: %v", err)
		}
		if id, err := jobs.Grant(ctx, d, co.ID, contact, 0, "fr"); err != nil || id != rid {
			t.Errorf("access given again: %d %v, want the same recruiter %d", id, err, rid)
		}
	})
}

// A hire's contract gives the situation the follow-ups record: a fixed-term
// contract of six months or more is a lasting job, one whose length is not
// known a short one.
func TestSituationOfAHire(t *testing.T) {
	for _, c := range []struct {
		contract string
		months   int
		want     string
	}{{"CDI", 0, "cdi"}, {"DIN", 0, "cdi"}, {"CDD", 6, "cdd_long"}, {"CDD", 12, "cdd_long"}, {"CDD", 5, "cdd_short"},
		{"CDD", 0, "cdd_short"}, {"DDI", 24, "cdd_long"}, {"SAI", 3, "cdd_short"}, {"MIS", 6, "temp"}, {"FRA", 0, "business"}} {
		if got := jobs.Situation(c.contract, c.months); got != c.want {
			t.Errorf("%s of %d months: %q, want %q", c.contract, c.months, got, c.want)
		}
	}
}
