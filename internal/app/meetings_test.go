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

	"tremplin/internal/attendance"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

// meetingAt adds a meeting of 2 h 30 to a cohort, starting after from now, and
// returns its id.
func (s *site) meetingAt(cohort string, after time.Duration) string {
	s.t.Helper()
	var cid int64
	fmt.Sscan(cohort, &cid)
	start := time.Now().Add(after).Truncate(time.Minute)
	if _, err := training.AddMeetings(context.Background(), s.app.DB, cid, []training.Slot{{Start: start, End: start.Add(150 * time.Minute)}}); err != nil {
		s.t.Fatal(err)
	}
	var id string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM meetings WHERE cohort_id = $1 AND starts_at = $2", cohort, db.FormatTime(start)).Scan(&id); err != nil {
		s.t.Fatal(err)
	}
	return id
}

func (s *site) countMarks(meeting string) int {
	s.t.Helper()
	var n int
	s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM attendance WHERE meeting_id = $1", meeting).Scan(&n)
	return n
}

// A roll call waits for its meeting (a quarter of an hour before is fine), and
// never happens for a cancelled meeting or a cancelled cohort: the page says why
// without a button, and a forged form is refused with the reason, nothing saved.
func TestRollCallWaitsForTheMeetingAndRefusesCancelledOnes(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		id := s.demoCohort("Lille", "Premiers pas numériques")
		ines := s.learner("Lille", "Inès", "Roussel")
		s.enrol(id, ines)
		later := s.meetingAt(id, 6*24*time.Hour+3*time.Hour)
		forge := func(b *browser, meeting string) page {
			return b.post("/meetings/"+meeting+"/attendance", url.Values{"meeting": {meeting}, fmt.Sprintf("mark_%d", ines): {"present"}, "everyone": {"present"}})
		}
		noButtons := func(p page) bool {
			return strings.Contains(p.body, `id="rollcall-closed"`) && !strings.Contains(p.body, `type="radio"`) && !strings.Contains(p.body, `name="everyone"`)
		}
		p := karim.get("/meetings/" + later + "/attendance")
		if p.status != http.StatusOK || !noButtons(p) || !strings.Contains(html.UnescapeString(p.body), "La séance n'a pas encore commencé") {
			t.Fatalf("roll call of a meeting in six days: %d\n%s", p.status, p.body)
		}
		if p := forge(karim, later); p.status != http.StatusConflict || !noButtons(p) || s.countMarks(later) != 0 {
			t.Fatalf("forged roll call in advance: %d, %d marks", p.status, s.countMarks(later))
		}
		soon := s.meetingAt(id, 10*time.Minute)
		if p := forge(karim, soon); p.status != http.StatusSeeOther || s.countMarks(soon) == 0 {
			t.Fatalf("roll call ten minutes before the start: %d", p.status)
		}

		// The manager cancels the meeting: it stays on the timetable as cancelled,
		// leaves the planned hours and the feed says CANCELLED.
		manager := s.signIn("manager.lille@tremplin.example")
		before := html.UnescapeString(manager.get("/cohorts/" + id).body)
		if p := manager.post("/meetings/"+later+"/cancel", nil); p.status != http.StatusSeeOther {
			t.Fatalf("cancel: %d", p.status)
		}
		if p := manager.post("/meetings/"+soon+"/cancel", nil); p.status != http.StatusConflict {
			t.Fatalf("cancel a meeting whose roll call was taken: %d", p.status)
		}
		after := html.UnescapeString(manager.get("/cohorts/" + id).body)
		hours := regexp.MustCompile(`([0-9,]+) h prévues`)
		if !strings.Contains(after, "Séance annulée") || hours.FindString(before) == hours.FindString(after) {
			t.Fatalf("the cohort page does not show the cancellation (%s → %s)", hours.FindString(before), hours.FindString(after))
		}
		feed := s.browser().get(cohortFeed(t, manager, id)).body
		if n := strings.Count(feed, "STATUS:CANCELLED"); n != 1 {
			t.Fatalf("%d cancelled events in the feed", n)
		}
		s.app.DB.Exec(context.Background(), "UPDATE staff SET lang = 'ar' WHERE email = 'karim.lille@tremplin.example'")
		karim.lang = "ar"
		p = karim.get("/meetings/" + later + "/attendance")
		if p.status != http.StatusOK || !noButtons(p) || !strings.Contains(p.body, `dir="rtl"`) || !strings.Contains(p.body, i18n.For("ar").T("training.rollcall_cancelled")) {
			t.Fatalf("Arabic roll call of a cancelled meeting: %d", p.status)
		}
		if p := forge(karim, later); p.status != http.StatusConflict || s.countMarks(later) != 0 {
			t.Fatalf("forged roll call of a cancelled meeting: %d", p.status)
		}
		// Restored, it waits for its day again.
		if p := manager.post("/meetings/"+later+"/restore", nil); p.status != http.StatusSeeOther {
			t.Fatalf("restore: %d", p.status)
		}

		// A meeting of a cancelled cohort, even a past one, takes no roll call.
		bordeaux := s.demoCohort("Bordeaux", "Autonomie numérique")
		mb := s.signIn("manager.bordeaux@tremplin.example")
		past := s.meetingAt(bordeaux, -3*time.Hour)
		if p := mb.post("/cohorts/"+bordeaux+"/cancel", url.Values{"confirm": {"yes"}}); p.status != http.StatusSeeOther {
			t.Fatalf("cancel the cohort: %d", p.status)
		}
		p = mb.post("/meetings/"+past+"/attendance", url.Values{"meeting": {past}, "everyone": {"present"}})
		if p.status != http.StatusConflict || !strings.Contains(html.UnescapeString(p.body), "Cette session est annulée") || s.countMarks(past) != 0 {
			t.Fatalf("roll call of a cancelled cohort: %d", p.status)
		}
	})
}

