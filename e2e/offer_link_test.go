package e2e

import (
	"testing"

	"tremplin/internal/jobs"
	"tremplin/internal/learners"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/profiles"
)

// A job offer an adviser sent by SMS, opened from its link on a 360 px phone
// with no account: in French, the person says it does not interest them; in
// Arabic (right to left, though the phone prefers French), a person who shows
// a profile to recruiters applies. Every page fits the screen and passes axe.
func TestJobOfferSentIsAnsweredFromThePhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	ctx := t.Context()
	var offerID, donorID, karim int64
	if err := b.app.DB.QueryRowContext(ctx, `SELECT o.id, o.donor_id FROM job_offers o JOIN donors d ON d.id = o.donor_id
		WHERE d.org_name = 'Numérique Solidaire SAS' AND o.state = 'open' ORDER BY o.id LIMIT 1`).Scan(&offerID, &donorID); err != nil {
		t.Fatal(err)
	}
	if err := b.app.DB.QueryRowContext(ctx, "SELECT id FROM staff WHERE email = 'karim.lille@tremplin.example'").Scan(&karim); err != nil {
		t.Fatal(err)
	}
	o, err := jobs.OfferOf(ctx, b.app.DB, donorID, offerID)
	if err != nil {
		t.Fatal(err)
	}
	lille, _ := lilleUpcoming(b)
	send := func(first, last, phone, lang string, consent bool) string {
		t.Helper()
		l := &learners.Learner{AntennaID: lille.ID, FirstName: first, LastName: last, Phone: phone, Lang: lang, BirthYear: 1993, ConsentText: "ok"}
		if err := learners.Register(ctx, b.app.DB, l, "", 0); err != nil {
			t.Fatal(err)
		}
		if consent {
			if err := profiles.Record(ctx, b.app.DB, l.ID, profiles.LevelProfile, "given", "in_person", karim); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.app.Jobs.SendOffer(ctx, o, l.ID, karim); err != nil {
			t.Fatal(err)
		}
		var token string
		if err := b.app.DB.QueryRowContext(ctx, "SELECT token FROM reply_links WHERE ref_kind = 'job_offer' AND learner_id = $1", l.ID).Scan(&token); err != nil {
			t.Fatal(err)
		}
		return "/e/" + token + "?lang=" + lang
	}

	fr := i18n.For("fr")
	b.expectLang("fr", "ltr")
	b.visit("job offer sent (fr)", send("Lucie", "Martin", "+33758462932", "fr", false))
	if got := b.text("main h1"); got != fr.T("jobs.sent.title") {
		t.Errorf("the page's title: %q", got)
	}
	if got := b.text("main h2"); got != o.Title {
		t.Errorf("the offer's title: %q", got)
	}
	b.load("not interested (fr)", click(`button[value="not_interested"]`))
	if got := b.text("main p.lead"); got != fr.T("jobs.sent.declined") {
		t.Errorf("after 'not interested': %q", got)
	}

	ar := i18n.For("ar")
	b.expectLang("ar", "rtl")
	b.visit("job offer sent (ar)", send("سلمى", "حداد", "+33758462933", "ar", true))
	b.load("applied (ar)", click(`button[value="apply"]`))
	if got := b.text("main p.lead"); got != ar.T("jobs.sent.applied", "company", o.Company) {
		t.Errorf("after applying: %q", got)
	}
	var n int
	b.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM job_applications WHERE offer_id = $1 AND source = 'person'", offerID).Scan(&n)
	if n != 1 {
		t.Errorf("%d applications from the person, want 1", n)
	}
}
