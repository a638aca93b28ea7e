package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tremplin/internal/appointments"
)

var replyLink = regexp.MustCompile(`/a/([a-z0-9]{12})`)

func TestAnAdviserBooksAnInterviewAndThePersonCanSayTheyCannotCome(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		karim := s.signIn("karim.lille@tremplin.example")
		amal := s.learner("Lille", "Amal", "Haddad")
		s.app.DB.Exec(ctx, "UPDATE learners SET lang = 'ar', phone = '+33612345678', email = 'amal@example.org' WHERE id = $1", amal)
		file := fmt.Sprintf("/learners/%d", amal)
		if p := karim.get(file); !strings.Contains(p.body, file+"/appointments/new") {
			t.Fatal("the file offers no way to book an appointment")
		}
		if p := karim.get(file + "/appointments/new"); p.status != http.StatusOK {
			t.Fatalf("booking form: %d", p.status)
		}
		day := morning().AddDate(0, 0, 1).Format(time.DateOnly)
		form := url.Values{"kind": {"positioning"}, "adviser": {s.staffID("karim.lille@tremplin.example")}, "date": {day},
			"time": {"25:99"}, "duration": {"45"}, "mode": {"video"}, "video_url": {"visio chez nous"}, "note": {"Apporter son téléphone"}}

		// Bad input: the errors stand by their fields, what was typed stays.
		p := karim.post(file+"/appointments", form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("a time of 25:99: %d", p.status)
		}
		errs := errorsOf(p.body)
		if errs["time"] == "" || errs["video_url"] == "" {
			t.Errorf("errors %v, want time and video_url", errs)
		}
		if valueOf(p.body, "note") != "Apporter son téléphone" && !strings.Contains(p.body, "Apporter son téléphone") {
			t.Error("the note typed was lost")
		}

		form.Set("time", "14:30")
		form.Set("mode", "place")
		form.Set("place", s.placeID("Centre social des Moulins"))
		if p := karim.post(file+"/appointments", form); p.status != http.StatusSeeOther {
			t.Fatalf("book: %d %v", p.status, errorsOf(p.body))
		}
		page := html.UnescapeString(karim.get(file).body)
		if !strings.Contains(page, "14:30") || !strings.Contains(page, "positionnement") {
			t.Error("the file does not show the appointment")
		}

		// The person is told in Arabic, the time and the place isolated, the reply
		// link on its own line; and by email.
		sms := s.waitSMSTo("+33612345678")
		for _, want := range []string{"\u206614:30\u2069", "موعد", "Karim", "Centre social des Moulins"} {
			if !strings.Contains(sms.Body, want) {
				t.Errorf("the SMS %q lacks %q", sms.Body, want)
			}
		}
		lines := strings.Split(sms.Body, "\n")
		link := lines[len(lines)-1]
		if !strings.HasPrefix(link, s.srv.URL+"/a/") || strings.ContainsAny(link, "\u2066\u2069") {
			t.Errorf("the reply link %q is not alone on the last line", link)
		}
		deadline := time.Now().Add(10 * time.Second)
		for len(s.mailsTo("amal@example.org")) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if len(s.mailsTo("amal@example.org")) == 0 {
			t.Errorf("no email to the person: %v", s.outbox.Sent())
		}

		// The same adviser cannot be booked twice at once.
		other := s.learner("Lille", "Paul", "Girard")
		otherFile := fmt.Sprintf("/learners/%d", other)
		if p := karim.post(otherFile+"/appointments", form); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["time"] == "" {
			t.Fatalf("a second appointment at the same time: %d %v", p.status, errorsOf(p.body))
		}

		// Another antenna's manager can do nothing with it.
		var id int64
		s.app.DB.QueryRowContext(ctx, "SELECT id FROM appointments WHERE learner_id = $1", amal).Scan(&id)
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		if p := bordeaux.post(fmt.Sprintf("/appointments/%d/cancel", id), nil); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux cancels a Lille appointment: %d", p.status)
		}
		if p := bordeaux.get(file + "/appointments/new"); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux books for a Lille person: %d", p.status)
		}
		// Its outcome cannot be recorded before it happens.
		karim.post(fmt.Sprintf("/appointments/%d/outcome", id), url.Values{"outcome": {"no_show"}})
		var outcome string
		s.app.DB.QueryRowContext(ctx, "SELECT outcome FROM appointments WHERE id = $1", id).Scan(&outcome)
		if outcome != "" {
			t.Errorf("a no-show recorded before the appointment: %q", outcome)
		}

		// Reminders: 48 hours before and on the morning, queued once however often
		// the planner runs.
		start, _ := time.ParseInLocation("2006-01-02 15:04", day+" 14:30", morning().Location())
		reminders := func() int {
			var n int
			s.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM messages WHERE kind = 'appointment_reminder' AND ref_id = $1", id).Scan(&n)
			return n
		}
		for range 2 {
			if _, err := appointments.Plan(ctx, s.app.DB, s.app.Outbox, s.srv.URL, start.Add(-3*time.Hour)); err != nil {
				t.Fatal(err)
			}
			// The morning's SMS and email; the 48-hour one came before the booking.
			if n := reminders(); n != 2 {
				t.Errorf("%d reminders queued, want 2", n)
			}
		}

		// The person follows the link, without an account.
		token := replyLink.FindStringSubmatch(link)[1]
		visitor := s.browser()
		if p := visitor.get("/a/" + token); p.status != http.StatusOK || !strings.Contains(p.body, `action="/a/`+token+`"`) {
			t.Fatalf("the reply page: %d", p.status)
		}
		if p := visitor.post("/a/"+token, nil); p.status != http.StatusSeeOther {
			t.Fatalf("I cannot come: %d", p.status)
		}
		if p := visitor.post("/a/"+token, nil); p.status != http.StatusSeeOther {
			t.Fatalf("a second tap: %d", p.status)
		}
		var state, by string
		s.app.DB.QueryRowContext(ctx, "SELECT state, cancelled_by, outcome FROM appointments WHERE id = $1", id).Scan(&state, &by, &outcome)
		if state != "cancelled" || by != "person" || outcome != "excused" {
			t.Errorf("after 'I cannot come' the appointment is %s by %q (%s)", state, by, outcome)
		}
		var queued int
		s.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM messages WHERE ref_kind = 'appointment' AND ref_id = $1 AND state = 'queued'", id).Scan(&queued)
		if queued != 0 {
			t.Errorf("%d reminders still queued for a cancelled appointment", queued)
		}
		if p := html.UnescapeString(karim.get(file).body); !strings.Contains(p, "annulé par la personne") {
			t.Error("the file does not say the person cancelled")
		}
		// The adviser's time is free again.
		if p := karim.post(otherFile+"/appointments", form); p.status != http.StatusSeeOther {
			t.Fatalf("booking the freed time: %d %v", p.status, errorsOf(p.body))
		}
		if p := visitor.get("/a/nosuchtoken12"); p.status != http.StatusNotFound {
			t.Errorf("an unknown link: %d", p.status)
		}
	})
}

