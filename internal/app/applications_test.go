package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tremplin/internal/demo"
	"tremplin/internal/impact"
	"tremplin/internal/jobs"
	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
)

// otherOffer is the demo's open offer of Tech Avenir (Paris), whose
// recruiter is demo.DemoOtherRecruiter.
func (s *site) otherOffer() string {
	return s.id("SELECT o.id FROM job_offers o JOIN donors d ON d.id = o.donor_id WHERE d.org_name = 'Tech Avenir SAS' AND o.state = 'open'")
}

// A manager proposes a person who agreed to show their profile (refused
// for one who did not), the company sees the proposal with the profile (each
// read audited), moves it through its states (refused moves refused), hires
// with a start date: every change is logged and told to the person and the
// adviser, the person's other pending applications become obsolete, the file
// shows the job and the dashboard counts the hire as a positive exit.
func TestApplicationFromProposalToHire(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		offer := s.otherOffer()
		paris := s.antennaID("Paris – Île-de-France")
		// Two Paris people without consent; the first gives it to their adviser.
		var people []string
		for _, id := range s.ids(`SELECT l.id FROM learners l WHERE l.antenna_id = $1 AND l.merged_into IS NULL AND l.phone <> ''
			AND l.messages_off_at = '' AND NOT EXISTS (SELECT 1 FROM recruiter_profiles p WHERE p.learner_id = l.id AND p.shown)
			ORDER BY l.id LIMIT 2`, paris) {
			people = append(people, strconv.FormatInt(id, 10))
		}
		if len(people) < 2 {
			t.Fatalf("the demo lacks Paris people without consent: %v", people)
		}
		lid, hidden := people[0], people[1]
		m := s.signIn("manager.paris@tremplin.example")
		if p := m.post("/learners/"+lid+"/profile/consent", url.Values{"level": {"profile"}, "action": {"given"}, "how_profile": {"in_person"}}); p.status != http.StatusSeeOther {
			t.Fatalf("consent: %d %v", p.status, errorsOf(p.body))
		}
		// The person left training seven months ago: their follow-ups are due.
		id, _ := strconv.ParseInt(lid, 10, 64)
		exit := time.Now().UTC().AddDate(0, -7, 0).Truncate(24 * time.Hour)
		if err := learners.RecordExit(ctx, s.app.DB, id, learners.Certified, "", exit, 0); err != nil {
			t.Fatal(err)
		}
		m6 := exit.AddDate(0, 6, 0)
		period := impact.Filter{From: m6.AddDate(0, 0, -1), To: m6.AddDate(0, 0, 1)}
		if err := impact.Refresh(ctx, s.app.DB); err != nil {
			t.Fatal(err)
		}
		before, err := impact.Compute(ctx, s.app.DB, period)
		if err != nil {
			t.Fatal(err)
		}

		// Without the person's consent: refused, with a message, nothing made.
		p := m.post("/jobs/"+offer+"/applications", url.Values{"learner": {hidden}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(errorsOf(p.body)["learner"], "accord") {
			t.Fatalf("proposing a person without consent: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count("SELECT COUNT(*) FROM job_applications WHERE learner_id = $1", hidden); n != 0 {
			t.Fatalf("%d applications made without consent", n)
		}
		// A second pending application of the person, from their file.
		first := s.id("SELECT o.id FROM job_offers o JOIN donors d ON d.id = o.donor_id WHERE d.org_name = 'Numérique Solidaire SAS' AND o.state = 'open'")
		admin := s.signIn("admin@tremplin.example")
		if p := admin.post("/learners/"+lid+"/applications", url.Values{"offer": {first}}); p.status != http.StatusSeeOther {
			t.Fatalf("proposing from the file: %d", p.status)
		}
		if p := m.post("/jobs/"+offer+"/applications", url.Values{"learner": {lid}}); p.status != http.StatusSeeOther {
			t.Fatalf("proposing: %d %v", p.status, errorsOf(p.body))
		}
		if p := m.post("/jobs/"+offer+"/applications", url.Values{"learner": {lid}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("proposing twice: %d, want 422", p.status)
		}
		app := s.id("SELECT id FROM job_applications WHERE learner_id = $1 AND offer_id = $2", lid, offer)
		other := s.id("SELECT id FROM job_applications WHERE learner_id = $1 AND offer_id = $2", lid, first)
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_application' AND ref_id = $1 AND learner_id = $2", app, lid); n != 1 {
			t.Errorf("%d messages to the person on the proposal, want 1", n)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_application' AND ref_id = $1 AND recipient = 'manager.paris@tremplin.example'", app); n != 1 {
			t.Errorf("%d messages to the adviser on the proposal, want 1", n)
		}

		// The company sees it, with the profile; each read is audited.
		rc := s.recruiterSignIn(demo.DemoOtherRecruiter)
		base := "/company/jobs/" + offer + "/applications/" + app
		if p := rc.get("/company/jobs/" + offer); !strings.Contains(p.body, `href="`+base+`"`) {
			t.Fatalf("the offer's page does not list the proposal: %d", p.status)
		}
		reads := s.count("SELECT COUNT(*) FROM audit_events WHERE action = 'read_profile' AND learner_id = $1", lid)
		if p := rc.get(base + "/profile"); p.status != http.StatusOK {
			t.Fatalf("the profile: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM audit_events WHERE action = 'read_profile' AND learner_id = $1 AND recruiter_id IS NOT NULL", lid); n != reads+1 {
			t.Errorf("audited reads %d, want %d", n, reads+1)
		}
		if audit := html.UnescapeString(admin.get("/privacy/audit?learner=" + lid).body); !strings.Contains(audit, "Yanis Morel (Tech Avenir SAS)") {
			t.Error("the audit does not name the recruiter who read the profile")
		}
		if x := admin.get("/learners/" + lid + "/access.json"); !strings.Contains(x.body, `"job_application_events"`) {
			t.Error("the access export lacks the applications' log")
		}
		// Transitions: new → processing; a refusal needs a reason; a hire a day.
		if p := rc.post(base+"/state", url.Values{"state": {"processing"}}); p.status != http.StatusSeeOther {
			t.Fatalf("processing: %d", p.status)
		}
		if p := rc.post(base+"/state", url.Values{"state": {"new"}}); p.status != http.StatusConflict {
			t.Errorf("back to new: %d, want 409", p.status)
		}
		if p := rc.post(base+"/state", url.Values{"state": {"refused"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["reason"] == "" {
			t.Errorf("a refusal without reason: %d %v", p.status, errorsOf(p.body))
		}
		if p := rc.post(base+"/state", url.Values{"state": {"accepted"}}); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["starts_on"] == "" {
			t.Errorf("a hire without a start date: %d %v", p.status, errorsOf(p.body))
		}
		if p := rc.post(base+"/state", url.Values{"state": {"prior_to_hire"}}); p.status != http.StatusSeeOther {
			t.Fatalf("prior to hire: %d", p.status)
		}
		start := exit.AddDate(0, 1, 0).Format(time.DateOnly)
		if p := rc.post(base+"/state", url.Values{"state": {"accepted"}, "starts_on": {start}}); p.status != http.StatusSeeOther {
			t.Fatalf("hire: %d %v", p.status, errorsOf(p.body))
		}
		if p := rc.post(base+"/state", url.Values{"state": {"refused"}, "reason": {"other"}}); p.status != http.StatusConflict {
			t.Errorf("refusing a hire: %d, want 409", p.status)
		}
		// The log: proposed by the manager, then three changes by the recruiter.
		ev, err := jobs.AppEvents(ctx, s.app.DB, mustID(app))
		if err != nil || len(ev) != 4 || ev[0].State != "accepted" || ev[0].Who != "Yanis Morel" || ev[3].State != "new" || ev[3].Who == "" {
			t.Errorf("log: %v %+v", err, ev)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_application' AND ref_id = $1 AND learner_id = $2", app, lid); n != 4 {
			t.Errorf("%d messages to the person, want one per change (4)", n)
		}
		if st := s.text("SELECT state FROM job_applications WHERE id = $1", other); st != "obsolete" {
			t.Errorf("the other pending application is %q, want obsolete", st)
		}
		// The file shows the job.
		file := html.UnescapeString(m.get("/learners/" + lid).body)
		if !strings.Contains(file, "Tech Avenir SAS") || !strings.Contains(file, "Embauché·e") {
			t.Errorf("the file does not show the job")
		}
		// The dashboard counts the hire at the +6-month follow-up.
		if sit := s.text("SELECT situation FROM learner_followups WHERE learner_id = $1 AND milestone = 'm6'", lid); sit != "temp" {
			t.Errorf("m6 situation %q, want temp (an interim mission)", sit)
		}
		if err := impact.Refresh(ctx, s.app.DB); err != nil {
			t.Fatal(err)
		}
		after, err := impact.Compute(ctx, s.app.DB, period)
		if err != nil {
			t.Fatal(err)
		}
		if after.Training.PositiveExits != before.Training.PositiveExits+1 {
			t.Errorf("positive exits %d → %d, want one more", before.Training.PositiveExits, after.Training.PositiveExits)
		}
		// Figures count it, with the demo's refusal, per company and programme.
		fig := m.get("/jobs/figures")
		if fig.status != http.StatusOK || !strings.Contains(html.UnescapeString(fig.body), "Tech Avenir SAS") {
			t.Errorf("figures page: %d, lacks the company", fig.status)
		}
		f, err := jobs.ApplicationFigures(ctx, s.app.DB, auth.Scope{All: true}, jobs.LastYear(time.Now().UTC()))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range f.Companies {
			if c.Label == "Tech Avenir SAS" && (c.Hires != 1 || c.Reason("incompatible") != 1 || c.Median() == "") {
				t.Errorf("Tech Avenir's figures: %d hires, %d refused as incompatible, median %q", c.Hires, c.Reason("incompatible"), c.Median())
			}
		}
		if len(f.Programmes) == 0 || f.Total.Hires < 2 {
			t.Errorf("figures: %d programmes, %d hires in all (the demo's and this one)", len(f.Programmes), f.Total.Hires)
		}
		// The dashboard's recruitment table counts today's hire at Paris, as
		// many hires as were recorded today for Paris people, and nothing of
		// Paris in a Lille-only dashboard.
		today := time.Now().UTC().Truncate(24 * time.Hour)
		parisID, _ := strconv.ParseInt(paris, 10, 64)
		day := impact.Filter{From: today, To: today, Antennas: []int64{parisID}}
		tables, err := s.app.Jobs.DashboardFigures(ctx, day, i18n.For("fr"))
		if err != nil {
			t.Fatal(err)
		}
		hiredToday := func(antenna int64) int64 {
			return s.count64(`SELECT COUNT(DISTINCT e.application_id) FROM job_application_events e JOIN job_applications a ON a.id = e.application_id
				JOIN learners l ON l.id = a.learner_id WHERE e.state = 'accepted' AND e.at >= $1 AND l.antenna_id = $2`, today.Format(time.DateOnly), antenna)
		}
		if want := hiredToday(parisID); len(tables) != 4 || len(tables[0].Rows) != 2 || tables[0].Rows[0][0].Text != "Paris – Île-de-France" ||
			int64(tables[0].Rows[0][4].Value) != want || want < 1 {
			t.Errorf("the dashboard's recruitment table for Paris today: %+v, want %d hires", tables, want)
		}
		lille, _ := strconv.ParseInt(s.antennaID("Lille"), 10, 64)
		if tables, err = s.app.Jobs.DashboardFigures(ctx, impact.Filter{From: today, To: today, Antennas: []int64{lille}}, i18n.For("fr")); err != nil {
			t.Fatal(err)
		} else if rows := tables[0].Rows; rows[len(rows)-1][4].Value != float64(hiredToday(lille)) || rows[0][0].Text == "Paris – Île-de-France" {
			t.Errorf("a Lille-only dashboard counts recruitment elsewhere: %+v", rows)
		}
		if body := html.UnescapeString(m.get("/impact").body); !strings.Contains(body, "Recrutement par les entreprises") {
			t.Error("the dashboard has no recruitment table")
		}
		// The fundraising role sees the applications' states, never who.
		dons := s.signIn("dons@tremplin.example")
		if body := dons.get("/jobs/" + offer).body; strings.Contains(body, `href="/learners/`) || strings.Contains(body, `name="learner"`) {
			t.Error("the fundraising role sees or proposes people on the offer's page")
		}
		if p := dons.post("/jobs/"+offer+"/applications", url.Values{"learner": {hidden}}); p.status != http.StatusNotFound {
			t.Errorf("the fundraising role proposing: %d, want 404", p.status)
		}
		// Another antenna's manager sees none of Paris's companies.
		if body := html.UnescapeString(s.signIn("manager.lille@tremplin.example").get("/jobs/figures").body); strings.Contains(body, "Tech Avenir SAS") {
			t.Error("Lille's manager sees Paris's company in the figures")
		}
	})
}

// text reads one text value.
func (s *site) text(query string, args ...any) string {
	s.t.Helper()
	var v string
	if err := s.app.DB.QueryRowContext(context.Background(), query, args...).Scan(&v); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return v
}

// A withdrawn consent takes the profile out of the company space at once:
// the application remains, without the person's name or profile.
func TestWithdrawnConsentHidesTheProposedProfile(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		offer := s.id("SELECT o.id FROM job_offers o JOIN donors d ON d.id = o.donor_id WHERE d.org_name = 'Numérique Solidaire SAS' AND o.state = 'open'")
		app := s.id(`SELECT MIN(a.id) FROM job_applications a WHERE a.offer_id = $1 AND a.state IN ('new', 'processing', 'postponed')`, offer)
		lid := s.id("SELECT learner_id FROM job_applications WHERE id = $1", app)
		rc := s.recruiterSignIn(demo.DemoRecruiter)
		base := "/company/jobs/" + offer + "/applications/" + app
		if p := rc.get(base + "/profile"); p.status != http.StatusOK {
			t.Fatalf("the profile with consent: %d", p.status)
		}
		m := s.signIn("admin@tremplin.example")
		if p := m.post("/learners/"+lid+"/profile/consent", url.Values{"level": {"profile"}, "action": {"withdrawn"}, "how_profile": {"phone"}}); p.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", p.status)
		}
		if p := rc.get(base + "/profile"); p.status != http.StatusNotFound {
			t.Errorf("the profile after withdrawal: %d, want 404", p.status)
		}
		if p := rc.get(base + "/cv.pdf"); p.status != http.StatusNotFound {
			t.Errorf("the CV after withdrawal: %d, want 404", p.status)
		}
		p := rc.get(base)
		if p.status != http.StatusOK || !strings.Contains(html.UnescapeString(p.body), "retiré son accord") || strings.Contains(p.body, base+"/profile") {
			t.Errorf("the application after withdrawal: %d, want it without profile", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM job_applications WHERE id = $1", app); n != 1 {
			t.Error("the application went with the consent")
		}
	})
}

// Applications left without an answer longer than the dated delay are
// refused by the daily closing, reason "other", marked automatic, logged
// with no one, and told; a newer delay row applies from its day.
func TestStaleApplicationsAreClosed(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		pending := s.count("SELECT COUNT(*) FROM job_applications WHERE state IN ('new', 'processing', 'postponed', 'prior_to_hire')")
		if pending == 0 {
			t.Fatal("the demo has no pending application")
		}
		now := time.Now().UTC()
		// Fifty-nine days on, nothing is closed.
		n, err := s.app.Jobs.CloseStale(ctx, now.AddDate(0, 0, 59))
		if err != nil || n != 0 {
			t.Fatalf("after 59 days: %d closed (%v), want 0", n, err)
		}
		// A board shortens the delay to 30 days from tomorrow on: 31 days on, all are closed.
		if _, err := s.app.DB.ExecContext(ctx, "INSERT INTO job_application_delays (valid_from, days) VALUES ($1, 30)",
			now.AddDate(0, 0, 1).Format(time.DateOnly)); err != nil {
			t.Fatal(err)
		}
		if days, _ := jobs.AnswerDays(ctx, s.app.DB, now); days != 60 {
			t.Errorf("today's delay %d, want 60", days)
		}
		n, err = s.app.Jobs.CloseStale(ctx, now.AddDate(0, 0, 31))
		if err != nil || n != pending {
			t.Fatalf("after 31 days under the new delay: %d closed (%v), want %d", n, err, pending)
		}
		if c := s.count("SELECT COUNT(*) FROM job_applications WHERE automatic AND state = 'refused' AND reason = 'other' AND NOT reason_shared"); c != pending {
			t.Errorf("%d closed as refused/other/automatic, want %d", c, pending)
		}
		if c := s.count(`SELECT COUNT(*) FROM job_application_events e JOIN job_applications a ON a.id = e.application_id
			WHERE a.automatic AND e.state = 'refused' AND e.staff_id IS NULL AND e.recruiter_id IS NULL`); c != pending {
			t.Errorf("%d closings logged, want %d", c, pending)
		}
		// The person and the adviser are told the company did not answer in 30
		// days, not that it refused.
		told := s.ids("SELECT id FROM messages WHERE ref_kind = 'job_application' AND dedupe LIKE '%:refused:%'")
		if len(told) == 0 {
			t.Error("nobody was told of the closing")
		}
		for _, id := range told {
			body := s.text("SELECT body FROM messages WHERE id = $1", id)
			if !strings.Contains(body, "30") || strings.Contains(body, "n'a pas retenu") || !strings.Contains(body, "pas répondu") && !strings.Contains(body, "sans réponse") &&
				!strings.Contains(body, "did not answer") && !strings.Contains(body, "لم تردّ") && !strings.Contains(body, "لعدم ردّ") {
				t.Errorf("the closing's message does not say the company did not answer in 30 days: %q", body)
			}
		}
		// Once more: nothing left.
		if n, err := s.app.Jobs.CloseStale(ctx, now.AddDate(0, 0, 31)); err != nil || n != 0 {
			t.Errorf("again: %d (%v)", n, err)
		}
	})
}

// A person who turned messages off is not told of their applications; the
// adviser still is.
func TestApplicationNewsRespectMessagesOff(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		offer := s.id("SELECT o.id FROM job_offers o JOIN donors d ON d.id = o.donor_id WHERE d.org_name = 'Numérique Solidaire SAS' AND o.state = 'open'")
		app := s.id(`SELECT MIN(a.id) FROM job_applications a WHERE a.offer_id = $1 AND a.state IN ('processing', 'postponed')`, offer)
		lid := s.id("SELECT learner_id FROM job_applications WHERE id = $1", app)
		admin := s.signIn("admin@tremplin.example")
		if p := admin.post("/learners/"+lid+"/messages", url.Values{"messages": {"off"}}); p.status != http.StatusSeeOther {
			t.Fatalf("messages off: %d", p.status)
		}
		person := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_application' AND ref_id = $1 AND learner_id = $2", app, lid)
		adviser := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_application' AND ref_id = $1 AND learner_id IS NULL", app)
		rc := s.recruiterSignIn(demo.DemoRecruiter)
		if p := rc.post("/company/jobs/"+offer+"/applications/"+app+"/state", url.Values{"state": {"refused"}, "reason": {"not_mobile"},
			"reason_shared": {"1"}}); p.status != http.StatusSeeOther {
			t.Fatalf("refusal: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_application' AND ref_id = $1 AND learner_id = $2", app, lid); n != person {
			t.Errorf("the person was told though they turned messages off")
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE ref_kind = 'job_application' AND ref_id = $1 AND learner_id IS NULL", app); n != adviser+1 {
			t.Errorf("adviser messages %d → %d, want one more", adviser, n)
		}
	})
}

