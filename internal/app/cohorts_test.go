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

	"tremplin/internal/learners"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/training"
)

// futureCohort opens a cohort of the antenna's first programme starting in a
// month, with three meetings, as a manager would have built it.
func (s *site) futureCohort(antenna, place string, capacity int) string {
	s.t.Helper()
	ctx := context.Background()
	var prog, aid, pid int64
	fmt.Sscan(s.antennaID(antenna), &aid)
	fmt.Sscan(s.placeID(place), &pid)
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT id FROM programmes WHERE title = 'Autonomie numérique'").Scan(&prog); err != nil {
		s.t.Fatal(err)
	}
	start := time.Now().AddDate(0, 1, 0)
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	c := &training.Cohort{ProgrammeID: prog, AntennaID: aid, PlaceID: pid, Capacity: capacity, StartsOn: day, EndsOn: day.AddDate(0, 0, 20),
		Timezone: "Europe/Paris"}
	if _, err := training.SaveCohort(ctx, s.app.DB, c, 0); err != nil {
		s.t.Fatal(err)
	}
	if err := training.SetCohortState(ctx, s.app.DB, c.ID, "open"); err != nil {
		s.t.Fatal(err)
	}
	loc := training.Location("Europe/Paris")
	var slots []training.Slot
	for i := range 3 {
		st := time.Date(day.Year(), day.Month(), day.Day()+i, 9, 0, 0, 0, loc)
		slots = append(slots, training.Slot{Start: st, End: st.Add(3 * time.Hour)})
	}
	if _, err := training.AddMeetings(ctx, s.app.DB, c.ID, slots); err != nil {
		s.t.Fatal(err)
	}
	return fmt.Sprint(c.ID)
}

// named gives a test person names the search can find.
func (s *site) named(id int64, first, last string) {
	s.t.Helper()
	if _, err := s.app.DB.Exec(context.Background(), "UPDATE learners SET first_name = $1, last_name = $2, first_key = $3, last_key = $4 WHERE id = $5",
		first, last, learners.NameKey(first), learners.NameKey(last), id); err != nil {
		s.t.Fatal(err)
	}
}

func (s *site) status(id int64) string {
	s.t.Helper()
	var st string
	s.app.DB.QueryRowContext(context.Background(), "SELECT status FROM learners WHERE id = $1", id).Scan(&st)
	return st
}

