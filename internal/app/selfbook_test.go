package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tremplin/internal/appointments"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

var slotButton = regexp.MustCompile(`name="slot" value="(\d+)"`)

// day is a date n days from the site's clock, as a form takes it.
func day(n int) string { return morning().AddDate(0, 0, n).Format(time.DateOnly) }

// at is a moment in Paris, n days from the site's clock, at hh:mm.
func at(n int, clock string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day(n)+" "+clock, morning().Location())
	if err != nil {
		panic(err)
	}
	return t
}

// slotAt is the id of an adviser's slot starting at t.
func (s *site) slotAt(staff string, t time.Time) string {
	s.t.Helper()
	return s.id("SELECT CAST(id AS TEXT) FROM appointment_slots WHERE staff_id = $1 AND starts_at = $2", staff, db.FormatTime(t))
}

// publish publishes an adviser's slots through the slots page.
func (s *site) publish(b *browser, adviser string, n int, from, to, length string) {
	s.t.Helper()
	p := b.post("/appointments/slots", url.Values{"adviser": {adviser}, "date": {day(n)}, "start": {from}, "end": {to},
		"length": {length}, "mode": {"place"}, "place": {s.placeID("Centre social des Moulins")}})
	if p.status != http.StatusSeeOther {
		s.t.Fatalf("publishing slots on day %d %s–%s: %d %v", n, from, to, p.status, errorsOf(p.body))
	}
}

// sendLink sends a person a booking link to an adviser's slots and returns its
// token, read from the SMS it makes.
func (s *site) sendLink(b *browser, learner int64, advisers ...string) string {
	s.t.Helper()
	p := b.post(fmt.Sprintf("/learners/%d/booking-links", learner), url.Values{"kind": {"positioning"}, "advisers": advisers, "days": {"7"}})
	if p.status != http.StatusSeeOther {
		s.t.Fatalf("sending a booking link: %d %v", p.status, errorsOf(p.body))
	}
	var token string
	s.app.DB.QueryRowContext(context.Background(), "SELECT token FROM booking_links WHERE learner_id = $1 ORDER BY created_at DESC, token LIMIT 1", learner).Scan(&token)
	s.waitSMSWith("/b/" + token)
	return token
}

