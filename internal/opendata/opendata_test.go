package opendata_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tremplin/internal/demo"
	"tremplin/internal/opendata"
	"tremplin/internal/org"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/siret"
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// The checker must accept the standard's own valid example, else it proves nothing.
func TestTableSchemaCheckerAcceptsTheStandardsExample(t *testing.T) {
	ts := loadTableSchema(t)
	b, err := os.ReadFile(filepath.Join(standardsDir(t), "lieux-mediation-numerique", "exemple-valide.csv"))
	if err != nil {
		t.Fatal(err)
	}
	records := readCSV(t, b)
	if len(records) < 2 {
		t.Fatalf("the example has %d rows", len(records))
	}
	if p := ts.check(records); len(p) > 0 {
		t.Fatalf("the standard's valid example is refused:\n%s", strings.Join(p, "\n"))
	}
	if !slices.Equal(ts.names(), opendata.LieuColumns) {
		t.Errorf("our columns %q differ from the standard's %q", opendata.LieuColumns, ts.names())
	}
}

func TestTableSchemaCheckerRefusesBrokenRows(t *testing.T) {
	ts := loadTableSchema(t)
	b, err := os.ReadFile(filepath.Join(standardsDir(t), "lieux-mediation-numerique", "exemple-valide.csv"))
	if err != nil {
		t.Fatal(err)
	}
	good := readCSV(t, b)
	col := func(name string) int { return slices.Index(good[0], name) }
	for _, c := range []struct{ field, value string }{
		{"nom", ""},
		{"date_maj", ""},
		{"pivot", "12-34"},
		{"code_postal", "5910"},
		{"code_insee", "20000"},
		{"telephone", "03 20 00 00 01"},
		{"telephone", "+265100000004"},
		{"latitude", "nord"},
		{"date_maj", "02/04/2024"},
		{"services", "Cours de cuisine"},
		{"services", "Maîtrise des outils numériques du quotidien|"},
		{"frais_a_charge", "Gratuit|Cher"},
		{"itinerance", "Fixe;Itinérant"},
		{"modalites_accompagnement", "Dans un atelier collectif : j'apprends"},
		{"presentation_resume", strings.Repeat("mot ", 71)},
	} {
		row := slices.Clone(good[1])
		row[col(c.field)] = c.value
		p := ts.check([][]string{good[0], row})
		if len(p) == 0 || !strings.Contains(strings.Join(p, "\n"), ", "+c.field+":") {
			t.Errorf("%s = %q: not refused (%q)", c.field, c.value, p)
		}
	}
	if p := ts.check([][]string{good[0], good[1], good[1]}); len(p) == 0 {
		t.Error("two rows with the same id are accepted")
	}
	header := slices.Clone(good[0])
	header[0], header[1] = header[1], header[0]
	if p := ts.check([][]string{header, good[1]}); len(p) == 0 {
		t.Error("columns out of order are accepted")
	}
}

func TestJSONSchemaValidatorRefusesBrokenObjects(t *testing.T) {
	st := loadDataInclusion(t, "structure.json")
	sv := loadDataInclusion(t, "service.json")
	ok := map[string]any{"id": "x--1", "source": "x", "nom": "Centre social", "date_maj": "2025-02-14"}
	if err := st.validate(ok); err != nil {
		t.Fatalf("a minimal structure is refused: %v", err)
	}
	for name, change := range map[string]func(m map[string]any){
		"no nom":           func(m map[string]any) { delete(m, "nom") },
		"bad date":         func(m map[string]any) { m["date_maj"] = "14/02/2025" },
		"unknown network":  func(m map[string]any) { m["reseaux_porteurs"] = []string{"inconnu"} },
		"bad email":        func(m map[string]any) { m["courriel"] = "pas un courriel" },
		"siret of 9":       func(m map[string]any) { m["siret"] = "123456789" },
		"field not in it":  func(m map[string]any) { m["types"] = []string{"formation"} },
		"short name":       func(m map[string]any) { m["nom"] = "AB" },
		"website not uri":  func(m map[string]any) { m["site_web"] = "tremplin point fr" },
		"postcode letters": func(m map[string]any) { m["code_postal"] = "59ABC" },
	} {
		m := map[string]any{}
		for k, v := range ok {
			m[k] = v
		}
		change(m)
		if st.validate(m) == nil {
			t.Errorf("structure with %s is accepted", name)
		}
	}
	service := map[string]any{"id": "x--s1", "source": "x", "structure_id": "x--1", "nom": "Atelier", "description": "Un atelier.",
		"date_maj": "2025-02-14", "publics": []string{"jeunes"}}
	if err := sv.validate(service); err != nil {
		t.Fatalf("a minimal service is refused: %v", err)
	}
	service["publics"] = []string{"tout-le-monde"}
	if sv.validate(service) == nil {
		t.Error("a service with an unknown public is accepted")
	}
}

