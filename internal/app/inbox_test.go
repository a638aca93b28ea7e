package app_test

import (
	"context"
	"database/sql"
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
	"tremplin/internal/platform/i18n"
)

func (s *site) assignedTo(learnerID string) string {
	s.t.Helper()
	var to sql.NullString
	if err := s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(assigned_to AS TEXT) FROM learners WHERE id = $1", learnerID).Scan(&to); err != nil {
		s.t.Fatal(err)
	}
	return to.String
}

// manyInLille registers n people in Lille, a second apart, oldest first.
func (s *site) manyInLille(n int, last string) []*learners.Learner {
	s.t.Helper()
	ctx := context.Background()
	antenna, _ := strconv.ParseInt(s.antennaID("Lille"), 10, 64)
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	var people []*learners.Learner
	for i := range n {
		people = append(people, &learners.Learner{FirstName: fmt.Sprintf("Awa%02d", i), LastName: last, Phone: fmt.Sprintf("+336200000%02d", i),
			BirthYear: 1990, Situations: []string{"qpv"}, ConsentText: "oui", CreatedAt: start.Add(time.Duration(i) * time.Minute)})
	}
	if err := s.app.DB.Tx(ctx, func(tx *sql.Tx) error { return learners.RegisterMany(ctx, tx, antenna, people) }); err != nil {
		s.t.Fatal(err)
	}
	return people
}

var nextLink = regexp.MustCompile(`href="([^"]+)" rel="next"`)

// An adviser's inbox opens on their own queue; they take a registration, give
// one to a colleague, and filter by who follows it. The file says who, and its
// history keeps each change. Nobody of another antenna can be chosen, and another
// antenna's file cannot be assigned.
func TestAdviserAssignsAndSeesTheirQueue(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		karim := s.signIn("karim.lille@tremplin.example")
		amina, kevin := s.learnerID("Haddad"), s.learnerID("Lemaire")
		first := html.UnescapeString(karim.get("/inbox").body)
		if strings.Contains(first, "Amina Haddad") || !strings.Contains(first, fr.T("inbox.empty")) {
			t.Fatal("an adviser's inbox opens on another's work instead of their own queue")
		}
		// "I'll take it", from the inbox.
		p := karim.post("/learners/"+amina+"/assign", url.Values{"assignee": {"me"}, "back": {"inbox"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/inbox" {
			t.Fatalf("take: %d %s", p.status, p.header.Get("Location"))
		}
		if s.assignedTo(amina) != s.staffID("karim.lille@tremplin.example") {
			t.Fatal("not assigned")
		}
		mine := html.UnescapeString(karim.get("/inbox").body)
		if !strings.Contains(mine, "Amina Haddad") || strings.Contains(mine, "Kevin Lemaire") {
			t.Error("the adviser's queue is not theirs")
		}
		nobody := html.UnescapeString(karim.get("/inbox?who=none").body)
		if strings.Contains(nobody, "Amina Haddad") || !strings.Contains(nobody, "Kevin Lemaire") {
			t.Error("the not-assigned filter")
		}
		// From the file: to Julie, a colleague of Lille.
		julie := s.staffID("julie.lille@tremplin.example")
		if p := karim.get("/learners/" + kevin + "/assign"); p.status != http.StatusOK || !strings.Contains(p.body, `value="`+julie+`"`) {
			t.Fatalf("assign form: %d", p.status)
		}
		if p := karim.post("/learners/"+kevin+"/assign", url.Values{"assignee": {julie}}); p.status != http.StatusSeeOther {
			t.Fatalf("assign to Julie: %d", p.status)
		}
		byJulie := html.UnescapeString(karim.get("/inbox?who=" + julie).body)
		if !strings.Contains(byJulie, "Kevin Lemaire") || strings.Contains(byJulie, "Amina Haddad") {
			t.Error("the inbox does not filter by assignee")
		}
		file := html.UnescapeString(karim.get("/learners/" + kevin).body)
		if !strings.Contains(file, fr.T("learner.event.assigned", "name", "Julie Martin")) && !strings.Contains(file, "Julie") {
			t.Error("the file's history does not say who it was given to")
		}
		if n := s.count("SELECT COUNT(*) FROM learner_history WHERE learner_id = $1 AND kind = 'assigned'", kevin); n != 1 {
			t.Errorf("%d history steps", n)
		}
		// Someone of Bordeaux cannot be chosen for a Lille file: the form says so.
		bordeaux := s.staffID("manager.bordeaux@tremplin.example")
		p = karim.post("/learners/"+kevin+"/assign", url.Values{"assignee": {bordeaux}})
		if p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["assignee"] != html.EscapeString(fr.T("assign.not_here")) {
			t.Errorf("assign to Bordeaux: %d %v", p.status, errorsOf(p.body))
		}
		if s.assignedTo(kevin) != julie {
			t.Error("a refused assignment changed the file")
		}
		// Another antenna's file: the 404 page, nothing changed.
		pierre := s.learnerID("Dubois")
		if p := karim.post("/learners/"+pierre+"/assign", url.Values{"assignee": {"me"}}); p.status != http.StatusNotFound {
			t.Errorf("assigning a Bordeaux file: %d", p.status)
		}
		if p := karim.get("/learners/" + pierre + "/assign"); p.status != http.StatusNotFound {
			t.Errorf("the assign form of a Bordeaux file: %d", p.status)
		}
		if s.assignedTo(pierre) != "" {
			t.Error("another antenna's file was assigned")
		}
		// Managers see everyone's registrations first.
		if p := html.UnescapeString(s.signIn("manager.lille@tremplin.example").get("/inbox").body); !strings.Contains(p, "Amina Haddad") {
			t.Error("a manager's inbox opens on one queue")
		}
	})
}

