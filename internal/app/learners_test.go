package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/demo"
	"tremplin/internal/learners"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

// registration is what a person fills in on the public form.
func registration(antenna string) url.Values {
	return url.Values{"antenna": {antenna}, "first_name": {"Rania"}, "last_name": {"Saleh"}, "phone": {"06 12 34 56 78"},
		"email": {"rania@example.org"}, "birth_year": {"1995"}, "where": {"59000 Lille"}, "languages": {"ar", "fr"},
		"french_level": {"a_little"}, "situations": {"rsa"}, "equipment": {"smartphone"}, "availabilities": {"mornings", "saturday"},
		"heard_from": {"friend"}, "consent": {"yes"}}
}

func (s *site) count(query string, args ...any) int {
	s.t.Helper()
	var n int
	if err := s.app.DB.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		s.t.Fatal(err)
	}
	return n
}

// learnerID finds a (demo) person's file by last name.
func (s *site) learnerID(lastName string) string {
	s.t.Helper()
	var id string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM learners WHERE last_name = $1 AND merged_into IS NULL ORDER BY id LIMIT 1", lastName).Scan(&id); err != nil {
		s.t.Fatalf("learner %s: %v", lastName, err)
	}
	return id
}

func (s *site) learnerStatus(id string) string {
	s.t.Helper()
	var st string
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT status FROM learners WHERE id = $1", id).Scan(&st); err != nil {
		s.t.Fatal(err)
	}
	return st
}

