package app_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

func (s *site) staffID(email string) string {
	s.t.Helper()
	var id string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM staff WHERE email = $1", email).Scan(&id); err != nil {
		s.t.Fatalf("staff %s: %v", email, err)
	}
	return id
}

// demoCohort finds a demo cohort by antenna and programme title.
func (s *site) demoCohort(antenna, programme string) string {
	s.t.Helper()
	var id string
	err := s.app.DB.QueryRowContext(context.Background(), `SELECT CAST(c.id AS TEXT) FROM cohorts c JOIN antennas a ON a.id = c.antenna_id
		JOIN programmes p ON p.id = c.programme_id WHERE a.name = $1 AND p.title = $2 ORDER BY c.id LIMIT 1`, antenna, programme).Scan(&id)
	if err != nil {
		s.t.Fatalf("cohort %s %s: %v", antenna, programme, err)
	}
	return id
}

// learner adds a person to the learners table (owned by the learners package; written
// here only as test data).
func (s *site) learner(antenna, first, last string) int64 {
	s.t.Helper()
	now := db.Now()
	id, err := s.app.DB.InsertID(context.Background(), `INSERT INTO learners (antenna_id, first_name, last_name, phone, birth_year, consent_text, consent_at, created_at, updated_at)
		VALUES ($1, $2, $3, '+33600000000', 1990, 'test', $4, $4, $4) RETURNING id`, s.antennaID(antenna), first, last, now)
	if err != nil {
		s.t.Fatal(err)
	}
	return id
}

func (s *site) enrol(cohort string, learner int64) {
	s.t.Helper()
	var id int64
	fmt.Sscan(cohort, &id)
	if _, err := training.Enrol(context.Background(), s.app.DB, id, learner, 0); err != nil {
		s.t.Fatal(err)
	}
}

func TestPublicCatalogueInFrenchAndArabic(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		p := b.get("/courses")
		body := html.UnescapeString(p.body)
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		lilleOpen := s.demoCohort("Lille", "Autonomie numérique")
		for _, want := range []string{"Nos formations gratuites", "Premiers pas numériques", "Développeur·se web", "600 heures",
			"Débutant", "Formation certifiante", `href="/register?cohort=` + lilleOpen + `"`, "places libres", "Espace Bastide",
			"Le lundi et le mercredi, de 14 h à 17 h"} {
			if !strings.Contains(body, want) {
				t.Errorf("catalogue lacks %q", want)
			}
		}
		// Sessions that have begun (Lille's and Dzaleka's first ones, a few days
		// ago) are not offered: nobody could join them from the start.
		for _, started := range []string{s.demoCohort("Lille", "Premiers pas numériques"), s.demoCohort("Dzaleka", "Premiers pas numériques")} {
			if strings.Contains(body, "cohort="+started+`"`) {
				t.Errorf("the started cohort %s is offered", started)
			}
		}
		// The finished Lille cohort is not offered.
		if finished := s.demoCohort("Lille", "Bureautique et démarches en ligne"); strings.Contains(body, "cohort="+finished+`"`) {
			t.Error("a finished cohort is offered")
		}
		if strings.Contains(body, "<form") && strings.Contains(body, "logout") {
			t.Error("a visitor sees staff controls")
		}

		b.lang = "ar"
		p = b.get("/courses?antenna=" + s.antennaID("Dzaleka"))
		body = html.UnescapeString(p.body)
		if p.status != http.StatusOK || !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, "دوراتنا المجانية") || !strings.Contains(body, "مبتدئ") {
			t.Fatalf("Arabic catalogue: %d\n%.2000s", p.status, body)
		}
		if strings.Contains(body, "Espace Bastide") || !strings.Contains(body, i18n.For("ar").T("training.no_session")) {
			t.Error("the antenna filter does not keep to Dzaleka, whose only session has begun")
		}
		if !strings.Contains(body, "التسجيل") {
			t.Error("no sign-up link in Arabic")
		}
		// Each session says its days and hours, in the visitor's language.
		p = b.get("/courses?antenna=" + s.antennaID("Bordeaux"))
		if body := html.UnescapeString(p.body); !strings.Contains(body, "كل الثلاثاء والخميس، من 14:00 إلى 17:00") {
			t.Errorf("Arabic catalogue does not say the days and hours:\n%.3000s", body)
		}

		var prog string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM programmes WHERE title = 'Développeur·se web'").Scan(&prog)
		p = s.browser().get("/courses/" + prog)
		if p.status != http.StatusOK || !strings.Contains(html.UnescapeString(p.body), "titre professionnel") {
			t.Fatalf("programme page: %d", p.status)
		}
		if p := s.browser().get("/courses/999999"); p.status != http.StatusNotFound {
			t.Fatalf("unknown programme: %d", p.status)
		}
	})
}