// The inbox is a page at a time, oldest first: each page is light, the next one
// starts after the last shown, without repeating or skipping anyone.
func TestInboxIsPaginated(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		people := s.manyInLille(2*learners.InboxLimit+5, "Pagination")
		b := s.signIn("manager.lille@tremplin.example")
		seen := map[string]int{}
		link := "/inbox?who=all"
		pages := 0
		for link != "" && pages < 10 {
			p := b.get(link)
			if p.status != http.StatusOK {
				t.Fatalf("%s: %d", link, p.status)
			}
			if len(p.body) > 30_000 {
				t.Errorf("page %d weighs %d bytes", pages+1, len(p.body))
			}
			body := html.UnescapeString(p.body)
			if n := strings.Count(body, "<li class=\"card\">"); n > learners.InboxLimit {
				t.Errorf("page %d lists %d", pages+1, n)
			}
			for _, l := range people {
				if strings.Contains(body, l.FirstName+" Pagination") {
					seen[l.FirstName]++
				}
			}
			link = ""
			if m := nextLink.FindStringSubmatch(p.body); m != nil {
				link = html.UnescapeString(m[1])
			}
			pages++
		}
		if pages != 3 {
			t.Errorf("%d pages", pages)
		}
		for _, l := range people {
			if seen[l.FirstName] != 1 {
				t.Errorf("%s shown %d times", l.FirstName, seen[l.FirstName])
			}
		}
	})
}

// Several people ticked in the inbox or the list are given to an adviser at once,
// or exported; people of another antenna slipped into the form are never acted
// on, and the page says some were not.
func TestBulkAssignAndExportStayInScope(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		karim := s.signIn("karim.lille@tremplin.example")
		amina, kevin, pierre := s.learnerID("Haddad"), s.learnerID("Lemaire"), s.learnerID("Dubois")
		julie := s.staffID("julie.lille@tremplin.example")
		p := karim.post("/learners/bulk", url.Values{"action": {"assign"}, "assignee": {julie}, "ids": {amina, kevin, pierre},
			"back": {"/learners?status=received"}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/learners?status=received" {
			t.Fatalf("bulk: %d %s", p.status, p.header.Get("Location"))
		}
		if s.assignedTo(amina) != julie || s.assignedTo(kevin) != julie {
			t.Error("the people ticked were not given to Julie")
		}
		if s.assignedTo(pierre) != "" {
			t.Fatal("a Bordeaux file was acted on")
		}
		if p := html.UnescapeString(karim.get("/learners?status=received").body); !strings.Contains(p, fr.T("bulk.some_not_done")) {
			t.Error("the page does not say some people were not given")
		}
		// Nobody ticked, an adviser of another antenna: nothing happens, a message says why.
		karim.post("/learners/bulk", url.Values{"action": {"assign"}, "assignee": {"me"}, "back": {"/inbox"}})
		if p := html.UnescapeString(karim.get("/inbox").body); !strings.Contains(p, fr.T("bulk.none_ticked")) {
			t.Error("no message when nobody is ticked")
		}
		karim.post("/learners/bulk", url.Values{"action": {"assign"}, "assignee": {s.staffID("manager.bordeaux@tremplin.example")}, "ids": {amina}})
		if s.assignedTo(amina) != julie {
			t.Error("a file was given to someone of another antenna")
		}
		// The list and the inbox offer the boxes and both actions, in one form.
		for _, path := range []string{"/inbox?who=all", "/learners"} {
			p := karim.get(path)
			if !strings.Contains(p.body, `name="ids" value="`+amina+`" form="bulk"`) || !strings.Contains(p.body, `formaction="/exports/learners.csv"`) {
				t.Errorf("%s has no bulk form", path)
			}
		}
		// Export of the people ticked: only them, and never another antenna's.
		rows := readCSV(t, karim.get("/exports/learners.csv?ids="+amina+"&ids="+kevin+"&ids="+pierre+"&assignee=me&back=%2Finbox"), ';')
		if len(rows) != 3 {
			t.Fatalf("export of the ticked: %q", rows)
		}
		for _, r := range rows[1:] {
			if r[0] != amina && r[0] != kevin {
				t.Errorf("exported %q", r)
			}
		}
		if rows := readCSV(t, karim.get("/exports/learners.csv?ticked=1&assignee=me"), ';'); len(rows) != 1 {
			t.Errorf("nobody ticked exports %d people", len(rows)-1)
		}
	})
}