// "Everyone present" marks every enrolled person without a mark in one tap, then
// the absences are changed one by one; sending either twice changes nothing.
// Alerts count past meetings only and come a page at a time.
func TestEveryonePresentThenExceptionsAndAlertPages(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		id := s.demoCohort("Lille", "Premiers pas numériques")
		s.app.DB.Exec(context.Background(), "UPDATE cohorts SET capacity = 60 WHERE id = $1", id)
		var people []int64
		for i := range 22 {
			l := s.learner("Lille", fmt.Sprintf("Personne%02d", i), "Absente")
			s.enrol(id, l)
			people = append(people, l)
		}
		var enrolled int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM enrolments WHERE cohort_id = $1 AND state = 'enrolled'", id).Scan(&enrolled)
		first, second := s.meetingAt(id, -50*time.Hour), s.meetingAt(id, -26*time.Hour)
		for range 2 {
			if p := karim.post("/meetings/"+first+"/attendance", url.Values{"meeting": {first}, "everyone": {"present"}}); p.status != http.StatusSeeOther {
				t.Fatalf("everyone present: %d", p.status)
			}
		}
		var present int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM attendance WHERE meeting_id = $1 AND mark = 'present'", first).Scan(&present)
		if present != enrolled {
			t.Fatalf("%d present of %d enrolled", present, enrolled)
		}
		// Then the exceptions, one by one: the 22 people were absent both times.
		absent := url.Values{"meeting": {first}}
		for _, l := range people {
			absent.Set(fmt.Sprintf("mark_%d", l), "absent")
		}
		if p := karim.post("/meetings/"+first+"/attendance", absent); p.status != http.StatusSeeOther {
			t.Fatalf("exceptions: %d", p.status)
		}
		absent.Set("meeting", second)
		if p := karim.post("/meetings/"+second+"/attendance", absent); p.status != http.StatusSeeOther {
			t.Fatalf("second roll call: %d", p.status)
		}
		if p := karim.post("/meetings/"+second+"/attendance", url.Values{"meeting": {second}, "everyone": {"present"}}); p.status != http.StatusSeeOther {
			t.Fatal(p.status)
		}
		var kept int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM attendance WHERE meeting_id = $1 AND mark = 'absent'", second).Scan(&kept)
		if kept != 22 {
			t.Fatalf("everyone present overwrote the absences: %d left", kept)
		}
		// Two people of the web developers' cohort (a more recent cohort) too.
		dev := s.demoCohort("Lille", "Développeur·se web")
		d1, d2 := s.meetingAt(dev, -52*time.Hour), s.meetingAt(dev, -28*time.Hour)
		for i := range 2 {
			l := s.learner("Lille", fmt.Sprintf("Dev%02d", i), "Absente")
			s.enrol(dev, l)
			for _, m := range []string{d1, d2} {
				if p := karim.post("/meetings/"+m+"/attendance", url.Values{"meeting": {m}, fmt.Sprintf("mark_%d", l): {"absent"}}); p.status != http.StatusSeeOther {
					t.Fatal(p.status)
				}
			}
		}
		// Pages hold whole cohorts: the web developers' two, then the 22 others.
		p := karim.get("/attendance/alerts")
		body := html.UnescapeString(p.body)
		if p.status != http.StatusOK || strings.Count(body, " Absente</") != 24 || strings.Contains(body, `rel="next"`) {
			t.Fatalf("alerts: %d, %d people", p.status, strings.Count(body, " Absente</"))
		}
		if strings.Index(body, "Dev00") > strings.Index(body, "Personne00") {
			t.Error("the most recent cohort does not come first")
		}
		// A page is at least 20 alerts of whole cohorts: with 20 per page and more
		// cohorts, the next page starts after the last cohort shown.
		alerts, next, err := attendance.AbsenceAlerts(context.Background(), s.app.DB, auth.Scope{All: true}, time.Now(), 0, 1)
		if err != nil || len(alerts) != 2 || next == 0 {
			t.Fatalf("a page of one: %v %d alerts, next %d", err, len(alerts), next)
		}
		if p := karim.get(fmt.Sprintf("/attendance/alerts?after=%d", next)); strings.Count(html.UnescapeString(p.body), " Absente</") != 22 || strings.Contains(p.body, "Dev00") {
			t.Fatalf("the page after the web developers:\n%s", p.body)
		}
	})
}

