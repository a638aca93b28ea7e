package profiles

import (
	"context"
	"strings"
	"testing"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/pdf/pdftest"
)

// person is a profile written straight into the tables, for matching.
type person struct {
	name, postcode, town, avail, from string
	antenna                           int // index in the fixture's antennas
	shown                             bool
	skills                            map[string]int
	hours                             int
	certified                         bool
}

type fixture struct {
	antennas  []int64
	staff     int64 // an adviser of the first antenna only
	programme int64
	ids       map[string]int64
}

func newFixture(t testing.TB, d *db.DB, people []person) fixture {
	t.Helper()
	ctx := context.Background()
	now := db.Now()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f := fixture{ids: map[string]int64{}}
	for _, city := range []string{"Lille", "Paris"} {
		id, err := d.InsertID(ctx, `INSERT INTO antennas (name, city, country, timezone, created_at, updated_at)
			VALUES ($1, $1, 'FR', 'Europe/Paris', $2, $2) RETURNING id`, city, now)
		must(err)
		f.antennas = append(f.antennas, id)
	}
	var err error
	f.staff, err = d.InsertID(ctx, `INSERT INTO staff (name, email, role, created_at, updated_at)
		VALUES ('Karim', 'karim@example.org', 'adviser', $1, $1) RETURNING id`, now)
	must(err)
	_, err = d.Exec(ctx, "INSERT INTO staff_antennas (staff_id, antenna_id) VALUES ($1, $2)", f.staff, f.antennas[0])
	must(err)
	f.programme, err = d.InsertID(ctx, `INSERT INTO programmes (title, level, total_hours, certifying, created_at, updated_at)
		VALUES ('Développeur·se web', 'certifiant', 600, TRUE, $1, $1) RETURNING id`, now)
	must(err)
	for _, p := range people {
		id, err := d.InsertID(ctx, `INSERT INTO learners (antenna_id, first_name, last_name, phone, birth_year, postcode, consent_text, consent_at, created_at, updated_at)
			VALUES ($1, $2, 'Test', '+33612345678', 1990, $3, 'ok', $4, $4, $4) RETURNING id`, f.antennas[p.antenna], p.name, p.postcode, now)
		must(err)
		f.ids[p.name] = id
		sum := 0
		for _, l := range p.skills {
			sum += l
		}
		lat, lon := placeOf(p.postcode, p.town)
		_, err = d.Exec(ctx, `INSERT INTO recruiter_profiles (learner_id, antenna_id, shown, first_name, last_initial, postcode, departement,
			availabilities, available_from, hours_total, certified, skill_sum, updated_at, lat_e4, lon_e4, located)
			VALUES ($1, $2, $3, $4, 'T', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, TRUE)`,
			id, f.antennas[p.antenna], p.shown, p.name, p.postcode, Departement(p.postcode), p.avail, p.from, p.hours, p.certified, sum, now, lat, lon)
		must(err)
		for c, l := range p.skills {
			_, err = d.Exec(ctx, "UPDATE recruiter_profiles SET "+SkillColumn(c)+" = $2 WHERE learner_id = $1", id, l)
			must(err)
		}
		if p.hours > 0 {
			_, err = d.Exec(ctx, "INSERT INTO recruiter_profile_courses (learner_id, programme_id, hours, certificate) VALUES ($1, $2, $3, $4)",
				id, f.programme, p.hours, p.certified)
			must(err)
		}
	}
	return f
}

var people = []person{
	{name: "Amina", postcode: "59000", avail: "mornings,afternoons", shown: true, hours: 420, certified: true,
		skills: map[string]int{"3.4": 7, "3.1": 6, "5.2": 6, "5.1": 2}},
	{name: "Bakary", postcode: "59100", avail: "evenings", shown: true, hours: 120,
		skills: map[string]int{"3.4": 4, "3.1": 3, "5.2": 3}},
	{name: "Chloé", postcode: "59000", avail: "mornings", shown: true, hours: 600,
		skills: map[string]int{"3.4": 2, "3.1": 8, "5.2": 8}}, // programming too low
	{name: "Driss", postcode: "75019", avail: "mornings", shown: true, hours: 600, certified: true,
		skills: map[string]int{"3.4": 8, "3.1": 8, "5.2": 8}}, // another département
	{name: "Emma", postcode: "59000", avail: "mornings", shown: false, hours: 600, certified: true,
		skills: map[string]int{"3.4": 8, "3.1": 8, "5.2": 8}}, // no consent
	{name: "Fatou", postcode: "59800", avail: "afternoons", shown: true, hours: 300, antenna: 1, from: "2027-03-01",
		skills: map[string]int{"3.4": 5, "3.1": 5, "5.2": 5}}, // Paris antenna, living near Lille, available in March
}