// The learners list combines filters (status, programme, cohort, adviser,
// situation, registration days) a page at a time, and its download links carry
// them to the same rows.
func TestLearnersListFilters(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		karim := s.signIn("karim.lille@tremplin.example")
		names := func(path string) string {
			t.Helper()
			p := karim.get(path)
			if p.status != http.StatusOK {
				t.Fatalf("%s: %d", path, p.status)
			}
			return html.UnescapeString(p.body)
		}
		// Status, and situation.
		p := names("/learners?status=waitlisted")
		if !strings.Contains(p, "Mohammed Al-Rashid") || strings.Contains(p, "Amina Haddad") {
			t.Error("status filter")
		}
		p = names("/learners?situation=asylum")
		if !strings.Contains(p, "Yonas Tesfaye") || !strings.Contains(p, "Mohammed Al-Rashid") || strings.Contains(p, "Amina Haddad") {
			t.Error("situation filter")
		}
		p = names("/learners?situation=asylum&status=waitlisted")
		if strings.Contains(p, "Yonas Tesfaye") || !strings.Contains(p, "Mohammed Al-Rashid") {
			t.Error("filters do not combine")
		}
		// Cohort and programme: Nadia is enrolled in Lille's first open cohort.
		nadia := s.learnerID("Boukherroub")
		var cohort, programme string
		if err := s.app.DB.QueryRowContext(context.Background(), `SELECT CAST(c.id AS TEXT), CAST(c.programme_id AS TEXT) FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
			WHERE e.learner_id = $1 AND e.state = 'enrolled'`, nadia).Scan(&cohort, &programme); err != nil {
			t.Fatal(err)
		}
		p = names("/learners?cohort=" + cohort)
		if !strings.Contains(p, "Nadia Boukherroub") || strings.Contains(p, "Amina Haddad") {
			t.Error("cohort filter")
		}
		if p = names("/learners?programme=" + programme); !strings.Contains(p, "Nadia Boukherroub") || strings.Contains(p, "Amina Haddad") {
			t.Error("programme filter")
		}
		// Adviser.
		karim.post("/learners/"+s.learnerID("Haddad")+"/assign", url.Values{"assignee": {"me"}})
		if p = names("/learners?who=me"); !strings.Contains(p, "Amina Haddad") || strings.Contains(p, "Kevin Lemaire") {
			t.Error("adviser filter")
		}
		// Registration period: Amina registered 2 days ago, Kevin 9.
		day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }
		p = names("/learners?from=" + day(-5) + "&to=" + day(0))
		if !strings.Contains(p, "Amina Haddad") || strings.Contains(p, "Kevin Lemaire") {
			t.Error("period filter")
		}
		// With a search text, the filters narrow its results.
		if p = names("/learners?q=haddad&status=contacted"); strings.Contains(p, "Amina Haddad") {
			t.Error("filters do not narrow a search")
		}
		// A date that cannot be read: said next to the field, kept, nothing filtered by it.
		bad := karim.get("/learners?from=31%2F02%2F2026&status=waitlisted")
		if bad.status != http.StatusUnprocessableEntity || errorsOf(bad.body)["from"] != html.EscapeString(fr.T("learner.date_invalid")) ||
			valueOf(bad.body, "from") != "31/02/2026" {
			t.Errorf("bad date: %d %v", bad.status, errorsOf(bad.body))
		}
		// The download links carry the filters, and the export reads them.
		p = karim.get("/learners?situation=asylum&status=waitlisted").body
		if !strings.Contains(p, `href="/exports/learners.csv?situation=asylum&amp;status=waitlisted"`) {
			t.Error("the download link lacks the filters")
		}
		rows := readCSV(t, karim.get("/exports/learners.csv?situation=asylum&status=waitlisted"), ';')
		if len(rows) != 2 || rows[1][column(rows, "Nom")] != "Al-Rashid" {
			t.Errorf("filtered export: %q", rows)
		}
		// A page at a time, newest first.
		people := s.manyInLille(learners.SearchLimit+3, "Listee")
		p = names("/learners?situation=qpv")
		if !strings.Contains(p, people[len(people)-1].FirstName+" Listee") || strings.Contains(p, people[0].FirstName+" Listee") {
			t.Error("the first page is not the newest")
		}
		m := nextLink.FindStringSubmatch(karim.get("/learners?situation=qpv").body)
		if m == nil {
			t.Fatal("no next page")
		}
		if p = names(html.UnescapeString(m[1])); !strings.Contains(p, people[0].FirstName+" Listee") {
			t.Error("the next page does not go on")
		}
	})
}