// The networks an admin may tick are all in data·inclusion's list.
func TestNetworksAreInTheStandard(t *testing.T) {
	known := extraValues(t, "reseaux-porteurs")
	for _, n := range opendata.Networks {
		if !slices.Contains(known, n) {
			t.Errorf("network %q is not in data·inclusion's réseaux porteurs", n)
		}
	}
	if !slices.Contains(opendata.Networks, "konexio") {
		t.Error("konexio is not offered")
	}
}

func build(t *testing.T, d *db.DB) *opendata.Dataset {
	t.Helper()
	ds, err := opendata.Build(context.Background(), d, "https://tremplin.example")
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// checkDataset validates the four files against the standards.
func checkDataset(t *testing.T, ds *opendata.Dataset) [][]string {
	t.Helper()
	ts := loadTableSchema(t)
	b, err := ds.CSV()
	if err != nil {
		t.Fatal(err)
	}
	records := readCSV(t, b)
	if p := ts.check(records); len(p) > 0 {
		t.Errorf("the lieux CSV does not conform:\n%s", strings.Join(p, "\n"))
	}
	// Beyond the schema: the list fields hold addresses and links.
	for _, row := range records[1:] {
		for i, name := range records[0] {
			if row[i] == "" {
				continue
			}
			switch name {
			case "courriels":
				for _, e := range strings.Split(row[i], "|") {
					if _, err := mail.ParseAddress(e); err != nil {
						t.Errorf("courriels %q: %v", e, err)
					}
				}
			case "site_web", "fiche_acces_libre", "prise_rdv":
				for _, u := range strings.Split(row[i], "|") {
					if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
						t.Errorf("%s %q is not a web address", name, u)
					}
				}
			}
		}
	}

	// The JSON variant: the same rows, every field present in order, lists as arrays.
	j, err := json.Marshal(ds.Lieux)
	if err != nil {
		t.Fatal(err)
	}
	var objects []map[string]any
	if err := json.Unmarshal(j, &objects); err != nil {
		t.Fatal(err)
	}
	if len(objects) != len(records)-1 {
		t.Fatalf("%d JSON lieux, %d CSV rows", len(objects), len(records)-1)
	}
	listFields := map[string]bool{"services": true, "frais_a_charge": true, "modalites_accompagnement": true, "courriels": true}
	for i, o := range objects {
		if len(o) != len(opendata.LieuColumns) {
			t.Errorf("JSON lieu %d has %d fields, want %d", i, len(o), len(opendata.LieuColumns))
		}
		for k, name := range opendata.LieuColumns {
			var cell string
			switch v := o[name].(type) {
			case nil:
			case string:
				if listFields[name] {
					t.Errorf("JSON %s is a string, want an array", name)
				}
				cell = v
			case []any:
				var parts []string
				for _, x := range v {
					parts = append(parts, x.(string))
				}
				cell = strings.Join(parts, "|")
			default:
				t.Errorf("JSON %s: unexpected %T", name, v)
			}
			if cell != records[i+1][k] {
				t.Errorf("lieu %d, %s: JSON %q, CSV %q", i, name, cell, records[i+1][k])
			}
		}
	}

	st := loadDataInclusion(t, "structure.json")
	for _, s := range ds.Structures {
		if err := st.validate(s); err != nil {
			t.Errorf("structure %s: %v", s.ID, err)
		}
	}
	sv := loadDataInclusion(t, "service.json")
	ids := map[string]bool{}
	for _, s := range ds.Structures {
		ids[s.ID] = true
	}
	extra := func(name string) []string { return extraValues(t, name) }
	for _, s := range ds.Services {
		if err := sv.validate(s); err != nil {
			t.Errorf("service %s: %v", s.ID, err)
		}
		if !ids[s.StructureID] {
			t.Errorf("service %s belongs to %s, which is not in structures.json", s.ID, s.StructureID)
		}
		// The schemas carry their enumerations inline; extra/ has the same lists with labels.
		for name, values := range map[string][]string{"thematiques": s.Thematiques, "publics": s.Publics,
			"types-de-services": {s.Type}, "frais": {s.Frais}, "modes-accueil": s.ModesAccueil,
			"modes-mobilisation": s.ModesMobilisation, "personnes-mobilisatrices": s.MobilisablePar} {
			for _, v := range values {
				if !slices.Contains(extra(name), v) {
					t.Errorf("service %s: %q is not in extra/%s.json", s.ID, v, name)
				}
			}
		}
	}
	return records
}