func names(f fixture, list []Candidate) string {
	var out []string
	for _, c := range list {
		for n, id := range f.ids {
			if id == c.LearnerID {
				out = append(out, n)
			}
		}
	}
	return strings.Join(out, " ")
}

// Matching keeps the consenting people of the place who reach every level the
// job wants, in the viewer's antennas, best first, and says why.
func TestMatchOrderAndFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, people)
		adviser := auth.Scope{StaffID: f.staff}
		all := auth.Scope{All: true}
		lille := Criteria{ROME: "M1805", INSEE: "59350"}
		for _, tc := range []struct {
			name string
			sc   auth.Scope
			c    Criteria
			want string
		}{
			{"web developer in Lille, the adviser's antenna", adviser, lille, "Amina Bakary"},
			{"the same for a company (every antenna)", all, lille, "Amina Fatou Bakary"},
			{"the same by postcode (Roubaix): Fatou, 11 km away, has more skills than Bakary, who lives there", all, Criteria{ROME: "M1805", Postcode: "59100"}, "Amina Fatou Bakary"},
			{"the course followed 300 h at least", all, Criteria{ROME: "M1805", INSEE: "59350", Programme: f.programme, MinHours: 300}, "Amina Fatou"},
			{"in the evenings", all, Criteria{ROME: "M1805", INSEE: "59350", Availability: []string{"evenings"}}, "Bakary"},
			{"starting in January", all, Criteria{ROME: "M1805", INSEE: "59350", Start: time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)}, "Amina Bakary"},
			{"a skill typed: documents at 6", all, Criteria{Skills: map[string]int{"3.1": 6}, Departement: "59"}, "Chloé Amina"},
			{"in Paris", all, Criteria{ROME: "M1805", Postcode: "75011"}, "Driss"},
			{"maintenance (5.1 at 4) nowhere", all, Criteria{ROME: "I1401"}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, more, err := Match(ctx, d, tc.sc, tc.c, 10, 0)
				if err != nil {
					t.Fatal(err)
				}
				if g := names(f, got); g != tc.want || more {
					t.Errorf("got %q (more %v), want %q", g, more, tc.want)
				}
			})
		}
		got, _, err := Match(ctx, d, all, Criteria{ROME: "M1805", Postcode: "59000", HoursPerWeek: 35}, 10, 0)
		if err != nil || len(got) == 0 {
			t.Fatal(err)
		}
		a := got[0]
		if names(f, got[:1]) != "Amina" || a.Score <= got[1].Score {
			t.Fatalf("Amina first with the best score: %+v", got)
		}
		if !a.Located || a.Km != 0 {
			t.Errorf("Amina lives in Lille: %+v", a)
		}
		var keys []string
		for _, r := range a.Reasons {
			keys = append(keys, r.Key)
		}
		if k := strings.Join(keys, " "); !strings.Contains(k, "profiles.reason.skill") || !strings.Contains(k, "profiles.reason.certified") ||
			!strings.Contains(k, "profiles.reason.same_departement") || !strings.Contains(k, "profiles.reason.hours") {
			t.Errorf("Amina's reasons: %s", k)
		}
		// Pages: one at a time, the next from where the first stopped.
		p1, more, _ := Match(ctx, d, all, lille, 1, 0)
		p2, _, _ := Match(ctx, d, all, lille, 1, 1)
		if names(f, p1) != "Amina" || !more || names(f, p2) != "Fatou" {
			t.Errorf("pages: %q (more %v) then %q", names(f, p1), more, names(f, p2))
		}
		// For one person, the offers that fit, best first.
		offers := []Offer{{ID: 1, Criteria: Criteria{ROME: "I1401", INSEE: "59350"}}, {ID: 2, Criteria: Criteria{ROME: "M1805", Postcode: "59100"}},
			{ID: 3, Criteria: Criteria{ROME: "M1805", Postcode: "59000"}}, {ID: 4, Criteria: Criteria{ROME: "M1805", INSEE: "75056"}}}
		fit, err := FittingOffers(ctx, d, f.ids["Amina"], offers)
		if err != nil || len(fit) != 2 || fit[0].ID != 3 || fit[1].ID != 2 {
			t.Errorf("Amina's offers: %+v %v", fit, err)
		}
		if fit, _ := FittingOffers(ctx, d, f.ids["Emma"], offers); len(fit) != 0 {
			t.Errorf("offers for a person without consent: %+v", fit)
		}
	})
}