// Staff record a person who came in or phoned: checked as the public form, no
// message to the person unless asked, in the inbox given to whoever recorded
// them, flagged when a file looks like theirs, and once however often it is sent.
func TestWalkInIsRecorded(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		s.work()
		fr := i18n.For("fr")
		karim := s.signIn("karim.lille@tremplin.example")
		if p := karim.get("/learners/new"); p.status != http.StatusOK || !strings.Contains(p.body, `name="source"`) {
			t.Fatalf("walk-in form: %d", p.status)
		} else if !strings.Contains(p.body, "<h2>"+fr.T("learner.person_heading")+"</h2>") || strings.Contains(p.body, "<h2>"+fr.T("register.you")+"</h2>") {
			t.Error("the walk-in form speaks to the adviser as if they were the person")
		}
		form := registration(s.antennaID("Lille"))
		form.Set("source", "phone")
		form.Set("lang", "ar")
		form.Set("phone", "06 55 44 33 22")
		form.Set("birth_year", "3000")
		form.Del("consent")
		p := karim.post("/learners/new", form)
		errs := errorsOf(p.body)
		if p.status != http.StatusUnprocessableEntity || errs["birth_year"] == "" || errs["consent"] != html.EscapeString(fr.T("walkin.consent_required")) ||
			valueOf(p.body, "first_name") != "Rania" {
			t.Fatalf("bad walk-in: %d %v", p.status, errs)
		}
		before := s.count("SELECT COUNT(*) FROM learners")
		form.Set("birth_year", "1995")
		form.Set("consent", "yes")
		p = karim.post("/learners/new", form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("walk-in: %d %v", p.status, errorsOf(p.body))
		}
		id := strings.TrimPrefix(p.header.Get("Location"), "/learners/")
		var source, lang string
		s.app.DB.QueryRowContext(context.Background(), "SELECT source, lang FROM learners WHERE id = $1", id).Scan(&source, &lang)
		if source != "phone" || lang != "ar" || s.assignedTo(id) != s.staffID("karim.lille@tremplin.example") {
			t.Errorf("walk-in stored as %s %s, assigned to %q", source, lang, s.assignedTo(id))
		}
		// (The demo's people get their reminders meanwhile: only registrations count.)
		if s.count("SELECT COUNT(*) FROM messages WHERE kind = 'registration'") != 0 {
			t.Error("the acknowledgement went without being asked for")
		}
		if p := html.UnescapeString(karim.get("/inbox").body); !strings.Contains(p, "Rania Saleh") {
			t.Error("the walk-in is not in the recorder's queue")
		}
		// Sent again: the same file.
		if p := karim.post("/learners/new", form); p.header.Get("Location") != "/learners/"+id {
			t.Errorf("a second send went to %s", p.header.Get("Location"))
		}
		if n := s.count("SELECT COUNT(*) FROM learners"); n != before+1 {
			t.Errorf("%d files made", n-before)
		}
		// Someone already known (Amina's phone), with the confirmation ticked.
		known := registration(s.antennaID("Lille"))
		known.Set("source", "walk_in")
		known.Set("lang", "fr")
		known.Set("first_name", "Aminata")
		known.Set("phone", "06 12 34 56 01")
		known.Set("confirm", "yes")
		p = karim.post("/learners/new", known)
		if p.status != http.StatusSeeOther {
			t.Fatalf("known walk-in: %d", p.status)
		}
		id2 := strings.TrimPrefix(p.header.Get("Location"), "/learners/")
		var dup sql.NullString
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(duplicate_of AS TEXT) FROM learners WHERE id = $1", id2).Scan(&dup)
		if dup.String != s.learnerID("Haddad") {
			t.Errorf("not flagged as a likely duplicate: %q", dup.String)
		}
		s.drain()
		if s.count("SELECT COUNT(*) FROM messages WHERE kind = 'registration' AND channel = 'sms' AND state IN ('sent', 'delivered') AND recipient = '+33612345601'") != 1 ||
			s.count("SELECT COUNT(*) FROM messages WHERE kind = 'registration' AND channel = 'sms'") != 1 {
			t.Error("the confirmation asked for was not sent")
		}
		if p := html.UnescapeString(karim.get("/learners/" + id2).body); !strings.Contains(p, fr.T("walkin.saved_duplicate")) {
			t.Error("the duplicate is not said")
		}
		// Only staff; another antenna is not offered nor taken.
		if p := s.browser().get("/learners/new"); p.status != http.StatusSeeOther {
			t.Errorf("a visitor: %d", p.status)
		}
		other := registration(s.antennaID("Bordeaux"))
		other.Set("source", "walk_in")
		other.Set("lang", "fr")
		if p := karim.post("/learners/new", other); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["antenna"] == "" {
			t.Errorf("a Lille adviser records in Bordeaux: %d", p.status)
		}
	})
}

