package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tremplin/internal/app"
	"tremplin/internal/learners"
	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
	"tremplin/internal/training"
)

// drain waits until the queue has handed over every message due (none is left
// queued or sending), so that what went out can be read from the outbox.
func (s *site) drain() {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for s.count("SELECT COUNT(*) FROM messages WHERE state IN ('queued', 'sending') AND send_at <= $1", db.Now()) > 0 {
		if time.Now().After(deadline) {
			s.t.Fatal("messages still queued after 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// smsTo is the text messages sent to phone, in order.
func (s *site) smsTo(phone string) []string {
	var out []string
	for _, m := range s.outbox.SMSSent() {
		if m.To == phone {
			out = append(out, m.Body)
		}
	}
	return out
}

// mailsTo is the emails sent to address, in order.
func (s *site) mailsTo(address string) []notify.Email {
	var out []notify.Email
	for _, m := range s.outbox.Sent() {
		if m.To == address {
			out = append(out, m)
		}
	}
	return out
}

// later is the same association seen by another process whose clock is d after
// the site's (morning()): its own server on the same database, its queue not
// running. Time passes for the pages it serves.
func (s *site) later(d time.Duration) *site {
	s.t.Helper()
	l := &site{t: s.t, outbox: s.outbox, logs: &bytes.Buffer{}}
	l.srv = httptest.NewUnstartedServer(nil)
	a, err := app.New(context.Background(), app.Config{
		DatabaseURL: s.app.Config.DatabaseURL,
		BaseURL:     "http://" + l.srv.Listener.Addr().String(),
		Log:         slog.New(slog.NewTextHandler(l.logs, nil)),
		Mailer:      s.outbox,
		SMS:         s.outbox,
		Now:         func() time.Time { return morning().Add(d) },
	})
	if err != nil {
		s.t.Fatal(err)
	}
	l.app = a
	l.srv.Config.Handler = a.Handler()
	l.srv.Start()
	s.t.Cleanup(func() { l.srv.Close(); a.Close() })
	return l
}

// contactOf gives a person a phone, an email and a language of their own.
func (s *site) contactOf(id int64, phone, email, lang string) {
	s.t.Helper()
	if _, err := s.app.DB.Exec(context.Background(), "UPDATE learners SET phone = $1, email = $2, lang = $3 WHERE id = $4", phone, email, lang, id); err != nil {
		s.t.Fatal(err)
	}
}

// firstMeetingOf is the first meeting of a cohort made by futureCohort.
func (s *site) firstMeetingOf(cohort string) (int64, time.Time) {
	s.t.Helper()
	var id int64
	var starts string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT id, starts_at FROM meetings WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1", cohort).
		Scan(&id, &starts); err != nil {
		s.t.Fatal(err)
	}
	return id, db.ParseTime(starts).In(training.Location("Europe/Paris"))
}

// A person sent by a partner and one who registered on the website, enrolled in
// the same cohort (one from their file, one from the cohort page), get the same
// message: the programme, the first meeting's day, time and place, the antenna's
// phone; in Arabic the numbers are isolated. The partner who referred the first
// is emailed the day, time and place of the session, and of the interview booked
// with the person; told of an interview booked, the partner gets its day, time
// and place too.
func TestReferredAndSelfRegisteredPeopleAreToldTheSameAndThePartnerToo(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		fr, ar := i18n.For("fr"), i18n.For("ar")
		karim := s.signIn("karim.lille@tremplin.example")
		cohort := s.futureCohort("Lille", "Centre social des Moulins", 3)
		_, first := s.firstMeetingOf(cohort)

		var referred int64
		var referrer, firstName string
		err := s.app.DB.QueryRowContext(ctx, `SELECT rp.learner_id, pc.email, l.first_name FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id
			JOIN partner_contacts pc ON pc.id = r.contact_id JOIN learners l ON l.id = rp.learner_id
			WHERE r.antenna_id = $1 AND pc.email <> '' AND pc.active AND rp.state <> 'withdrawn' AND l.status IN ('received', 'contacted', 'positioned')
				AND l.merged_into IS NULL
			ORDER BY rp.id LIMIT 1`, s.antennaID("Lille")).Scan(&referred, &referrer, &firstName)
		if err != nil {
			t.Fatalf("no referred person in Lille: %v", err)
		}
		s.contactOf(referred, "+33611111111", "referred@example.org", "fr")

		// An interview booked with the referred person, tomorrow at 14:30.
		tomorrow := morning().AddDate(0, 0, 1)
		file := fmt.Sprintf("/learners/%d", referred)
		if p := karim.post(file+"/appointments", url.Values{"kind": {"positioning"}, "adviser": {s.staffID("karim.lille@tremplin.example")},
			"date": {tomorrow.Format(time.DateOnly)}, "time": {"14:30"}, "duration": {"45"}, "mode": {"place"},
			"place": {s.placeID("Centre social des Moulins")}}); p.status != http.StatusSeeOther {
			t.Fatalf("booking: %d %v", p.status, errorsOf(p.body))
		}

		// Rania registers on the website.
		if p := s.browser().post("/register", registration(s.antennaID("Lille"))); p.status != http.StatusSeeOther {
			t.Fatalf("register: %d %v", p.status, errorsOf(p.body))
		}
		var rania int64
		s.app.DB.QueryRowContext(ctx, "SELECT id FROM learners WHERE last_name = 'Saleh'").Scan(&rania)
		s.drain()
		partnerMails := len(s.mailsTo(referrer))

		if p := karim.post(file+"/decision", url.Values{"decision": {"enrol"}, "cohort": {cohort}}); p.status != http.StatusSeeOther {
			t.Fatalf("enrol from the file: %d", p.status)
		}
		if p := karim.post("/cohorts/"+cohort+"/enrol", url.Values{"learner": {fmt.Sprint(rania)}}); p.status != http.StatusSeeOther {
			t.Fatalf("enrol from the cohort page: %d", p.status)
		}
		s.drain()
		told := func(phone, name string) string {
			t.Helper()
			for _, body := range s.smsTo(phone) {
				if strings.Contains(body, "confirmée") {
					return strings.ReplaceAll(body, name, "{name}")
				}
			}
			t.Fatalf("no enrolment SMS to %s: %v", phone, s.smsTo(phone))
			return ""
		}
		one, other := told("+33611111111", firstName), told("+33612345678", "Rania")
		if one != other {
			t.Errorf("a referred person and a registered one are told differently:\n%s\n%s", one, other)
		}
		for _, want := range []string{"Autonomie numérique", web.FormatDate(fr, first), "09:00", "Centre social des Moulins, 12 rue d'Arras",
			"+33 3 20 00 00 01", fr.T("weekday." + fmt.Sprint(int(first.Weekday())))} {
			if !strings.Contains(one, want) {
				t.Errorf("the enrolment SMS lacks %q: %s", want, one)
			}
		}
		subject := fr.T("training.email_subject_enrolled", "programme", "Autonomie numérique")
		for _, to := range []string{"referred@example.org", "rania@example.org"} {
			if mails := s.mailsTo(to); len(mails) == 0 || mails[len(mails)-1].Subject != subject {
				t.Errorf("no enrolment email to %s: %+v", to, mails)
			}
		}

		// In Arabic, the time, the date's digits and the phone read left to right.
		amal := s.learner("Lille", "أمل", "Haddad")
		s.contactOf(amal, "+33622222222", "", "ar")
		if p := karim.post("/cohorts/"+cohort+"/enrol", url.Values{"learner": {fmt.Sprint(amal)}}); p.status != http.StatusSeeOther {
			t.Fatalf("enrol Amal: %d", p.status)
		}
		s.drain()
		sms := s.smsTo("+33622222222")
		if len(sms) != 1 {
			t.Fatalf("%d SMS to Amal", len(sms))
		}
		for _, want := range []string{"\u206609:00\u2069", "\u2066+33 3 20 00 00 01\u2069", "الاستقلالية الرقمية",
			notify.ForLanguage("ar", ar.T("training.sms_enrolled", "name", "أمل", "programme", "الاستقلالية الرقمية"))} {
			if !strings.Contains(sms[0], want) {
				t.Errorf("the Arabic SMS lacks %q: %q", want, sms[0])
			}
		}

		// The partner: the state, the session's day, time and place, and the interview.
		mails := s.mailsTo(referrer)[partnerMails:]
		if len(mails) != 1 {
			t.Fatalf("%d emails to the partner, want 1: %+v", len(mails), mails)
		}
		body := mails[0].Body
		for _, want := range []string{fr.T("partner.state.enrolled"), "Autonomie numérique", web.FormatDate(fr, first), "09:00",
			"Centre social des Moulins", web.FormatDate(fr, tomorrow) + " à 14:30", s.srv.URL + "/partner/people/"} {
			if !strings.Contains(body, want) {
				t.Errorf("the partner's email lacks %q:\n%s", want, body)
			}
		}
		if lines := strings.Split(body, "\n"); !strings.HasPrefix(lines[len(lines)-1], s.srv.URL+"/partner/people/") {
			t.Errorf("the link is not on its own last line:\n%s", body)
		}
		if s.count("SELECT COUNT(*) FROM messages WHERE recipient = $1 AND learner_id IS NULL AND kind = 'partner_status'", referrer) == 0 {
			t.Error("the partner's email is not on the record of messages")
		}

		// The appointments package's hook: an interview booked is told to the partner.
		var appointment int64
		s.app.DB.QueryRowContext(ctx, "SELECT id FROM appointments WHERE learner_id = $1", referred).Scan(&appointment)
		if err := s.app.DB.Tx(ctx, func(tx *sql.Tx) error {
			return s.app.Partners.AppointmentChanged(ctx, tx, referred, appointment)
		}); err != nil {
			t.Fatal(err)
		}
		s.drain()
		mails = s.mailsTo(referrer)[partnerMails+1:]
		if len(mails) != 1 || !strings.Contains(mails[0].Body, web.FormatDate(fr, tomorrow)+" à 14:30, Centre social des Moulins") {
			t.Errorf("the partner is not told of the interview: %+v", mails)
		}
	})
}

var offerLink = regexp.MustCompile(`/o/([a-z0-9]{12})\?lang=([a-z]{2})$`)

// linkIn is the path of the offer link on the last line of an SMS.
func linkIn(t *testing.T, body string) string {
	t.Helper()
	lines := strings.Split(body, "\n")
	last := lines[len(lines)-1]
	m := offerLink.FindStringSubmatch(last)
	if m == nil || strings.ContainsAny(last, "\u2066\u2069") {
		t.Fatalf("no offer link alone on the last line: %q", body)
	}
	return m[0]
}

// A seat freed goes to the first person waiting, who is sent a link: the page,
// in their language, says until when they may answer, with two buttons. Declining
// passes the seat to the next person, who accepts and is enrolled. Past the
// deadline, the link takes no answer and gives the antenna's phone.
func TestWaitlistOfferIsAnsweredFromItsLinkBeforeTheDeadline(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		fr, ar := i18n.For("fr"), i18n.For("ar")
		manager := s.signIn("manager.lille@tremplin.example")
		cohort := s.futureCohort("Lille", "Centre social des Moulins", 1)
		seated := s.learner("Lille", "Paul", "Girard")
		s.enrol(cohort, seated)
		people := map[string]int64{}
		for _, p := range []struct{ name, phone, lang string }{
			{"Amal", "+33622222222", "ar"}, {"Chloé", "+33633333333", "fr"}, {"Dina", "+33644444444", "fr"}, {"Élise", "+33655555555", "fr"}} {
			id := s.learner("Lille", p.name, "Attente")
			s.contactOf(id, p.phone, "", p.lang)
			if err := training.Waitlist(ctx, s.app.DB, mustID(cohort), id, 0); err != nil {
				t.Fatal(err)
			}
			people[p.name] = id
		}
		withdraw := func(learner int64) {
			t.Helper()
			var enrolment int64
			s.app.DB.QueryRowContext(ctx, "SELECT id FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", cohort, learner).Scan(&enrolment)
			if p := manager.post(fmt.Sprintf("/enrolments/%d/withdraw", enrolment), nil); p.status != http.StatusSeeOther {
				t.Fatalf("withdraw: %d", p.status)
			}
		}

		// Paul leaves: Amal, first in line, is offered the seat, in Arabic.
		withdraw(seated)
		s.drain()
		if got := s.enrolmentState(fmt.Sprint(people["Amal"]), cohort); got != training.Offered {
			t.Fatalf("Amal is %s", got)
		}
		sms := s.smsTo("+33622222222")
		if len(sms) != 1 {
			t.Fatalf("%d SMS to Amal", len(sms))
		}
		loc := training.Location("Europe/Paris")
		y, m, d := morning().Date()
		deadline := time.Date(y, m, d+training.OfferDays, training.OfferHour, 0, 0, 0, loc)
		for _, want := range []string{"الاستقلالية الرقمية", "\u206620:00\u2069", ar.T("weekday." + fmt.Sprint(int(deadline.Weekday())))} {
			if !strings.Contains(sms[0], want) {
				t.Errorf("the offer lacks %q: %q", want, sms[0])
			}
		}
		link := linkIn(t, sms[0])
		if !strings.HasSuffix(link, "?lang=ar") {
			t.Errorf("the link %s does not open in Arabic", link)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE learner_id = $1 AND kind = 'offer' AND expires_at = $2", people["Amal"], db.FormatTime(deadline)); n != 1 {
			t.Errorf("%d offers to Amal expiring at the deadline", n)
		}

		// Her page, no account: the seat, the deadline, two buttons.
		amal := s.browser()
		page := amal.get(link)
		body := html.UnescapeString(page.body)
		if page.status != http.StatusOK || !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, ar.T("training.offer_accept")) ||
			!strings.Contains(body, ar.T("training.offer_decline")) || !strings.Contains(body, "20:00") || !strings.Contains(body, "الاستقلالية الرقمية") {
			t.Fatalf("the offer page: %d\n%s", page.status, body)
		}
		if page.header.Get("Cache-Control") != "no-store" {
			t.Error("the offer page may be kept in a cache")
		}
		if p := s.browser().get("/o/aaaaaaaaaaaa"); p.status != http.StatusNotFound {
			t.Errorf("an unknown link: %d", p.status)
		}

		// She declines: the seat goes to Chloé, who is sent her own link.
		path, _, _ := strings.Cut(link, "?")
		if p := amal.post(path+"?lang=ar", url.Values{"answer": {"decline"}}); p.status != http.StatusSeeOther {
			t.Fatalf("decline: %d", p.status)
		}
		if got := s.enrolmentState(fmt.Sprint(people["Amal"]), cohort); got != training.Withdrawn {
			t.Fatalf("Amal declined but is %s", got)
		}
		if body := html.UnescapeString(amal.get(link).body); !strings.Contains(body, ar.T("training.offer_declined")) ||
			strings.Contains(body, ar.T("training.offer_accept")) {
			t.Errorf("the page after declining:\n%s", body)
		}
		s.drain()
		if got := s.enrolmentState(fmt.Sprint(people["Chloé"]), cohort); got != training.Offered {
			t.Fatalf("Chloé is %s", got)
		}
		sms = s.smsTo("+33633333333")
		if len(sms) != 1 || !strings.Contains(sms[0], "Autonomie numérique") || !strings.Contains(sms[0], "20:00") {
			t.Fatalf("the offer to Chloé: %q", sms)
		}
		chloe := s.browser()
		link = linkIn(t, sms[0])
		path, _, _ = strings.Cut(link, "?")
		if p := chloe.post(path, url.Values{"answer": {"accept"}}); p.status != http.StatusSeeOther {
			t.Fatalf("accept: %d", p.status)
		}
		if got := s.enrolmentState(fmt.Sprint(people["Chloé"]), cohort); got != training.Enrolled {
			t.Fatalf("Chloé accepted but is %s", got)
		}
		if got := s.status(people["Chloé"]); got != learners.Enrolled {
			t.Errorf("Chloé's file says %s", got)
		}
		// A second tap changes nothing, and she is told once.
		chloe.post(path, url.Values{"answer": {"accept"}})
		if body := html.UnescapeString(chloe.get(link).body); !strings.Contains(body, fr.T("training.offer_enrolled")) {
			t.Errorf("the page after accepting:\n%s", body)
		}
		s.drain()
		if n := len(s.smsTo("+33633333333")); n != 2 || !strings.Contains(s.smsTo("+33633333333")[1], "confirmée") {
			t.Errorf("Chloé got %d SMS: %q", n, s.smsTo("+33633333333"))
		}
		if got := s.enrolmentState(fmt.Sprint(people["Dina"]), cohort); got != training.Waitlisted {
			t.Errorf("Dina is %s while the seat is taken", got)
		}

		// Chloé leaves too: Dina is offered the seat, and does not answer in time.
		withdraw(people["Chloé"])
		s.drain()
		sms = s.smsTo("+33644444444")
		if len(sms) != 1 {
			t.Fatalf("%d SMS to Dina", len(sms))
		}
		link = linkIn(t, sms[0])
		path, _, _ = strings.Cut(link, "?")
		threeDaysOn := s.later(3 * 24 * time.Hour)
		dina := threeDaysOn.browser()
		body = html.UnescapeString(dina.get(link).body)
		if !strings.Contains(body, fr.T("training.offer_too_late")) || !strings.Contains(body, `+33 3 20 00 00 01</a>`) ||
			strings.Contains(body, fr.T("training.offer_accept")) {
			t.Fatalf("the page past the deadline:\n%s", body)
		}
		if p := dina.post(path, url.Values{"answer": {"accept"}}); p.status != http.StatusSeeOther {
			t.Fatalf("late answer: %d", p.status)
		}
		if got := s.enrolmentState(fmt.Sprint(people["Dina"]), cohort); got != training.Offered {
			t.Errorf("a late answer changed the offer: %s", got)
		}
		// On time, the same link still takes her answer.
		if body := html.UnescapeString(s.browser().get(link).body); !strings.Contains(body, fr.T("training.offer_accept")) {
			t.Errorf("the link does not take an answer before the deadline:\n%s", body)
		}

		// Past the deadline the seat is not held for her: the periodic job withdraws
		// the offer, gives the seat to Élise, next in line, and tells Dina whom to call.
		if n, err := threeDaysOn.app.Training.LapseOffers(ctx); err != nil || n != 1 {
			t.Fatalf("lapsed offers: %d, %v", n, err)
		}
		var reason string
		s.app.DB.QueryRowContext(ctx, "SELECT ended_reason FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", cohort, people["Dina"]).Scan(&reason)
		if got := s.enrolmentState(fmt.Sprint(people["Dina"]), cohort); got != training.Withdrawn || reason != training.OfferExpired {
			t.Errorf("Dina's lapsed offer: %s (%q)", got, reason)
		}
		if got := s.enrolmentState(fmt.Sprint(people["Élise"]), cohort); got != training.Offered {
			t.Errorf("Élise is %s once Dina's offer lapsed", got)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE learner_id = $1 AND kind = 'offer_lapsed' AND body LIKE '%liste d''attente%'", people["Dina"]); n != 1 {
			t.Errorf("%d messages tell Dina her offer lapsed", n)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE learner_id = $1 AND kind = 'offer'", people["Élise"]); n != 1 {
			t.Errorf("%d offers sent to Élise", n)
		}
		if body := html.UnescapeString(manager.get("/cohorts/" + cohort).body); !strings.Contains(body, fr.T("training.reason.offer_expired")) {
			t.Error("the cohort page does not say Dina's offer lapsed")
		}
		// Run again, nothing more happens: Élise's own deadline is days away.
		if n, err := threeDaysOn.app.Training.LapseOffers(ctx); err != nil || n != 0 {
			t.Errorf("a second run lapsed %d offers (%v)", n, err)
		}
	})
}