// Cancelling a cohort is no longer one click: a page shows who is concerned and
// the meetings to come, then one confirmation cancels everything, tells each person
// in their language and their referrer, and moves them back on their path. While
// no meeting has happened, the cohort can be reopened and its people enrolled again.
func TestCancellingACohortAsksFirstThenTellsEveryone(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		s.work()
		m := s.signIn("manager.lille@tremplin.example")
		id := s.futureCohort("Lille", "Centre social des Moulins", 2)

		// A person referred by a partner, positioned, then enrolled from the cohort page.
		var referred int64
		var referrer string
		err := s.app.DB.QueryRowContext(context.Background(), `SELECT rp.learner_id, pc.email FROM referral_people rp JOIN referrals r ON r.id = rp.referral_id
			JOIN partner_contacts pc ON pc.id = r.contact_id JOIN learners l ON l.id = rp.learner_id
			WHERE r.antenna_id = $1 AND pc.email <> '' AND l.status IN ('received', 'contacted', 'positioned') AND l.merged_into IS NULL
			ORDER BY rp.id LIMIT 1`, s.antennaID("Lille")).Scan(&referred, &referrer)
		if err != nil {
			t.Fatalf("no referred person in Lille: %v", err)
		}
		before := s.status(referred)
		s.app.DB.Exec(ctx, "UPDATE learners SET lang = 'ar', email = 'amal@example.org' WHERE id = $1", referred)
		if p := m.post("/cohorts/"+id+"/enrol", url.Values{"learner": {fmt.Sprint(referred)}}); p.status != http.StatusSeeOther {
			t.Fatalf("enrol from the cohort page: %d", p.status)
		}
		if got := s.status(referred); got != learners.Enrolled {
			t.Fatalf("status after enrolling %s", got)
		}
		other := s.learner("Lille", "Paul", "Girard")
		s.enrol(id, other)
		waiting := s.learner("Lille", "Inès", "Moreau")
		if err := training.Waitlist(ctx, s.app.DB, mustID(id), waiting, 0); err != nil {
			t.Fatal(err)
		}

		// One click does nothing any more.
		if p := m.post("/cohorts/"+id+"/state", url.Values{"state": {"cancelled"}}); p.status != http.StatusBadRequest {
			t.Fatalf("one-click cancel: %d", p.status)
		}
		page := m.get("/cohorts/" + id)
		if !strings.Contains(page.body, `href="/cohorts/`+id+`/cancel"`) {
			t.Fatal("no way to cancel on the cohort page")
		}
		confirm := html.UnescapeString(m.get("/cohorts/" + id + "/cancel").body)
		for _, want := range []string{"3 personnes concernées", "Paul Girard", "Inès Moreau", "1 sur la liste d'attente", "3 séances à venir annulées",
			"Oui, annuler la session"} {
			if !strings.Contains(confirm, want) {
				t.Errorf("confirmation page lacks %q", want)
			}
		}
		if p := m.post("/cohorts/"+id+"/cancel", nil); p.status != http.StatusBadRequest {
			t.Fatalf("cancel without confirming: %d", p.status)
		}
		if p := s.signIn("manager.bordeaux@tremplin.example").get("/cohorts/" + id + "/cancel"); p.status != http.StatusNotFound {
			t.Fatalf("Bordeaux's manager on a Lille cohort: %d", p.status)
		}
		s.drain()
		sms0, mails0 := len(s.outbox.SMSSent()), len(s.outbox.Sent())
		if p := m.post("/cohorts/"+id+"/cancel", url.Values{"confirm": {"yes"}}); p.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", p.status)
		}
		// A second tap changes nothing and tells nobody twice.
		if p := m.post("/cohorts/"+id+"/cancel", url.Values{"confirm": {"yes"}}); p.status != http.StatusSeeOther {
			t.Fatalf("cancel again: %d", p.status)
		}
		s.drain()
		var state string
		var standing, seats int
		s.app.DB.QueryRowContext(context.Background(), "SELECT state FROM cohorts WHERE id = $1", id).Scan(&state)
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM meetings WHERE cohort_id = $1 AND cancelled_at = ''", id).Scan(&standing)
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM enrolments WHERE cohort_id = $1 AND state <> 'withdrawn'", id).Scan(&seats)
		if state != "cancelled" || standing != 0 || seats != 0 {
			t.Fatalf("after cancelling: state %s, %d meetings standing, %d places held", state, standing, seats)
		}
		// Only the news of the cancellation: the demo's reminders may leave their
		// quiet hours (08:00 in Lille) while the test runs.
		var sms []notify.SentSMS
		for _, m := range s.outbox.SMSSent()[sms0:] {
			if s.count("SELECT COUNT(*) FROM messages WHERE id = $1 AND kind = 'cohort_cancelled'", mustID(m.Reference)) == 1 {
				sms = append(sms, m)
			}
		}
		if len(sms) != 3 {
			t.Fatalf("%d SMS sent, want 3: %v", len(sms), sms)
		}
		ar := i18n.For("ar")
		var arabic, french int
		for _, m := range sms {
			if strings.Contains(m.Body, "أُلغي") {
				arabic++
				// "Tremplin", the date's digits and the antenna's phone read left to
				// right inside the Arabic sentence: each run is isolated.
				if !strings.Contains(m.Body, "\u2066Tremplin\u2069") || !strings.Contains(m.Body, "\u2069") ||
					strings.Count(m.Body, "\u2066") < 3 {
					t.Errorf("Arabic SMS without its left-to-right runs isolated: %q", m.Body)
				}
			}
			if strings.Contains(m.Body, "est annulée") {
				french++
			}
		}
		if arabic != 1 || french != 2 {
			t.Fatalf("SMS in Arabic %d, in French %d: %v", arabic, french, sms)
		}
		var toLearner, toReferrer bool
		for _, e := range s.outbox.Sent()[mails0:] {
			toLearner = toLearner || (e.To == "amal@example.org" && strings.Contains(e.Subject, strings.Split(ar.T("training.cancel_email_subject"), ":")[0]))
			toReferrer = toReferrer || e.To == referrer
		}
		if !toLearner || !toReferrer {
			t.Fatalf("emails: to the person %v, to the referrer %v", toLearner, toReferrer)
		}
		if got := s.status(referred); got != before {
			t.Fatalf("the referred person is %s, want back to %s", got, before)
		}
		if got := s.status(other); got == learners.Enrolled {
			t.Fatal("Paul is still enrolled")
		}
		file := html.UnescapeString(m.get(fmt.Sprintf("/learners/%d", referred)).body)
		if !strings.Contains(file, "la session a été annulée") {
			t.Error("the file does not say the session was cancelled")
		}
		page = m.get("/cohorts/" + id)
		body := html.UnescapeString(page.body)
		if !strings.Contains(body, "Session annulée le") || !strings.Contains(body, "Responsable") && !strings.Contains(body, "par ") {
			t.Errorf("the cohort page does not say who cancelled it")
		}

		// Reopened while no meeting has happened: the meetings come back, the people are listed to enrol again.
		if p := m.post("/cohorts/"+id+"/reopen", nil); p.status != http.StatusSeeOther {
			t.Fatalf("reopen: %d", p.status)
		}
		s.app.DB.QueryRowContext(context.Background(), "SELECT state FROM cohorts WHERE id = $1", id).Scan(&state)
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM meetings WHERE cohort_id = $1 AND cancelled_at = ''", id).Scan(&standing)
		if state != "open" || standing != 3 {
			t.Fatalf("after reopening: state %s, %d meetings", state, standing)
		}
		body = html.UnescapeString(m.get("/cohorts/" + id).body)
		if !strings.Contains(body, "Personnes inscrites avant l'annulation") || !strings.Contains(body, "Paul Girard") ||
			!regexp.MustCompile(`name="learner" value="`+fmt.Sprint(other)+`"`).MatchString(body) {
			t.Fatal("the former people are not offered to enrol again")
		}
		if p := m.post("/cohorts/"+id+"/enrol", url.Values{"learner": {fmt.Sprint(other)}}); p.status != http.StatusSeeOther || s.status(other) != learners.Enrolled {
			t.Fatalf("enrol again: %d %s", p.status, s.status(other))
		}
		var logged int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM cohort_log WHERE cohort_id = $1 AND staff_id IS NOT NULL", id).Scan(&logged)
		if logged != 2 {
			t.Fatalf("%d log entries", logged)
		}
	})
}

