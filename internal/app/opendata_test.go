package app_test

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tremplin/internal/opendata"
)

// A visitor, without signing in, reads the open-data page and downloads the four
// files; the place in Malawi is missing from them and the page says why.
func TestOpenDataIsPublic(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		b := s.browser()
		p := b.get("/opendata")
		if p.status != http.StatusOK {
			t.Fatalf("GET /opendata: %d", p.status)
		}
		for _, want := range []string{
			`href="/opendata/lieux-mediation-numerique.csv"`, `href="/opendata/lieux-mediation-numerique.json"`,
			`href="/opendata/structures.json"`, `href="/opendata/services.json"`,
			"Licence Ouverte 2.0", "Dzaleka community learning centre",
			"hors de France, ce que le format national ne sait pas décrire", "4 lieux",
		} {
			if !strings.Contains(p.body, want) {
				t.Errorf("the open-data page lacks %q", want)
			}
		}
		if strings.Contains(p.body, `href="/association"`) {
			t.Error("a visitor is offered to edit the association")
		}
		for lang, want := range map[string]string{"en": "outside France", "ar": "خارج فرنسا"} {
			other := s.browser()
			other.lang = lang
			if p := other.get("/opendata"); p.status != http.StatusOK || !strings.Contains(p.body, want) {
				t.Errorf("/opendata in %s: %d, lacks %q", lang, p.status, want)
			}
		}

		csvPage := b.get("/opendata/lieux-mediation-numerique.csv")
		if csvPage.status != http.StatusOK || csvPage.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("CSV: %d %s", csvPage.status, csvPage.header.Get("Content-Type"))
		}
		if !strings.Contains(csvPage.header.Get("Cache-Control"), "max-age=") {
			t.Errorf("CSV Cache-Control %q", csvPage.header.Get("Cache-Control"))
		}
		records, err := csv.NewReader(strings.NewReader(csvPage.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(records[0], ",") != strings.Join(opendata.LieuColumns, ",") || len(records) != 5 {
			t.Errorf("CSV header %q, %d rows", records[0], len(records)-1)
		}
		if strings.Contains(csvPage.body, "Dzaleka") {
			t.Error("the place in Malawi is in the CSV")
		}

		for path, want := range map[string]string{
			"/opendata/lieux-mediation-numerique.json": `"pivot"`,
			"/opendata/structures.json":                `"konexio"`,
			"/opendata/services.json":                  `"personnes-exilees"`,
		} {
			p := b.get(path)
			if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: %d %s", path, p.status, p.header.Get("Content-Type"))
				continue
			}
			var list []map[string]any
			if err := json.Unmarshal([]byte(p.body), &list); err != nil || len(list) == 0 {
				t.Errorf("%s: %v, %d objects", path, err, len(list))
			}
			if !strings.Contains(p.body, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}

		// Compressed for clients that accept it.
		req, _ := http.NewRequest("GET", s.srv.URL+"/opendata/services.json", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("services.json Content-Encoding %q", res.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if body, _ := io.ReadAll(zr); !strings.Contains(string(body), `"gratuit"`) {
			t.Error("the compressed services.json does not read back")
		}
	})
}

// The national admin gives the association a SIRET; a place without its own number
// then carries it, and a wrong number is refused with the form kept.
func TestAssociationIdentityFeedsTheFiles(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		admin := s.signIn("admin@tremplin.example")
		p := admin.get("/association")
		if p.status != http.StatusOK || valueOf(p.body, "rna") != "W595012346" {
			t.Fatalf("GET /association: %d, rna %q", p.status, valueOf(p.body, "rna"))
		}
		if !strings.Contains(admin.get("/opendata").body, `href="/association"`) {
			t.Error("the admin is not offered to edit the association from the open-data page")
		}
		form := url.Values{"name": {"Tremplin Numérique (démo)"}, "siret": {"123 456 789 01234"}, "rna": {"W595012346"},
			"website": {"tremplin.example"}, "email": {"contact@tremplin.example"}, "networks": {"konexio", "pirates"}}
		p = admin.post("/association", form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad SIRET: status %d", p.status)
		}
		errs := errorsOf(p.body)
		if errs["siret"] == "" || errs["website"] == "" || errs["networks"] == "" {
			t.Errorf("errors %v", errs)
		}
		if valueOf(p.body, "siret") != "123 456 789 01234" {
			t.Error("what was typed is lost")
		}

		form.Set("siret", "732 829 320 00074")
		form.Set("website", "https://tremplin.example")
		form["networks"] = []string{"konexio", "simplon"}
		if p = admin.post("/association", form); p.status != http.StatusSeeOther {
			t.Fatalf("save: %d %v", p.status, errorsOf(p.body))
		}
		body := s.browser().get("/opendata/lieux-mediation-numerique.csv").body
		if !strings.Contains(body, ",73282932000074,Centre social des Moulins,") {
			t.Errorf("the place without a number does not carry the association's SIRET:\n%s", body)
		}
		if st := s.browser().get("/opendata/structures.json").body; !strings.Contains(st, `"simplon"`) || !strings.Contains(st, `"siret": "73282932000074"`) {
			t.Errorf("structures.json:\n%s", st)
		}

		// Advisers and managers cannot change it.
		if p := s.signIn("manager.lille@tremplin.example").post("/association", form); p.status != http.StatusForbidden {
			t.Errorf("a manager posting the association: %d", p.status)
		}
	})
}

// The national admin reads the register of processing activities made from
// the schema: each activity with its tables and their fields, nothing
// undeclared; a manager is refused it.
func TestRegisterOfProcessing(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		p := s.signIn("admin@tremplin.example").get("/privacy/register")
		body := html.UnescapeString(p.body)
		if p.status != http.StatusOK || !strings.Contains(body, "Registre des activités de traitement") {
			t.Fatalf("the register: %d", p.status)
		}
		for _, want := range []string{"Accueil et accompagnement des personnes", "learner_notes", "first_name", "Donateurs et reçus fiscaux",
			"6 ans après l'année du reçu"} {
			if !strings.Contains(body, want) {
				t.Errorf("the register lacks %q", want)
			}
		}
		if strings.Contains(body, "ne sont rattachées à aucune activité") {
			t.Error("the register says some tables are undeclared")
		}
		if p := s.signIn("manager.lille@tremplin.example").get("/privacy/register"); p.status != http.StatusForbidden {
			t.Errorf("a manager reads the register: %d", p.status)
		}
	})
}