// An adviser changes an appointment's time: the person is told the new time, the
// reminders queued for the old one are cancelled, and a past or cancelled
// appointment cannot change.
func TestAnAdviserChangesAnAppointmentAndThePersonIsTold(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		karim := s.signIn("karim.lille@tremplin.example")
		paul := s.learner("Lille", "Paul", "Girard")
		s.app.DB.Exec(ctx, "UPDATE learners SET phone = '+33612345670' WHERE id = $1", paul)
		day := morning().AddDate(0, 0, 3).Format(time.DateOnly)
		form := url.Values{"kind": {"follow_up"}, "adviser": {s.staffID("karim.lille@tremplin.example")}, "date": {day},
			"time": {"09:00"}, "duration": {"30"}, "mode": {"phone"}}
		if p := karim.post(fmt.Sprintf("/learners/%d/appointments", paul), form); p.status != http.StatusSeeOther {
			t.Fatalf("book: %d %v", p.status, errorsOf(p.body))
		}
		var id int64
		s.app.DB.QueryRowContext(ctx, "SELECT id FROM appointments WHERE learner_id = $1", paul).Scan(&id)
		edit := fmt.Sprintf("/appointments/%d", id)
		if p := karim.get(edit + "/edit"); p.status != http.StatusOK || valueOf(p.body, "time") != "09:00" {
			t.Fatalf("the change form: %d, time %q", p.status, valueOf(p.body, "time"))
		}
		if p := s.signIn("manager.bordeaux@tremplin.example").get(edit + "/edit"); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux changes a Lille appointment: %d", p.status)
		}
		form.Set("time", "16:30")
		if p := karim.post(edit, form); p.status != http.StatusSeeOther {
			t.Fatalf("change: %d %v", p.status, errorsOf(p.body))
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			var moved string
			s.app.DB.QueryRowContext(ctx, "SELECT body FROM messages WHERE learner_id = $1 AND kind = 'appointment_moved'", paul).Scan(&moved)
			if strings.Contains(moved, "16:30") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no message of the new time: %q", moved)
			}
			time.Sleep(20 * time.Millisecond)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if sms := s.waitSMSTo("+33612345670"); strings.Contains(sms.Body, "16:30") {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("the last SMS %q does not give the new time", sms.Body)
			}
		}
		var starts string
		s.app.DB.QueryRowContext(ctx, "SELECT starts_at FROM appointments WHERE id = $1", id).Scan(&starts)
		if at, _ := time.Parse(time.RFC3339, starts); at.In(morning().Location()).Format("15:04") != "16:30" {
			t.Errorf("the appointment starts at %s", starts)
		}
		karim.post(edit+"/cancel", nil)
		if p := karim.get(edit + "/edit"); p.status != http.StatusSeeOther {
			t.Errorf("a cancelled appointment's change form: %d", p.status)
		}
	})
}

// The partner who referred a person is told of the interview booked with them —
// day, time and place — so that they can remind the person too.
func TestTheReferringPartnerIsToldOfTheInterview(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		var referred int64
		var contact string
		err := s.app.DB.QueryRowContext(ctx, `SELECT rp.learner_id, pc.email FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id
			JOIN partner_contacts pc ON pc.id = r.contact_id JOIN learners l ON l.id = rp.learner_id
			WHERE r.antenna_id = $1 AND pc.email <> '' AND l.merged_into IS NULL ORDER BY rp.id LIMIT 1`, s.antennaID("Lille")).Scan(&referred, &contact)
		if err != nil {
			t.Fatalf("no referred person in Lille: %v", err)
		}
		day := morning().AddDate(0, 0, 4)
		form := url.Values{"kind": {"first_contact"}, "adviser": {s.staffID("karim.lille@tremplin.example")}, "date": {day.Format(time.DateOnly)},
			"time": {"17:15"}, "duration": {"30"}, "mode": {"place"}, "place": {s.placeID("La Grappe – tiers-lieu")}}
		if p := s.signIn("karim.lille@tremplin.example").post(fmt.Sprintf("/learners/%d/appointments", referred), form); p.status != http.StatusSeeOther {
			t.Fatalf("book: %d %v", p.status, errorsOf(p.body))
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			found := false
			for _, m := range s.outbox.Sent() {
				if m.To == contact && strings.Contains(m.Body, "17:15") && strings.Contains(m.Body, "La Grappe") {
					found = true
				}
			}
			if found {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no email to the referring contact %s with the interview's time and place", contact)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