func TestDemoDataConformsToTheStandards(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		ds := build(t, d)
		records := checkDataset(t, ds)
		col := func(name string) int { return slices.Index(records[0], name) }
		byName := map[string][]string{}
		for _, r := range records[1:] {
			byName[r[col("nom")]] = r
		}
		// The four places in France, one row each; Dzaleka (Malawi) is left out, and said so.
		if len(records) != 5 {
			t.Errorf("%d rows, want the 4 places in France", len(records)-1)
		}
		if _, ok := byName["Dzaleka community learning centre"]; ok {
			t.Error("the place in Malawi is in the lieux file")
		}
		if len(ds.LeftOut) != 1 || ds.LeftOut[0].Name != "Dzaleka community learning centre" || ds.LeftOut[0].Reason != "opendata.reason_abroad" {
			t.Errorf("left out: %+v", ds.LeftOut)
		}
		for _, s := range ds.Structures {
			if strings.Contains(s.Nom, "Dzaleka") {
				t.Error("the place in Malawi is in structures.json")
			}
		}

		grappe := byName["La Grappe – tiers-lieu"]
		if grappe == nil {
			t.Fatalf("no row for La Grappe: %q", records)
		}
		for field, want := range map[string]string{
			"pivot":                    "W595012346",
			"code_postal":              "59800",
			"telephone":                "+33320000001", // the Lille antenna's "+33 3 20 00 00 01"
			"horaires":                 "Mo-Fr 09:00-12:30,13:30-17:30; Sa 10:00-12:00; PH off",
			"courriels":                "contact@tremplin.example",
			"site_web":                 "https://tremplin.example",
			"frais_a_charge":           "Gratuit",
			"structure_parente":        "Tremplin Numérique (démo)",
			"presentation_detail":      "Accessibilité : Plain-pied, toilettes adaptées, boucle magnétique à l'accueil.",
			"services":                 "Maîtrise des outils numériques du quotidien|Insertion professionnelle via le numérique",
			"modalites_accompagnement": "Dans un atelier collectif|Accompagnement individuel",
		} {
			if got := grappe[col(field)]; got != want {
				t.Errorf("La Grappe %s = %q, want %q", field, got, want)
			}
		}
		// No pivot of its own: the association's.
		if got := byName["Salle Belleville"][col("pivot")]; got != "W595012346" {
			t.Errorf("Salle Belleville pivot = %q, want the association's RNA", got)
		}

		var assoc *opendata.Structure
		for i := range ds.Structures {
			if ds.Structures[i].ID == "tremplin--association" {
				assoc = &ds.Structures[i]
			}
		}
		if assoc == nil || !slices.Contains(assoc.ReseauxPorteurs, "konexio") {
			t.Errorf("the association's structure: %+v", assoc)
		}
		types := map[string]bool{}
		for _, s := range ds.Services {
			types[s.Type] = true
			if !slices.Contains(s.Publics, "personnes-exilees") || s.Frais != "gratuit" || !slices.Equal(s.ModesAccueil, []string{"en-presentiel"}) {
				t.Errorf("service %s: publics %q, frais %q, modes %q", s.ID, s.Publics, s.Frais, s.ModesAccueil)
			}
		}
		if !types["atelier"] || !types["formation"] {
			t.Errorf("service types %v, want atelier and formation", types)
		}
	})
}