// A person hired while still in training: the hire waits for their exit, and
// when the adviser records it the follow-ups planned from then on hold the job
// from its first day, so the dashboard counts the positive exit.
func TestAHireInTrainingCountsOnceTheExitIsRecorded(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		lille := s.antennaID("Lille")
		lid := strconv.FormatInt(s.ids(`SELECT l.id FROM learners l WHERE l.antenna_id = $1 AND l.merged_into IS NULL AND l.status IN ('enrolled', 'in_training')
			AND NOT EXISTS (SELECT 1 FROM job_applications a WHERE a.learner_id = l.id) ORDER BY l.id LIMIT 1`, lille)[0], 10)
		m := s.signIn("manager.lille@tremplin.example")
		if p := m.post("/learners/"+lid+"/profile/consent", url.Values{"level": {"profile"}, "action": {"given"}, "how_profile": {"in_person"}}); p.status != http.StatusSeeOther {
			t.Fatalf("consent: %d %v", p.status, errorsOf(p.body))
		}
		offer := s.id("SELECT o.id FROM job_offers o JOIN donors d ON d.id = o.donor_id WHERE d.org_name = 'Numérique Solidaire SAS' AND o.state = 'open'")
		situation := jobs.Situation(s.text("SELECT contract_type FROM job_offers WHERE id = $1", offer),
			int(s.count64("SELECT contract_months FROM job_offers WHERE id = $1", offer)))
		if p := m.post("/jobs/"+offer+"/applications", url.Values{"learner": {lid}}); p.status != http.StatusSeeOther {
			t.Fatalf("proposing: %d %v", p.status, errorsOf(p.body))
		}
		app := s.id("SELECT id FROM job_applications WHERE learner_id = $1 AND offer_id = $2", lid, offer)
		rc := s.recruiterSignIn(demo.DemoRecruiter)
		base := "/company/jobs/" + offer + "/applications/" + app
		today := time.Now().UTC().Truncate(24 * time.Hour)
		// Hired from tomorrow, while in training: nothing to record yet, and the
		// file says the exit is what makes it count.
		start := today.AddDate(0, 0, 1)
		if p := rc.post(base+"/state", url.Values{"state": {"accepted"}, "starts_on": {start.Format(time.DateOnly)}}); p.status != http.StatusSeeOther {
			t.Fatalf("hire: %d %v", p.status, errorsOf(p.body))
		}
		if n := s.count("SELECT COUNT(*) FROM learner_followups WHERE learner_id = $1", lid); n != 0 {
			t.Fatalf("%d follow-ups before the exit", n)
		}
		if file := html.UnescapeString(m.get("/learners/" + lid).body); !strings.Contains(file, i18n.For("fr").T("jobs.app.hire_needs_exit")) {
			t.Error("the file does not say the hire counts once the exit is recorded")
		}
		m6 := today.AddDate(0, 6, 0)
		period := impact.Filter{From: m6.AddDate(0, 0, -1), To: m6.AddDate(0, 0, 1), Antennas: []int64{mustID(lille)}}
		figures := func() int64 {
			t.Helper()
			if err := impact.Refresh(ctx, s.app.DB); err != nil {
				t.Fatal(err)
			}
			fig, err := impact.Compute(ctx, s.app.DB, period)
			if err != nil {
				t.Fatal(err)
			}
			return fig.Training.PositiveExits
		}
		before := figures()
		// The adviser records that the person left training today for the job.
		p := m.post("/learners/"+lid+"/exit", url.Values{"exit_outcome": {learners.Dropped}, "exit_reason": {"Embauche"},
			"exit_date": {today.Format(time.DateOnly)}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("exit: %d %v", p.status, errorsOf(p.body))
		}
		for _, milestone := range learners.Milestones {
			if sit := s.text("SELECT situation FROM learner_followups WHERE learner_id = $1 AND milestone = $2", lid, milestone); sit != situation {
				t.Errorf("%s situation %q, want %q (the job taken)", milestone, sit, situation)
			}
		}
		if file := html.UnescapeString(m.get("/learners/" + lid).body); strings.Contains(file, i18n.For("fr").T("jobs.app.hire_needs_exit")) {
			t.Error("the file still asks for the exit")
		}
		// At the +6-month follow-up, the dashboard counts it as a positive exit.
		if after := figures(); after != before+1 {
			t.Errorf("positive exits around the +6-month follow-up %d → %d, want one more", before, after)
		}
	})
}

