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

	"tremplin/internal/platform/db"
)

// volunteerIn stores an active volunteer of the antenna and returns a browser
// signed in to their space the way a volunteer is: a one-time link asked with
// their phone, read from the message, opened and used.
func (s *site) volunteerIn(antenna, first, phone, lang string) (*browser, int64) {
	s.t.Helper()
	ctx := context.Background()
	id, err := s.app.DB.InsertID(ctx, `INSERT INTO volunteers (antenna_id, first_name, last_name, phone, lang, state, created_at)
		VALUES ($1, $2, 'Bénévole', $3, $4, 'active', $5) RETURNING id`, antenna, first, phone, lang,
		db.FormatTime(morning().AddDate(0, -6, 0)))
	if err != nil {
		s.t.Fatal(err)
	}
	return s.volunteerSession(phone), id
}

// volunteerSession is a browser signed in with the link sent to phone.
func (s *site) volunteerSession(phone string) *browser {
	s.t.Helper()
	b := s.browser()
	link := s.askVolunteerLink(b, phone, phone)
	if link == "" {
		s.t.Fatalf("no sign-in link sent to %s", phone)
	}
	if p := b.post(link, nil); p.status != http.StatusSeeOther {
		s.t.Fatalf("using the sign-in link: %d", p.status)
	}
	return b
}

// lastID reads the id a redirect's Location ends with (/volunteers/missions/12).
func lastID(t testing.TB, p page) string {
	t.Helper()
	loc := strings.SplitN(p.header.Get("Location"), "#", 2)[0]
	if p.status != http.StatusSeeOther || loc == "" {
		t.Fatalf("status %d, location %q; want a redirect\n%.2000s", p.status, loc, p.body)
	}
	return loc[strings.LastIndex(loc, "/")+1:]
}