func TestRegistrationInFrenchAndInArabic(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		lille, dzaleka := s.antennaID("Lille"), s.antennaID("Dzaleka")
		fr, ar := i18n.For("fr"), i18n.For("ar")
		before := s.count("SELECT COUNT(*) FROM learners")

		// In French, from a Lille link, with a French national number.
		b := s.browser()
		form := b.get("/register?antenna=" + lille)
		if form.status != http.StatusOK || !strings.Contains(form.body, `<option value="`+lille+`" selected>`) {
			t.Fatalf("registration form: %d, Lille not preselected", form.status)
		}
		if !strings.Contains(form.body, `name="website"`) || !strings.Contains(form.body, `tabindex="-1"`) {
			t.Fatal("the form lacks its honeypot")
		}
		withGender := registration(lille)
		withGender.Set("gender", "woman")
		p := b.post("/register", withGender)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/register/thanks") {
			t.Fatalf("register: %d %v", p.status, errorsOf(p.body))
		}
		thanks := html.UnescapeString(b.get(p.header.Get("Location")).body)
		if !strings.Contains(thanks, fr.T("register.thanks_title")) || !strings.Contains(thanks, "+33 3 20 00 00 01") {
			t.Fatalf("French confirmation page:\n%s", thanks)
		}
		var phone, lang, consent, consentAt, gender string
		if err := s.app.DB.QueryRowContext(context.Background(), "SELECT phone, lang, consent_text, consent_at, gender FROM learners WHERE last_name = 'Saleh'").
			Scan(&phone, &lang, &consent, &consentAt, &gender); err != nil {
			t.Fatal(err)
		}
		if phone != "+33612345678" || lang != "fr" || consent != fr.T("register.consent") || consentAt == "" || gender != "woman" {
			t.Fatalf("stored: %s %s %q %s %q", phone, lang, consent, consentAt, gender)
		}
		// The demo's people may be reminded of their meetings meanwhile (the
		// queue runs): only what the new people receive is looked at.
		s.drain()
		sms := s.smsTo("+33612345678")
		if len(sms) != 1 || !strings.Contains(sms[0], "Rania") || !strings.Contains(sms[0], "bien reçue") {
			t.Fatalf("French SMS: %q", sms)
		}
		mails := s.mailsTo("rania@example.org")
		if len(mails) != 1 || mails[0].Subject != fr.T("register.email_subject") {
			t.Fatalf("French email: %+v", mails)
		}
		mailsBefore := len(s.outbox.Sent())

		// In Arabic, in Dzaleka, with a Malawian national number and no email.
		b = s.browser()
		b.lang = "ar"
		form = b.get("/register")
		if !strings.Contains(form.body, `<html lang="ar" dir="rtl">`) || !strings.Contains(form.body, ar.T("register.title")) {
			t.Fatal("the Arabic form is not right-to-left Arabic")
		}
		v := registration(dzaleka)
		v.Set("first_name", "عمر")
		v.Set("last_name", "الحسن")
		v.Set("phone", "0991 23 45 67")
		v.Set("where", "Dzaleka")
		v.Del("email")
		p = b.post("/register", v)
		if p.status != http.StatusSeeOther {
			t.Fatalf("Arabic register: %d %v", p.status, errorsOf(p.body))
		}
		thanks = b.get(p.header.Get("Location")).body
		if !strings.Contains(thanks, `dir="rtl"`) || !strings.Contains(html.UnescapeString(thanks), ar.T("register.thanks_title")) {
			t.Fatal("the confirmation is not in Arabic")
		}
		if err := s.app.DB.QueryRowContext(context.Background(), "SELECT phone, lang, consent_text FROM learners WHERE last_name = 'الحسن'").Scan(&phone, &lang, &consent); err != nil {
			t.Fatal(err)
		}
		if phone != "+265991234567" || lang != "ar" || consent != ar.T("register.consent") {
			t.Fatalf("stored: %s %s %q", phone, lang, consent)
		}
		s.drain()
		sms = s.smsTo("+265991234567")
		if len(sms) != 1 || !strings.Contains(sms[0], "وصلنا تسجيلك") || !strings.Contains(sms[0], "عمر") {
			t.Fatalf("Arabic SMS: %q", sms)
		}
		for _, m := range s.outbox.Sent()[mailsBefore:] {
			if m.Subject == ar.T("register.email_subject") {
				t.Fatalf("an email was sent without an address: %+v", m)
			}
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before+2 {
			t.Fatalf("%d new files, want 2", n-before)
		}

		// From the course catalogue, ?cohort= preselects the antenna and the file
		// keeps the cohort wished for.
		cohort := s.demoCohort("Lille", "Autonomie numérique") // starts in ten days
		cohortID, _ := strconv.ParseInt(cohort, 10, 64)
		b = s.browser()
		form = b.get("/register?cohort=" + cohort)
		if !strings.Contains(form.body, `<option value="`+lille+`" selected>`) || valueOf(form.body, "cohort") != cohort {
			t.Fatal("the cohort's antenna is not preselected")
		}
		v = registration(lille)
		v.Set("cohort", cohort)
		v.Set("last_name", "Catalogue")
		if p := b.post("/register", v); p.status != http.StatusSeeOther {
			t.Fatalf("register from the catalogue: %d %v", p.status, errorsOf(p.body))
		}
		if s.count("SELECT COUNT(*) FROM learners WHERE last_name = 'Catalogue' AND wished_cohort_id = $1", cohortID) != 1 {
			t.Fatal("the cohort wished for was not kept")
		}
	})
}

// Wrong phone, impossible birth year, no consent: a message next to each field,
// what was typed kept, nothing stored or sent.
func TestRegistrationRefusesBadInput(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.antennaID("Lille")
		fr := i18n.For("fr")
		before := s.count("SELECT COUNT(*) FROM learners")
		b := s.browser()
		for _, c := range []struct {
			year, key string
		}{{"1900", "register.birth_year_invalid"}, {"2020", "register.birth_year_young"}, {"quatre-vingt-dix", "register.birth_year_invalid"}} {
			v := registration(lille)
			v.Set("phone", "06 12 34")
			v.Set("birth_year", c.year)
			v.Set("gender", "robot")
			v.Del("consent")
			p := b.post("/register", v)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", p.status)
			}
			errs := errorsOf(p.body)
			want := map[string]string{"phone": "register.phone_invalid", "birth_year": c.key, "consent": "register.consent_required", "gender": "form.choose"}
			for field, key := range want {
				if html.UnescapeString(errs[field]) != fr.T(key) {
					t.Errorf("%s: %q, want %q", field, errs[field], fr.T(key))
				}
			}
			if len(errs) != 4 {
				t.Errorf("messages: %v", errs)
			}
			if valueOf(p.body, "phone") != "06 12 34" || valueOf(p.body, "first_name") != "Rania" || !strings.Contains(p.body, `value="saturday" checked`) {
				t.Error("what was typed was not kept")
			}
		}
		p := b.post("/register", url.Values{"consent": {"yes"}})
		if errs := errorsOf(p.body); errs["antenna"] == "" || errs["first_name"] == "" || errs["phone"] == "" {
			t.Errorf("an empty form: %v", errs)
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before {
			t.Fatal("a refused registration was stored")
		}
		if s.count("SELECT COUNT(*) FROM messages") != 0 {
			t.Fatal("a refused registration was acknowledged")
		}
	})
}