// The catalogue is kept in memory for visitors, but a seat taken shows at once,
// and a signed-in person still gets their own menu.
func TestCatalogueFollowsEnrolmentsAtOnce(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		id := s.demoCohort("Bordeaux", "Autonomie numérique")
		seats := regexp.MustCompile(`register\?cohort=` + id + `"`)
		left := func() string {
			body := html.UnescapeString(s.browser().get("/courses?antenna=" + s.antennaID("Bordeaux")).body)
			m := regexp.MustCompile(`([0-9]+) places? libres?</p>\s*<p><a class="button" href="/register\?cohort=` + id + `"`).FindStringSubmatch(body)
			if m == nil || !seats.MatchString(body) {
				t.Fatalf("no seats shown for cohort %s:\n%s", id, body)
			}
			return m[1]
		}
		before := left()
		s.enrol(id, s.learner("Bordeaux", "Léa", "Morel"))
		if after := left(); after == before {
			t.Fatalf("seats left still %s after an enrolment", after)
		}
		staff := s.signIn("manager.bordeaux@tremplin.example")
		if p := staff.get("/courses"); !strings.Contains(p.body, `action="/logout"`) {
			t.Fatal("a signed-in manager got the visitors' copy of the catalogue")
		}
	})
}

var cohortLocation = regexp.MustCompile(`^/cohorts/([0-9]+)$`)