// A consent withdrawn hides the profile in the same transaction; the
// put-in-touch consent needs the profile's and goes with it.
func TestConsentRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, []person{{name: "Amina", postcode: "59000"}})
		id := f.ids["Amina"]
		if err := Record(ctx, d, id, LevelContact, "given", "paper", f.staff); err != ErrNoProfileConsent {
			t.Fatalf("contact first: %v", err)
		}
		if err := Record(ctx, d, id, LevelProfile, "given", "in_person", f.staff); err != nil {
			t.Fatal(err)
		}
		if err := Record(ctx, d, id, LevelContact, "given", "paper", f.staff); err != nil {
			t.Fatal(err)
		}
		if !Visible(ctx, d, id) || !Reachable(ctx, d, id) {
			t.Fatal("not visible and reachable after both consents")
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM recruiter_profiles WHERE learner_id = $1 AND "+VisibleSQL("learner_id"), id).Scan(&n)
		if n != 1 {
			t.Error("VisibleSQL does not see the profile")
		}
		if err := Record(ctx, d, id, LevelProfile, "withdrawn", "phone", 0); err != nil {
			t.Fatal(err)
		}
		if Visible(ctx, d, id) || Reachable(ctx, d, id) {
			t.Error("still visible or reachable after the withdrawal")
		}
		h, err := History(ctx, d, id)
		if err != nil || len(h) != 4 {
			t.Fatalf("history: %+v %v", h, err)
		}
		if h[0].Action != "withdrawn" || h[1].Action != "withdrawn" || h[0].Version != "2026_01" {
			t.Errorf("the withdrawal of both, on the text in force: %+v", h[:2])
		}
	})
}

// The CV made from a profile is in the person's language: in Arabic, its
// words read back right, the person's Latin name kept whole.
func TestGeneratedCVInArabic(t *testing.T) {
	v := &View{Name: "Rami K.", Town: "Paris", Lang: "ar", Skills: []SkillView{{Key: "positioning.competence.3_4", Level: 6}},
		Courses: []Course{{Title: "Développeur·se web", Hours: 224}}, Languages: []string{"learner.lang.ar", "learner.lang.fr"},
		Availabilities: []string{"learner.availability.evenings"}}
	body, err := GenerateCV(v)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Plain(pdftest.Text(t, body))
	for _, want := range []string{"Rami K.", "Paris", "Développeur·se web", "224", "المهارات الرقمية", "التكوينات المتبعة", "اللغات"} {
		if !strings.Contains(text, pdftest.Plain(want)) {
			t.Errorf("the Arabic CV lacks %q:\n%s", want, text)
		}
	}
	if !IsPDF(body) || IsPDF([]byte("%PDF-1.7 but cut")) || IsPDF([]byte("PK\x03\x04")) {
		t.Error("IsPDF")
	}
}

