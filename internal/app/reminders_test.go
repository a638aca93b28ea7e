package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"tremplin/internal/attendance"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

var meetingLink = regexp.MustCompile(`/m/([a-z0-9]{12})`)

// A person reminded of a session says from the link that they cannot come: the
// adviser sees it on the roll call before the session, and that person's other
// reminders of it stop; the others' go on.
func TestAPersonRemindedOfASessionCanSayTheyCannotCome(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		id := s.futureCohort("Lille", "Centre social des Moulins", 5)
		paul, ines := s.learner("Lille", "Paul", "Girard"), s.learner("Lille", "Inès", "Moreau")
		s.enrol(id, paul)
		s.enrol(id, ines)
		meetings, err := training.Meetings(ctx, s.app.DB, mustID(id), training.Location("Europe/Paris"))
		if err != nil || len(meetings) == 0 {
			t.Fatalf("meetings: %v", err)
		}
		first := meetings[0]
		if n, err := attendance.PlanReminders(ctx, s.app.DB, s.app.Outbox, s.srv.URL, first.Start.Add(-49*time.Hour)); err != nil || n != 2 {
			t.Fatalf("planned %d reminders (%v), want one each", n, err)
		}
		var body string
		if err := s.app.DB.QueryRowContext(ctx, "SELECT body FROM messages WHERE kind = 'meeting_reminder' AND learner_id = $1", paul).Scan(&body); err != nil {
			t.Fatal(err)
		}
		m := meetingLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no reply link in %q", body)
		}
		visitor := s.browser()
		if p := visitor.get("/m/" + m[1]); p.status != http.StatusOK || !strings.Contains(p.body, `action="/m/`+m[1]+`"`) {
			t.Fatalf("the reply page: %d", p.status)
		}
		if p := visitor.post("/m/"+m[1], nil); p.status != http.StatusSeeOther {
			t.Fatalf("I cannot come: %d", p.status)
		}
		if p := visitor.get("/m/" + m[1]); strings.Contains(p.body, `action="/m/`) {
			t.Error("the page still offers the button after the answer")
		}
		states := map[int64]string{}
		for _, l := range []int64{paul, ines} {
			var state string
			s.app.DB.QueryRowContext(ctx, "SELECT state FROM messages WHERE kind = 'meeting_reminder' AND learner_id = $1", l).Scan(&state)
			states[l] = state
		}
		if states[paul] != "cancelled" || states[ines] != "queued" {
			t.Errorf("reminders after Paul's answer: Paul %s, Inès %s", states[paul], states[ines])
		}
		roll := html.UnescapeString(s.signIn("manager.lille@tremplin.example").get(fmt.Sprintf("/meetings/%d/attendance", first.ID)).body)
		if !strings.Contains(roll, "Paul Girard · <strong>a prévenu") {
			t.Error("the roll call does not show that Paul said he cannot come")
		}
		if strings.Contains(roll, "Inès Moreau · a prévenu") {
			t.Error("the roll call says Inès cannot come")
		}
		if p := visitor.get("/m/aaaaaaaaaaaa"); p.status != http.StatusNotFound {
			t.Errorf("an unknown link: %d", p.status)
		}
	})
}

// Staff see at once, from the home page, who said they cannot come and which
// messages did not reach people; another antenna's staff see none of it.
func TestStaffSeeAnswersAndUndeliveredMessages(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		paul := s.learner("Lille", "Paul", "Girard")
		now := db.Now()
		if _, err := s.app.DB.Exec(ctx, `INSERT INTO messages (antenna_id, learner_id, channel, kind, recipient, body, send_at, state, reason, created_at, updated_at)
			VALUES ($1, $2, 'sms', 'appointment_booked', '+33600000000', 'Rendez-vous demain', $3, 'failed', 'undeliverable', $3, $3)`,
			s.antennaID("Lille"), paul, now); err != nil {
			t.Fatal(err)
		}
		ines := s.learner("Lille", "Inès", "Moreau")
		if _, err := s.app.DB.Exec(ctx, `INSERT INTO reply_links (token, learner_id, ref_kind, ref_id, expires_at, answer, answered_at, created_at)
			VALUES ('abcdefghijkl', $1, 'meeting', 1, $2, 'cannot_come', $3, $3)`, ines, db.FormatTime(time.Now().Add(48*time.Hour)), now); err != nil {
			t.Fatal(err)
		}
		karim := s.signIn("karim.lille@tremplin.example")
		home := html.UnescapeString(karim.get("/").body)
		if !strings.Contains(home, `href="/messages"`) {
			t.Fatal("the home page does not point to the answers and undelivered messages")
		}
		page := html.UnescapeString(karim.get("/messages").body)
		for _, want := range []string{"Paul Girard", "ce numéro ne reçoit pas les SMS", "Inès Moreau", "séance"} {
			if !strings.Contains(page, want) {
				t.Errorf("/messages lacks %q", want)
			}
		}
		other := html.UnescapeString(s.signIn("manager.bordeaux@tremplin.example").get("/messages").body)
		if strings.Contains(other, "Paul Girard") || strings.Contains(other, "Inès Moreau") {
			t.Error("Bordeaux's manager sees Lille's people")
		}
	})
}