// "My meetings" lists the roll calls not taken, the most overdue first, then the
// next meetings; the list comes a page at a time.
func TestMyMeetingsListsOverdueRollCallsFirst(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		id := s.demoCohort("Lille", "Premiers pas numériques")
		old, recent, taken := s.meetingAt(id, -30*24*time.Hour), s.meetingAt(id, -5*time.Hour), s.meetingAt(id, -29*time.Hour)
		ines := s.learner("Lille", "Inès", "Roussel")
		s.enrol(id, ines)
		if p := karim.post("/meetings/"+taken+"/attendance", url.Values{"meeting": {taken}, "everyone": {"present"}}); p.status != http.StatusSeeOther {
			t.Fatal(p.status)
		}
		body := karim.get("/meetings").body
		at := func(m string) int { return strings.Index(body, `href="/meetings/`+m+`/attendance"`) }
		next := strings.Index(body, `id="next"`)
		if at(old) < 0 || at(recent) < 0 || at(old) > at(recent) || at(recent) > next || at(taken) >= 0 || next < 0 {
			t.Fatalf("my meetings: old %d recent %d taken %d next %d", at(old), at(recent), at(taken), next)
		}
		// Bordeaux's meetings are not Karim's.
		if strings.Contains(html.UnescapeString(body), "Bordeaux") {
			t.Error("Karim sees Bordeaux meetings")
		}
		for i := range 25 {
			s.meetingAt(id, -time.Duration(40+i)*time.Hour)
		}
		if p := karim.get("/meetings"); !strings.Contains(p.body, `href="/meetings?page=2"`) {
			t.Fatal("no second page of roll calls")
		}
		if p := karim.get("/meetings?page=2"); p.status != http.StatusOK || !strings.Contains(p.body, `href="/meetings?page=1"`) || strings.Contains(p.body, `id="next"`) {
			t.Fatalf("second page: %d", p.status)
		}
		// A manager sees their antenna's roll calls.
		if p := s.signIn("manager.lille@tremplin.example").get("/meetings"); !strings.Contains(p.body, `/meetings/`+old+`/attendance`) {
			t.Fatal("the Lille manager does not see the overdue roll call")
		}
	})
}