// Staff make a mission and its shift; a volunteer signs up from their space,
// staff see them coming; a volunteer on the waitlist gets the seat freed and
// is told in Arabic; after a past shift the volunteer confirms their hours and
// staff approve them; another antenna's staff get 404 throughout.
func TestVolunteerShiftJourney(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		lille := s.antennaID("Lille")
		staff := s.signIn("manager.lille@tremplin.example")
		mission := lastID(t, staff.post("/volunteers/missions", url.Values{"antenna": {lille}, "title": {"Atelier du mardi"},
			"description": {"Aider les apprenants"}, "skills": {"workshop"}}))
		day := morning().AddDate(0, 0, 7).Format(time.DateOnly)
		// Bad input keeps what was typed and says what is wrong.
		p := staff.post("/volunteers/missions/"+mission+"/shifts", url.Values{"kind": {"fixed"}, "date": {day}, "start": {"14:00"},
			"end": {"13:00"}, "capacity": {"1"}, "cancel_hours": {"24"}, "weeks": {"1"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["end"] == "" || valueOf(p.body, "start") != "14:00" {
			t.Fatalf("an end before the start: status %d, errors %v", p.status, errorsOf(p.body))
		}
		p = staff.post("/volunteers/missions/"+mission+"/shifts", url.Values{"kind": {"fixed"}, "date": {day}, "start": {"14:00"},
			"end": {"17:00"}, "capacity": {"1"}, "cancel_hours": {"24"}, "weeks": {"3"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("add shifts: %d %s", p.status, errorsOf(p.body))
		}
		var shift string
		var n int
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(MIN(id) AS TEXT), COUNT(*) FROM volunteer_shifts WHERE mission_id = $1", mission).Scan(&shift, &n)
		if n != 3 {
			t.Fatalf("%d shifts made, want 3 (one a week)", n)
		}

		// Bordeaux's manager sees none of it.
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		for _, path := range []string{"/volunteers/missions/" + mission, "/volunteers/missions/" + mission + "/edit", "/volunteers/shifts/" + shift} {
			if p := bordeaux.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "Atelier du mardi") {
				t.Errorf("Bordeaux GET %s: %d, want 404", path, p.status)
			}
		}
		if p := bordeaux.post("/volunteers/shifts/"+shift+"/cancel", url.Values{}); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux cancels a Lille shift: %d", p.status)
		}
		change := url.Values{"date": {day}, "start": {"14:30"}, "end": {"17:30"}, "capacity": {"0"}, "cancel_hours": {"24"}}
		if p := bordeaux.post("/volunteers/shifts/"+shift+"/edit", change); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux changes a Lille shift: %d", p.status)
		}
		// A capacity of 0 is explained next to the field, with the new times kept.
		if p := staff.post("/volunteers/shifts/"+shift+"/edit", change); p.status != http.StatusUnprocessableEntity ||
			errorsOf(p.body)["capacity"] == "" || valueOf(p.body, "start") != "14:30" {
			t.Fatalf("capacity 0: %d, errors %v", p.status, errorsOf(p.body))
		}
		change.Set("capacity", "1")
		if p := staff.post("/volunteers/shifts/"+shift+"/edit", change); p.status != http.StatusSeeOther {
			t.Fatalf("change the shift: %d, errors %v", p.status, errorsOf(p.body))
		}
		var starts string
		var capacity int
		s.app.DB.QueryRowContext(ctx, "SELECT starts_at, capacity FROM volunteer_shifts WHERE id = $1", shift).Scan(&starts, &capacity)
		if capacity != 1 || !strings.Contains(staff.get("/volunteers/shifts/"+shift).body, `value="14:30"`) {
			t.Errorf("the change was not kept: starts %s, capacity %d", starts, capacity)
		}
		if strings.Contains(bordeaux.get("/volunteers/missions").body, "Atelier du mardi") {
			t.Error("Bordeaux's mission list shows Lille's mission")
		}

		ana, _ := s.volunteerIn(lille, "Ana", "+33611111111", "fr")
		samir, _ := s.volunteerIn(lille, "Samir", "+33622222222", "ar")
		for _, who := range []string{"Ana", "Samir"} {
			s.app.DB.Exec(ctx, "INSERT INTO volunteer_skills (volunteer_id, skill) SELECT id, 'workshop' FROM volunteers WHERE first_name = $1", who)
		}
		if p := ana.get("/volunteer/shifts"); p.status != http.StatusOK || !strings.Contains(p.body, "Atelier du mardi") {
			t.Fatalf("Ana's shifts page: %d\n%.3000s", p.status, p.body)
		}
		if p := ana.post("/volunteer/shifts/"+shift+"/signup", url.Values{}); p.status != http.StatusSeeOther {
			t.Fatalf("Ana signs up: %d", p.status)
		}
		// Samir finds it full and joins the waitlist.
		samir.post("/volunteer/shifts/"+shift+"/signup", url.Values{})
		if p := samir.get("/volunteer/shifts"); !strings.Contains(p.body, "Ce créneau vient d&#39;être complet") {
			t.Errorf("Samir is not told the shift is full:\n%.3000s", p.body)
		}
		samir.post("/volunteer/shifts/"+shift+"/signup", url.Values{"wait": {"1"}})
		if p := staff.get("/volunteers/shifts/" + shift); !strings.Contains(p.body, "Ana Bénévole") || !strings.Contains(p.body, "En liste d&#39;attente") {
			t.Errorf("the staff's shift page does not show Ana coming and Samir waiting:\n%.3000s", p.body)
		}
		// The next week's shift is empty: staff ask the volunteers who fit, once.
		var second string
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(MAX(id) AS TEXT) FROM volunteer_shifts WHERE mission_id = $1", mission).Scan(&second)
		for range 2 {
			if p := staff.post("/volunteers/shifts/"+second+"/invite", url.Values{}); p.status != http.StatusSeeOther {
				t.Fatalf("invite: %d", p.status)
			}
		}
		var invited int
		s.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM messages WHERE kind = 'volunteer_invited' AND recipient IN ('+33611111111', '+33622222222')").Scan(&invited)
		if invited != 2 {
			t.Errorf("%d invitations to Ana and Samir after asking twice, want one each", invited)
		}
		// Ana cancels: Samir takes the seat and is told, in Arabic.
		if p := ana.post("/volunteer/shifts/"+shift+"/cancel", url.Values{}); p.status != http.StatusSeeOther {
			t.Fatalf("Ana cancels: %d", p.status)
		}
		var body string
		if err := s.app.DB.QueryRowContext(ctx, "SELECT body FROM messages WHERE kind = 'volunteer_promoted' AND recipient = '+33622222222'").Scan(&body); err != nil {
			t.Fatalf("no message to Samir: %v", err)
		}
		if !strings.Contains(body, "أصبح هناك مكان") {
			t.Errorf("Samir's message is not in Arabic: %q", body)
		}
		if p := samir.get("/volunteer/shifts"); !strings.Contains(p.body, "مسجل") && !strings.Contains(p.body, "Inscrit") {
			t.Errorf("Samir's page does not show him coming:\n%.3000s", p.body)
		}

		// A shift of last week: Ana was there, she confirms 2 h 30, staff approve.
		last := morning().AddDate(0, 0, -7)
		var past int64
		err := s.app.DB.QueryRowContext(ctx, `INSERT INTO volunteer_shifts (mission_id, antenna_id, kind, starts_at, ends_at, capacity, created_at, updated_at)
			VALUES ($1, $2, 'fixed', $3, $4, 4, $5, $5) RETURNING id`, mission, lille, db.FormatTime(last), db.FormatTime(last.Add(3*time.Hour)),
			db.FormatTime(last.AddDate(0, 0, -7))).Scan(&past)
		if err != nil {
			t.Fatal(err)
		}
		s.app.DB.Exec(ctx, `INSERT INTO volunteer_signups (shift_id, volunteer_id, state, created_at, updated_at)
			SELECT $1, id, 'coming', $2, $2 FROM volunteers WHERE first_name = 'Ana'`, past, db.FormatTime(last.AddDate(0, 0, -3)))
		if p := ana.get("/volunteer/shifts"); !strings.Contains(p.body, "Ce créneau a-t-il eu lieu") || valueOf(p.body, "hours") != "3" {
			t.Fatalf("Ana is not asked whether last week's shift happened, prefilled with 3 hours:\n%.4000s", p.body)
		}
		pastID := fmt.Sprint(past)
		// A slip of the thumb ("25h") is answered next to the hours, with
		// what she typed, and nothing is recorded.
		if p := ana.post("/volunteer/shifts/"+pastID+"/hours", url.Values{"happened": {"yes"}, "hours": {"25h"}}); p.status != http.StatusUnprocessableEntity ||
			!strings.Contains(p.body, `id="e-hours"`) || valueOf(p.body, "hours") != "25h" {
			t.Fatalf("wrong hours: %d, want 422 with the message next to the field and 25h kept:\n%.4000s", p.status, p.body)
		}
		var recorded int
		s.app.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteer_hours WHERE shift_id = $1", past).Scan(&recorded)
		if recorded != 0 {
			t.Fatalf("wrong hours were recorded: %d rows", recorded)
		}
		if p := ana.post("/volunteer/shifts/"+pastID+"/hours", url.Values{"happened": {"yes"}, "hours": {"2,5"}}); p.status != http.StatusSeeOther {
			t.Fatalf("Ana confirms: %d", p.status)
		}
		pending := staff.get("/volunteers/hours").body
		if !strings.Contains(pending, "Ana Bénévole") || !strings.Contains(pending, "2 h 30") {
			t.Fatalf("pending hours do not show Ana's 2 h 30:\n%.3000s", pending)
		}
		if strings.Contains(bordeaux.get("/volunteers/hours").body, "Ana Bénévole") {
			t.Error("Bordeaux sees Lille's hours")
		}
		var hid string
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(id AS TEXT) FROM volunteer_hours WHERE shift_id = $1", past).Scan(&hid)
		if p := bordeaux.post("/volunteers/hours/"+hid+"/decide", url.Values{"decision": {"approve"}}); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux approves Lille's hours: %d", p.status)
		}
		if p := staff.post("/volunteers/hours/"+hid+"/decide", url.Values{"decision": {"approve"}}); p.status != http.StatusSeeOther {
			t.Fatalf("approve: %d", p.status)
		}
		// Samir's calendar feed holds his shift; without its secret there is none.
		feed := regexp.MustCompile(`href="[^"]*(/volunteer/calendar/\d+/shifts\.ics\?token=[^"]+)"`).FindStringSubmatch(samir.get("/volunteer/shifts").body)
		if feed == nil {
			t.Fatal("no calendar feed link on Samir's page")
		}
		visitor := s.browser()
		if p := visitor.get(html.UnescapeString(feed[1])); p.status != http.StatusOK || !strings.Contains(p.body, "SUMMARY:Atelier du mardi") {
			t.Errorf("Samir's feed: %d\n%.1000s", p.status, p.body)
		}
		if p := visitor.get(strings.SplitN(feed[1], "?", 2)[0] + "?token=wrong"); p.status != http.StatusNotFound {
			t.Errorf("a feed with a wrong secret: %d, want 404", p.status)
		}
		mine := ana.get("/volunteer/hours").body
		if !strings.Contains(mine, "Validées") || !strings.Contains(mine, "2 h 30") {
			t.Errorf("Ana's hours page does not show 2 h 30 approved:\n%.3000s", mine)
		}
	})
}