// The hours a recruiter sees on a profile follow the roll calls (a meeting
// marked present adds its hours to the course at once), and its town the file.
func TestTheProfileFollowsRollCallsAndTheFile(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		cohort := s.demoCohort("Lille", "Premiers pas numériques")
		l := s.learner("Lille", "Awa", "Heures")
		s.enrol(cohort, l)
		lid := strconv.FormatInt(l, 10)
		m := s.signIn("manager.lille@tremplin.example")
		if p := m.post("/learners/"+lid+"/profile/consent", url.Values{"level": {"profile"}, "action": {"given"}, "how_profile": {"in_person"}}); p.status != http.StatusSeeOther {
			t.Fatalf("consent: %d %v", p.status, errorsOf(p.body))
		}
		hours := func() int64 {
			return s.count64("SELECT COALESCE(SUM(hours), 0) FROM recruiter_profile_courses WHERE learner_id = $1", l)
		}
		before := hours()
		meeting := s.meetingAt(cohort, -3*time.Hour) // two and a half hours, ended
		if p := m.post("/meetings/"+meeting+"/attendance", url.Values{"meeting": {meeting}, "mark_" + lid: {"present"}}); p.status != http.StatusSeeOther {
			t.Fatalf("roll call: %d", p.status)
		}
		if after := hours(); after != before+2 && after != before+3 {
			t.Errorf("profile hours %d → %d after a 2.5-hour meeting", before, after)
		}
		// The person moved to Roubaix: their file says so, and so does the
		// profile the companies match on.
		v := registration(s.antennaID("Lille"))
		v.Set("first_name", "Awa")
		v.Set("last_name", "Heures")
		v.Set("phone", "06 00 00 00 00")
		v.Set("where", "59100 Roubaix")
		if p := m.post("/learners/"+lid, v); p.status != http.StatusSeeOther {
			t.Fatalf("saving the file: %d %v", p.status, errorsOf(p.body))
		}
		if town := s.text("SELECT postcode || ' ' || town FROM recruiter_profiles WHERE learner_id = $1", l); town != "59100 Roubaix" {
			t.Errorf("the profile's town is %q, want the file's new one", town)
		}
	})
}