// A manager creates a programme and a cohort, opens it and builds its timetable
// with a weekly recurrence that skips a holiday; a meeting outside the cohort's
// dates or ending before it starts is refused next to the field, input kept.
func TestManagerBuildsACohortAndItsTimetable(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		m := s.signIn("manager.lille@tremplin.example")
		p := m.post("/programmes", url.Values{"title": {"Atelier smartphone"}, "level": {"debutant"}, "total_hours": {"20"}, "description": {"Bien utiliser son téléphone."}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("programme: %d %v", p.status, errorsOf(p.body))
		}
		var prog string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM programmes WHERE title = 'Atelier smartphone'").Scan(&prog)
		if p := m.post("/programmes", url.Values{"title": {""}, "level": {"expert"}, "total_hours": {"0"}}); p.status != http.StatusUnprocessableEntity || len(errorsOf(p.body)) != 3 {
			t.Fatalf("bad programme: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post("/programmes", url.Values{"title": {"Atelier smartphone"}, "level": {"avance"}, "total_hours": {"10"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["title"] == "" {
			t.Fatalf("duplicate programme title: %d %v", p.status, errorsOf(p.body))
		}

		form := url.Values{"programme": {prog}, "antenna": {s.antennaID("Lille")}, "place": {s.placeID("Centre social des Moulins")},
			"starts_on": {"2027-03-01"}, "ends_on": {"2027-03-31"}, "capacity": {"10"}, "advisers": {s.staffID("karim.lille@tremplin.example")}}
		// A place of another antenna is refused.
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("place", s.placeID("Espace Bastide"))
		if p := m.post("/cohorts", bad); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["place"] == "" {
			t.Fatalf("Bordeaux place in a Lille cohort: %d %v", p.status, errorsOf(p.body))
		}
		p = m.post("/cohorts", form)
		match := cohortLocation.FindStringSubmatch(p.header.Get("Location"))
		if p.status != http.StatusSeeOther || match == nil {
			t.Fatalf("cohort: %d %q %v", p.status, p.header.Get("Location"), errorsOf(p.body))
		}
		id := match[1]
		if p := m.post("/cohorts/"+id+"/state", url.Values{"state": {"open"}}); p.status != http.StatusSeeOther {
			t.Fatalf("open: %d", p.status)
		}
		if p := m.get("/cohorts/" + id + "/meetings/new"); p.status != http.StatusOK || valueOf(p.body, "from") != "2027-03-01" {
			t.Fatalf("meetings form: %d", p.status)
		}
		// Tuesdays and Thursdays of March 2027, 9:30–12:00, without Thursday 18th.
		weekly := url.Values{"days": {"2", "4"}, "wstart": {"09:30"}, "wend": {"12:00"},
			"from": {"2027-03-01"}, "to": {"2027-03-31"}, "skip": {"18/03/2027"}}
		// Karim already teaches the web developers then: the manager is warned,
		// by name, and confirms.
		p = m.post("/cohorts/"+id+"/meetings/weekly", weekly)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["confirm"] == "" || !strings.Contains(html.UnescapeString(p.body), "Karim Benhaddou anime déjà") {
			t.Fatalf("weekly over Karim's other classes: %d %v", p.status, errorsOf(p.body))
		}
		weekly.Set("confirm", "yes")
		p = m.post("/cohorts/"+id+"/meetings/weekly", weekly)
		if p.status != http.StatusSeeOther {
			t.Fatalf("weekly: %d %v", p.status, errorsOf(p.body))
		}
		rows, err := s.app.DB.QueryContext(context.Background(), "SELECT starts_at FROM meetings WHERE cohort_id = $1 ORDER BY starts_at", id)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		paris := training.Location("Europe/Paris")
		for rows.Next() {
			var at string
			rows.Scan(&at)
			got = append(got, db.ParseTime(at).In(paris).Format("02 15:04"))
		}
		rows.Close()
		want := "[02 09:30 04 09:30 09 09:30 11 09:30 16 09:30 23 09:30 25 09:30 30 09:30]"
		if fmt.Sprint(got) != want {
			t.Fatalf("meetings %v, want %s", got, want)
		}

		fr := i18n.For("fr")
		p = m.post("/cohorts/"+id+"/meetings", url.Values{"date": {"2027-04-02"}, "start": {"14:00"}, "end": {"16:00"}})
		if p.status != http.StatusUnprocessableEntity || html.UnescapeString(errorsOf(p.body)["date"]) != fr.T("training.meeting_outside") {
			t.Fatalf("meeting outside the dates: %d %v", p.status, errorsOf(p.body))
		}
		if valueOf(p.body, "date") != "2027-04-02" || valueOf(p.body, "start") != "14:00" || valueOf(p.body, "end") != "16:00" {
			t.Error("the typed values were not kept")
		}
		p = m.post("/cohorts/"+id+"/meetings", url.Values{"date": {"2027-03-05"}, "start": {"14:00"}, "end": {"13:00"}})
		if p.status != http.StatusUnprocessableEntity || html.UnescapeString(errorsOf(p.body)["end"]) != fr.T("training.end_before_start") {
			t.Fatalf("end before start: %d %v", p.status, errorsOf(p.body))
		}
		p = m.post("/cohorts/"+id+"/meetings/weekly", url.Values{"wstart": {"9h"}, "wend": {"12h"}, "from": {"2027-02-20"}, "to": {"2027-03-10"}, "skip": {"hier"}})
		errs := errorsOf(p.body)
		if p.status != http.StatusUnprocessableEntity || errs["days"] == "" || errs["from"] == "" || errs["skip"] == "" || errs["wend"] != "" {
			t.Fatalf("bad weekly timetable: %d %v", p.status, errs)
		}
		p = m.post("/cohorts/"+id+"/meetings", url.Values{"date": {"05/03/2027"}, "start": {"14:00"}, "end": {"17:30"}, "confirm": {"yes"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("one meeting: %d %v", p.status, errorsOf(p.body))
		}

		page := html.UnescapeString(m.get("/cohorts/" + id).body)
		for _, want := range []string{"Atelier smartphone", "9 séances", "23,5 h prévues", "Karim Benhaddou", "Inscriptions ouvertes",
			"/cohorts/" + id + "/calendar.ics?staff=", "Démarrer la session"} {
			if !strings.Contains(page, want) {
				t.Errorf("cohort page lacks %q", want)
			}
		}
		// A meeting without attendance can be deleted.
		var single string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM meetings WHERE cohort_id = $1 AND starts_at = $2", id,
			db.FormatTime(time.Date(2027, 3, 5, 14, 0, 0, 0, paris))).Scan(&single)
		if p := m.post("/meetings/"+single+"/delete", nil); p.status != http.StatusSeeOther {
			t.Fatalf("delete meeting %q: %d", single, p.status)
		}
		// Dates that would leave meetings outside are refused.
		form.Set("ends_on", "2027-03-20")
		if p := m.post("/cohorts/"+id, form); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["starts_on"] == "" {
			t.Fatalf("shrinking the dates: %d %v", p.status, errorsOf(p.body))
		}
	})
}

// The capacity cannot go below the people who already have a seat.
func TestCapacityBelowEnrolledIsRefused(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		m := s.signIn("manager.lille@tremplin.example")
		id := s.demoCohort("Lille", "Premiers pas numériques")
		for _, n := range []string{"Awa", "Bilal", "Chloé"} {
			s.enrol(id, s.learner("Lille", n, "Test"))
		}
		var taken int // the learners package's demo may have enrolled people too
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM enrolments WHERE cohort_id = $1 AND state IN ('enrolled', 'offered')", id).Scan(&taken)
		p := m.get("/cohorts/" + id + "/edit")
		form := url.Values{}
		for _, f := range []string{"programme", "place", "starts_on", "ends_on"} {
			form.Set(f, valueOf(p.body, f))
		}
		form.Set("programme", regexp.MustCompile(`<option value="([0-9]+)" selected>`).FindStringSubmatch(p.body)[1])
		form.Set("place", s.placeID("La Grappe – tiers-lieu"))
		form.Set("capacity", fmt.Sprint(taken-1))
		p = m.post("/cohorts/"+id, form)
		if p.status != http.StatusUnprocessableEntity || html.UnescapeString(errorsOf(p.body)["capacity"]) != i18n.For("fr").T("training.capacity_below_taken") {
			t.Fatalf("capacity %d with %d enrolled: %d %v", taken-1, taken, p.status, errorsOf(p.body))
		}
		if valueOf(p.body, "capacity") != fmt.Sprint(taken-1) {
			t.Error("the typed capacity was not kept")
		}
		var capacity int
		s.app.DB.QueryRowContext(context.Background(), "SELECT capacity FROM cohorts WHERE id = $1", id).Scan(&capacity)
		if capacity != 12 {
			t.Fatalf("capacity changed to %d", capacity)
		}
		form.Set("capacity", fmt.Sprint(taken))
		if p := m.post("/cohorts/"+id, form); p.status != http.StatusSeeOther {
			t.Fatalf("capacity %d with %d enrolled: %d %v", taken, taken, p.status, errorsOf(p.body))
		}
		var state string
		s.app.DB.QueryRowContext(context.Background(), "SELECT state FROM cohorts WHERE id = $1", id).Scan(&state)
		if state != "full" {
			t.Fatalf("state %s with every seat taken", state)
		}
	})
}

