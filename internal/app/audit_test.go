package app_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tremplin/internal/partners"
)

// What an adviser reads and changes of a person's file, and the lists they
// download, are in the audit the national admin searches, with who and when;
// a refused request leaves nothing; a manager cannot read the audit.
func TestReadsAndChangesAreAudited(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		learner := s.id(`SELECT MIN(l.id) FROM learners l JOIN antennas a ON a.id = l.antenna_id WHERE a.name = 'Lille'`)
		karim := s.signIn("karim.lille@tremplin.example")
		if p := karim.get("/learners/" + learner); p.status != http.StatusOK {
			t.Fatalf("the file: %d", p.status)
		}
		if p := karim.post("/learners/"+learner+"/notes", url.Values{"note": {"A rappelé pour la session de mars."}}); p.status != http.StatusSeeOther {
			t.Fatalf("a note: %d %v", p.status, errorsOf(p.body))
		}
		if p := karim.get("/exports/learners.csv?status=received"); p.status != http.StatusOK {
			t.Fatalf("the export: %d", p.status)
		}
		// Bordeaux's manager is refused Lille's file: nothing is recorded.
		if p := s.signIn("manager.bordeaux@tremplin.example").get("/learners/" + learner); p.status != http.StatusNotFound {
			t.Fatalf("Bordeaux reads Lille's file: %d", p.status)
		}
		count := func(action string) int {
			return s.count(`SELECT COUNT(*) FROM audit_events e JOIN staff s ON s.id = e.staff_id
				WHERE e.action = $1 AND s.email = $2`, action, "karim.lille@tremplin.example")
		}
		if count("read_file") != 1 || count("change_file") != 1 || count("export") != 1 {
			t.Errorf("audit: %d reads, %d changes, %d exports; want one each", count("read_file"), count("change_file"), count("export"))
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_events e JOIN staff s ON s.id = e.staff_id WHERE s.email = 'manager.bordeaux@tremplin.example'`); n != 0 {
			t.Errorf("a refused read left %d events", n)
		}
		admin := s.signIn("admin@tremplin.example")
		page := html.UnescapeString(admin.get("/privacy/audit?learner=" + learner).body)
		for _, want := range []string{"Karim Benhaddou", "Dossier consulté", "Dossier modifié", "/learners/" + learner + "/notes"} {
			if !strings.Contains(page, want) {
				t.Errorf("the audit of the file lacks %q", want)
			}
		}
		if strings.Contains(page, "/exports/learners.csv") {
			t.Error("the file's audit shows an export that is not the file's")
		}
		page = html.UnescapeString(admin.get("/privacy/audit?action=export").body)
		if !strings.Contains(page, "/exports/learners.csv?status=received") {
			t.Error("the audit of exports does not say which list with which filter")
		}
		if p := s.signIn("manager.lille@tremplin.example").get("/privacy/audit"); p.status != http.StatusForbidden {
			t.Errorf("a manager reads the audit: %d", p.status)
		}
		var n int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_events WHERE request_id = ''").Scan(&n)
		if n != 0 {
			t.Errorf("%d events without the request's id", n)
		}
	})
}

// Everything held about a person comes as JSON from their file: their file,
// its history and notes, the messages sent to them, and the audit of who read
// it; link tokens are not in it; another antenna's person is the 404 page.
func TestAccessExportHoldsEverything(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		learner := s.id(`SELECT MIN(l.id) FROM learners l JOIN antennas a ON a.id = l.antenna_id WHERE a.name = 'Lille'`)
		karim := s.signIn("karim.lille@tremplin.example")
		karim.get("/learners/" + learner)
		karim.post("/learners/"+learner+"/notes", url.Values{"note": {"Souhaite reprendre en septembre."}})
		p := karim.get("/learners/" + learner + "/access.json")
		if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "application/json") {
			t.Fatalf("the export: %d %s", p.status, p.header.Get("Content-Type"))
		}
		var got struct {
			Learner int64                       `json:"learner_id"`
			Tables  map[string][]map[string]any `json:"tables"`
		}
		if err := json.Unmarshal([]byte(p.body), &got); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		var first string
		s.app.DB.QueryRowContext(context.Background(), "SELECT first_name FROM learners WHERE id = $1", learner).Scan(&first)
		if rows := got.Tables["learners"]; len(rows) != 1 || rows[0]["first_name"] != first {
			t.Errorf("the file: %v", got.Tables["learners"])
		}
		want := []string{"learner_history", "learner_notes", "audit_events"}
		if s.count("SELECT COUNT(*) FROM messages WHERE learner_id = $1", learner) > 0 {
			want = append(want, "messages")
		}
		for _, table := range want {
			if len(got.Tables[table]) == 0 {
				t.Errorf("the export has nothing of %s", table)
			}
		}
		if !strings.Contains(p.body, "Souhaite reprendre en septembre.") || !strings.Contains(p.body, `"read_file"`) {
			t.Error("the export lacks the note or the audit of the file's reads")
		}
		if strings.Contains(p.body, `"token"`) {
			t.Error("the export holds link tokens")
		}
		if p := s.signIn("manager.bordeaux@tremplin.example").get("/learners/" + learner + "/access.json"); p.status != http.StatusNotFound {
			t.Errorf("Bordeaux exports Lille's person: %d", p.status)
		}
	})
}

// A partner's contact downloading their list from the partner space is in the
// audit too, named with their organisation.
func TestPartnerExportIsAudited(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		var contact int64
		var name, org string
		if err := s.app.DB.QueryRowContext(ctx, `SELECT c.id, c.name, o.name FROM partner_contacts c JOIN partner_orgs o ON o.id = c.org_id
			WHERE c.email <> '' ORDER BY c.id LIMIT 1`).Scan(&contact, &name, &org); err != nil {
			t.Fatal(err)
		}
		token, err := partners.NewLink(ctx, s.app.DB, contact, time.Now())
		if err != nil || token == "" {
			t.Fatalf("a link: %v", err)
		}
		b := s.browser()
		if p := b.post("/partner/login/"+token, url.Values{}); p.status != http.StatusSeeOther {
			t.Fatalf("sign in: %d", p.status)
		}
		if p := b.get("/partner/export.csv"); p.status != http.StatusOK {
			t.Fatalf("the export: %d", p.status)
		}
		if n := s.count("SELECT COUNT(*) FROM audit_events WHERE partner_contact_id = $1 AND action = 'export' AND staff_id IS NULL", contact); n != 1 {
			t.Errorf("%d audit events of the partner's export, want 1", n)
		}
		page := html.UnescapeString(s.signIn("admin@tremplin.example").get("/privacy/audit?action=export").body)
		if !strings.Contains(page, "Partenaire : "+name+" ("+org+")") || !strings.Contains(page, "/partner/export.csv") {
			t.Error("the audit does not name the partner who downloaded the list")
		}
	})
}
