package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

// cohortOf finds a demo cohort by antenna and programme title.
func (s *site) cohortOf(antenna, programme string) string {
	s.t.Helper()
	var id string
	if err := s.app.DB.QueryRowContext(context.Background(), `SELECT CAST(c.id AS TEXT) FROM cohorts c JOIN programmes p ON p.id = c.programme_id
		JOIN antennas a ON a.id = c.antenna_id WHERE a.name = $1 AND p.title = $2`, antenna, programme).Scan(&id); err != nil {
		s.t.Fatalf("cohort %s %s: %v", antenna, programme, err)
	}
	return id
}

func (s *site) enrolmentState(learner, cohort string) string {
	s.t.Helper()
	var st string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT state FROM enrolments WHERE learner_id = $1 AND cohort_id = $2", learner, cohort).Scan(&st); err != nil {
		s.t.Fatalf("enrolment of %s in %s: %v", learner, cohort, err)
	}
	return st
}

// parisToday is today's date in France, where the demo's Lille and Paris are.
func parisToday() string {
	return time.Now().In(training.Location("Europe/Paris")).Format(time.DateOnly)
}

// An outcome must be possible: certified only from a certifying course followed,
// completed only after hours attended, no exit ahead of time, no follow-up before
// its time; leaving frees the seat for the first person waiting.
func TestAnImpossibleExitIsRefused(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		b := s.signIn("karim.lille@tremplin.example")
		// A 60-hour basic course starting in ten days.
		cohort := s.cohortOf("Lille", "Autonomie numérique")
		amina, kevin := s.learnerID("Haddad"), s.learnerID("Lemaire")
		if p := b.post("/learners/"+amina+"/decision", url.Values{"decision": {"enrol"}, "cohort": {cohort}}); p.status != http.StatusSeeOther {
			t.Fatalf("enrol: %d %v", p.status, errorsOf(p.body))
		}
		if _, err := s.app.DB.Exec(context.Background(), `UPDATE cohorts SET capacity = (SELECT COUNT(*) FROM enrolments
			WHERE cohort_id = $1 AND state IN ('enrolled', 'offered')), state = 'full' WHERE id = $1`, cohort); err != nil {
			t.Fatal(err)
		}
		if p := b.post("/learners/"+kevin+"/decision", url.Values{"decision": {"waitlist"}, "cohort": {cohort}}); p.status != http.StatusSeeOther {
			t.Fatalf("waitlist: %d %v", p.status, errorsOf(p.body))
		}
		today := parisToday()
		tomorrow := time.Now().In(training.Location("Europe/Paris")).AddDate(0, 0, 1).Format(time.DateOnly)
		for _, c := range []struct{ outcome, day, field, key string }{
			{"certified", today, "exit_outcome", "learner.exit_certified_refused"},
			{"completed", today, "exit_outcome", "learner.exit_completed_refused"},
			{"dropped", tomorrow, "exit_date", "learner.exit_date_future"},
			{"dropped", "2020-01-01", "exit_date", "learner.exit_date_before_registration"},
		} {
			p := b.post("/learners/"+amina+"/exit", url.Values{"exit_outcome": {c.outcome}, "exit_date": {c.day}, "exit_reason": {"Motif tapé"}})
			if p.status != http.StatusUnprocessableEntity || html.UnescapeString(errorsOf(p.body)[c.field]) != fr.T(c.key) {
				t.Errorf("%s on %s: %d %v", c.outcome, c.day, p.status, errorsOf(p.body))
			}
			if !strings.Contains(p.body, "Motif tapé") || valueOf(p.body, "exit_date") != c.day {
				t.Errorf("%s on %s: what was typed is lost", c.outcome, c.day)
			}
		}
		if s.learnerStatus(amina) != "enrolled" || s.count("SELECT COUNT(*) FROM learner_followups WHERE learner_id = $1", amina) != 0 {
			t.Fatal("a refused exit was saved")
		}
		// Dropping out frees the seat: Kevin, first in line, is offered it.
		p := b.post("/learners/"+amina+"/exit", url.Values{"exit_outcome": {"dropped"}, "exit_date": {today}, "exit_reason": {"Déménage à Lyon"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("drop out: %d %v", p.status, errorsOf(p.body))
		}
		if s.learnerStatus(amina) != "dropped" || s.enrolmentState(amina, cohort) != "withdrawn" ||
			s.enrolmentState(kevin, cohort) != "offered" || s.learnerStatus(kevin) != "offered" {
			t.Fatalf("after the exit: %s %s, Kevin %s %s", s.learnerStatus(amina), s.enrolmentState(amina, cohort),
				s.enrolmentState(kevin, cohort), s.learnerStatus(kevin))
		}
		// Her +3-month follow-up cannot be recorded today.
		p = b.post("/learners/"+amina+"/followups", url.Values{"followup_milestone": {"m3"}, "followup_situation": {"cdi"}, "followup_note": {"CDI chez Decathlon"}})
		if p.status != http.StatusUnprocessableEntity || html.UnescapeString(errorsOf(p.body)["followup_milestone"]) != fr.T("followup.too_early") ||
			!strings.Contains(p.body, "CDI chez Decathlon") {
			t.Fatalf("follow-up on the day of exit: %d %v", p.status, errorsOf(p.body))
		}
		if s.count("SELECT COUNT(*) FROM learner_followups WHERE learner_id = $1 AND recorded_at <> ''", amina) != 0 {
			t.Fatal("a follow-up ahead of time was saved")
		}

		// In Paris, the certifying course has run for eight weeks: Samira attends it.
		paris := s.signIn("manager.paris@tremplin.example")
		samira, dev := s.learnerID("Benali"), s.cohortOf("Paris – Île-de-France", "Développeur·se web")
		if p := paris.post("/learners/"+samira+"/decision", url.Values{"decision": {"enrol"}, "cohort": {dev}}); p.status != http.StatusSeeOther {
			t.Fatalf("enrol in Paris: %d %v", p.status, errorsOf(p.body))
		}
		if _, err := s.app.DB.Exec(context.Background(), `INSERT INTO attendance (meeting_id, learner_id, mark, marked_at)
			SELECT id, $1, 'present', $3 FROM meetings WHERE cohort_id = $2 AND starts_at < $3`, samira, dev, db.Now()); err != nil {
			t.Fatal(err)
		}
		if p := paris.post("/learners/"+samira+"/exit", url.Values{"exit_outcome": {"certified"}, "exit_date": {today}}); p.status != http.StatusSeeOther {
			t.Fatalf("certified: %d %v", p.status, errorsOf(p.body))
		}
		if s.learnerStatus(samira) != "certified" {
			t.Fatalf("status: %s", s.learnerStatus(samira))
		}
	})
}

