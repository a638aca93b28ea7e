package e2e

import (
	"testing"

	"tremplin/internal/learners"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/training"
)

// A person offered a seat from the waitlist answers from the link in their SMS,
// on a phone, with no account: the page opens in their language (Arabic, right
// to left, though the phone prefers French), fits the screen, passes axe, and
// accepting enrols them.
func TestSeatOfferedIsAcceptedFromThePhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	ctx := t.Context()
	lille, cohort := lilleUpcoming(b)
	l := &learners.Learner{AntennaID: lille.ID, FirstName: "سلمى", LastName: "حداد", Phone: "+33758462931", Lang: "ar", BirthYear: 1992,
		ConsentText: "ok"}
	if err := learners.Register(ctx, b.app.DB, l, "", 0); err != nil {
		t.Fatal(err)
	}
	if err := training.Waitlist(ctx, b.app.DB, cohort.ID, l.ID, 0); err != nil {
		t.Fatal(err)
	}
	if changes, _, err := training.OfferTo(ctx, b.app.DB, cohort.ID, []int64{l.ID}, 0, b.app.Training.Seats); err != nil || len(changes) != 1 {
		t.Fatalf("offer: %v %v", changes, err)
	}
	var token string
	if err := b.app.DB.QueryRowContext(ctx, "SELECT token FROM reply_links WHERE ref_kind = 'offer' AND learner_id = $1", l.ID).Scan(&token); err != nil {
		t.Fatal(err)
	}

	ar := i18n.For("ar")
	b.expectLang("ar", "rtl")
	b.visit("seat offered", "/o/"+token+"?lang=ar")
	if got := b.text("main h1"); got != ar.T("training.offer_title") {
		t.Errorf("the page's title: %q", got)
	}
	b.load("seat accepted", click(`button[value="accept"]`))
	if got := b.text("main p.lead"); got != ar.T("training.offer_enrolled") {
		t.Errorf("after accepting: %q", got)
	}
	var state string
	b.app.DB.QueryRowContext(ctx, "SELECT state FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", cohort.ID, l.ID).Scan(&state)
	if state != training.Enrolled {
		t.Errorf("the seat accepted is %q", state)
	}
}

// queued lists what the site queued to send to recipient by channel ("sms",
// "email"), oldest first: the record of messages, whose subject and body the
// queue hands to the providers as they are. (The browser tests do not run the
// queue: at night its quiet hours would hold the SMS.)
func queued(b *browser, channel, recipient string) []notify.Email {
	b.t.Helper()
	out, err := db.Collect[notify.Email](b.app.DB.QueryContext(b.t.Context(), `SELECT recipient, subject, body FROM messages
		WHERE channel = $1 AND recipient = $2 ORDER BY id`, channel, recipient))(func(row db.Scanner) (notify.Email, error) {
		var m notify.Email
		return m, row.Scan(&m.To, &m.Subject, &m.Body)
	})
	if err != nil {
		b.t.Fatal(err)
	}
	return out
}
