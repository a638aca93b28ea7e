package registration

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// The checks of a public registration, on both engines: the same one sent again is
// recognised, one phone is limited, and a workshop code lifts the address limit
// for its uses only while it lasts.
func TestPublicRegistrationChecks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := orgtest.Setup(t, d)
		person := func(first, phone string) *learners.Learner {
			return &learners.Learner{AntennaID: f.Lille, FirstName: first, LastName: "Haddad", Phone: phone, BirthYear: 1990, ConsentText: "ok"}
		}
		c := learners.Checks{Address: "192.0.2.9", AddressLimit: 2, PhoneLimit: 2, SameWithin: 30 * time.Minute}
		first := person("Amina", "+33612345678")
		if err := learners.RegisterChecked(ctx, d, first, c); err != nil {
			t.Fatal(err)
		}
		again := person("AMINA", "+33612345678")
		if err := learners.RegisterChecked(ctx, d, again, c); !errors.Is(err, learners.ErrAlreadyRegistered) || again.ID != first.ID {
			t.Fatalf("sent again: %v, id %d want %d", err, again.ID, first.ID)
		}
		if err := learners.RegisterChecked(ctx, d, person("Sara", "+33612345678"), c); err != nil {
			t.Fatalf("a second person on the phone: %v", err)
		}
		if err := learners.RegisterChecked(ctx, d, person("Nour", "+33612345678"), learners.Checks{PhoneLimit: 2}); !errors.Is(err, learners.ErrTooManyForPhone) {
			t.Fatalf("third file on one phone: %v", err)
		}
		if err := learners.RegisterChecked(ctx, d, person("Lina", "+33699999999"), c); !errors.Is(err, learners.ErrTooManyRegistrations) {
			t.Fatalf("over the address limit: %v", err)
		}
		pass, err := CreatePass(ctx, d, f.Lille, f.Adviser.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		c.Pass = " " + pass.Code[:4] + "-" + pass.Code[4:] + " " // as someone may copy it
		if err := learners.RegisterChecked(ctx, d, person("Lina", "+33699999999"), c); err != nil {
			t.Fatalf("with a workshop code: %v", err)
		}
		if list, err := ActivePasses(ctx, d, f.BordeauxScope); err != nil || len(list) != 0 {
			t.Fatalf("Bordeaux sees Lille's codes: %v %v", list, err)
		}
		if _, err := d.Exec(ctx, "UPDATE registration_passes SET expires_at = $1", db.FormatTime(time.Now().Add(-time.Minute))); err != nil {
			t.Fatal(err)
		}
		if err := learners.RegisterChecked(ctx, d, person("Yara", "+33688888888"), c); !errors.Is(err, learners.ErrTooManyRegistrations) {
			t.Fatalf("with an expired code: %v", err)
		}
	})
}

// A held registration is released once, into a file, or discarded; other
// antennas see none of it.
func TestHeldRegistrationsAreReleasedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := orgtest.Setup(t, d)
		form := url.Values{"first_name": {"Amina"}, "last_name": {"Haddad"}, "phone": {"06 12 34 56 78"}}
		for range 2 {
			if err := Hold(ctx, d, f.Lille, "ar", form, "http://x.example", learners.Checks{}); err != nil {
				t.Fatal(err)
			}
		}
		if list, _ := HeldList(ctx, d, f.BordeauxScope, 0); len(list) != 0 {
			t.Fatal("Bordeaux sees Lille's held registrations")
		}
		list, err := HeldList(ctx, d, f.LilleScope, 0)
		if err != nil || len(list) != 2 || list[0].Name() != "Amina Haddad" || list[0].Lang != "ar" {
			t.Fatalf("held: %+v %v", list, err)
		}
		l := &learners.Learner{AntennaID: f.Lille, FirstName: "Amina", LastName: "Haddad", Phone: "+33612345678", BirthYear: 1990, ConsentText: "ok", Lang: "ar"}
		if err := Release(ctx, d, list[0].ID, l, f.Adviser.ID); err != nil || l.ID == 0 {
			t.Fatalf("release: %v", err)
		}
		if err := Release(ctx, d, list[0].ID, &learners.Learner{AntennaID: f.Lille, FirstName: "X", LastName: "Y", Phone: "+33600000000", ConsentText: "ok"}, f.Adviser.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("released twice: %v", err)
		}
		if err := Discard(ctx, d, list[1].ID, f.Adviser.ID); err != nil {
			t.Fatal(err)
		}
		if left, _ := HeldList(ctx, d, f.LilleScope, 0); len(left) != 0 {
			t.Fatalf("%d still waiting", len(left))
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM learners").Scan(&n)
		if n != 1 {
			t.Fatalf("%d files, want 1", n)
		}
	})
}