var (
	hiddenInput  = regexp.MustCompile(`<input type="hidden" name="([a-z_0-9]+)" value="([^"]*)">`)
	checkedRadio = regexp.MustCompile(`<input type="radio" name="([a-z_0-9]+)" value="([^"]*)" checked>`)
)

// submitted is what a browser sends from a page's form as it stands: its hidden
// fields and the radio buttons checked.
func submitted(body string) url.Values {
	v := url.Values{}
	for _, re := range []*regexp.Regexp{hiddenInput, checkedRadio} {
		for _, m := range re.FindAllStringSubmatch(body, -1) {
			if m[1] != "csrf" {
				v.Set(m[1], html.UnescapeString(m[2]))
			}
		}
	}
	return v
}

// A merge keeps every way to reach the person, and lets staff choose field by
// field where the files disagree; the other file is picked among likely
// duplicates or found by name, not typed as a number.
func TestAMergeKeepsEveryContactAndAsksWhereFilesDisagree(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		b := s.signIn("karim.lille@tremplin.example")
		var keep, other string
		if err := s.app.DB.QueryRowContext(context.Background(), `SELECT CAST(id AS TEXT), CAST(duplicate_of AS TEXT) FROM learners
			WHERE last_name = 'EL AMRANI'`).Scan(&other, &keep); err != nil {
			t.Fatalf("the demo's duplicate pair: %v", err)
		}
		file := b.get("/learners/" + keep).body
		if strings.Contains(file, `name="other" type="number"`) || !strings.Contains(file, `href="/learners/`+keep+`/merge"`) {
			t.Fatal("the file still asks for a file number to merge")
		}
		pick := b.get("/learners/" + keep + "/merge")
		if pick.status != http.StatusOK || !strings.Contains(pick.body, `href="/learners/`+keep+`/merge?other=`+other+`"`) {
			t.Fatalf("likely duplicates: %d", pick.status)
		}
		found := b.get("/learners/" + keep + "/merge?q=fatima+el+a").body
		if found = found[strings.Index(found, `id="search"`):]; !strings.Contains(found, `href="/learners/`+keep+`/merge?other=`+other+`"`) {
			t.Fatal("the search by name does not find the other file")
		}
		form := b.get("/learners/" + keep + "/merge?other=" + other)
		v := submitted(form.body)
		for _, field := range []string{"pick_first_name", "pick_last_name", "pick_phone", "pick_where", "pick_languages"} {
			if v.Get(field) == "" {
				t.Errorf("no choice offered for %s", field)
			}
		}
		if v.Get("pick_languages") != "both" || v.Get("pick_phone") != "keep" {
			t.Errorf("defaults: %v", v)
		}
		// A choice left out is asked for, and nothing is merged.
		v.Del("pick_phone")
		p := b.post("/learners/"+keep+"/merge", v)
		if p.status != http.StatusUnprocessableEntity || html.UnescapeString(errorsOf(p.body)["pick_phone"]) != fr.T("learner.merge_choose") {
			t.Fatalf("missing choice: %d %v", p.status, errorsOf(p.body))
		}
		if s.count("SELECT COUNT(*) FROM learners WHERE id = $1 AND merged_into IS NULL", other) != 1 {
			t.Fatal("a refused merge was saved")
		}
		// The second file's phone becomes the main one; the first stays as a second contact.
		v.Set("pick_phone", "other")
		v.Set("pick_first_name", "other")
		v.Set("pick_last_name", "keep")
		if p := b.post("/learners/"+keep+"/merge", v); p.status != http.StatusSeeOther {
			t.Fatalf("merge: %d %v", p.status, errorsOf(p.body))
		}
		var phone, first, last string
		s.app.DB.QueryRowContext(context.Background(), "SELECT phone, first_name, last_name FROM learners WHERE id = $1", keep).Scan(&phone, &first, &last)
		if phone != "+33781223344" || first != "Fatima-Zahra" || last != "El Amrani" {
			t.Fatalf("kept: %s %s %s", phone, first, last)
		}
		if s.count("SELECT COUNT(*) FROM learner_secondary_contacts WHERE learner_id = $1 AND kind = 'phone' AND value = '+33612345603'", keep) != 1 {
			t.Fatal("the first phone was lost")
		}
		page := html.UnescapeString(b.get("/learners/" + keep).body)
		if !strings.Contains(page, fr.T("learner.secondary_phone")) || !strings.Contains(page, "+33 6 12 34 56 03") ||
			!strings.Contains(page, fr.T("learner.event.secondary_phone")) {
			t.Fatal("the file does not show the second phone, in its details and its history")
		}
	})
}

