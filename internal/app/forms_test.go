package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tremplin/internal/platform/i18n"
)

func TestAdminCreatesAndEditsAnAntenna(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		admin := s.signIn("admin@tremplin.example")
		p := admin.post("/antennas", url.Values{"name": {"Roubaix"}, "city": {"Roubaix"}, "country": {"fr"},
			"timezone": {"Europe/Paris"}, "address": {"2 rue de l'Épeule"}, "phone": {"+33 3 20 11 22 33"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("create: %d %v", p.status, errorsOf(p.body))
		}
		show := admin.get(p.header.Get("Location"))
		if !strings.Contains(show.body, "Roubaix") || !strings.Contains(show.body, ">FR<") {
			t.Fatalf("the new antenna page lacks its data:\n%s", show.body)
		}
		id := s.antennaID("Roubaix")
		p = admin.post("/antennas/"+id, url.Values{"name": {"Roubaix"}, "city": {"Roubaix"}, "country": {"FR"}, "timezone": {"Europe/Paris"}, "phone": {"+33 3 20 99 99 99"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %v", p.status, errorsOf(p.body))
		}
		if !strings.Contains(html.UnescapeString(admin.get("/antennas/"+id).body), "+33 3 20 99 99 99") {
			t.Fatal("the edit was not saved")
		}
	})
}

// Wrong values get a translated message next to each field, what was typed is
// kept, and what was already saved is unchanged.
func TestAntennaFormRejectsBadInput(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		manager := s.signIn("manager.lille@tremplin.example")
		lille := s.antennaID("Lille")
		bad := url.Values{"name": {"Paris – Île-de-France"}, "city": {"Lille"}, "country": {"France"},
			"timezone": {"Europe/Lile"}, "phone": {"call us"}}
		p := manager.post("/antennas/"+lille, bad)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.status)
		}
		errs := errorsOf(p.body)
		fr := i18n.For("fr")
		want := map[string]string{"country": "antenna.country_invalid", "timezone": "antenna.timezone_invalid", "phone": "form.phone"}
		for field, key := range want {
			if html.UnescapeString(errs[field]) != fr.T(key) {
				t.Errorf("%s: message %q, want %q", field, errs[field], fr.T(key))
			}
		}
		if valueOf(p.body, "timezone") != "Europe/Lile" || valueOf(p.body, "phone") != "call us" {
			t.Error("the typed values were not kept")
		}
		// Fix the fields: the duplicate name is now the only problem.
		bad.Set("country", "FR")
		bad.Set("timezone", "Europe/Paris")
		bad.Set("phone", "")
		p = manager.post("/antennas/"+lille, bad)
		if errs := errorsOf(p.body); len(errs) != 1 || errs["name"] == "" {
			t.Fatalf("duplicate antenna name: %v", errs)
		}
		var city string
		s.app.DB.QueryRowContext(context.Background(), "SELECT name FROM antennas WHERE id = $1", lille).Scan(&city)
		if city != "Lille" {
			t.Fatalf("a refused form changed the antenna: %q", city)
		}
	})
}

func TestPlaceFormChecksPostcodeHoursAndSiret(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		manager := s.signIn("manager.lille@tremplin.example")
		lille := s.antennaID("Lille")
		form := url.Values{"antenna": {lille}, "name": {"Médiathèque Jean Lévy"}, "address": {"32 rue Édouard Delesalle"},
			"postcode": {"5900"}, "city": {"Lille"}, "opening_hours": {"Lu-Ve 9h-12h"}, "pivot": {"12345678901234"}}
		p := manager.post("/places", form)
		errs := errorsOf(p.body)
		if p.status != http.StatusUnprocessableEntity || errs["postcode"] == "" || errs["opening_hours"] == "" || errs["pivot"] == "" {
			t.Fatalf("status %d, errors %v", p.status, errs)
		}
		if html.UnescapeString(valueOf(p.body, "name")) != "Médiathèque Jean Lévy" || valueOf(p.body, "opening_hours") != "Lu-Ve 9h-12h" {
			t.Fatal("typed values lost")
		}
		form.Set("postcode", "59000")
		form.Set("opening_hours", "Tu-Sa 10:00-18:00; Su,PH off")
		form.Set("pivot", "356 000 000 00048")
		p = manager.post("/places", form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("valid place refused: %v", errorsOf(p.body))
		}
		show := html.UnescapeString(manager.get(p.header.Get("Location")).body)
		if !strings.Contains(show, "Médiathèque Jean Lévy") || !strings.Contains(show, "35600000000048") {
			t.Fatalf("place page lacks the saved values (SIRET stored without spaces)")
		}
		if !strings.Contains(html.UnescapeString(manager.get("/places").body), "Médiathèque Jean Lévy") {
			t.Fatal("the new place is not listed")
		}
	})
}

// A place abroad has no French postcode rule (Dzaleka has none at all).
func TestPlaceAbroadNeedsNoFrenchPostcode(t *testing.T) {
	s := newSite(t, "sqlite")
	admin := s.signIn("admin@tremplin.example")
	p := admin.post("/places", url.Values{"antenna": {s.antennaID("Dzaleka")}, "name": {"Zone 3 hall"}, "address": {"Zone 3"}, "city": {"Dowa"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("status %d %v", p.status, errorsOf(p.body))
	}
}

func TestAdviserCannotAddPlaces(t *testing.T) {
	s := newSite(t, "sqlite")
	adviser := s.signIn("karim.lille@tremplin.example")
	if strings.Contains(adviser.get("/places").body, `href="/places/new"`) {
		t.Error("an adviser is offered a button they cannot use")
	}
	if p := adviser.get("/places/" + s.placeID("La Grappe – tiers-lieu")); p.status != http.StatusOK || strings.Contains(p.body, "/edit") {
		t.Errorf("adviser place page: %d", p.status)
	}
}