func TestInboxShowsOnlyTheAdvisersAntennas(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		lille := html.UnescapeString(s.signIn("karim.lille@tremplin.example").get("/inbox?who=all").body)
		for _, name := range []string{"Amina Haddad", "Kevin Lemaire"} {
			if !strings.Contains(lille, name) {
				t.Errorf("the Lille inbox lacks %s", name)
			}
		}
		for _, name := range []string{"Pierre Dubois", "Moussa Camara", "Habimana"} {
			if strings.Contains(lille, name) {
				t.Errorf("the Lille inbox shows %s of another antenna", name)
			}
		}
		// Oldest first.
		if strings.Index(lille, "Kevin Lemaire") > strings.Index(lille, "Amina Haddad") {
			t.Error("the inbox is not oldest first")
		}
		// The duplicate pair is flagged.
		if !strings.Contains(lille, i18n.For("fr").T("learner.possible_duplicate")) {
			t.Error("the inbox does not flag the possible duplicate")
		}
		bordeaux := html.UnescapeString(s.signIn("manager.bordeaux@tremplin.example").get("/inbox").body)
		if !strings.Contains(bordeaux, "Pierre Dubois") || strings.Contains(bordeaux, "Amina Haddad") {
			t.Error("the Bordeaux inbox is not Bordeaux's")
		}
		// Filter by status.
		contacted := html.UnescapeString(s.signIn("karim.lille@tremplin.example").get("/inbox?who=all&status=received").body)
		if !strings.Contains(contacted, "Amina Haddad") || strings.Contains(contacted, "Kevin Lemaire") {
			t.Error("the status filter does not filter")
		}
	})
}

// A Lille adviser who types a Bordeaux learner's URL gets the 404 page and cannot
// change the file.
func TestLearnerFileIsScopedToTheAntenna(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.signIn("karim.lille@tremplin.example")
		id := s.learnerID("Dubois")
		for _, path := range []string{"/learners/" + id, "/learners/" + id + "/edit", "/learners/" + id + "/merge?other=" + s.learnerID("Haddad")} {
			p := lille.get(path)
			if p.status != http.StatusNotFound || strings.Contains(p.body, "Dubois") {
				t.Errorf("GET %s: %d", path, p.status)
			}
		}
		posts := map[string]url.Values{
			"/contacts": {"contact_kind": {"reached"}}, "/notes": {"note": {"Intrusion"}}, "/decision": {"decision": {"orient"}, "orient_reason": {"x"}},
			"": registration(s.antennaID("Lille")), "/exit": {"exit_outcome": {"dropped"}, "exit_reason": {"x"}, "exit_date": {"2026-01-01"}},
		}
		for suffix, form := range posts {
			if p := lille.post("/learners/"+id+suffix, form); p.status != http.StatusNotFound {
				t.Errorf("POST /learners/%s%s: %d, want 404", id, suffix, p.status)
			}
		}
		// Merging a Bordeaux file into a Lille one is refused too.
		if p := lille.post("/learners/"+s.learnerID("Haddad")+"/merge", url.Values{"other": {id}}); p.status != http.StatusNotFound {
			t.Errorf("merge a Bordeaux file: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM learner_contacts WHERE learner_id = $1", id) + s.count("SELECT COUNT(*) FROM learner_notes WHERE learner_id = $1", id); n != 0 {
			t.Fatal("a Lille adviser changed a Bordeaux file")
		}
		if s.learnerStatus(id) != "received" || s.count("SELECT COUNT(*) FROM learners WHERE id = $1 AND merged_into IS NULL AND last_name = 'Dubois'", id) != 1 {
			t.Fatal("the Bordeaux file changed")
		}
		if strings.Contains(lille.get("/learners?q=dubois").body, "Dubois") {
			t.Error("the search finds another antenna's learner")
		}
		// The Bordeaux manager does see it.
		if p := s.signIn("manager.bordeaux@tremplin.example").get("/learners/" + id); p.status != http.StatusOK || !strings.Contains(p.body, "Dubois") {
			t.Errorf("Bordeaux manager: %d", p.status)
		}
	})
}

