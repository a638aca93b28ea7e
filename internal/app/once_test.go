package app_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"tremplin/internal/platform/web"
)

var onceInput = regexp.MustCompile(`<input type="hidden" name="once" value="([^"]+)">`)

// onceOf returns the one-time token a page gives its forms.
func onceOf(t testing.TB, body string) string {
	t.Helper()
	m := onceInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page's forms carry no one-time token")
	}
	return m[1]
}

// Two identical POSTs (a double tap, a slow network) do the thing once: the second
// is sent where the first led.
func TestFormsSentTwiceDoTheirThingOnce(t *testing.T) {
	t.Parallel()
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		id := s.learnerID("Haddad")
		notes := func() int { return s.count("SELECT COUNT(*) FROM learner_notes WHERE learner_id = $1", id) }
		contacts := func() int { return s.count("SELECT COUNT(*) FROM learner_contacts WHERE learner_id = $1", id) }

		// A note, sent twice.
		token := onceOf(t, karim.get("/learners/"+id).body)
		before := notes()
		note := url.Values{"note": {"Rappeler lundi"}, "once": {token}}
		first := karim.post("/learners/"+id+"/notes", note)
		second := karim.post("/learners/"+id+"/notes", note)
		if first.status != http.StatusSeeOther || second.status != http.StatusSeeOther ||
			second.header.Get("Location") != first.header.Get("Location") {
			t.Fatalf("note twice: %d %q then %d %q", first.status, first.header.Get("Location"), second.status, second.header.Get("Location"))
		}
		if n := notes() - before; n != 1 {
			t.Fatalf("a note sent twice made %d notes", n)
		}

		// A contact attempt from the inbox, sent twice.
		token = onceOf(t, karim.get("/inbox?who=all").body)
		before = contacts()
		attempt := url.Values{"contact_kind": {"no_answer"}, "back": {"inbox"}, "once": {token}}
		for range 2 {
			if p := karim.post("/learners/"+id+"/contacts", attempt); p.status != http.StatusSeeOther || p.header.Get("Location") != "/inbox" {
				t.Fatalf("contact attempt: %d %q", p.status, p.header.Get("Location"))
			}
		}
		if n := contacts() - before; n != 1 {
			t.Fatalf("a contact attempt sent twice made %d", n)
		}

		// The same token on another form of the page is another sending.
		if p := karim.post("/learners/"+id+"/notes", url.Values{"note": {"Autre"}, "once": {token}}); p.status != http.StatusSeeOther || notes()-before != 2 {
			t.Fatalf("another form with the page's token: %d, %d notes", p.status, notes()-before)
		}

		// A form answered with its errors can be corrected and sent again.
		token = onceOf(t, karim.get("/learners/"+id).body)
		before = notes()
		if p := karim.post("/learners/"+id+"/notes", url.Values{"note": {""}, "once": {token}}); p.status != http.StatusUnprocessableEntity {
			t.Fatalf("empty note: %d", p.status)
		}
		if p := karim.post("/learners/"+id+"/notes", url.Values{"note": {"Corrigée"}, "once": {token}}); p.status != http.StatusSeeOther {
			t.Fatalf("corrected note: %d %v", p.status, errorsOf(p.body))
		}
		if n := notes() - before; n != 1 {
			t.Fatalf("after a 422 and a correction, %d notes", n)
		}

		// Two at the same time: one note, and both are sent to the file.
		token = onceOf(t, karim.get("/learners/"+id).body)
		before = notes()
		var wg sync.WaitGroup
		pages := make([]page, 4)
		for i := range pages {
			wg.Go(func() {
				pages[i] = karim.post("/learners/"+id+"/notes", url.Values{"note": {"En même temps"}, "once": {token}})
			})
		}
		wg.Wait()
		for i, p := range pages {
			if p.status != http.StatusSeeOther || p.header.Get("Location") != pages[0].header.Get("Location") {
				t.Fatalf("concurrent sending %d: %d %q", i, p.status, p.header.Get("Location"))
			}
		}
		if n := notes() - before; n != 1 {
			t.Fatalf("four concurrent sendings made %d notes", n)
		}

		// A registration, sent twice from a slow phone.
		b := s.browser()
		lille := s.antennaID("Lille")
		v := registration(lille)
		v.Set("once", onceOf(t, b.get("/register?antenna="+lille).body))
		before = s.count("SELECT COUNT(*) FROM learners")
		first = b.post("/register", v)
		second = b.post("/register", v)
		if first.status != http.StatusSeeOther || second.header.Get("Location") != first.header.Get("Location") {
			t.Fatalf("registration twice: %d %q then %d %q", first.status, first.header.Get("Location"), second.status, second.header.Get("Location"))
		}
		if n := s.count("SELECT COUNT(*) FROM learners") - before; n != 1 {
			t.Fatalf("a registration sent twice made %d files", n)
		}
		if n := s.count("SELECT COUNT(*) FROM messages WHERE channel = 'sms' AND kind = 'registration'"); n != 1 {
			t.Fatalf("%d SMS for one registration", n)
		}

		// Tokens are forgotten after a day.
		kept := s.count("SELECT COUNT(*) FROM form_once")
		if err := web.SweepOnce(t.Context(), s.app.DB); err != nil || kept == 0 || s.count("SELECT COUNT(*) FROM form_once") != kept {
			t.Fatalf("sweeping fresh tokens: %v, %d kept of %d", err, s.count("SELECT COUNT(*) FROM form_once"), kept)
		}
		if _, err := s.app.DB.Exec(t.Context(), "UPDATE form_once SET created_at = $1", time.Now().Add(-25*time.Hour).UTC().Format(time.RFC3339)); err != nil {
			t.Fatal(err)
		}
		if err := web.SweepOnce(t.Context(), s.app.DB); err != nil || s.count("SELECT COUNT(*) FROM form_once") != 0 {
			t.Fatalf("tokens older than a day were not swept: %v", err)
		}
	})
}