// The timeline reads newest first; a positioning test says its score, level and
// who ran it.
func TestTheTimelineShowsTheNewestFirstAndTheTests(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		b := s.signIn("karim.lille@tremplin.example")
		var id, staff, level string
		var percent int
		if err := s.app.DB.QueryRowContext(context.Background(), `SELECT CAST(t.learner_id AS TEXT), t.percent, t.level, s.name FROM positioning_tests t
			JOIN staff s ON s.id = t.staff_id JOIN learners l ON l.id = t.learner_id JOIN antennas a ON a.id = l.antenna_id
			WHERE a.name = 'Lille' ORDER BY t.id LIMIT 1`).Scan(&id, &percent, &level, &staff); err != nil {
			t.Fatalf("the demo has no positioning test in Lille: %v", err)
		}
		if p := b.post("/learners/"+id+"/notes", url.Values{"note": {"Rappeler lundi pour le planning."}}); p.status != http.StatusSeeOther {
			t.Fatalf("note: %d", p.status)
		}
		page := html.UnescapeString(b.get("/learners/" + id).body)
		timeline := page[strings.Index(page, `<ol class="timeline">`):]
		note, registered := strings.Index(timeline, "Rappeler lundi"), strings.Index(timeline, fr.T("learner.event.registered"))
		if note < 0 || registered < 0 || note > registered {
			t.Fatalf("not newest first: note at %d, registration at %d", note, registered)
		}
		test := fr.T("learner.event.positioning", "percent", percent, "level", fr.T("learner.level."+level))
		at := strings.Index(timeline, test)
		if at < 0 || !strings.Contains(timeline[max(0, at-400):at], staff) {
			t.Fatalf("the test's entry (%q by %s) is missing or does not say who ran it", test, staff)
		}
	})
}