func TestAdviserLogsContactsAndNotes(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		b := s.signIn("karim.lille@tremplin.example")
		id := s.learnerID("Haddad")
		fr := i18n.For("fr")
		// From the inbox, one button.
		p := b.post("/learners/"+id+"/contacts", url.Values{"contact_kind": {"no_answer"}, "back": {"inbox"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/inbox" {
			t.Fatalf("quick contact: %d %s", p.status, p.header.Get("Location"))
		}
		if s.learnerStatus(id) != "contacted" {
			t.Fatalf("status %s after a first contact", s.learnerStatus(id))
		}
		// An interview needs its date and time.
		p = b.post("/learners/"+id+"/contacts", url.Values{"contact_kind": {"interview"}, "contact_note": {"Vient avec sa fille"}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["interview_date"] == "" || !strings.Contains(p.body, "Vient avec sa fille") {
			t.Fatalf("interview without a date: %d %v", p.status, errorsOf(p.body))
		}
		p = b.post("/learners/"+id+"/contacts", url.Values{"contact_kind": {"interview"}, "interview_date": {"2027-02-03"}, "interview_time": {"14:30"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("interview: %d %v", p.status, errorsOf(p.body))
		}
		if p := b.post("/learners/"+id+"/notes", url.Values{"note": {"Préfère être appelée après 17 h"}}); p.status != http.StatusSeeOther {
			t.Fatalf("note: %d", p.status)
		}
		file := html.UnescapeString(b.get("/learners/" + id).body)
		for _, want := range []string{fr.T("learner.contact.no_answer"), fr.T("learner.contact.interview"), "3 février 2027", "14:30",
			"Préfère être appelée après 17 h", "Karim Benhaddou", fr.T("learner.status.contacted"), "/learners/" + id + "/positioning/new"} {
			if !strings.Contains(file, want) {
				t.Errorf("the file lacks %q", want)
			}
		}
	})
}

func TestAdviserEnrolsOrWaitlists(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		b := s.signIn("karim.lille@tremplin.example")
		lille, _ := strconv.ParseInt(s.antennaID("Lille"), 10, 64)
		cohorts, err := training.OpenCohorts(ctx, s.app.DB, lille)
		if err != nil {
			t.Fatalf("training cannot list cohorts yet: %v", err)
		}
		var open *training.CohortSummary
		for i := range cohorts {
			if cohorts[i].SeatsLeft > 0 {
				open = &cohorts[i]
				break
			}
		}
		if open == nil {
			t.Fatal("the demo has no Lille cohort with a seat left")
		}
		cohort := strconv.FormatInt(open.ID, 10)
		id := s.learnerID("Haddad")
		p := b.post("/learners/"+id+"/decision", url.Values{"decision": {"enrol"}, "cohort": {cohort}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("enrol: %d %v", p.status, errorsOf(p.body))
		}
		n, _ := strconv.ParseInt(id, 10, 64)
		enrolments, err := training.LearnerEnrolments(ctx, s.app.DB, n)
		if err != nil || len(enrolments) != 1 || enrolments[0].State != "enrolled" || s.learnerStatus(id) != "enrolled" {
			t.Fatalf("after enrolling: %+v %v, status %s", enrolments, err, s.learnerStatus(id))
		}
		file := html.UnescapeString(b.get("/learners/" + id).body)
		if !strings.Contains(file, open.ProgrammeTitle) || !strings.Contains(file, "Karim Benhaddou") {
			t.Error("the file does not show the enrolment and who decided")
		}
		// A full cohort: say so, offer the waitlist.
		if _, err := s.app.DB.Exec(ctx, "UPDATE cohorts SET capacity = (SELECT COUNT(*) FROM enrolments WHERE cohort_id = $1 AND state IN ('enrolled', 'offered')) WHERE id = $1", open.ID); err != nil {
			t.Fatal(err)
		}
		other := s.learnerID("Lemaire")
		p = b.post("/learners/"+other+"/decision", url.Values{"decision": {"enrol"}, "cohort": {cohort}})
		if p.status != http.StatusConflict || html.UnescapeString(errorsOf(p.body)["cohort"]) != i18n.For("fr").T("learner.cohort_full") ||
			!strings.Contains(p.body, `value="waitlist"`) {
			t.Fatalf("full cohort: %d %v", p.status, errorsOf(p.body))
		}
		if s.learnerStatus(other) != "contacted" {
			t.Fatal("a refused enrolment changed the status")
		}
		p = b.post("/learners/"+other+"/decision", url.Values{"decision": {"waitlist"}, "cohort": {cohort}})
		if p.status != http.StatusSeeOther || s.learnerStatus(other) != "waitlisted" {
			t.Fatalf("waitlist: %d, status %s", p.status, s.learnerStatus(other))
		}
		// Oriented elsewhere needs a reason.
		third := s.learnerID("Tesfaye")
		if p := b.post("/learners/"+third+"/decision", url.Values{"decision": {"orient"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["orient_reason"] == "" {
			t.Fatalf("orient without a reason: %d", p.status)
		}
		if p := b.post("/learners/"+third+"/decision", url.Values{"decision": {"orient"}, "orient_reason": {"CADA de Lille : atelier FLE d'abord"}}); p.status != http.StatusSeeOther || s.learnerStatus(third) != "oriented" {
			t.Fatalf("orient: %d %s", p.status, s.learnerStatus(third))
		}
	})
}

func TestDuplicatesAreMergedFromTheFile(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		b := s.signIn("karim.lille@tremplin.example")
		var keep, other string
		if err := s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT), CAST(duplicate_of AS TEXT) FROM learners WHERE duplicate_of IS NOT NULL ORDER BY id LIMIT 1").Scan(&other, &keep); err != nil {
			t.Fatalf("the demo has no likely duplicate pair: %v", err)
		}
		file := html.UnescapeString(b.get("/learners/" + other).body)
		if !strings.Contains(file, i18n.For("fr").T("learner.duplicates_title")) || !strings.Contains(file, "/learners/"+other+"/merge?other="+keep) {
			t.Fatal("the file does not show its possible duplicate")
		}
		form := b.get("/learners/" + keep + "/merge?other=" + other)
		if form.status != http.StatusOK {
			t.Fatalf("merge page: %d", form.status)
		}
		if p := b.post("/learners/"+keep+"/merge", submitted(form.body)); p.status != http.StatusSeeOther {
			t.Fatalf("merge: %d", p.status)
		}
		if p := b.get("/learners/" + other); p.status != http.StatusSeeOther || p.header.Get("Location") != "/learners/"+keep {
			t.Fatalf("the merged file: %d %s", p.status, p.header.Get("Location"))
		}
		if s.count("SELECT COUNT(*) FROM learner_history WHERE learner_id = $1 AND kind = 'registered'", keep) != 2 {
			t.Fatal("the kept file did not take the other's history")
		}
		if inbox := b.get("/inbox").body; strings.Contains(inbox, `href="/learners/`+other+`"`) {
			t.Fatal("the merged file is still in the inbox")
		}
	})
}

func TestEditingDetailsIsCheckedLikeRegistration(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		b := s.signIn("karim.lille@tremplin.example")
		id := s.learnerID("Haddad")
		form := b.get("/learners/" + id + "/edit")
		if form.status != http.StatusOK || valueOf(form.body, "phone") != "&#43;33612345601" {
			t.Fatalf("edit form: %d phone %q", form.status, valueOf(form.body, "phone"))
		}
		v := registration(s.antennaID("Lille"))
		v.Set("last_name", "Haddad")
		v.Set("phone", "12")
		p := b.post("/learners/"+id, v)
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["phone"] == "" {
			t.Fatalf("bad phone: %d %v", p.status, errorsOf(p.body))
		}
		// Moving a file to an antenna one does not work in is refused.
		v.Set("phone", "07 81 22 33 44")
		v.Set("antenna", s.antennaID("Bordeaux"))
		if p := b.post("/learners/"+id, v); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["antenna"] == "" {
			t.Fatalf("move to Bordeaux: %d", p.status)
		}
		v.Set("antenna", s.antennaID("Lille"))
		if p := b.post("/learners/"+id, v); p.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %v", p.status, errorsOf(p.body))
		}
		var phone, first string
		s.app.DB.QueryRowContext(context.Background(), "SELECT phone, first_name FROM learners WHERE id = $1", id).Scan(&phone, &first)
		if phone != "+33781223344" || first != "Rania" {
			t.Fatalf("saved: %s %s", phone, first)
		}
	})
}