func mustID(s string) int64 {
	var id int64
	fmt.Sscan(s, &id)
	return id
}

// Staff enrol from the cohort page: a search among the antenna's people not yet in
// it, the programme's waitlist, and the cohort's own waitlist a few at a time; a
// full cohort says so and offers the waitlist; the learner file's choice of cohort
// shows the seats left.
func TestEnrolFromTheCohortPageWithSeatsLeft(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		adviser := s.signIn("karim.lille@tremplin.example")
		id := s.futureCohort("Lille", "Centre social des Moulins", 2)
		zora := s.learner("Lille", "x", "y")
		s.named(zora, "Zora", "Belkacem")
		page := html.UnescapeString(adviser.get("/cohorts/" + id + "?q=belka").body)
		if !strings.Contains(page, "Zora Belkacem") || !strings.Contains(page, "2 places libres") {
			t.Fatalf("search from the cohort page:\n%s", page)
		}
		// Somebody of another antenna cannot be enrolled here.
		stranger := s.learner("Bordeaux", "x", "y")
		if p := adviser.post("/cohorts/"+id+"/enrol", url.Values{"learner": {fmt.Sprint(stranger)}}); p.status != http.StatusNotFound {
			t.Fatalf("Bordeaux person in a Lille cohort: %d", p.status)
		}
		if p := adviser.post("/cohorts/"+id+"/enrol", url.Values{"learner": {fmt.Sprint(zora)}}); p.status != http.StatusSeeOther {
			t.Fatalf("enrol: %d", p.status)
		}
		if s.status(zora) != learners.Enrolled {
			t.Fatalf("Zora is %s", s.status(zora))
		}
		if strings.Contains(html.UnescapeString(adviser.get("/cohorts/"+id+"?q=belka").body), `value="`+fmt.Sprint(zora)+`"`) {
			t.Error("someone already enrolled is offered again")
		}
		s.enrol(id, s.learner("Lille", "Last", "Seat"))
		// The learner file says the cohort is full before anything is sent.
		other := s.learner("Lille", "x", "y")
		s.named(other, "Omar", "Benali")
		file := html.UnescapeString(adviser.get(fmt.Sprintf("/learners/%d", other)).body)
		if !regexp.MustCompile(`<option value="` + id + `"[^>]*>[^<]*complet, liste d'attente</option>`).MatchString(file) {
			t.Fatalf("the decision's cohort choice does not say full:\n%s", file)
		}
		if !regexp.MustCompile(`<option value="[0-9]+"[^>]*>[^<]*places? libres?</option>`).MatchString(file) {
			t.Error("the decision's cohort choice does not show seats left")
		}
		page = html.UnescapeString(adviser.get("/cohorts/" + id + "?q=benali").body)
		if !strings.Contains(page, "La session est complète") || !strings.Contains(page, `name="waitlist"`) {
			t.Fatalf("a full cohort does not offer the waitlist:\n%s", page)
		}
		if p := adviser.post("/cohorts/"+id+"/enrol", url.Values{"learner": {fmt.Sprint(other)}}); p.status != http.StatusSeeOther {
			t.Fatalf("enrol in a full cohort: %d", p.status)
		}
		if s.status(other) == learners.Enrolled {
			t.Fatal("enrolled over capacity")
		}
		if p := adviser.post("/cohorts/"+id+"/enrol", url.Values{"learner": {fmt.Sprint(other)}, "waitlist": {"1"}}); p.status != http.StatusSeeOther || s.status(other) != learners.Waitlisted {
			t.Fatalf("waitlist from the cohort page: %d %s", p.status, s.status(other))
		}
		// Two more wait; one seat is added; three are chosen: one gets it, two are named.
		a, b := s.learner("Lille", "x", "y"), s.learner("Lille", "x", "y")
		s.named(a, "Alia", "Amrani")
		s.named(b, "Badr", "Bakri")
		for _, l := range []int64{a, b} {
			training.Waitlist(ctx, s.app.DB, mustID(id), l, 0)
		}
		s.app.DB.Exec(ctx, "UPDATE cohorts SET capacity = 3 WHERE id = $1", id)
		p := adviser.post("/cohorts/"+id+"/waitlist", url.Values{"action": {"enrol"}, "learner": {fmt.Sprint(a), fmt.Sprint(b), fmt.Sprint(other)}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("bulk enrol: %d", p.status)
		}
		var sa, sb string
		s.app.DB.QueryRowContext(context.Background(), "SELECT state FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", id, a).Scan(&sa)
		s.app.DB.QueryRowContext(context.Background(), "SELECT state FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", id, b).Scan(&sb)
		if sa != training.Enrolled || sb != training.Waitlisted || s.status(a) != learners.Enrolled {
			t.Fatalf("bulk enrol within capacity: %s %s (%s)", sa, sb, s.status(a))
		}
		page = html.UnescapeString(adviser.get(p.header.Get("Location")).body)
		if !strings.Contains(page, "Pas de place pour : Omar Benali, Badr Bakri") && !strings.Contains(page, "Pas de place pour : Badr Bakri, Omar Benali") {
			t.Fatalf("who could not be enrolled is not said:\n%s", page)
		}
		// Offering a seat to the chosen: none left.
		if p := adviser.post("/cohorts/"+id+"/waitlist", url.Values{"action": {"offer"}, "learner": {fmt.Sprint(b)}}); p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Location"), "left=") {
			t.Fatalf("offer with no seat: %d %s", p.status, p.header.Get("Location"))
		}
		// The next cohort of the programme shows the people still waiting for this one.
		next := s.futureCohort("Lille", "Centre social des Moulins", 5)
		page = html.UnescapeString(adviser.get("/cohorts/" + next).body)
		if !strings.Contains(page, "Badr Bakri") || !strings.Contains(page, "En attente d'une autre session") {
			t.Fatalf("the programme's waitlist is not offered:\n%s", page)
		}
	})
}