// A Lille manager who types a Bordeaux cohort's URL gets the 404 page and cannot
// change it; a Lille adviser sees Lille's cohorts but cannot edit them.
func TestCohortsStayWithinTheirAntenna(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.signIn("manager.lille@tremplin.example")
		bordeaux := s.demoCohort("Bordeaux", "Autonomie numérique")
		var meeting string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(MIN(id) AS TEXT) FROM meetings WHERE cohort_id = $1", bordeaux).Scan(&meeting)
		for _, path := range []string{"/cohorts/" + bordeaux, "/cohorts/" + bordeaux + "/edit", "/cohorts/" + bordeaux + "/meetings/new", "/meetings/" + meeting + "/attendance"} {
			p := lille.get(path)
			if p.status != http.StatusNotFound || strings.Contains(p.body, "Espace Bastide") {
				t.Errorf("GET %s: %d", path, p.status)
			}
		}
		for path, form := range map[string]url.Values{
			"/cohorts/" + bordeaux:                      {"capacity": {"1"}},
			"/cohorts/" + bordeaux + "/state":           {"state": {"cancelled"}},
			"/cohorts/" + bordeaux + "/meetings":        {"date": {"2027-01-01"}, "start": {"09:00"}, "end": {"10:00"}},
			"/cohorts/" + bordeaux + "/offer":           {},
			"/meetings/" + meeting + "/delete":          {},
			"/meetings/" + meeting + "/attendance":      {"meeting": {meeting}},
			"/cohorts/" + bordeaux + "/meetings/weekly": {"days": {"1"}},
		} {
			if p := lille.post(path, form); p.status != http.StatusNotFound {
				t.Errorf("POST %s: %d", path, p.status)
			}
		}
		if list := html.UnescapeString(lille.get("/cohorts").body); strings.Contains(list, "Bordeaux") || !strings.Contains(list, "La Grappe") {
			t.Error("the Lille manager's cohort list is not Lille's")
		}
		var state string
		s.app.DB.QueryRowContext(context.Background(), "SELECT state FROM cohorts WHERE id = $1", bordeaux).Scan(&state)
		if state != "open" {
			t.Fatalf("the Bordeaux cohort was changed: %s", state)
		}

		karim := s.signIn("karim.lille@tremplin.example")
		mine := s.demoCohort("Lille", "Premiers pas numériques")
		if p := karim.get("/cohorts/" + mine); p.status != http.StatusOK || strings.Contains(p.body, "/edit") {
			t.Errorf("adviser on a Lille cohort: %d", p.status)
		}
		if p := karim.get("/cohorts/" + mine + "/edit"); p.status != http.StatusForbidden {
			t.Errorf("adviser edits a cohort: %d", p.status)
		}
	})
}