// waitSMSWith waits for a text message that contains part and returns it.
func (s *site) waitSMSWith(part string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range s.outbox.SMSSent() {
			if strings.Contains(m.Body, part) {
				return m.Body
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("no SMS contains %q", part)
	return ""
}

// offered lists the slot ids a booking page offers.
func offered(body string) []string {
	var ids []string
	for _, m := range slotButton.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// An adviser publishes free slots for a week; the person gets a link by SMS in
// their language and books one of them on a public page, without an account;
// the adviser sees the appointment on the file; moving or cancelling it from
// the link works until a day before, not after.
func TestAPersonBooksOneOfTheAdvisersFreeSlotsFromALink(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		karim := s.signIn("karim.lille@tremplin.example")
		karimID := s.staffID("karim.lille@tremplin.example")
		ar := i18n.For("ar")

		// Bad input: messages by the fields, what was typed kept.
		if p := karim.get("/appointments/slots"); p.status != http.StatusOK || !strings.Contains(p.body, `action="/appointments/slots"`) {
			t.Fatalf("the slots page: %d", p.status)
		}
		form := url.Values{"adviser": {karimID}, "date": {day(3)}, "start": {"12:00"}, "end": {"09:00"}, "length": {"30"},
			"mode": {"place"}, "place": {s.placeID("Centre social des Moulins")}}
		p := karim.post("/appointments/slots", form)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["end"] == "" || valueOf(p.body, "start") != "12:00" || valueOf(p.body, "end") != "09:00" {
			t.Fatalf("an end before the start: %d %v, start %q", p.status, errorsOf(p.body), valueOf(p.body, "start"))
		}
		form.Set("date", day(-1))
		form.Set("end", "13:00")
		if p := karim.post("/appointments/slots", form); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["date"] == "" {
			t.Fatalf("slots yesterday: %d %v", p.status, errorsOf(p.body))
		}
		s.publish(karim, karimID, 3, "09:00", "12:00", "30") // six slots of 30 minutes
		form.Set("date", day(3))
		form.Set("start", "11:00")
		if p := karim.post("/appointments/slots", form); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["start"] == "" || valueOf(p.body, "start") != "11:00" {
			t.Fatalf("slots overlapping others: %d %v", p.status, errorsOf(p.body))
		}
		s.publish(karim, karimID, 1, "09:00", "10:00", "30") // tomorrow, less than a day away
		s.publish(karim, karimID, 0, "11:00", "11:30", "30") // within the two hours of notice
		s.publish(karim, karimID, 0, "14:00", "14:30", "30") // today, later
		if n := s.count("SELECT COUNT(*) FROM appointment_slots WHERE staff_id = $1 AND appointment_id IS NULL", karimID); n != 10 {
			t.Fatalf("%d free slots published, want 10", n)
		}
		week := html.UnescapeString(karim.get("/appointments/slots?week=" + day(3)).body)
		if !strings.Contains(week, "09:30–10:00") || !strings.Contains(week, "Centre social des Moulins") {
			t.Error("the week's page does not list the slots")
		}

		// The link goes by SMS, in Arabic, the link alone on its last line.
		amal := s.learner("Lille", "Amal", "Haddad")
		s.app.DB.Exec(ctx, "UPDATE learners SET lang = 'ar', phone = '+33612345678' WHERE id = $1", amal)
		file := fmt.Sprintf("/learners/%d", amal)
		if !strings.Contains(karim.get(file).body, file+"/booking-links/new") {
			t.Fatal("the file offers no booking link")
		}
		if p := karim.get(file + "/booking-links/new"); p.status != http.StatusOK || !strings.Contains(p.body, `value="`+karimID+`" checked`) {
			t.Fatalf("the booking link form: %d", p.status)
		}
		if p := karim.post(file+"/booking-links", url.Values{"kind": {"positioning"}, "days": {"7"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["advisers"] == "" {
			t.Fatalf("a link to nobody's slots: %d %v", p.status, errorsOf(p.body))
		}
		token := s.sendLink(karim, amal, karimID)
		sms := s.waitSMSWith("/b/" + token)
		lines := strings.Split(sms, "\n")
		if link := lines[len(lines)-1]; link != s.srv.URL+"/b/"+token+"?lang=ar" {
			t.Errorf("the link line is %q", link)
		}
		if !strings.Contains(sms, "Tremplin") || !strings.Contains(sms, "موعدك") || !strings.Contains(sms, "تحديد المستوى") {
			t.Errorf("the SMS is not the Arabic booking message: %q", sms)
		}

		// The person opens it with no account: the page is in Arabic and offers
		// the slots from two hours on, none sooner.
		person := s.browser()
		p = person.get("/b/" + token + "?lang=ar")
		if p.status != http.StatusOK || !strings.Contains(p.body, `lang="ar"`) || !strings.Contains(html.UnescapeString(p.body), ar.T("appointment.booking_title")) {
			t.Fatalf("the booking page: %d", p.status)
		}
		slots := offered(p.body)
		soon, later, tomorrow := s.slotAt(karimID, at(0, "11:00")), s.slotAt(karimID, at(0, "14:00")), s.slotAt(karimID, at(1, "09:00"))
		if slices.Contains(slots, soon) || !slices.Contains(slots, later) || len(slots) != 9 {
			t.Fatalf("the page offers %v; want 9 slots from 14:00 today, not %s at 11:00", slots, soon)
		}

		// One tap books tomorrow at 9:00: an appointment the adviser sees, the slot
		// taken, a confirmation in Arabic with the "I cannot come" link.
		p = person.post("/b/"+token, url.Values{"slot": {tomorrow}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/b/"+token+"?done=booked" {
			t.Fatalf("booking: %d %s", p.status, p.header.Get("Location"))
		}
		var id int64
		var kind, starts, state string
		var createdBy *int64
		s.app.DB.QueryRowContext(ctx, "SELECT id, kind, starts_at, state, created_by FROM appointments WHERE learner_id = $1", amal).
			Scan(&id, &kind, &starts, &state, &createdBy)
		if kind != "positioning" || starts != db.FormatTime(at(1, "09:00")) || state != "booked" || createdBy != nil {
			t.Fatalf("booked %q at %s (%s), by %v", kind, starts, state, createdBy)
		}
		if s.id("SELECT CAST(appointment_id AS TEXT) FROM appointment_slots WHERE id = $1", tomorrow) != fmt.Sprint(id) {
			t.Error("the slot is not taken by the appointment")
		}
		if !strings.Contains(s.logs.String(), "appointment booked by the person") {
			t.Error("the log does not say the person booked")
		}
		// Found by its time (the demo's own reminders, which also carry a reply
		// link, may leave their quiet hours while the test runs).
		if sms := s.waitSMSWith("\u206609:00\u2069"); !strings.Contains(sms, "/a/") {
			t.Errorf("the confirmation SMS says %q", sms)
		}
		if page := html.UnescapeString(karim.get(file).body); !strings.Contains(page, "09:00") || !strings.Contains(page, "positionnement") {
			t.Error("the file does not show the appointment booked by the person")
		}
		if n := s.count("SELECT COUNT(*) FROM appointment_slots WHERE staff_id = $1 AND appointment_id IS NULL", karimID); n != 9 {
			t.Errorf("%d slots left free, want 9", n)
		}

		// Less than a day before: the page shows it and says to call, and a move
		// or a cancellation sent anyway changes nothing.
		p = person.get("/b/" + token)
		body := html.UnescapeString(p.body)
		if !strings.Contains(body, ar.T("appointment.booking_too_late")) || !strings.Contains(body, "+33 3 20 00 00 01") || strings.Contains(body, "/b/"+token+"/move") {
			t.Error("the page of an appointment tomorrow morning does not say to call the antenna")
		}
		if offered(person.get("/b/"+token+"/move").body) != nil {
			t.Error("the page offers slots to move an appointment due in less than a day")
		}
		person.post("/b/"+token, url.Values{"slot": {later}})
		person.post("/b/"+token+"/cancel", nil)
		s.app.DB.QueryRowContext(ctx, "SELECT starts_at, state FROM appointments WHERE id = $1", id).Scan(&starts, &state)
		if starts != db.FormatTime(at(1, "09:00")) || state != "booked" {
			t.Errorf("a change within a day went through: %s %s", starts, state)
		}
	})
}

// Moving from the link frees the old slot and takes the new in one go, cancels
// the reminders queued and tells the person (at once when it is today);
// cancelling frees the slot and tells them too.
func TestAPersonMovesAndCancelsFromTheirLinkUntilADayBefore(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		karim := s.signIn("karim.lille@tremplin.example")
		karimID := s.staffID("karim.lille@tremplin.example")
		s.publish(karim, karimID, 3, "09:00", "11:00", "30")
		s.publish(karim, karimID, 0, "14:00", "14:30", "30")
		paul := s.learner("Lille", "Paul", "Girard")
		token := s.sendLink(karim, paul, karimID)
		person := s.browser()
		first, second, today := s.slotAt(karimID, at(3, "09:00")), s.slotAt(karimID, at(3, "10:00")), s.slotAt(karimID, at(0, "14:00"))
		if p := person.post("/b/"+token, url.Values{"slot": {first}}); p.status != http.StatusSeeOther {
			t.Fatalf("booking: %d", p.status)
		}
		id := s.id("SELECT CAST(id AS TEXT) FROM appointments WHERE learner_id = $1", paul)
		// The reminder 48 hours before is queued when its time nears.
		if _, err := appointments.Plan(ctx, s.app.DB, s.app.Outbox, s.srv.URL, at(1, "08:30")); err != nil {
			t.Fatal(err)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'appointment' AND ref_id = $1 AND kind = 'appointment_reminder' AND state = 'queued'", id); n == 0 {
			t.Fatal("no reminder queued")
		}

		p := person.get("/b/" + token)
		if !strings.Contains(p.body, `href="/b/`+token+`/move"`) || !strings.Contains(p.body, `action="/b/`+token+`/cancel"`) {
			t.Fatal("the page of an appointment in three days offers neither move nor cancel")
		}
		moving := offered(person.get("/b/" + token + "/move").body)
		if !slices.Contains(moving, second) || slices.Contains(moving, first) {
			t.Fatalf("slots to move to: %v", moving)
		}
		if p := person.post("/b/"+token, url.Values{"slot": {second}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/b/"+token+"?done=moved" {
			t.Fatalf("moving: %d %s", p.status, p.header.Get("Location"))
		}
		var starts string
		s.app.DB.QueryRowContext(ctx, "SELECT starts_at FROM appointments WHERE id = $1", id).Scan(&starts)
		if starts != db.FormatTime(at(3, "10:00")) {
			t.Errorf("moved to %s", starts)
		}
		if s.count("SELECT COUNT(*) FROM appointment_slots WHERE id = $1 AND appointment_id IS NULL", first) != 1 ||
			s.id("SELECT CAST(appointment_id AS TEXT) FROM appointment_slots WHERE id = $1", second) != id {
			t.Error("the move did not free the old slot and take the new one")
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'appointment' AND ref_id = $1 AND kind = 'appointment_reminder' AND state = 'queued'", id); n != 0 {
			t.Errorf("%d reminders of the old time still queued", n)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_id = $1 AND kind = 'appointment_moved' AND NOT urgent", id); n != 1 {
			t.Errorf("%d messages tell the move (not urgent), want 1", n)
		}
		// (The confirmation of the first time, if still queued, went no further.)
		if sms := s.waitSMSWith("déplacé"); !strings.Contains(sms, "10:00") {
			t.Errorf("the SMS telling the move says %q", sms)
		}

		// Cancelled from the link: the slot is free again, the person is told,
		// and the link, still open, offers the slots again.
		if p := person.post("/b/"+token+"/cancel", nil); p.status != http.StatusSeeOther || p.header.Get("Location") != "/b/"+token+"?done=cancelled" {
			t.Fatalf("cancelling: %d %s", p.status, p.header.Get("Location"))
		}
		var state, by string
		s.app.DB.QueryRowContext(ctx, "SELECT state, cancelled_by FROM appointments WHERE id = $1", id).Scan(&state, &by)
		if state != "cancelled" || by != "person" || s.count("SELECT COUNT(*) FROM appointment_slots WHERE appointment_id IS NOT NULL") != 0 {
			t.Errorf("after cancelling: %s by %q, slots still taken: %d", state, by, s.count("SELECT COUNT(*) FROM appointment_slots WHERE appointment_id IS NOT NULL"))
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_id = $1 AND kind = 'appointment_cancelled'", id); n != 1 {
			t.Errorf("%d cancellation messages, want 1", n)
		}
		p = person.get("/b/" + token + "?done=cancelled")
		if !strings.Contains(html.UnescapeString(p.body), i18n.For("fr").T("appointment.booking_done_cancelled")) || !slices.Contains(offered(p.body), second) {
			t.Error("after cancelling the page does not offer the slots again")
		}

		// Booked again, then moved to this afternoon: told at once, even at night.
		person.post("/b/"+token, url.Values{"slot": {first}})
		again := s.id("SELECT CAST(id AS TEXT) FROM appointments WHERE learner_id = $1 AND state = 'booked'", paul)
		if p := person.post("/b/"+token, url.Values{"slot": {today}}); p.status != http.StatusSeeOther {
			t.Fatalf("moving to today: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_id = $1 AND kind = 'appointment_moved' AND urgent", again); n != 1 {
			t.Errorf("%d urgent messages for a move to today, want 1", n)
		}
	})
}

// Several people tap the same slot at the same moment: one gets it, the others
// are shown the next free slots.
func TestASlotTappedByTwoPeopleAtOnceGoesToOne(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		karim := s.signIn("karim.lille@tremplin.example")
		karimID := s.staffID("karim.lille@tremplin.example")
		s.publish(karim, karimID, 2, "09:00", "10:30", "30")
		first, second := s.slotAt(karimID, at(2, "09:00")), s.slotAt(karimID, at(2, "09:30"))
		const people = 4
		tokens := make([]string, people)
		for i := range tokens {
			tokens[i] = s.sendLink(karim, s.learner("Lille", "Personne", fmt.Sprint("Numéro ", i)), karimID)
		}
		pages := make([]page, people)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, token := range tokens {
			b := s.browser()
			if !slices.Contains(offered(b.get("/b/"+token).body), first) {
				t.Fatalf("link %d does not offer the first slot", i)
			}
			wg.Go(func() {
				<-start
				pages[i] = b.post("/b/"+token, url.Values{"slot": {first}})
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, p := range pages {
			switch p.status {
			case http.StatusSeeOther:
				won++
			case http.StatusConflict:
				body := html.UnescapeString(p.body)
				if !strings.Contains(body, i18n.For("fr").T("appointment.booking_taken")) {
					t.Errorf("person %d: the page does not say the slot was taken", i)
				}
				if next := offered(p.body); slices.Contains(next, first) || len(next) == 0 || next[0] != second {
					t.Errorf("person %d is offered %v, want the next slots from %s", i, next, second)
				}
			default:
				t.Errorf("person %d: status %d", i, p.status)
			}
		}
		if won != 1 {
			t.Fatalf("%d people got the slot, want 1", won)
		}
		if n := s.count("SELECT COUNT(*) FROM appointments WHERE state = 'booked' AND starts_at = $1", db.FormatTime(at(2, "09:00"))); n != 1 {
			t.Errorf("%d appointments booked at 09:00", n)
		}
		// Whatever the code, the database keeps one appointment to one slot.
		if _, err := s.app.DB.Exec(context.Background(), `UPDATE appointment_slots SET appointment_id =
			(SELECT appointment_id FROM appointment_slots WHERE id = $1) WHERE id = $2`, first, second); !db.IsUniqueViolation(err) {
			t.Errorf("a second slot took the same appointment: %v", err)
		}
	})
}

// A link past its deadline says so and gives the antenna's phone; what was
// booked with it still shows, and can still be moved a day before.
func TestAnExpiredBookingLinkSaysWhatIsStillPossible(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		karim := s.signIn("karim.lille@tremplin.example")
		karimID := s.staffID("karim.lille@tremplin.example")
		s.publish(karim, karimID, 4, "09:00", "10:00", "30")
		fr := i18n.For("fr")
		unused := s.sendLink(karim, s.learner("Lille", "Inès", "Roussel"), karimID)
		booked := s.sendLink(karim, s.learner("Lille", "Yann", "Le Gall"), karimID)
		visitor := s.browser()
		slot := s.slotAt(karimID, at(4, "09:00"))
		if p := visitor.post("/b/"+booked, url.Values{"slot": {slot}}); p.status != http.StatusSeeOther {
			t.Fatalf("booking: %d", p.status)
		}
		s.app.DB.Exec(context.Background(), "UPDATE booking_links SET expires_at = $1", db.FormatTime(morning().Add(-time.Hour)))

		p := visitor.get("/b/" + unused)
		body := html.UnescapeString(p.body)
		if p.status != http.StatusOK || !strings.Contains(body, fr.T("appointment.booking_expired", "date", web.FormatDate(fr, morning().Add(-time.Hour)))) ||
			!strings.Contains(body, "+33 3 20 00 00 01") || offered(p.body) != nil {
			t.Fatalf("an expired link: %d, offers %v", p.status, offered(p.body))
		}
		if p := visitor.post("/b/"+unused, url.Values{"slot": {s.slotAt(karimID, at(4, "09:30"))}}); p.status != http.StatusSeeOther {
			t.Fatalf("booking with an expired link: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM appointments a JOIN learners l ON l.id = a.learner_id WHERE l.last_name IN ('Roussel', 'Le Gall')"); n != 1 {
			t.Fatalf("an expired link booked: %d appointments", n)
		}
		p = visitor.get("/b/" + booked)
		if !strings.Contains(html.UnescapeString(p.body), "09:00") || !strings.Contains(p.body, "/b/"+booked+"/move") {
			t.Error("the expired link hides the appointment booked with it, or the way to move it")
		}
		if p := visitor.get("/b/abcdefghijkl"); p.status != http.StatusNotFound {
			t.Errorf("an unknown link: %d", p.status)
		}
	})
}

// Slots are the adviser's, and their antenna managers'; the staff of another
// antenna, or another adviser, get the 404 page and change nothing.
func TestSlotsAndBookingLinksStayInTheirAntenna(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		karim := s.signIn("karim.lille@tremplin.example")
		karimID := s.staffID("karim.lille@tremplin.example")
		s.publish(karim, karimID, 2, "09:00", "10:00", "30")
		slot := s.slotAt(karimID, at(2, "09:00"))
		person := s.learner("Lille", "Amal", "Haddad")
		add := url.Values{"adviser": {karimID}, "date": {day(5)}, "start": {"09:00"}, "end": {"10:00"}, "length": {"30"}, "mode": {"phone"}}
		for _, who := range []string{"manager.bordeaux@tremplin.example", "julie.lille@tremplin.example"} {
			b := s.signIn(who)
			if p := b.get("/appointments/slots?adviser=" + karimID); p.status != http.StatusNotFound {
				t.Errorf("%s sees Karim's slots: %d", who, p.status)
			}
			if p := b.post("/appointments/slots", add); p.status != http.StatusNotFound {
				t.Errorf("%s publishes Karim's slots: %d", who, p.status)
			}
			if p := b.post("/appointments/slots/"+slot+"/delete", nil); p.status != http.StatusNotFound {
				t.Errorf("%s removes Karim's slot: %d", who, p.status)
			}
		}
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		if p := bordeaux.get(fmt.Sprintf("/learners/%d/booking-links/new", person)); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux opens a Lille person's booking link form: %d", p.status)
		}
		if p := bordeaux.post(fmt.Sprintf("/learners/%d/booking-links", person), url.Values{"kind": {"other"}, "advisers": {karimID}, "days": {"7"}}); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux sends a Lille person a booking link: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM appointment_slots"); n != 2 || s.count("SELECT COUNT(*) FROM booking_links") != 0 {
			t.Fatalf("other staff changed the slots (%d) or sent links", n)
		}

		// Lille's manager publishes and removes Karim's slots.
		manager := s.signIn("manager.lille@tremplin.example")
		if p := manager.get("/appointments/slots?adviser=" + karimID); p.status != http.StatusOK || !strings.Contains(p.body, "Karim") {
			t.Fatalf("Lille's manager on Karim's slots: %d", p.status)
		}
		if p := manager.post("/appointments/slots", add); p.status != http.StatusSeeOther {
			t.Fatalf("Lille's manager publishes Karim's slots: %d %v", p.status, errorsOf(p.body))
		}
		if p := manager.post("/appointments/slots/"+slot+"/delete", nil); p.status != http.StatusSeeOther {
			t.Fatalf("Lille's manager removes Karim's slot: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM appointment_slots WHERE staff_id = $1", karimID); n != 3 {
			t.Errorf("Karim has %d slots, want 3", n)
		}
		// A booked slot stays.
		token := s.sendLink(karim, person, karimID)
		booked := s.slotAt(karimID, at(2, "09:30"))
		s.browser().post("/b/"+token, url.Values{"slot": {booked}})
		manager.post("/appointments/slots/"+booked+"/delete", nil)
		if s.count("SELECT COUNT(*) FROM appointment_slots WHERE id = $1 AND appointment_id IS NOT NULL", booked) != 1 {
			t.Error("a booked slot was removed")
		}
	})
}