// Programmes belong to an antenna (its managers' own) or to the association
// (admins), can be archived or kept off the catalogue, and show French marked
// lang="fr" where a translation is missing.
func TestProgrammesOfAnAntennaArchivedAndTranslated(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.signIn("manager.lille@tremplin.example")
		prog := url.Values{"title": {"Atelier CAF"}, "level": {"debutant"}, "total_hours": {"6"}, "antenna": {s.antennaID("Bordeaux")},
			"title_en": {"Family benefits workshop"}}
		if p := lille.post("/programmes", prog); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["antenna"] == "" ||
			valueOf(p.body, "title_en") != "Family benefits workshop" {
			t.Fatalf("a Lille manager makes a Bordeaux programme: %d %v", p.status, errorsOf(p.body))
		}
		prog.Set("antenna", s.antennaID("Lille"))
		if p := lille.post("/programmes", prog); p.status != http.StatusSeeOther {
			t.Fatalf("Lille programme: %d %v", p.status, errorsOf(p.body))
		}
		pid := s.id("SELECT id FROM programmes WHERE title = 'Atelier CAF'")
		if p := s.signIn("manager.bordeaux@tremplin.example").get("/programmes/" + pid + "/edit"); p.status != http.StatusNotFound {
			t.Fatalf("Bordeaux edits Lille's programme: %d", p.status)
		}
		national := s.id("SELECT id FROM programmes WHERE title = 'Autonomie numérique'")
		if p := lille.get("/programmes/" + national + "/edit"); p.status != http.StatusNotFound {
			t.Fatalf("a manager edits the association's programme: %d", p.status)
		}
		admin := s.signIn("admin@tremplin.example")
		if p := admin.post("/programmes", url.Values{"title": {"Cybersécurité"}, "level": {"avance"}, "total_hours": {"12"}, "antenna": {""}}); p.status != http.StatusSeeOther {
			t.Fatalf("national programme by an admin: %d %v", p.status, errorsOf(p.body))
		}
		// In Arabic, the missing title is French, marked as such; in English, the translation.
		s.app.DB.Exec(context.Background(), "UPDATE staff SET lang = 'ar' WHERE email = 'admin@tremplin.example'")
		if body := admin.get("/programmes").body; !strings.Contains(body, `<h2 lang="fr">Atelier CAF</h2>`) {
			t.Fatalf("the French title is not marked lang=\"fr\" in Arabic:\n%s", body)
		}
		s.app.DB.Exec(context.Background(), "UPDATE staff SET lang = 'en' WHERE email = 'admin@tremplin.example'")
		if body := admin.get("/programmes").body; !strings.Contains(body, `<h2>Family benefits workshop</h2>`) {
			t.Fatal("the English title is not shown in English")
		}
		// Off the catalogue, then archived: gone from the public pages and from new cohorts.
		visitor := s.browser()
		if !strings.Contains(visitor.get("/courses").body, "Autonomie numérique") {
			t.Fatal("the catalogue lacks the programme before")
		}
		form := url.Values{"title": {"Autonomie numérique"}, "level": {"debutant"}, "total_hours": {"40"}, "antenna": {""}, "off_catalogue": {"on"}}
		var hours, level string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(total_hours AS TEXT), level FROM programmes WHERE id = $1", national).Scan(&hours, &level)
		form.Set("total_hours", hours)
		form.Set("level", level)
		if p := admin.post("/programmes/"+national, form); p.status != http.StatusSeeOther {
			t.Fatalf("off catalogue: %d %v", p.status, errorsOf(p.body))
		}
		if strings.Contains(visitor.get("/courses").body, "Autonomie numérique") {
			t.Fatal("a programme off the catalogue is still public")
		}
		if p := visitor.get("/courses/" + national); p.status != http.StatusNotFound {
			t.Fatalf("its page: %d", p.status)
		}
		prog.Set("archived", "on")
		if p := lille.post("/programmes/"+pid, prog); p.status != http.StatusSeeOther {
			t.Fatalf("archive: %d", p.status)
		}
		if strings.Contains(lille.get("/programmes").body, "Atelier CAF") || !strings.Contains(lille.get("/programmes?archived=1").body, "Atelier CAF") {
			t.Fatal("archived programmes are not hidden by default")
		}
		if strings.Contains(lille.get("/cohorts/new").body, "Atelier CAF") {
			t.Fatal("an archived programme is offered for a new cohort")
		}
	})
}

