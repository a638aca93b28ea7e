package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tremplin/internal/platform/db"
)

// Every route declares who may use it; a route that needs a sign-in must send a
// visitor to the sign-in page (or refuse a form), and an admin-only route must
// refuse an adviser.
func TestEveryRouteDeclaresAndEnforcesItsPolicy(t *testing.T) {
	s := newSite(t, db.SQLite)
	visitor := s.browser()
	adviser := s.signIn("karim.lille@tremplin.example")
	fundraiser := s.signIn("dons@tremplin.example")
	bordeaux := s.antennaID("Bordeaux")
	for _, rt := range s.app.Routes() {
		if rt.Policy.IsZero() {
			t.Errorf("route %q has no access policy", rt.Pattern)
			continue
		}
		if rt.Policy.IsPublic() {
			continue
		}
		method, path, _ := strings.Cut(rt.Pattern, " ")
		path = strings.NewReplacer("{id}", bordeaux, "{$}", "").Replace(path)
		var p page
		if method == "GET" {
			p = visitor.get(path)
			if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), rt.Policy.SignInPath()+"?next=") {
				t.Errorf("visitor GET %s: status %d, location %q; want a redirect to sign in", path, p.status, p.header.Get("Location"))
			}
		} else {
			p = visitor.post(path, url.Values{"name": {"x"}})
			if p.status != http.StatusUnauthorized {
				t.Errorf("visitor %s %s: status %d, want 401", method, path, p.status)
			}
		}
		if rt.Policy.Name == "offers" {
			// Advisers open their antennas' offers and propose people; the
			// offers' posting and changing stay the fundraisers'.
			if !strings.HasPrefix(path, "/jobs") {
				t.Errorf("%s: the offers' policy outside /jobs", rt.Pattern)
			}
			if method == "GET" {
				p = adviser.get(path)
			} else {
				p = adviser.post(path, url.Values{"name": {"x"}})
			}
			if p.status == http.StatusForbidden || p.status >= 500 {
				t.Errorf("adviser %s %s: status %d, want the page or the 404 page", method, path, p.status)
			}
		}
		if strings.HasPrefix(rt.Pattern, "GET /jobs/{id}/edit") || strings.HasPrefix(rt.Pattern, "POST /jobs/{id}/state") ||
			rt.Pattern == "POST /jobs/{id}" || rt.Pattern == "POST /jobs" || rt.Pattern == "GET /jobs/new" {
			if rt.Policy.Name != "fundraisers" {
				t.Errorf("%s: policy %q, want fundraisers (advisers do not post nor change offers)", rt.Pattern, rt.Policy.Name)
			}
		}
		if rt.Policy.Name != "staff" && rt.Policy.Name != "signed" && rt.Policy.Name != "offers" {
			// Adviser accounts are refused everything beyond the staff routes:
			// managers' and admins' pages, and other people's spaces (partners).
			if method == "GET" {
				p = adviser.get(path)
			} else {
				p = adviser.post(path, url.Values{"name": {"x"}})
			}
			if p.status != http.StatusForbidden {
				t.Errorf("adviser %s %s: status %d, want 403", method, path, p.status)
			}
		}
		switch rt.Policy.Name {
		case "fundraisers", "donations office", "signed", "offers":
		default:
			// The fundraising role sees donors, never the people the
			// association serves nor its other work.
			if method == "GET" {
				p = fundraiser.get(path)
			} else {
				p = fundraiser.post(path, url.Values{"name": {"x"}})
			}
			if p.status != http.StatusForbidden {
				t.Errorf("fundraiser %s %s: status %d, want 403", method, path, p.status)
			}
		}
	}
}