// onceExempt are the POST forms that need no one-time token because sending them
// twice is the same as sending them once, by nature. Every other form must carry
// {{template "once" $}} right after its <form> tag.
var onceExempt = map[string]string{
	"platform/web/templates/layout.html /logout":            "signing out twice is signing out",
	"platform/web/templates/layout.html /lang":              "sets the language",
	"platform/auth/templates/login.html /login":             "signs in; a new session replaces the other",
	"platform/auth/templates/forgot.html /password/forgot":  "answers with the same page; a second link is harmless",
	"platform/auth/templates/reset.html /password/reset/":   "the link works once",
	"platform/auth/templates/profile.html /profile":         "sets values",
	"attendance/templates/attendance.html /meetings/":       "attendance is an upsert",
	"training/templates/_partials.html /cohorts/":           "enrolling or waitlisting twice keeps the one place",
	"learners/templates/edit.html /learners/":               "sets values",
	"positioning/templates/thresholds.html /positioning/":   "sets values",
	"opendata/templates/association.html /association":      "sets values",
	"partners/templates/import.html /partners/":             "an upload only makes a preview; its confirmation carries the token",
	"partners/templates/contact_form.html /partners/":       "edits a contact: sets values",
	"partners/templates/link.html /partner/login":           "sends a sign-in link; a second is harmless",
	"partners/templates/login.html /partner/login":          "sends a sign-in link; a second is harmless",
	"partners/templates/_partials.html /partner/logout":     "signing out twice is signing out",
	"jobs/templates/link.html /company/login":               "sends a sign-in link; a second is harmless",
	"jobs/templates/link.html /company/login/":              "uses a one-time link, which works once by itself",
	"jobs/templates/login.html /company/login":              "sends a sign-in link; a second is harmless",
	"jobs/templates/_partials.html /company/logout":         "signing out twice is signing out",
	"volunteers/templates/link.html /volunteer/login/":      "uses a one-time link, which works once by itself",
	"volunteers/templates/login.html /volunteer/login":      "sends a sign-in link; a second is harmless",
	"volunteers/templates/_partials.html /volunteer/logout": "signing out twice is signing out",
}

var postForm = regexp.MustCompile(`<form[^>]*method="post"[^>]*action="([^"{]*)[^"]*"[^>]*>(\s*\{\{template "once" (?:\$|\.Page)\}\})?`)

// Every form that changes something carries the page's one-time token, so that
// sending it twice does its thing once (a partial given the page as .Page
// passes it on).
func TestEveryPostFormIsSafeToSendTwice(t *testing.T) {
	root := filepath.Join("..")
	used := map[string]bool{}
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") || !strings.Contains(filepath.ToSlash(path), "/templates/") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
		for _, m := range postForm.FindAllStringSubmatch(string(b), -1) {
			found++
			if m[2] != "" {
				continue
			}
			matched := false
			for k := range onceExempt {
				file, action, _ := strings.Cut(k, " ")
				if file == rel && strings.HasPrefix(m[1], action) {
					matched, used[k] = true, true
				}
			}
			if !matched {
				t.Errorf(`%s: the form posting to %s lacks {{template "once" $}} right after its tag (or a place on the list of forms safe by nature)`, rel, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 40 {
		t.Fatalf("only %d POST forms found: is the walk looking in the right place?", found)
	}
	for k := range onceExempt {
		if !used[k] {
			t.Errorf("%s is listed as safe by nature but no such form lacks a token", k)
		}
	}
}