// The demo association has missions with shifts next week in Lille and Paris,
// past shifts with approved hours, and its pages open for staff and volunteers.
func TestDemoVolunteerShifts(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		for _, antenna := range []string{"Lille", "Paris – Île-de-France"} {
			var next, approved int
			s.app.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_shifts s JOIN antennas a ON a.id = s.antenna_id
				WHERE a.name = $1 AND s.starts_at > $2 AND s.starts_at < $3`, antenna,
				db.FormatTime(morning()), db.FormatTime(morning().AddDate(0, 0, 14))).Scan(&next)
			s.app.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_hours h JOIN antennas a ON a.id = h.antenna_id
				WHERE a.name = $1 AND h.state = 'approved'`, antenna).Scan(&approved)
			if next == 0 || approved == 0 {
				t.Errorf("%s: %d shifts in the next two weeks, %d approved hours; want some of each", antenna, next, approved)
			}
		}
		staff := s.signIn("manager.lille@tremplin.example")
		var mission, shift string
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(MIN(id) AS TEXT) FROM volunteer_missions").Scan(&mission)
		s.app.DB.QueryRowContext(ctx, "SELECT CAST(MIN(id) AS TEXT) FROM volunteer_shifts WHERE mission_id = $1", mission).Scan(&shift)
		for _, path := range []string{"/volunteers/missions", "/volunteers/missions/new", "/volunteers/missions/" + mission,
			"/volunteers/missions/" + mission + "/edit", "/volunteers/shifts", "/volunteers/shifts/" + shift, "/volunteers/hours"} {
			if p := staff.get(path); p.status != http.StatusOK {
				t.Errorf("GET %s: %d\n%.1000s", path, p.status, p.body)
			}
		}
		if p := staff.get("/"); !strings.Contains(html.UnescapeString(p.body), "Heures de bénévoles à valider") {
			t.Errorf("the manager's home page does not list the volunteers' hours to approve:\n%.3000s", p.body)
		}
		if p := staff.get("/volunteers/shifts/" + shift); !strings.Contains(p.body, "Nadia Belkacem") {
			t.Errorf("the first past shift does not show Nadia:\n%.2000s", p.body)
		}
		// Claire's check of honourability has expired: the shift with minors says why she cannot sign up.
		b := s.volunteerSession("+33612000103")
		p := b.get("/volunteer/shifts")
		if p.status != http.StatusOK || !strings.Contains(p.body, "attestation d&#39;honorabilité valide") {
			t.Errorf("Claire is not told why the shift with minors is closed to her: %d\n%.4000s", p.status, p.body)
		}
		if p := b.get("/volunteer/hours"); p.status != http.StatusOK || !strings.Contains(p.body, "Validées") {
			t.Errorf("Claire's hours: %d\n%.2000s", p.status, p.body)
		}
	})
}
