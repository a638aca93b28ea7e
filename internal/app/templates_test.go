package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/i18n"
)

// A manager rewrites a message for their antenna, sees its length in SMS parts
// before saving, cannot save a placeholder that does not exist, and the next
// message goes with the new words; the month's SMS and their cost show.
func TestAManagerRewritesAMessageAndSeesWhatItCosts(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		m := s.signIn("manager.lille@tremplin.example")
		lille := s.antennaID("Lille")
		edit := "/messages/templates/appointment.sms_booked?antenna=" + lille
		p := m.get(edit)
		if p.status != http.StatusOK {
			t.Fatalf("edit page: %d", p.status)
		}
		body := html.UnescapeString(p.body)
		if !strings.Contains(body, "Karim Benhaddou") || !strings.Contains(body, "GSM-7") && !strings.Contains(body, "UCS-2") {
			t.Error("the edit page shows no preview with its length")
		}
		words := url.Values{"antenna": {lille}, "text_fr": {"RDV {name} le {date} à {time} avec {adviser}, {lieu}."},
			"text_en": {""}, "text_ar": {""}, "action": {"save"}}
		p = m.post("/messages/templates/appointment.sms_booked", words)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["text_fr"] == "" {
			t.Fatalf("an unknown placeholder: %d %v", p.status, errorsOf(p.body))
		}
		if !strings.Contains(html.UnescapeString(p.body), "{lieu}") {
			t.Error("the words typed were lost")
		}
		words.Set("text_fr", "RDV {name} le {date} à {time} avec {adviser}, {where}.")
		words.Set("action", "preview")
		p = m.post("/messages/templates/appointment.sms_booked", words)
		if p.status != http.StatusOK || !strings.Contains(html.UnescapeString(p.body), "RDV Amina le 8 décembre 2026 à 14:30") {
			t.Fatalf("preview: %d", p.status)
		}
		var saved int
		s.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM message_templates").Scan(&saved)
		if saved != 0 {
			t.Fatal("the preview saved the words")
		}
		words.Set("action", "save")
		if p := m.post("/messages/templates/appointment.sms_booked", words); p.status != http.StatusSeeOther {
			t.Fatalf("save: %d %v", p.status, errorsOf(p.body))
		}
		// The next appointment is told in the new words; the other languages keep
		// the default.
		karim := s.signIn("karim.lille@tremplin.example")
		paul := s.learner("Lille", "Paul", "Girard")
		s.app.DB.Exec(ctx, "UPDATE learners SET phone = '+33612345679' WHERE id = $1", paul)
		day := morning().AddDate(0, 0, 2).Format(time.DateOnly)
		book := url.Values{"kind": {"follow_up"}, "adviser": {s.staffID("karim.lille@tremplin.example")}, "date": {day},
			"time": {"16:00"}, "duration": {"30"}, "mode": {"phone"}}
		if p := karim.post(fmt.Sprintf("/learners/%d/appointments", paul), book); p.status != http.StatusSeeOther {
			t.Fatalf("book: %d %v", p.status, errorsOf(p.body))
		}
		if got := s.waitSMSTo("+33612345679").Body; !strings.HasPrefix(got, "RDV Paul le ") || !strings.Contains(got, "16:00") {
			t.Errorf("the SMS %q is not in the antenna's words", got)
		}
		// The queue may still be sending the demo's reminders (quiet hours end at
		// 08:00 in Lille): the count is read before and after the page until it
		// holds still, so that the page is compared with what it could see.
		var sent, parts int
		var list string
		count := func() (int, int) {
			var n, p int
			s.app.DB.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(segments), 0) FROM messages WHERE antenna_id = $1 AND channel = 'sms' AND sent_at <> ''`,
				lille).Scan(&n, &p)
			return n, p
		}
		for range 20 {
			sent, parts = count()
			list = html.UnescapeString(m.get("/messages/templates?antenna=" + lille).body)
			if n, p := count(); n == sent && p == parts {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if want := fmt.Sprintf("%d SMS envoyé", sent); sent == 0 || !strings.Contains(list, want) {
			t.Errorf("the month's count does not say %q", want)
		}
		if want := fmt.Sprintf("Coût estimé : %.2f €", float64(parts)*4.5/100); !strings.Contains(list, want) {
			t.Errorf("the month's cost does not say %q", want)
		}
		// Other antennas' managers cannot touch Lille's words; advisers none at all.
		if p := s.signIn("manager.bordeaux@tremplin.example").get(edit); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux's manager on Lille's words: %d", p.status)
		}
		if p := karim.get(edit); p.status != http.StatusForbidden {
			t.Errorf("an adviser on the words: %d", p.status)
		}
	})
}

// Every message managers may rewrite has a name, and its default words in each
// language use only the placeholders it declares: saving them unchanged works.
func TestEveryRewritableMessageIsDeclaredWithItsPlaceholders(t *testing.T) {
	list := messages.Templates()
	if len(list) < 5 {
		t.Fatalf("%d messages declared", len(list))
	}
	for _, tm := range list {
		for _, lang := range i18n.Languages {
			p := i18n.For(lang)
			if p.T(tm.Label) == tm.Label {
				t.Errorf("%s: no %s name (%s)", tm.Key, lang, tm.Label)
			}
			if unknown := tm.Unknown(p.T(tm.Key)); len(unknown) > 0 {
				t.Errorf("%s in %s uses %v, which it does not declare", tm.Key, lang, unknown)
			}
			for _, ph := range tm.Placeholders {
				if tm.Sample[ph] == "" {
					t.Errorf("%s: no sample for {%s}", tm.Key, ph)
				}
			}
		}
	}
}