func TestFollowUpsDueAreListed(t *testing.T) {
	t.Parallel()
	s := newSite(t, db.SQLite)
	b := s.signIn("karim.lille@tremplin.example")
	page := html.UnescapeString(b.get("/followups").body)
	// Ibrahima Sow left four months ago: his 3-month follow-up is overdue.
	if !strings.Contains(page, "Ibrahima Sow") || !strings.Contains(page, i18n.For("fr").T("followup.milestone.m3")) {
		t.Fatalf("follow-ups:\n%s", page)
	}
	if strings.Contains(page, "Pierre Dubois") {
		t.Fatal("another antenna's follow-up is listed")
	}
	id := s.learnerID("Sow")
	if p := b.post("/learners/"+id+"/followups", url.Values{"followup_milestone": {"m3"}, "followup_situation": {"cdi"}}); p.status != http.StatusSeeOther {
		t.Fatalf("record: %d %v", p.status, errorsOf(p.body))
	}
	if strings.Contains(b.get("/followups").body, "Ibrahima Sow") {
		t.Fatal("a recorded follow-up is still due")
	}
}

// The demo learners are seeded once: seeding again adds no file, contact, step
// or enrolment.
func TestDemoLearnersAreSeededOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		count := func() (n int) {
			d.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM learners) + (SELECT COUNT(*) FROM learner_contacts) +
				(SELECT COUNT(*) FROM learner_history) + (SELECT COUNT(*) FROM learner_followups) + (SELECT COUNT(*) FROM enrolments) +
				(SELECT COUNT(*) FROM positioning_tests)`).Scan(&n)
			return n
		}
		if _, err := demo.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		first := count()
		var people, antennas, duplicates, dzaleka int
		d.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT antenna_id), COUNT(duplicate_of),
			(SELECT COUNT(*) FROM learners WHERE phone LIKE '+265%') FROM learners`).Scan(&people, &antennas, &duplicates, &dzaleka)
		if people < 20 || antennas != 4 || duplicates != 1 || dzaleka != 3 {
			t.Fatalf("demo learners: %d people in %d antennas, %d duplicates, %d with a Malawian phone", people, antennas, duplicates, dzaleka)
		}
		// Those who went beyond the first contact took a test; those who finished, a second, better one.
		var tested, progressed int
		d.QueryRowContext(ctx, `SELECT COUNT(DISTINCT learner_id), (SELECT COUNT(*) FROM learners l WHERE
			(SELECT COUNT(*) FROM positioning_tests t WHERE t.learner_id = l.id) = 2 AND
			(SELECT MAX(percent) FROM positioning_tests t WHERE t.learner_id = l.id) > (SELECT MIN(percent) FROM positioning_tests t WHERE t.learner_id = l.id))
			FROM positioning_tests`).Scan(&tested, &progressed)
		if tested < 5 || progressed < 1 {
			t.Errorf("demo tests: %d people tested, %d with progress", tested, progressed)
		}
		if _, err := demo.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		if count() != first {
			t.Fatalf("rows after one seed %d, after two %d", first, count())
		}
	})
}