// cohortFeed is the address of a cohort's feed its page shows to b, without the
// host.
func cohortFeed(t *testing.T, b *browser, id string) string {
	t.Helper()
	feed := regexp.MustCompile(`href="http://[^/"]+(/cohorts/` + id + `/calendar\.ics\?staff=[0-9]+&amp;token=[a-z0-9]+)"`).FindStringSubmatch(b.get("/cohorts/" + id).body)
	if feed == nil {
		t.Fatal("the cohort page shows no feed address")
	}
	return html.UnescapeString(feed[1])
}

// Calendar apps get the feed with the secret in the URL, and nobody gets it without.
func TestCalendarFeedsNeedTheirToken(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		id := s.demoCohort("Dzaleka", "Premiers pas numériques")
		visitor := s.browser()
		for _, q := range []string{"", "?token=", "?token=wrong"} {
			if p := visitor.get("/cohorts/" + id + "/calendar.ics" + q); p.status != http.StatusNotFound || strings.Contains(p.body, "VCALENDAR") {
				t.Errorf("feed with %q: %d", q, p.status)
			}
		}
		adviser := s.signIn("adviser.dzaleka@tremplin.example")
		p := visitor.get(cohortFeed(t, adviser, id))
		if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/calendar") ||
			!strings.HasPrefix(p.body, "BEGIN:VCALENDAR\r\n") || !strings.Contains(p.body, "TZID:Africa/Blantyre") ||
			!strings.Contains(p.body, "DTSTART;TZID=Africa/Blantyre:") {
			t.Fatalf("cohort feed: %d %q\n%.600s", p.status, p.header.Get("Content-Type"), p.body)
		}
		// The cohort's own secret of old opens nothing, nor a staff member's
		// secret a cohort of another antenna.
		var tok string
		s.app.DB.QueryRowContext(context.Background(), "SELECT feed_token FROM cohorts WHERE id = $1", id).Scan(&tok)
		if p := visitor.get("/cohorts/" + id + "/calendar.ics?token=" + tok); p.status != http.StatusNotFound {
			t.Errorf("feed with the cohort's own token: %d", p.status)
		}
		other := s.demoCohort("Lille", "Premiers pas numériques")
		mineFeed := cohortFeed(t, adviser, id)
		if p := visitor.get(strings.Replace(mineFeed, "/cohorts/"+id+"/", "/cohorts/"+other+"/", 1)); p.status != http.StatusNotFound {
			t.Errorf("a Dzaleka adviser's secret opens a Lille cohort's feed: %d", p.status)
		}

		mine := adviser.get("/meetings")
		personal := regexp.MustCompile(`href="http://[^/"]+(/advisers/([0-9]+)/calendar\.ics\?token=([a-z0-9]+))"`).FindStringSubmatch(mine.body)
		if mine.status != http.StatusOK || personal == nil || !strings.Contains(mine.body, "/meetings/") {
			t.Fatalf("my meetings: %d", mine.status)
		}
		if p := visitor.get(personal[1]); p.status != http.StatusOK || !strings.Contains(p.body, "Premiers pas numériques – Dzaleka") {
			t.Fatalf("adviser feed: %d", p.status)
		}
		if again := adviser.get("/meetings"); !strings.Contains(again.body, personal[3]) {
			t.Error("the adviser's feed address changed between two visits")
		}
		if p := visitor.get("/advisers/" + personal[2] + "/calendar.ics?token=" + tok); p.status != http.StatusNotFound {
			t.Errorf("adviser feed with a wrong token: %d", p.status)
		}
		karim := s.staffID("karim.lille@tremplin.example")
		if p := visitor.get("/advisers/" + karim + "/calendar.ics?token=" + personal[3]); p.status != http.StatusNotFound {
			t.Errorf("someone else's feed with my token: %d", p.status)
		}
	})
}