func TestDepartement(t *testing.T) {
	for in, want := range map[string]string{"59000": "59", "75019": "75", "20000": "2A", "20200": "2B", "97411": "974", "5900": "", "ABCDE": ""} {
		if got := Departement(in); got != want {
			t.Errorf("Departement(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"59350": "59", "2A004": "2A", "97411": "974", "75056": "75"} {
		if got := DepartementOfINSEE(in); got != want {
			t.Errorf("DepartementOfINSEE(%q) = %q, want %q", in, got, want)
		}
	}
	if PixLevel(100) != 8 || PixLevel(0) != 0 || PixLevel(50) != 4 {
		t.Error("PixLevel")
	}
}

// Within a radius, people fit by the distance from the job's town to theirs,
// whatever their département, the nearer first; someone whose town is not
// known is left out of a radius but kept by département, without a distance.
func TestMatchWithinKm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		same := map[string]int{"3.4": 5, "3.1": 5, "5.2": 5}
		f := newFixture(t, d, []person{
			{name: "Near", postcode: "59650", town: "Villeneuve-d'Ascq", shown: true, skills: same},      // 7.8 km from Lille
			{name: "Nearer", postcode: "59120", town: "Loos", shown: true, skills: same},                 // 3.8 km
			{name: "Far", postcode: "62000", town: "Arras", shown: true, skills: same},                   // 42.6 km, Pas-de-Calais
			{name: "Nowhere", postcode: "59999", town: "Inconnue", shown: true, skills: same},            // no such postcode
			{name: "Elsewhere", postcode: "59100", town: "Villeneuve-d'Ascq", shown: true, skills: same}, // postcode of Roubaix, the name of another
		})
		all := auth.Scope{All: true}
		lille := Criteria{ROME: "M1805", INSEE: "59350"}
		for _, tc := range []struct {
			km   int
			want string
		}{
			{10, "Nearer Near"},
			{30, "Nearer Near Elsewhere"},
			{50, "Nearer Near Elsewhere Far"},
			{0, "Nearer Near Elsewhere Nowhere"}, // the département, the unknown place last
		} {
			c := lille
			c.WithinKm = tc.km
			got, _, err := Match(ctx, d, all, c, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if g := names(f, got); g != tc.want {
				t.Errorf("within %d km: %q, want %q", tc.km, g, tc.want)
			}
			for _, k := range got {
				switch names(f, []Candidate{k}) {
				case "Near":
					if !k.Located || k.Km != 8 {
						t.Errorf("Near at %d km (located %v), want 8", k.Km, k.Located)
					}
				case "Far":
					if k.Km != 43 {
						t.Errorf("Far at %d km, want 43", k.Km)
					}
				case "Nowhere":
					if k.Located {
						t.Errorf("Nowhere has a distance: %+v", k)
					}
				}
			}
		}
		// The same from the postcode of the job's town.
		got, _, err := Match(ctx, d, all, Criteria{ROME: "M1805", Postcode: "59000", WithinKm: 10}, 10, 0)
		if err != nil || names(f, got) != "Nearer Near" {
			t.Errorf("from 59000 within 10 km: %q %v", names(f, got), err)
		}
		// A radius around a town whose centre is unknown is refused, not guessed.
		if _, _, err := Match(ctx, d, all, Criteria{ROME: "M1805", Postcode: "59999", WithinKm: 10}, 10, 0); err != ErrNoCentre {
			t.Errorf("radius around an unknown postcode: %v", err)
		}
		// Fits follows the same rule.
		if ok, _, _ := Fits(ctx, d, f.ids["Far"], Criteria{ROME: "M1805", INSEE: "59350", WithinKm: 30}); ok {
			t.Error("Far fits a 30 km radius")
		}
	})
}

// Profiles summed up before their place was kept get it at start, from the
// file's postcode and town; an unknown town is looked for once and left
// without a place.
func TestLocateFillsOlderProfiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, []person{{name: "Old", postcode: "59120", shown: true}, {name: "Lost", postcode: "59999", shown: true}})
		if _, err := d.Exec(ctx, "UPDATE learners SET town = 'Loos'"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "UPDATE recruiter_profiles SET lat_e4 = NULL, lon_e4 = NULL, located = FALSE"); err != nil {
			t.Fatal(err)
		}
		if err := Locate(ctx, d); err != nil {
			t.Fatal(err)
		}
		got, _, err := Match(ctx, d, auth.Scope{All: true}, Criteria{INSEE: "59350", WithinKm: 10}, 10, 0)
		if err != nil || names(f, got) != "Old" || got[0].Km != 4 {
			t.Errorf("after Locate, within 10 km of Lille: %q %+v %v", names(f, got), got, err)
		}
		var left int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM recruiter_profiles WHERE NOT located").Scan(&left)
		if left != 0 {
			t.Errorf("%d profiles still to locate", left)
		}
	})
}
