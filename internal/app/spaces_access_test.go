package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tremplin/internal/demo"
	"tremplin/internal/partners"
	"tremplin/internal/platform/db"
)

// A partner's contact, a volunteer and a company's recruiter, each signed in to their own space, are
// no more than visitors anywhere else: every staff route sends them to the
// staff sign-in (a change is refused), and each space's routes send the other
// to that space's sign-in.
func TestSpacesGrantNothingElse(t *testing.T) {
	s := newSite(t, db.SQLite)
	ctx := context.Background()
	// The partner's contact, signed in by an invitation's link.
	var contact int64
	if err := s.app.DB.QueryRowContext(ctx, "SELECT MIN(id) FROM partner_contacts WHERE email <> ''").Scan(&contact); err != nil {
		t.Fatal(err)
	}
	token, err := partners.NewLink(ctx, s.app.DB, contact, time.Now())
	if err != nil || token == "" {
		t.Fatalf("a link: %q %v", token, err)
	}
	partner := s.browser()
	if p := partner.post("/partner/login/"+token, url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("the partner signs in: %d", p.status)
	}
	if p := partner.get("/partner"); p.status != http.StatusOK {
		t.Fatalf("the partner's space: %d", p.status)
	}
	// The volunteer, signed in by the link sent to their email.
	volunteer := s.browser()
	link := s.askVolunteerLink(volunteer, "fatima.benali@example.org", "fatima.benali@example.org")
	if link == "" {
		t.Fatal("no link for the volunteer")
	}
	if p := volunteer.post(link, url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("the volunteer signs in: %d", p.status)
	}
	if p := volunteer.get("/volunteer"); p.status != http.StatusOK {
		t.Fatalf("the volunteer's space: %d", p.status)
	}
	// The recruiter, signed in to the company space by an emailed link.
	recruiter := s.recruiterSignIn(demo.DemoRecruiter)
	if recruiter == nil {
		t.Fatal("no link for the recruiter")
	}
	bordeaux := s.antennaID("Bordeaux")
	for _, rt := range s.app.Routes() {
		if rt.Policy.IsPublic() {
			continue
		}
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = strings.NewReplacer("{id}", bordeaux, "{$}", "").Replace(path)
		for who, b := range map[string]*browser{"partner": partner, "volunteer": volunteer, "recruiter": recruiter} {
			own := (who == "partner" && strings.HasPrefix(path, "/partner")) || (who == "volunteer" && strings.HasPrefix(path, "/volunteer/") &&
				rt.Policy.SignInPath() == "/volunteer/login") || (who == "volunteer" && path == "/volunteer") ||
				(who == "recruiter" && rt.Policy.SignInPath() == "/company/login")
			if own {
				continue
			}
			var p page
			if method == "GET" {
				p = b.get(path)
				if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), rt.Policy.SignInPath()+"?next=") {
					t.Errorf("the %s GET %s: %d %q, want the way to sign in", who, path, p.status, p.header.Get("Location"))
				}
			} else {
				p = b.post(path, url.Values{"name": {"x"}})
				if p.status != http.StatusUnauthorized {
					t.Errorf("the %s %s %s: %d, want 401", who, method, path, p.status)
				}
			}
		}
	}
}