var markRadio = regexp.MustCompile(`name="mark_([0-9]+)" value="([a-z]+)" checked`)

// Attendance is taken on one page with one tap per person; saving the same page
// twice changes nothing; hours attended show on the cohort page; two absences in a
// row show on the alerts page.
func TestAttendanceRollCallAndAlerts(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		id := s.demoCohort("Lille", "Premiers pas numériques")
		ines, jo := s.learner("Lille", "Inès", "Roussel"), s.learner("Lille", "Jonas", "Lefebvre")
		s.enrol(id, ines)
		s.enrol(id, jo)
		// Three meetings of the last days, whose roll call can be taken.
		var cid int64
		fmt.Sscan(id, &cid)
		paris := training.Location("Europe/Paris")
		var past []training.Slot
		for _, ago := range []int{10, 8, 6} {
			d := time.Now().In(paris).AddDate(0, 0, -ago)
			start := time.Date(d.Year(), d.Month(), d.Day(), 9, 30, 0, 0, paris)
			past = append(past, training.Slot{Start: start, End: start.Add(150 * time.Minute)})
		}
		if _, err := training.AddMeetings(context.Background(), s.app.DB, cid, past); err != nil {
			t.Fatal(err)
		}
		var meetings []string
		rows, _ := s.app.DB.QueryContext(context.Background(), "SELECT CAST(id AS TEXT) FROM meetings WHERE cohort_id = $1 ORDER BY starts_at LIMIT 3", id)
		for rows.Next() {
			var m string
			rows.Scan(&m)
			meetings = append(meetings, m)
		}
		rows.Close()

		p := karim.get("/meetings/" + meetings[0] + "/attendance")
		if p.status != http.StatusOK || strings.Count(p.body, `type="radio"`) < 8 || !strings.Contains(p.body, "Inès Roussel") ||
			!strings.Contains(p.body, `name="meeting" value="`+meetings[0]+`"`) {
			t.Fatalf("roll call page: %d", p.status)
		}
		mark := func(meeting, forInes, forJo string) page {
			return karim.post("/meetings/"+meeting+"/attendance", url.Values{"meeting": {meeting},
				fmt.Sprintf("mark_%d", ines): {forInes}, fmt.Sprintf("mark_%d", jo): {forJo}})
		}
		for range 2 {
			if p := mark(meetings[0], "present", "late"); p.status != http.StatusSeeOther {
				t.Fatalf("save: %d", p.status)
			}
		}
		var n int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM attendance WHERE meeting_id = $1", meetings[0]).Scan(&n)
		if n != 2 {
			t.Fatalf("%d marks after saving twice", n)
		}
		if got := markRadio.FindAllStringSubmatch(karim.get("/meetings/"+meetings[0]+"/attendance").body, -1); len(got) != 2 {
			t.Fatalf("marks shown again: %v", got)
		}
		// A page of one meeting cannot write to another.
		if p := karim.post("/meetings/"+meetings[1]+"/attendance", url.Values{"meeting": {meetings[0]}, fmt.Sprintf("mark_%d", ines): {"absent"}}); p.status != http.StatusBadRequest {
			t.Fatalf("mismatched meeting: %d", p.status)
		}
		if p := mark(meetings[1], "absent", "present"); p.status != http.StatusSeeOther {
			t.Fatal(p.status)
		}
		if p := mark(meetings[2], "absent", "excused"); p.status != http.StatusSeeOther {
			t.Fatal(p.status)
		}
		if p := s.signIn("manager.lille@tremplin.example").post("/meetings/"+meetings[0]+"/delete", nil); p.status != http.StatusBadRequest {
			t.Fatalf("deleting a meeting with marks: %d", p.status)
		}
		page := html.UnescapeString(karim.get("/cohorts/" + id).body)
		if !strings.Contains(page, "2,5 h sur") || !strings.Contains(page, "5 h sur") {
			t.Errorf("hours attended are not shown:\n%s", page)
		}
		alerts := html.UnescapeString(karim.get("/attendance/alerts").body)
		if !strings.Contains(alerts, "Inès Roussel") || strings.Contains(alerts, "Jonas Lefebvre") {
			t.Errorf("alerts page:\n%s", alerts)
		}
		if other := html.UnescapeString(s.signIn("manager.bordeaux@tremplin.example").get("/attendance/alerts").body); strings.Contains(other, "Inès") {
			t.Error("Bordeaux sees Lille's absences")
		}
	})
}