// A person's file lists the open offers they fit (within a commute of the
// job's town), each with a button to propose them, apart from the others;
// an offer they were proposed for leaves both lists.
func TestTheFileListsTheOffersThePersonFits(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		l := s.learner("Lille", "Inès", "Proche")
		if _, err := s.app.DB.ExecContext(ctx, "UPDATE learners SET postcode = '59000', town = 'Lille' WHERE id = $1", l); err != nil {
			t.Fatal(err)
		}
		lid := strconv.FormatInt(l, 10)
		m := s.signIn("manager.lille@tremplin.example")
		if p := m.post("/learners/"+lid+"/profile/consent", url.Values{"level": {"profile"}, "action": {"given"}, "how_profile": {"in_person"}}); p.status != http.StatusSeeOther {
			t.Fatalf("consent: %d %v", p.status, errorsOf(p.body))
		}
		company := s.id("SELECT id FROM donors WHERE org_name = 'Numérique Solidaire SAS'")
		start := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
		post := func(title, town string, skills ...string) string {
			t.Helper()
			v := offerForm(title, "D1106", town, start)
			v.Set("company", company)
			for i := 0; i+1 < len(skills); i += 2 {
				v.Set("skill_"+strconv.Itoa(i/2+1), skills[i])
				v.Set("level_"+strconv.Itoa(i/2+1), skills[i+1])
			}
			if p := m.post("/jobs", v); p.status != http.StatusSeeOther {
				t.Fatalf("posting %s: %d %v", title, p.status, errorsOf(p.body))
			}
			return s.id("SELECT id FROM job_offers WHERE title = $1", title)
		}
		near, far := post("Vendeur·se en épicerie solidaire", "59800 Lille"), post("Vendeur·se à Bordeaux", "33000 Bordeaux")
		// An offer asking for a digital competence at level 5 (processing
		// data): the person, never positioned, does not fit it.
		expert := post("Vendeur·se en ligne", "59000 Lille", "1.3", "5")
		if page := html.UnescapeString(m.get("/jobs/" + expert).body); !strings.Contains(page, "niveau 5 au moins") {
			t.Error("the offer's page does not say the competence it asks for")
		}
		fitting := func(body, offer string) bool {
			return strings.Contains(body, `<input type="hidden" name="offer" value="`+offer+`">`)
		}
		offered := func(body, offer string) bool {
			return strings.Contains(body, `<option value="`+offer+`">Numérique Solidaire SAS — `)
		}
		file := m.get("/learners/" + lid).body
		if !strings.Contains(html.UnescapeString(file), i18n.For("fr").T("jobs.app.fitting_title")) || !fitting(file, near) || offered(file, near) {
			t.Error("the offer in Lille is not among those the person fits")
		}
		if fitting(file, far) || !offered(file, far) {
			t.Error("the offer in Bordeaux, 200 km away, is listed as fitting, or cannot be chosen at all")
		}
		if fitting(file, expert) || !offered(file, expert) {
			t.Error("the offer asking for a competence the person has not shown is listed as fitting")
		}
		if p := m.post("/learners/"+lid+"/applications", url.Values{"offer": {near}}); p.status != http.StatusSeeOther {
			t.Fatalf("proposing from the file: %d %v", p.status, errorsOf(p.body))
		}
		if file := m.get("/learners/" + lid).body; fitting(file, near) || offered(file, near) || !strings.Contains(html.UnescapeString(file), "Vendeur·se en épicerie solidaire") {
			t.Error("the offer proposed is still offered, or its application is not listed")
		}
	})
}