// The follow-up list comes a page at a time, the most overdue first, with the
// counts of each milestone; pages stay light however many are due.
func TestFollowUpsComeAPageAtATime(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		fr := i18n.For("fr")
		lille, _ := strconv.ParseInt(s.antennaID("Lille"), 10, 64)
		exit := time.Now().AddDate(0, -3, -10) // 3-month follow-ups overdue, 6-month ones not yet due
		n := learners.FollowUpPageSize + 10
		for i := range n {
			l := &learners.Learner{AntennaID: lille, FirstName: "Personne", LastName: fmt.Sprintf("Suivi%03d", i),
				Phone: fmt.Sprintf("+336000%05d", i), BirthYear: 1990, ConsentText: "ok"}
			if err := learners.Register(ctx, s.app.DB, l, "", 0); err != nil {
				t.Fatal(err)
			}
			if err := learners.RecordExit(ctx, s.app.DB, l.ID, learners.Completed, "", exit.AddDate(0, 0, -i), 0); err != nil {
				t.Fatal(err)
			}
		}
		b := s.signIn("karim.lille@tremplin.example")
		first := b.get("/followups")
		page := html.UnescapeString(first.body)
		if first.status != http.StatusOK || strings.Count(page, `<li class="card">`) > learners.FollowUpPageSize+len(learners.Milestones) {
			t.Fatalf("first page: %d, %d cards", first.status, strings.Count(page, `<li class="card">`))
		}
		// The most overdue first: the one who left earliest.
		if a, z := strings.Index(page, fmt.Sprintf("Suivi%03d", n-1)), strings.Index(page, fmt.Sprintf("Suivi%03d", n-2)); a < 0 || z < 0 || a > z {
			t.Fatal("not the most overdue first")
		}
		// Ibrahima Sow's 3-month follow-up (demo) counts too.
		if !strings.Contains(page, fr.N("followup.count_overdue", n+1)) {
			t.Fatalf("the counts do not say %q", fr.N("followup.count_overdue", n+1))
		}
		next := regexp.MustCompile(`href="(/followups\?after=[^"]+)"`).FindStringSubmatch(first.body)
		if next == nil {
			t.Fatal("no link to the next page")
		}
		second := html.UnescapeString(b.get(html.UnescapeString(next[1])).body)
		if !strings.Contains(second, "Suivi000") || strings.Contains(second, fmt.Sprintf("Suivi%03d", n-1)) || !strings.Contains(second, `href="/followups"`) {
			t.Fatalf("the second page does not go on from the first (%s):\n%s", next[1], second)
		}
		if only := html.UnescapeString(b.get("/followups?milestone=m6").body); strings.Contains(only, "Suivi0") {
			t.Fatal("the 6-month list shows 3-month follow-ups")
		}
	})
}

// Every free-text field of the file that staff write about a person reminds
// them that the person may read it (their right of access), tied to the field
// for screen readers.
func TestNoteFieldsSayThePersonMayReadThem(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		learner := s.id(`SELECT MIN(l.id) FROM learners l JOIN antennas a ON a.id = l.antenna_id WHERE a.name = 'Lille'`)
		page := html.UnescapeString(s.signIn("karim.lille@tremplin.example").get("/learners/" + learner).body)
		hint := i18n.For("fr").T("privacy.note_readable")
		for _, field := range []string{"note", "contact_note"} {
			re := regexp.MustCompile(`<textarea[^>]*name="` + field + `"[^>]*aria-describedby="[^"]*h-` + field)
			if !re.MatchString(page) {
				t.Errorf("the %s field is not described by a hint", field)
			}
		}
		if strings.Count(page, hint) < 2 {
			t.Errorf("the file does not remind staff that the person may read their notes")
		}
	})
}