// validSIRET makes a SIRET with a correct check digit from 13 digits.
func validSIRET(t *testing.T, prefix string) string {
	for d := '0'; d <= '9'; d++ {
		if s := prefix + string(d); siret.ValidSIRET(s) {
			return s
		}
	}
	t.Fatalf("no check digit for %s", prefix)
	return ""
}

func TestPivotFallsBackToTheAssociations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d); err != nil {
			t.Fatal(err)
		}
		antennas, err := org.AllAntennas(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		var lille int64
		for _, a := range antennas {
			if a.Name == "Lille" {
				lille = a.ID
			}
		}
		own := validSIRET(t, "4349331230002")
		for _, p := range []org.Place{
			{AntennaID: lille, Name: "Médiathèque de Fives", Address: "1 rue Bourjembois", Postcode: "59800", City: "Lille", Pivot: "12345678901234"},
			{AntennaID: lille, Name: "Maison de quartier Wazemmes", Address: "3 rue Jules Guesde", Postcode: "59000", City: "Lille", Pivot: own},
		} {
			if err := org.SavePlace(ctx, d, &p); err != nil {
				t.Fatal(err)
			}
		}
		pivots := func() map[string]string {
			b, err := build(t, d).CSV()
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, r := range readCSV(t, b)[1:] {
				out[r[2]] = r[1]
			}
			return out
		}
		p := pivots()
		if p["Médiathèque de Fives"] != "W595012346" {
			t.Errorf("a place with an invalid SIRET has pivot %q, want the association's RNA", p["Médiathèque de Fives"])
		}
		if p["Maison de quartier Wazemmes"] != own {
			t.Errorf("a place with its own SIRET has pivot %q, want %s", p["Maison de quartier Wazemmes"], own)
		}

		// With a SIRET, the association gives it rather than its RNA, as the standard asks.
		a, err := opendata.LoadAssociation(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		a.SIRET = validSIRET(t, "7328293200007")
		if err := opendata.SaveAssociation(ctx, d, a); err != nil {
			t.Fatal(err)
		}
		p = pivots()
		if p["Salle Belleville"] != a.SIRET || p["Médiathèque de Fives"] != a.SIRET {
			t.Errorf("pivots %v, want the association's SIRET %s", p, a.SIRET)
		}
		checkDataset(t, build(t, d))

		// Without any number, places with none of their own cannot be published.
		a.SIRET, a.RNA = "", ""
		if err := opendata.SaveAssociation(ctx, d, a); err != nil {
			t.Fatal(err)
		}
		ds := build(t, d)
		checkDataset(t, ds)
		var reasons []string
		for _, l := range ds.LeftOut {
			reasons = append(reasons, l.Name+": "+l.Reason)
		}
		if !slices.Contains(reasons, "Salle Belleville: opendata.reason_pivot") {
			t.Errorf("left out: %q", reasons)
		}
		var names []string
		for _, l := range ds.Lieux {
			names = append(names, l["nom"][0])
		}
		if want := []string{"La Grappe – tiers-lieu", "Maison de quartier Wazemmes"}; !slices.Equal(names, want) {
			t.Errorf("published without the association's number: %q, want the places with their own, %q", names, want)
		}
	})
}