// A search that finds more people than the page shows says so and asks for more of
// the name; the antenna's other names stay out of it.
func TestSearchSaysWhenThereAreMore(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		antenna, _ := strconv.ParseInt(s.antennaID("Lille"), 10, 64)
		var people []*learners.Learner
		for i := range learners.SearchLimit + 5 {
			people = append(people, &learners.Learner{FirstName: "Awa", LastName: "Martinez", Phone: fmt.Sprintf("+336100000%02d", i),
				BirthYear: 1990 + i%20, Languages: []string{"fr"}, ConsentText: "oui"})
		}
		if err := s.app.DB.Tx(ctx, func(tx *sql.Tx) error { return learners.RegisterMany(ctx, tx, antenna, people) }); err != nil {
			t.Fatal(err)
		}
		fr := i18n.For("fr")
		more := fr.T("learner.more_refine", "n", learners.SearchLimit)
		adviser := s.signIn("karim.lille@tremplin.example")
		p := html.UnescapeString(adviser.get("/learners?q=mart+awa").body)
		if got := strings.Count(p, "Awa Martinez"); got != learners.SearchLimit || !strings.Contains(p, more) {
			t.Errorf("%d of %d shown; the page says there are more: %v", got, len(people), strings.Contains(p, more))
		}
		p = html.UnescapeString(adviser.get("/learners?q=haddad").body)
		if !strings.Contains(p, "Amina Haddad") || strings.Contains(p, more) {
			t.Error("a search with one match shows it, and no note about more")
		}
	})
}