// cohortToday opens a cohort of Lille's Autonomie numérique that starts today,
// with a meeting at start (today, later than morning()).
func (s *site) cohortToday(start time.Time) string {
	s.t.Helper()
	ctx := context.Background()
	var prog, aid, pid int64
	fmt.Sscan(s.antennaID("Lille"), &aid)
	fmt.Sscan(s.placeID("Centre social des Moulins"), &pid)
	s.app.DB.QueryRowContext(ctx, "SELECT id FROM programmes WHERE title = 'Autonomie numérique'").Scan(&prog)
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	c := &training.Cohort{ProgrammeID: prog, AntennaID: aid, PlaceID: pid, Capacity: 5, StartsOn: day, EndsOn: day.AddDate(0, 0, 20), Timezone: "Europe/Paris"}
	if _, err := training.SaveCohort(ctx, s.app.DB, c, 0); err != nil {
		s.t.Fatal(err)
	}
	if err := training.SetCohortState(ctx, s.app.DB, c.ID, "open"); err != nil {
		s.t.Fatal(err)
	}
	if _, err := training.AddMeetings(ctx, s.app.DB, c.ID, []training.Slot{{Start: start, End: start.Add(2 * time.Hour)}}); err != nil {
		s.t.Fatal(err)
	}
	return fmt.Sprint(c.ID)
}