// The cohort list shows a page at a time, with filters, and stays light.
func TestCohortListIsPaginatedAndFiltered(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		// 60 more Lille cohorts, copies of a demo one on later dates.
		src := s.demoCohort("Lille", "Autonomie numérique")
		now := db.Now()
		for i := range 60 {
			day := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format(time.DateOnly)
			if _, err := s.app.DB.Exec(ctx, `INSERT INTO cohorts (programme_id, antenna_id, place_id, capacity, starts_on, ends_on, state, feed_token, created_at, updated_at)
				SELECT programme_id, antenna_id, place_id, capacity, $1, $1, 'draft', $2, $3, $3 FROM cohorts WHERE id = $4`,
				day, fmt.Sprint("tok", i), now, src); err != nil {
				t.Fatal(err)
			}
		}
		admin := s.signIn("admin@tremplin.example")
		card := regexp.MustCompile(`<h2><a href="/cohorts/([0-9]+)">`)
		first := admin.get("/cohorts")
		ids := card.FindAllStringSubmatch(first.body, -1)
		if first.status != http.StatusOK || len(ids) != training.CohortPageSize {
			t.Fatalf("first page: %d, %d cohorts", first.status, len(ids))
		}
		next := regexp.MustCompile(`href="/cohorts\?([^"]+)" rel="next"`).FindStringSubmatch(first.body)
		if next == nil {
			t.Fatal("no next page")
		}
		second := card.FindAllStringSubmatch(admin.get("/cohorts?"+html.UnescapeString(next[1])).body, -1)
		if len(second) != training.CohortPageSize || second[0][1] == ids[0][1] {
			t.Fatalf("second page (%s): %d cohorts", next[1], len(second))
		}
		for _, a := range ids {
			for _, b := range second {
				if a[1] == b[1] {
					t.Fatalf("cohort %s on both pages", a[1])
				}
			}
		}
		q := url.Values{"state": {"draft"}, "antenna": {s.antennaID("Lille")}, "from": {"2030-01-10"}, "to": {"2030-01-19"}}
		p := admin.get("/cohorts?" + q.Encode())
		if got := len(card.FindAllStringSubmatch(p.body, -1)); got != 10 || !strings.Contains(p.body, "10 sessions") {
			t.Fatalf("filtered: %d cohorts\n%s", got, p.body)
		}
		if p := admin.get("/cohorts?from=hier"); p.status != http.StatusOK || errorsOf(p.body)["from"] == "" {
			t.Fatalf("bad period: %d %v", p.status, errorsOf(p.body))
		}
		// A Bordeaux manager sees none of them.
		if strings.Contains(s.signIn("manager.bordeaux@tremplin.example").get("/cohorts?state=draft").body, "/cohorts/"+ids[0][1]+`"`) {
			t.Fatal("a Bordeaux manager sees Lille's cohorts")
		}
	})
}