// A landline cannot receive the SMS that confirm and remind: the form says so
// next to the number, keeps what was typed, and registers the person once they
// confirm it is the number to call.
func TestALandlineIsNoticedAtRegistration(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		v := registration(s.antennaID("Lille"))
		v.Set("phone", "03 20 12 34 56")
		p := b.post("/register", v)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(errorsOf(p.body)["phone"], "fixe") {
			t.Fatalf("a landline: %d %v", p.status, errorsOf(p.body))
		}
		if valueOf(p.body, "phone") != "03 20 12 34 56" || !strings.Contains(p.body, `name="landline_ok"`) {
			t.Fatal("the number typed or the box to keep it is missing")
		}
		v.Set("landline_ok", "1")
		if p := b.post("/register", v); p.status != http.StatusSeeOther {
			t.Fatalf("a landline kept: %d %v", p.status, errorsOf(p.body))
		}
		v = registration(s.antennaID("Lille"))
		v.Set("phone", "06 98 76 54 30")
		v.Set("last_name", "Mobile")
		if p := s.browser().post("/register", v); p.status != http.StatusSeeOther {
			t.Fatalf("a mobile: %d %v", p.status, errorsOf(p.body))
		}
	})
}

// A person registers with the number they have, from whichever country, typed
// as they type it: national at the antenna, international with + or 00, with
// spaces, dots, dashes or Arabic-Indic digits. A landline kept at registration
// gets no SMS: the email goes, or the file records why nothing could be sent,
// and staff see next to the number that it cannot receive SMS.
func TestNumbersOfEveryCountryAndLandlinesGetNoSMS(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		register := func(antenna, last, phone, email string, landline bool) (int, map[string]string) {
			t.Helper()
			v := registration(s.antennaID(antenna))
			v.Set("last_name", last)
			v.Set("phone", phone)
			v.Set("email", email)
			if landline {
				v.Set("landline_ok", "1")
			}
			p := s.browser().post("/register", v)
			return p.status, errorsOf(p.body)
		}
		stored := func(last string) string {
			t.Helper()
			var phone string
			if err := s.app.DB.QueryRowContext(context.Background(), "SELECT phone FROM learners WHERE last_name = $1", last).Scan(&phone); err != nil {
				t.Fatalf("%s: %v", last, err)
			}
			return phone
		}
		for _, c := range []struct{ antenna, last, typed, want string }{
			{"Lille", "Afghan", "+٩٣ ٧٠ ١٢٣ ٤٥٦٧", "+93701234567"},
			{"Lille", "Eritrean", "00291 7 123 456", "+2917123456"},
			{"Lille", "Syrian", "+963-944-567-890", "+963944567890"},
			{"Lille", "Sudanese", "00249.91.123.1234", "+249911231234"},
			{"Bordeaux", "Ukrainian", "+380 (50) 123 45 67", "+380501234567"},
			{"Bordeaux", "Guinean", "+224 601 12 34 56", "+224601123456"},
			{"Bordeaux", "Ivorian", "+225 07 01 23 45 67", "+2250701234567"},
			{"Bordeaux", "Bangladeshi", "+880 1812-345678", "+8801812345678"},
			{"Dzaleka", "Malawian", "0991 23 45 67", "+265991234567"},
			{"Dzaleka", "Malawian-Short", "991 234 567", "+265991234567"},
		} {
			if status, errs := register(c.antenna, c.last, c.typed, "", false); status != http.StatusSeeOther {
				t.Errorf("%s typed at %s: %d %v", c.typed, c.antenna, status, errs)
				continue
			}
			if got := stored(c.last); got != c.want {
				t.Errorf("%s typed at %s is kept as %s, want %s", c.typed, c.antenna, got, c.want)
			}
		}
		for _, typed := range []string{"+963 944 567 89", "+999 123 456 789", "07 01 23 45 67", "+265 551 234 567"} {
			status, errs := register("Lille", "Wrong", typed, "", false)
			if status != http.StatusUnprocessableEntity || html.UnescapeString(errs["phone"]) != i18n.For("fr").T("register.phone_invalid") {
				t.Errorf("%s: %d %v, want the phone refused as incomplete", typed, status, errs)
			}
		}

		// Landlines kept: one person gave an email, the other did not.
		if status, errs := register("Lille", "Fixe", "03 20 12 34 56", "fixe@example.org", true); status != http.StatusSeeOther {
			t.Fatalf("a landline kept: %d %v", status, errs)
		}
		if status, errs := register("Dzaleka", "Lilongwe", "01 775 123", "", true); status != http.StatusSeeOther {
			t.Fatalf("a Malawian landline kept: %d %v", status, errs)
		}
		for _, c := range []struct{ last, phone string }{{"Fixe", "+33320123456"}, {"Lilongwe", "+2651775123"}} {
			if n := s.count("SELECT COUNT(*) FROM messages WHERE recipient = $1 AND state <> 'dropped'", c.phone); n != 0 {
				t.Errorf("%d SMS queued to the landline %s", n, c.phone)
			}
			if n := s.count("SELECT COUNT(*) FROM messages m JOIN learners l ON l.id = m.learner_id WHERE l.last_name = $1 AND m.channel = 'sms' AND m.state = 'dropped' AND m.reason = 'landline'", c.last); n != 1 {
				t.Errorf("%s: %d SMS recorded as not sent to a landline, want 1", c.last, n)
			}
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE recipient = 'fixe@example.org' AND channel = 'email' AND state = 'queued'"); n != 1 {
			t.Errorf("%d emails queued to the person with a landline, want 1", n)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE recipient = '+93701234567' AND channel = 'sms' AND state = 'queued'"); n != 1 {
			t.Errorf("%d SMS queued to the Afghan mobile, want 1", n)
		}

		fr := i18n.For("fr")
		admin := s.signIn("admin@tremplin.example")
		p := html.UnescapeString(admin.get("/learners/" + s.learnerID("Fixe")).body)
		if !strings.Contains(p, fr.T("learner.phone_landline")) || !strings.Contains(p, "+33 3 20 12 34 56") {
			t.Error("the file of a person with a landline does not say it cannot receive SMS")
		}
		if !strings.Contains(p, fr.T("messages.reason.landline")) {
			t.Error("the file does not say why the SMS was not sent")
		}
		p = html.UnescapeString(admin.get("/learners/" + s.learnerID("Afghan")).body)
		if strings.Contains(p, fr.T("learner.phone_landline")) || !strings.Contains(p, "+93 70 123 4567") {
			t.Error("a mobile's file: no landline hint, and the number grouped as in Afghanistan")
		}
	})
}
