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

// A manager enters a place's opening hours day by day; the OpenStreetMap value is
// written from them, read back into the days, and said in words in each language.
func TestOpeningHoursAreEnteredByDayAndSaidInWords(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		manager := s.signIn("manager.lille@tremplin.example")
		lille := s.antennaID("Lille")
		form := url.Values{"antenna": {lille}, "name": {"Maison des services"}, "address": {"1 rue Nationale"},
			"postcode": {"59000"}, "city": {"Lille"}, "hours_ph_off": {"yes"},
			"hours_sa_1_from": {"10:00"}, "hours_sa_1_to": {"12:00"}}
		for _, d := range []string{"mo", "tu", "we", "th", "fr"} {
			form.Set("hours_"+d+"_1_from", "09:00")
			form.Set("hours_"+d+"_1_to", "12:30")
			form.Set("hours_"+d+"_2_from", "14:00")
			form.Set("hours_"+d+"_2_to", "17:00")
		}
		// Wrong days first: an end before its start, two ranges that overlap, a
		// range without its end. Each message sits next to its day, what was typed
		// stays, and nothing is saved.
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("hours_tu_1_from", "17:00")
		bad.Set("hours_tu_1_to", "9h")
		bad.Set("hours_we_2_from", "12:00")
		bad.Set("hours_th_2_to", "")
		before := s.count("SELECT COUNT(*) FROM places")
		p := manager.post("/places", bad)
		errs := errorsOf(p.body)
		fr := i18n.For("fr")
		if p.status != http.StatusUnprocessableEntity || len(errs) != 3 {
			t.Fatalf("wrong days: %d %v", p.status, errs)
		}
		for field, key := range map[string]string{"hours_tu": "place.hours_end_before_start", "hours_we": "place.hours_overlap", "hours_th": "place.hours_incomplete"} {
			if html.UnescapeString(errs[field]) != fr.T(key) {
				t.Errorf("%s: %q, want %q", field, errs[field], fr.T(key))
			}
		}
		if valueOf(p.body, "hours_tu_1_from") != "17:00" || valueOf(p.body, "hours_tu_1_to") != "9h" || valueOf(p.body, "hours_we_2_from") != "12:00" {
			t.Error("what was typed in the days was not kept")
		}
		if !strings.Contains(p.body, `aria-describedby="e-hours_tu"`) {
			t.Error("the wrong day's fields are not tied to their message")
		}
		if s.count("SELECT COUNT(*) FROM places") != before {
			t.Fatal("a refused form saved a place")
		}

		p = manager.post("/places", form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("valid hours refused: %d %v", p.status, errorsOf(p.body))
		}
		id := s.placeID("Maison des services")
		var stored string
		s.app.DB.QueryRowContext(context.Background(), "SELECT opening_hours FROM places WHERE id = $1", id).Scan(&stored)
		if want := "Mo-Fr 09:00-12:30,14:00-17:00; Sa 10:00-12:00; PH off"; stored != want {
			t.Fatalf("stored %q, want %q", stored, want)
		}

		// Said in words, in each language, on the place page and in the list.
		for lang, want := range map[string][]string{
			"fr": {"Du lundi au vendredi : 9 h – 12 h 30 et 14 h – 17 h", "Samedi : 10 h – 12 h", "Fermé les jours fériés"},
			"en": {"Monday to Friday: 9:00–12:30, 14:00–17:00", "Saturday: 10:00–12:00", "Closed on public holidays"},
			"ar": {"من الاثنين إلى الجمعة: 9:00–12:30 ثم 14:00–17:00", "السبت: 10:00–12:00", "مغلق في أيام العطل الرسمية"},
		} {
			manager.post("/lang", url.Values{"lang": {lang}, "next": {"/places"}})
			page := html.UnescapeString(manager.get("/places/" + id).body)
			list := html.UnescapeString(manager.get("/places").body)
			for _, w := range want {
				if !strings.Contains(page, w) {
					t.Errorf("%s place page lacks %q", lang, w)
				}
				if !strings.Contains(list, w) {
					t.Errorf("%s list of places lacks %q", lang, w)
				}
			}
		}
		manager.post("/lang", url.Values{"lang": {"fr"}, "next": {"/places"}})

		// The edit form reads the value back into the days.
		edit := manager.get("/places/" + id + "/edit").body
		for name, want := range map[string]string{"hours_mo_1_from": "09:00", "hours_fr_2_to": "17:00", "hours_sa_1_to": "12:00", "hours_su_1_from": ""} {
			if got := valueOf(edit, name); got != want {
				t.Errorf("edit form %s = %q, want %q", name, got, want)
			}
		}
		if !strings.Contains(edit, `name="hours_ph_off" value="yes" checked`) || strings.Contains(edit, `name="opening_hours"`) {
			t.Error("the edit form does not read the holidays back, or offers the raw field for plain hours")
		}

		// A value the days cannot say is kept, shown as written, and edited raw.
		odd := "Mo-Fr 09:00-17:00; Aug off"
		if _, err := s.app.DB.Exec(t.Context(), "UPDATE places SET opening_hours = $1 WHERE id = $2", odd, id); err != nil {
			t.Fatal(err)
		}
		edit = html.UnescapeString(manager.get("/places/" + id + "/edit").body)
		if valueOf(edit, "opening_hours") != odd || !strings.Contains(edit, fr.T("place.hours_advanced_note")) {
			t.Fatal("a value the days cannot say is not offered as written, with a word on why")
		}
		if !strings.Contains(html.UnescapeString(manager.get("/places/"+id).body), odd) {
			t.Error("the place page does not show a value it cannot say in words")
		}
		// Filling days as well is refused: one or the other.
		both := url.Values{"antenna": {lille}, "name": {"Maison des services"}, "address": {"1 rue Nationale"}, "postcode": {"59000"},
			"city": {"Lille"}, "opening_hours": {odd}, "hours_mo_1_from": {"09:00"}, "hours_mo_1_to": {"12:00"}}
		if p := manager.post("/places/"+id, both); p.status != http.StatusUnprocessableEntity || errorsOf(p.body)["opening_hours"] == "" {
			t.Fatalf("raw value and days together: %d %v", p.status, errorsOf(p.body))
		}
		both.Del("opening_hours")
		if p := manager.post("/places/"+id, both); p.status != http.StatusSeeOther {
			t.Fatalf("days instead of the raw value: %d %v", p.status, errorsOf(p.body))
		}
		s.app.DB.QueryRowContext(context.Background(), "SELECT opening_hours FROM places WHERE id = $1", id).Scan(&stored)
		if stored != "Mo 09:00-12:00" {
			t.Fatalf("stored %q after moving to the days", stored)
		}
	})
}