// A manager moves a meeting to another place, gives it to another adviser, and
// is refused a time taken by another meeting of the cohort; a place taken by
// another session is a warning to confirm, with what was typed kept.
func TestManagerEditsAMeetingAndIsWarnedOfOverlaps(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		m := s.signIn("manager.lille@tremplin.example")
		id := s.demoCohort("Lille", "Premiers pas numériques")
		paris := training.Location("Europe/Paris")
		var ids []string
		var starts []time.Time
		rows, _ := s.app.DB.QueryContext(context.Background(), "SELECT CAST(id AS TEXT), starts_at FROM meetings WHERE cohort_id = $1 AND starts_at > $2 ORDER BY starts_at LIMIT 2", id, db.Now())
		for rows.Next() {
			var mid, at string
			rows.Scan(&mid, &at)
			ids, starts = append(ids, mid), append(starts, db.ParseTime(at).In(paris))
		}
		rows.Close()
		if p := m.get("/meetings/" + ids[0] + "/edit"); p.status != http.StatusOK || valueOf(p.body, "start") != "09:30" {
			t.Fatalf("edit form: %d", p.status)
		}
		julie := s.staffID("julie.lille@tremplin.example")
		form := url.Values{"date": {starts[0].Format("2006-01-02")}, "start": {"09:00"}, "end": {"11:30"},
			"place": {s.placeID("Centre social des Moulins")}, "adviser": {julie}}
		if p := m.post("/meetings/"+ids[0], form); p.status != http.StatusSeeOther {
			t.Fatalf("save: %d %v", p.status, errorsOf(p.body))
		}
		page := html.UnescapeString(m.get("/cohorts/" + id).body)
		if !strings.Contains(page, "Centre social des Moulins") || !strings.Contains(page, "Julie") || !strings.Contains(page, "09:00–11:30") {
			t.Fatal("the cohort page does not show the meeting's new time, place and adviser")
		}
		// The second meeting's time for the first one: refused in the cohort.
		clash := url.Values{"date": {starts[1].Format("2006-01-02")}, "start": {"10:00"}, "end": {"11:00"}, "place": {s.placeID("La Grappe – tiers-lieu")}, "adviser": {""}}
		p := m.post("/meetings/"+ids[0], clash)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["start"] == "" || valueOf(p.body, "start") != "10:00" {
			t.Fatalf("overlap in the cohort: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post("/meetings/"+ids[0], withValue(clash, "confirm", "yes")); p.status != http.StatusUnprocessableEntity {
			t.Fatalf("an overlap in the cohort cannot be confirmed: %d", p.status)
		}
		// The Moulins room when "Autonomie numérique" is there: a warning naming it.
		var other string
		s.app.DB.QueryRowContext(context.Background(), "SELECT starts_at FROM meetings WHERE cohort_id = $1 ORDER BY starts_at LIMIT 1", s.demoCohort("Lille", "Autonomie numérique")).Scan(&other)
		ot := db.ParseTime(other).In(paris)
		busy := url.Values{"date": {ot.Format("2006-01-02")}, "start": {"15:00"}, "end": {"17:30"}, "place": {s.placeID("Centre social des Moulins")}, "adviser": {""}}
		var cohortEnd string
		s.app.DB.QueryRowContext(context.Background(), "SELECT ends_on FROM cohorts WHERE id = $1", id).Scan(&cohortEnd)
		p = m.post("/meetings/"+ids[0], busy)
		body := html.UnescapeString(p.body)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["confirm"] == "" || !strings.Contains(body, "Centre social des Moulins est déjà pris pour « Autonomie numérique »") ||
			valueOf(p.body, "start") != "15:00" {
			t.Fatalf("place taken: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post("/meetings/"+ids[0], withValue(busy, "confirm", "yes")); p.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %v", p.status, errorsOf(p.body))
		}
		var at string
		s.app.DB.QueryRowContext(context.Background(), "SELECT starts_at FROM meetings WHERE id = $1", ids[0]).Scan(&at)
		if got := db.ParseTime(at).In(paris).Format("2006-01-02 15:04"); got != ot.Format("2006-01-02")+" 15:00" {
			t.Fatalf("meeting now at %s", got)
		}
		// An adviser cannot edit; another antenna's manager gets the 404 page.
		if p := s.signIn("karim.lille@tremplin.example").post("/meetings/"+ids[1]+"/cancel", nil); p.status != http.StatusForbidden {
			t.Fatalf("adviser cancels: %d", p.status)
		}
		mb := s.signIn("manager.bordeaux@tremplin.example")
		for _, path := range []string{"/meetings/" + ids[1], "/meetings/" + ids[1] + "/cancel", "/meetings/" + ids[1] + "/restore"} {
			if p := mb.post(path, form); p.status != http.StatusNotFound {
				t.Errorf("Bordeaux POST %s: %d", path, p.status)
			}
		}
		if p := mb.get("/meetings/" + ids[1] + "/edit"); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux edits a Lille meeting: %d", p.status)
		}
	})
}

func withValue(v url.Values, k, value string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, value)
	return out
}