// A meeting moved to another time and place is told to everyone enrolled (in
// their language), and the reminders queued for it are cancelled; a meeting
// cancelled on its day, or a cohort cancelled on its first day, is told at once
// even in quiet hours (urgent).
func TestMovedOrCancelledMeetingsAreToldAndTheirRemindersCancelled(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		manager := s.signIn("manager.lille@tremplin.example")
		cohort := s.futureCohort("Lille", "Centre social des Moulins", 3)
		meeting, first := s.firstMeetingOf(cohort)
		paul, amal := s.learner("Lille", "Paul", "Girard"), s.learner("Lille", "أمل", "Haddad")
		s.contactOf(paul, "+33611111111", "paul@example.org", "fr")
		s.contactOf(amal, "+33622222222", "", "ar")
		s.enrol(cohort, paul)
		s.enrol(cohort, amal)

		// A reminder of the meeting, queued as the planner does, 48 hours before.
		var aid int64
		fmt.Sscan(s.antennaID("Lille"), &aid)
		if err := s.app.DB.Tx(ctx, func(tx *sql.Tx) error {
			_, err := s.app.Outbox.Add(ctx, tx, messages.Message{Antenna: aid, Learner: paul, Channel: messages.SMS, Kind: "reminder", Lang: "fr",
				To: "+33611111111", Body: "Rappel : séance demain à 09:00.", SendAt: first.Add(-messages.ReminderBefore), Expires: first,
				RefKind: "meeting", RefID: meeting})
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// Moved to the afternoon, at La Grappe.
		p := manager.post(fmt.Sprintf("/meetings/%d", meeting), url.Values{"date": {first.Format(time.DateOnly)}, "start": {"14:00"}, "end": {"17:00"},
			"place": {s.placeID("La Grappe – tiers-lieu")}, "adviser": {""}, "confirm": {"yes"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("move: %d %v\n%s", p.status, errorsOf(p.body), s.logs.String())
		}
		var state, reason string
		s.app.DB.QueryRowContext(ctx, "SELECT state, reason FROM messages WHERE kind = 'reminder' AND ref_id = $1", meeting).Scan(&state, &reason)
		if state != messages.Cancelled || reason != messages.ReasonChanged {
			t.Errorf("the reminder of the moved meeting is %s (%s)", state, reason)
		}
		s.drain()
		french := s.smsTo("+33611111111")
		if len(french) != 1 {
			t.Fatalf("%d SMS to Paul: %q", len(french), french)
		}
		for _, want := range []string{"Autonomie numérique", "09:00", "14:00", "La Grappe – tiers-lieu, 45 rue du Faubourg de Roubaix", "+33 3 20 00 00 01"} {
			if !strings.Contains(french[0], want) {
				t.Errorf("Paul's SMS lacks %q: %s", want, french[0])
			}
		}
		if mails := s.mailsTo("paul@example.org"); len(mails) != 1 || !strings.Contains(mails[0].Subject, "Autonomie numérique") {
			t.Errorf("Paul's email: %+v", mails)
		}
		arabic := s.smsTo("+33622222222")
		if len(arabic) != 1 || !strings.Contains(arabic[0], "\u206614:00\u2069") || !strings.Contains(arabic[0], "\u206609:00\u2069") ||
			!strings.Contains(arabic[0], "تغيّرت حصة «الاستقلالية الرقمية»") {
			t.Errorf("Amal's SMS: %q", arabic)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE kind = 'meeting_moved' AND ref_id = $1 AND urgent", meeting); n != 0 {
			t.Errorf("a move a month ahead went as urgent (%d)", n)
		}
		// Saved again unchanged: nobody is told twice.
		manager.post(fmt.Sprintf("/meetings/%d", meeting), url.Values{"date": {first.Format(time.DateOnly)}, "start": {"14:00"}, "end": {"17:00"},
			"place": {s.placeID("La Grappe – tiers-lieu")}, "adviser": {""}, "confirm": {"yes"}})
		if n := s.count("SELECT COUNT(*) FROM messages WHERE kind = 'meeting_moved' AND ref_id = $1", meeting); n != 3 {
			t.Errorf("%d messages about the move, want 3 (two SMS, one email)", n)
		}

		// Cancelled, then restored: told each time.
		if p := manager.post(fmt.Sprintf("/meetings/%d/cancel", meeting), nil); p.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", p.status)
		}
		s.drain()
		if p := manager.post(fmt.Sprintf("/meetings/%d/restore", meeting), nil); p.status != http.StatusSeeOther {
			t.Fatalf("restore: %d", p.status)
		}
		s.drain()
		if french = s.smsTo("+33611111111"); len(french) != 3 || !strings.Contains(french[1], "est annulée") || !strings.Contains(french[2], "a bien lieu") {
			t.Errorf("Paul after a cancellation and a restoration: %q", french)
		}

		// Today: a meeting at 18:00 cancelled, and a cohort starting today cancelled.
		y, m, d := morning().Date()
		today := s.cohortToday(time.Date(y, m, d, 18, 0, 0, 0, morning().Location()))
		ines := s.learner("Lille", "Inès", "Moreau")
		s.contactOf(ines, "+33655555555", "", "fr")
		s.enrol(today, ines)
		tonight, _ := s.firstMeetingOf(today)
		if p := manager.post(fmt.Sprintf("/meetings/%d/cancel", tonight), nil); p.status != http.StatusSeeOther {
			t.Fatalf("cancel tonight's meeting: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE kind = 'meeting_cancelled' AND ref_id = $1 AND urgent", tonight); n != 1 {
			t.Errorf("%d urgent messages about tonight's meeting, want 1", n)
		}
		if p := manager.post("/cohorts/"+today+"/cancel", url.Values{"confirm": {"yes"}}); p.status != http.StatusSeeOther {
			t.Fatalf("cancel today's cohort: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE kind = 'cohort_cancelled' AND ref_id = $1 AND urgent", today); n != 1 {
			t.Errorf("%d urgent messages about today's cohort, want 1", n)
		}
		s.drain()
		if sms := s.smsTo("+33655555555"); len(sms) != 2 || !strings.Contains(sms[1], "est annulée") {
			t.Errorf("Inès: %q", sms)
		}
	})
}