// A Lille manager who types a Bordeaux URL by hand gets the 404 page, never the
// data, and cannot change it.
func TestStaffNeverSeeAnotherAntenna(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		lille := s.signIn("manager.lille@tremplin.example")
		bordeaux := s.antennaID("Bordeaux")
		place := s.placeID("Espace Bastide")
		for _, path := range []string{"/antennas/" + bordeaux, "/antennas/" + bordeaux + "/edit", "/places/" + place, "/places/" + place + "/edit"} {
			p := lille.get(path)
			if p.status != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", path, p.status)
			}
			if strings.Contains(p.body, "Bastide") || strings.Contains(p.body, "Brazza") {
				t.Errorf("GET %s shows Bordeaux's data", path)
			}
		}
		p := lille.post("/places/"+place, url.Values{"antenna": {bordeaux}, "name": {"Renamed"}, "address": {"x"}, "postcode": {"33000"}, "city": {"x"}})
		if p.status != http.StatusNotFound {
			t.Errorf("POST to a Bordeaux place: status %d, want 404", p.status)
		}
		p = lille.post("/antennas/"+bordeaux, url.Values{"name": {"Renamed"}, "city": {"x"}, "country": {"FR"}, "timezone": {"Europe/Paris"}})
		if p.status != http.StatusNotFound {
			t.Errorf("POST to Bordeaux antenna: status %d, want 404", p.status)
		}
		// Nor can a place be moved into, or created in, an antenna one does not manage.
		p = lille.post("/places", url.Values{"antenna": {bordeaux}, "name": {"Intruder"}, "address": {"1 rue X"}, "postcode": {"33000"}, "city": {"Bordeaux"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("create a place in Bordeaux: status %d, want 422", p.status)
		}
		var n int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM places WHERE name IN ('Renamed', 'Intruder')").Scan(&n)
		if n != 0 {
			t.Fatalf("a Lille manager changed Bordeaux's places")
		}
		list := lille.get("/places").body
		if !strings.Contains(list, "La Grappe") || strings.Contains(list, "Bastide") || strings.Contains(list, "Dzaleka") {
			t.Errorf("the Lille manager's place list is not Lille's:\n%s", list)
		}
		antennas := lille.get("/antennas").body
		if strings.Contains(antennas, "Bordeaux") {
			t.Error("the Lille manager sees the Bordeaux antenna")
		}
		// Nor a volunteer of Bordeaux (the demo's Jeanne Martin).
		jeanne := s.id("SELECT id FROM volunteers WHERE last_name = 'Martin' AND antenna_id = $1", bordeaux)
		if p := lille.get("/volunteers/" + jeanne); p.status != http.StatusNotFound || strings.Contains(p.body, "Jeanne") {
			t.Errorf("GET a Bordeaux volunteer: status %d, want 404", p.status)
		}
		if p := lille.post("/volunteers/"+jeanne+"/left", nil); p.status != http.StatusNotFound {
			t.Errorf("POST to a Bordeaux volunteer: status %d, want 404", p.status)
		}
		// The national admin sees every antenna.
		admin := s.signIn("admin@tremplin.example")
		all := html.UnescapeString(admin.get("/antennas").body)
		for _, name := range []string{"Lille", "Bordeaux", "Dzaleka", "Paris – Île-de-France"} {
			if !strings.Contains(all, name) {
				t.Errorf("admin's antenna list lacks %s", name)
			}
		}
	})
}

// Staff administration is for national admins; managers and advisers are refused.
func TestOnlyAdminsManageStaff(t *testing.T) {
	s := newSite(t, db.SQLite)
	for _, who := range []string{"manager.lille@tremplin.example", "karim.lille@tremplin.example"} {
		b := s.signIn(who)
		if p := b.get("/staff"); p.status != http.StatusForbidden {
			t.Errorf("%s GET /staff: %d", who, p.status)
		}
		if p := b.post("/staff", url.Values{"name": {"X"}, "email": {"x@x.org"}, "role": {"admin"}, "lang": {"fr"}}); p.status != http.StatusForbidden {
			t.Errorf("%s POST /staff: %d", who, p.status)
		}
	}
	var n int
	s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM staff WHERE email = 'x@x.org'").Scan(&n)
	if n != 0 {
		t.Fatal("a non-admin created an account")
	}
}

// A form posted from another site is refused: cross-origin protection on every
// state-changing request.
func TestCrossSiteFormIsRefused(t *testing.T) {
	s := newSite(t, db.SQLite)
	b := s.signIn("admin@tremplin.example")
	req, _ := http.NewRequest("POST", s.srv.URL+"/antennas", strings.NewReader(url.Values{
		"name": {"Roubaix"}, "city": {"Roubaix"}, "country": {"FR"}, "timezone": {"Europe/Paris"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := b.do(req); p.status != http.StatusForbidden {
		t.Fatalf("cross-site POST: status %d, want 403", p.status)
	}
	var n int
	s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM antennas WHERE name = 'Roubaix'").Scan(&n)
	if n != 0 {
		t.Fatal("the cross-site form created an antenna")
	}
}