// Withdrawing frees the seat for the first person waiting; staff confirm the offer;
// the learners package is told of each change.
func TestWithdrawOffersTheSeatAndStaffConfirm(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		var mu sync.Mutex
		var told []string
		s.app.Training.OnEnrolment = func(ctx context.Context, learnerID int64, state string) error {
			mu.Lock()
			defer mu.Unlock()
			told = append(told, fmt.Sprintf("%d:%s", learnerID, state))
			return nil
		}
		m := s.signIn("manager.bordeaux@tremplin.example")
		id := s.demoCohort("Bordeaux", "Autonomie numérique")
		var cid int64
		fmt.Sscan(id, &cid)
		ctx := context.Background()
		var first, waiting int64
		for i := 0; ; i++ {
			l := s.learner("Bordeaux", fmt.Sprint("P", i), "Garnier")
			if _, err := training.Enrol(ctx, s.app.DB, cid, l, 0); errors.Is(err, training.ErrCohortFull) {
				waiting = l
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = l
			}
		}
		s.app.DB.Exec(ctx, "UPDATE learners SET first_name = 'Yasmine', last_name = 'Haddad' WHERE id = $1", waiting)
		if err := training.Waitlist(ctx, s.app.DB, cid, waiting, 0); err != nil {
			t.Fatal(err)
		}
		var enrolment string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", id, first).Scan(&enrolment)
		if p := m.post("/enrolments/"+enrolment+"/withdraw", nil); p.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", p.status)
		}
		page := html.UnescapeString(m.get("/cohorts/" + id).body)
		if !strings.Contains(page, "Yasmine Haddad") || !strings.Contains(page, "Confirmer l'inscription") {
			t.Fatalf("no offer shown:\n%s", page)
		}
		var offer string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM enrolments WHERE cohort_id = $1 AND learner_id = $2 AND state = 'offered'", id, waiting).Scan(&offer)
		if p := m.post("/enrolments/"+offer+"/confirm", nil); p.status != http.StatusSeeOther {
			t.Fatalf("confirm: %d", p.status)
		}
		want := fmt.Sprintf("[%d:withdrawn %d:offered %d:enrolled]", first, waiting, waiting)
		if fmt.Sprint(told) != want {
			t.Fatalf("the learners package was told %v, want %s", told, want)
		}
		// Another antenna's enrolment cannot be touched.
		if p := s.signIn("manager.lille@tremplin.example").post("/enrolments/"+offer+"/withdraw", nil); p.status != http.StatusNotFound {
			t.Fatalf("Lille withdraws a Bordeaux enrolment: %d", p.status)
		}
	})
}

// The pages of the package stay light: the catalogue and a cohort page with its
// timetable weigh less than 30 KB on the wire with the stylesheet.
func TestTrainingPagesAreLight(t *testing.T) {
	s := newSite(t, db.SQLite)
	manager := s.signIn("manager.lille@tremplin.example")
	dev := s.demoCohort("Lille", "Développeur·se web")
	for path, b := range map[string]*browser{"/courses": s.browser(), "/cohorts/" + dev: manager, "/cohorts": manager} {
		n, _, body := rawGet(t, s, b, path)
		css, _, _ := rawGet(t, s, b, stylesheet.FindStringSubmatch(body)[1])
		if n+css > 30*1024 {
			t.Errorf("%s weighs %d bytes with its stylesheet", path, n+css)
		}
	}
}