// A weekly timetable leaves out French public holidays and the antenna's
// closures, and says which days; one meeting on such a day needs a confirmation;
// planned hours beyond the programme's are a warning.
func TestTimetableSkipsHolidaysAndClosuresAndWarnsOfHours(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		m := s.signIn("manager.lille@tremplin.example")
		lille := s.antennaID("Lille")
		if p := m.get("/closures"); p.status != http.StatusOK || !strings.Contains(html.UnescapeString(p.body), "Lundi de Pentecôte") {
			t.Fatalf("closures page: %d", p.status)
		}
		p := m.post("/closures", url.Values{"antenna": {lille}, "label": {""}, "from": {"2027-05-27"}, "to": {"2027-05-24"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["label"] == "" || errorsOf(p.body)["to"] == "" || valueOf(p.body, "from") != "2027-05-27" {
			t.Fatalf("bad closure: %d %v", p.status, errorsOf(p.body))
		}
		closure := url.Values{"antenna": {lille}, "label": {"Déménagement"}, "from": {"2027-05-24"}, "to": {"2027-05-27"}}
		for range 2 {
			if p := m.post("/closures", closure); p.status != http.StatusSeeOther {
				t.Fatalf("closure: %d %v", p.status, errorsOf(p.body))
			}
		}
		if n := strings.Count(m.get("/closures").body, "Déménagement</strong>"); n != 1 {
			t.Fatalf("%d closures after sending twice", n)
		}
		if p := s.signIn("manager.bordeaux@tremplin.example").post("/closures", closure); p.status != http.StatusNotFound {
			t.Fatalf("Bordeaux closes Lille: %d", p.status)
		}
		if p := s.signIn("karim.lille@tremplin.example").get("/closures"); p.status != http.StatusForbidden {
			t.Fatalf("adviser on closures: %d", p.status)
		}

		// An eight-hour programme, its cohort in May 2027, no adviser.
		prog := &training.Programme{Title: "Atelier courriel", Level: "debutant", TotalHours: 8}
		if err := training.SaveProgramme(ctx, s.app.DB, prog); err != nil {
			t.Fatal(err)
		}
		var aid, pid int64
		fmt.Sscan(lille, &aid)
		fmt.Sscan(s.placeID("La Grappe – tiers-lieu"), &pid)
		c := &training.Cohort{ProgrammeID: prog.ID, AntennaID: aid, PlaceID: pid, Capacity: 8, Timezone: "Europe/Paris",
			StartsOn: time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2027, 5, 31, 0, 0, 0, 0, time.UTC)}
		if _, err := training.SaveCohort(ctx, s.app.DB, c, 0); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(c.ID)
		if strings.Contains(m.get("/cohorts/"+id).body, `id="hours-warning"`) {
			t.Fatal("a warning before any meeting")
		}
		// Mondays and Thursdays of May 2027, in the evening: Ascension (6th) and
		// Whit Monday (17th) are holidays, the 24th and 27th the branch is closed.
		p = m.post("/cohorts/"+id+"/meetings/weekly", url.Values{"days": {"1", "4"}, "wstart": {"18:00"}, "wend": {"20:00"}, "from": {"2027-05-01"}, "to": {"2027-05-31"}})
		loc := p.header.Get("Location")
		if p.status != http.StatusSeeOther || !strings.Contains(loc, "skipped=2027-05-06,2027-05-17,2027-05-24,2027-05-27") {
			t.Fatalf("weekly: %d %q %v", p.status, loc, errorsOf(p.body))
		}
		var n int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM meetings WHERE cohort_id = $1", id).Scan(&n)
		if n != 5 { // 3, 10, 13, 20, 31 May
			t.Fatalf("%d meetings, want 5", n)
		}
		done := html.UnescapeString(m.get(loc).body)
		for _, want := range []string{"5 séances ajoutées", "Ascension", "Lundi de Pentecôte", "Déménagement", `id="hours-warning"`, "10 h de séances sont prévues"} {
			if !strings.Contains(done, want) {
				t.Errorf("the page after adding lacks %q", want)
			}
		}
		if !strings.Contains(m.get("/cohorts/"+id).body, `id="hours-warning"`) {
			t.Error("no warning on the timetable for 10 h planned beyond the programme's 8 h")
		}
		// One meeting on Whit Monday needs a confirmation, typed values kept.
		one := url.Values{"date": {"2027-05-17"}, "start": {"10:00"}, "end": {"12:00"}}
		p = m.post("/cohorts/"+id+"/meetings", one)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["confirm"] == "" || !strings.Contains(html.UnescapeString(p.body), "Lundi de Pentecôte") || valueOf(p.body, "date") != "2027-05-17" {
			t.Fatalf("a meeting on a holiday: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post("/cohorts/"+id+"/meetings", withValue(one, "confirm", "yes")); p.status != http.StatusSeeOther {
			t.Fatalf("confirmed: %d %v", p.status, errorsOf(p.body))
		}
		// Closures can be removed, by their antenna's manager only.
		var closureID string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM antenna_closures WHERE label = 'Déménagement'").Scan(&closureID)
		if p := s.signIn("manager.bordeaux@tremplin.example").post("/closures/"+closureID+"/delete", nil); p.status != http.StatusNotFound {
			t.Fatalf("Bordeaux removes a Lille closure: %d", p.status)
		}
		if p := m.post("/closures/"+closureID+"/delete", nil); p.status != http.StatusSeeOther {
			t.Fatalf("remove: %d", p.status)
		}
	})
}