var todayCount = regexp.MustCompile(`<a href="([^"]+)"><span class="count[^"]*">([0-9+]+)</span> <span>([^<]+)</span>`)

// The staff home page says what waits today, with counts and links, in the
// person's antennas only.
func TestHomeShowsTodaysWork(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		counts := func(b *browser) map[string]string {
			t.Helper()
			p := b.get("/")
			if p.status != http.StatusOK {
				t.Fatalf("home: %d", p.status)
			}
			out := map[string]string{}
			for _, m := range todayCount.FindAllStringSubmatch(html.UnescapeString(p.body), -1) {
				out[m[3]] = m[2]
				out[m[3]+" href"] = m[1]
			}
			return out
		}
		karim := s.signIn("karim.lille@tremplin.example")
		c := counts(karim)
		newKey := fr.T("today.new")
		received := s.count(`SELECT COUNT(*) FROM learners l JOIN antennas a ON a.id = l.antenna_id
			WHERE a.name = 'Lille' AND l.status = 'received' AND l.merged_into IS NULL`)
		if c[newKey] != strconv.Itoa(received) || c[newKey+" href"] != "/inbox?who=all&status=received" {
			t.Errorf("new registrations: %q, want %d (%v)", c[newKey], received, c)
		}
		for _, k := range []string{"today.mine", "today.rollcalls", "today.alerts", "today.followups", "today.offers", "today.nextsteps"} {
			if _, ok := c[fr.T(k)]; !ok {
				t.Errorf("the home page lacks %s", k)
			}
		}
		if c[fr.T("today.mine")] != "0" {
			t.Errorf("mine: %s", c[fr.T("today.mine")])
		}
		karim.post("/learners/"+s.learnerID("Haddad")+"/assign", url.Values{"assignee": {"me"}})
		s.exportPerson("Lille", "Nouvelle", "Venue", "+33611119999")
		c = counts(karim)
		if c[fr.T("today.mine")] != "1" || c[newKey] != strconv.Itoa(received+1) {
			t.Errorf("after a registration and an assignment: %v", c)
		}
		// Bordeaux counts Bordeaux's.
		bordeaux := s.count(`SELECT COUNT(*) FROM learners l JOIN antennas a ON a.id = l.antenna_id
			WHERE a.name = 'Bordeaux' AND l.status = 'received' AND l.merged_into IS NULL`)
		if c := counts(s.signIn("manager.bordeaux@tremplin.example")); c[newKey] != strconv.Itoa(bordeaux) {
			t.Errorf("Bordeaux: %s, want %d", c[newKey], bordeaux)
		}
		// Beyond the limit, "99+".
		s.manyInLille(105, "Nombreux")
		if c := counts(karim); c[newKey] != "99+" {
			t.Errorf("many new registrations shown as %q", c[newKey])
		}
		// Visitors get the public page.
		if p := s.browser().get("/"); strings.Contains(p.body, fr.T("today.title")) {
			t.Error("a visitor sees the staff's day")
		}
	})
}
