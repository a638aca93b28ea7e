package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tremplin/internal/donations"
)

// Lille's manager goes through the donor pages on a phone, in French and in
// Arabic: the list, a new donor's form (sent with a wrong SIREN, explained
// next to the field), a company's page with its gifts, a receipt in force and
// a cancelled one, and its form. Every page fits 360 px and passes axe.
func TestDonorPagesOnAPhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	ctx := context.Background()
	var lille int64
	b.app.DB.QueryRowContext(ctx, "SELECT id FROM antennas WHERE name = 'Lille'").Scan(&lille)
	o := &donations.Donor{Kind: donations.Organisation, OrgName: "شركة التضامن الرقمي", LastName: "Petit", SIREN: "552100554",
		Address: "8 avenue du Peuple Belge", Postcode: "59000", City: "Lille", AntennaID: lille}
	if err := donations.SaveDonor(ctx, b.app.DB, o); err != nil {
		t.Fatal(err)
	}
	var gifts []int64
	for i, cents := range []int64{150050, 300000, 2500} {
		g := &donations.Gift{DonorID: o.ID, Kind: donations.Money, Method: "transfer", AmountCents: cents,
			ReceivedOn: time.Date(2026, time.Month(3+i), 10, 0, 0, 0, 0, time.UTC)}
		if i == 1 {
			g.Kind, g.Method, g.Description = donations.InKind, "", "20 ordinateurs portables"
		}
		if err := donations.AddGift(ctx, b.app.DB, g); err != nil {
			t.Fatal(err)
		}
		gifts = append(gifts, g.ID)
	}
	wrong, err := donations.Issue(ctx, b.app.DB, o.ID, gifts[:1], time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := donations.Replace(ctx, b.app.DB, wrong.ID, "Montant erroné", time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), 0); err != nil {
		t.Fatal(err)
	}
	b.expectLang("fr", "ltr")
	b.visit("login", "/login")
	b.signIn("manager.lille@tremplin.example")
	donor := fmt.Sprint("/donors/", o.ID)
	var company, learner, agreement int64
	b.app.DB.QueryRowContext(ctx, "SELECT id FROM donors WHERE org_name = 'Numérique Solidaire SAS'").Scan(&company)
	b.app.DB.QueryRowContext(ctx, "SELECT id FROM sponsorship_agreements WHERE donor_id = $1", company).Scan(&agreement)
	b.app.DB.QueryRowContext(ctx, "SELECT MIN(learner_id) FROM donated_devices WHERE learner_id IS NOT NULL").Scan(&learner)
	for _, lang := range []struct{ lang, dir string }{{"fr", "ltr"}, {"ar", "rtl"}} {
		b.expectLang(lang.lang, lang.dir)
		if lang.lang != "fr" {
			b.chooseLanguage(lang.lang)
		}
		for _, path := range []string{"/donors", "/donors?q=petit", donor, donor + "/edit", fmt.Sprint("/donors/", company),
			fmt.Sprint("/learners/", learner), fmt.Sprint("/donors/", company, "/agreements/", agreement), "/donors/new"} {
			if status := b.visit(path, path); status != 200 {
				t.Errorf("%s: HTTP %d", path, status)
			}
		}
		b.fill([2]string{"org_name", "Atelier Solidaire"}, [2]string{"siren", "123"})
		if status := b.load("new donor with a wrong SIREN "+lang.lang, click(`main form[action="/donors"] button[type=submit]`)); status != 422 {
			t.Errorf("a wrong SIREN: HTTP %d, want 422", status)
		}
		if got := b.text("#e-siren"); got == "" {
			t.Error("no message next to the SIREN")
		}
		// A session sent empty is explained field by field, the list of
		// attendees included.
		b.visit("agreement "+lang.lang, fmt.Sprint("/donors/", company, "/agreements/", agreement))
		if status := b.load("session without attendees "+lang.lang, click(`main form[action$="/sessions"] button[type=submit]`)); status != 422 {
			t.Errorf("a session without attendees: HTTP %d, want 422", status)
		}
		if got := b.text("#e-attendee"); got == "" {
			t.Error("no message next to the attendees")
		}
	}
}

// The admin's donation pages on a phone, in French and Arabic: HelloAsso's
// import, the yearly declaration, the receipts' settings (sent without the
// signatory's name, explained next to the field). Each fits 360 px and passes axe.
func TestDonationAdminPagesOnAPhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	b.visit("login", "/login")
	b.signIn("admin@tremplin.example")
	for _, lang := range []struct{ lang, dir string }{{"fr", "ltr"}, {"ar", "rtl"}} {
		b.expectLang(lang.lang, lang.dir)
		if lang.lang != "fr" {
			b.chooseLanguage(lang.lang)
		}
		for _, path := range []string{"/donations/import", "/donations/declaration?year=2026", "/donations/report?year=2026", "/donations/send?year=2026", "/donations/settings"} {
			if status := b.visit(path, path); status != 200 {
				t.Errorf("%s: HTTP %d", path, status)
			}
		}
		b.visit("send page "+lang.lang, "/donations/send?year=2026")
		if status := b.load("annual receipts "+lang.lang, click(`main form[action="/donations/annual"] button[type=submit]`)); status != 200 {
			t.Errorf("annual receipts: HTTP %d", status)
		}
		b.visit("settings "+lang.lang, "/donations/settings")
		b.fill([2]string{"address", "12 rue d'Arras"}, [2]string{"postcode", "59000"}, [2]string{"city", "Lille"},
			[2]string{"purpose", "Former au numérique"}, [2]string{"signatory_name", ""})
		if status := b.load("settings without a signatory "+lang.lang, click(`main form[action="/donations/settings"] button[type=submit]`)); status != 422 {
			t.Errorf("settings without a signatory: HTTP %d, want 422", status)
		}
		if b.text("#e-signatory_name") == "" {
			t.Error("no message next to the signatory's name")
		}
	}
}
