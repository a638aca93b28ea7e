package learners

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/i18n"
)

func TestDisplayPhone(t *testing.T) {
	if got := DisplayPhone("+33612345678"); got != "+33 6 12 34 56 78" {
		t.Errorf("DisplayPhone: %q", got)
	}
}

func TestNameKeyAndPrefixRange(t *testing.T) {
	if a, b := NameKey("Hélène N'Diaye-Lefèvre"), NameKey("HELENE NDIAYE LEFEVRE"); a != b || a != "helenendiayelefevre" {
		t.Errorf("NameKey: %q vs %q", a, b)
	}
	for prefix, want := range map[string][2]string{"dup": {"dup", "duq"}, "az": {"az", "b"}, "a9": {"a9", "aa"}, "zz": {"zz", ""}} {
		lo, hi := prefixRange(prefix)
		if lo != want[0] || hi != want[1] {
			t.Errorf("prefixRange(%q) = %q, %q; want %q", prefix, lo, hi, want)
		}
	}
}

// Every code a form offers or a page shows has its words in every language.
func TestEveryCodeHasItsWords(t *testing.T) {
	groups := map[string][]string{
		"learner.lang.": LanguageCodes, "learner.french.": FrenchLevels, "learner.situation.": SituationCodes,
		"learner.equipment.": EquipmentCodes, "learner.availability.": AvailabilityCodes, "learner.heard.": HeardFromCodes,
		"learner.status.": Statuses, "learner.contact.": ContactKinds, "followup.situation.": FollowUpSituations,
		"followup.milestone.": Milestones, "learner.enrolment.": {"enrolled", "waitlisted", "offered", "withdrawn"},
		"learner.mark.": {"present", "absent", "excused", "late"}, "learner.level.": {"debutant", "intermediaire", "avance", "certifiant"},
	}
	for prefix, codes := range groups {
		for _, c := range codes {
			for _, lang := range i18n.Languages {
				if _, ok := i18n.All()[lang][prefix+c]; !ok {
					t.Errorf("%s: %s%s missing", lang, prefix, c)
				}
			}
		}
	}
}

type fixture struct {
	d                         *db.DB
	lille, dzaleka, bordeaux  int64
	adviser, bordeauxAdviser  *auth.Staff
	lilleScope, bordeauxScope auth.Scope
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	o := orgtest.Setup(t, d)
	return &fixture{d: d, lille: o.Lille, dzaleka: o.Dzaleka, bordeaux: o.Bordeaux, adviser: o.Adviser,
		bordeauxAdviser: o.BordeauxAdviser, lilleScope: o.LilleScope, bordeauxScope: o.BordeauxScope}
}

func (f *fixture) register(t *testing.T, antenna int64, first, last, phone string, year int) *Learner {
	t.Helper()
	l := &Learner{AntennaID: antenna, FirstName: first, LastName: last, Phone: phone, BirthYear: year,
		ConsentText: "J'accepte.", Languages: []string{"fr", "ar"}}
	if err := Register(context.Background(), f.d, l, "", 0); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRegistrationIsStoredWithConsent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		phone, _ := check.Phone("FR", "06 12 34 56 78")
		before := time.Now().Add(-time.Second)
		l := &Learner{AntennaID: f.lille, FirstName: "Amina", LastName: "Haddad", Phone: phone, BirthYear: 1994,
			Email: "amina@example.org", Postcode: "59000", Town: "Lille", Languages: []string{"ar", "fr"},
			Situations: []string{"rsa"}, Equipment: []string{"smartphone"}, Availabilities: []string{"mornings", "saturday"},
			FrenchLevel: "everyday", HeardFrom: "friend", ConsentText: "J'accepte que Tremplin garde ces informations.", Lang: "ar"}
		if err := Register(ctx, d, l, "192.0.2.1", 10); err != nil {
			t.Fatal(err)
		}
		got, err := ByID(ctx, d, f.lilleScope, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "+33612345678" || got.Status != Received || got.Lang != "ar" || got.DuplicateOf != 0 {
			t.Fatalf("stored: %+v", got)
		}
		if got.ConsentText != "J'accepte que Tremplin garde ces informations." || got.ConsentAt.Before(before) || got.ConsentAt.After(time.Now()) {
			t.Fatalf("consent: %q at %v", got.ConsentText, got.ConsentAt)
		}
		if !slices.Equal(got.Availabilities, []string{"mornings", "saturday"}) || got.Where() != "59000 Lille" {
			t.Fatalf("answers: %v %q", got.Availabilities, got.Where())
		}
		events, err := Timeline(ctx, d, l.ID)
		if err != nil || len(events) != 1 || events[0].Kind != "registered" {
			t.Fatalf("timeline: %v %v", events, err)
		}
		// Outside the adviser's antennas, the file does not exist.
		if _, err := ByID(ctx, d, f.bordeauxScope, l.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("Bordeaux adviser reads a Lille file: %v", err)
		}
	})
}

func TestDuplicatesAreFlagged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		first := f.register(t, f.lille, "Hélène", "N'Diaye", "+33612345678", 1990)
		samePhone := f.register(t, f.lille, "Ali", "Karimi", "+33612345678", 1985)
		sameName := f.register(t, f.lille, "HELENE", "ndiaye", "+33700000001", 1990)
		swapped := f.register(t, f.lille, "Ndiaye", "Hélène", "+33700000002", 1990)
		otherYear := f.register(t, f.lille, "Hélène", "N'Diaye", "+33700000003", 1991)
		otherAntenna := f.register(t, f.dzaleka, "Hélène", "N'Diaye", "+33612345678", 1990)
		for _, c := range []struct {
			l    *Learner
			want int64
		}{{first, 0}, {samePhone, first.ID}, {sameName, first.ID}, {swapped, first.ID}, {otherYear, 0}, {otherAntenna, 0}} {
			if c.l.DuplicateOf != c.want {
				t.Errorf("%s %s %d: duplicate of %d, want %d", c.l.FirstName, c.l.LastName, c.l.BirthYear, c.l.DuplicateOf, c.want)
			}
		}
		// The first file lists those flagged against it; and the flag can be cleared.
		dups, err := Duplicates(ctx, d, f.lilleScope, first.ID)
		if err != nil || len(dups) != 3 {
			t.Fatalf("duplicates of the first file: %d %v", len(dups), err)
		}
		if err := ClearDuplicate(ctx, d, first.ID, samePhone.ID, f.adviser.ID); err != nil {
			t.Fatal(err)
		}
		if l, _ := ByID(ctx, d, f.lilleScope, samePhone.ID); l.DuplicateOf != 0 {
			t.Fatal("the flag was not cleared")
		}
		// The inbox shows the flag.
		items, err := Inbox(ctx, d, f.lilleScope, nil, 100)
		if err != nil {
			t.Fatal(err)
		}
		flagged := 0
		for _, it := range items {
			if it.DuplicateOf != 0 {
				flagged++
			}
		}
		if len(items) != 6 || flagged != 2 {
			t.Fatalf("inbox: %d items, %d flagged", len(items), flagged)
		}
	})
}

func TestMergeMovesTheHistoryAndHidesTheOtherFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		keep := f.register(t, f.lille, "Yonas", "Tesfaye", "+33612345678", 1998)
		other := f.register(t, f.lille, "Yonas", "TESFAYE", "+33699999999", 1998)
		if other.DuplicateOf != keep.ID {
			t.Fatalf("not flagged: %d", other.DuplicateOf)
		}
		if _, err := d.Exec(ctx, "UPDATE learners SET email = 'yonas@example.org' WHERE id = $1", other.ID); err != nil {
			t.Fatal(err)
		}
		if err := AddContact(ctx, d, &Contact{LearnerID: other.ID, Kind: "reached", Note: "Disponible le matin", StaffID: f.adviser.ID}); err != nil {
			t.Fatal(err)
		}
		if err := AddNote(ctx, d, Note{LearnerID: other.ID, Body: "Parle tigrinya et anglais", StaffID: f.adviser.ID}); err != nil {
			t.Fatal(err)
		}
		if err := Merge(ctx, d, keep.ID, other.ID, f.adviser.ID); err != nil {
			t.Fatal(err)
		}
		merged, err := ByID(ctx, d, f.lilleScope, other.ID)
		if err != nil || merged.MergedInto != keep.ID {
			t.Fatalf("merged file: %+v %v", merged, err)
		}
		kept, _ := ByID(ctx, d, f.lilleScope, keep.ID)
		if kept.Email != "yonas@example.org" || kept.Status != Contacted || kept.DuplicateOf != 0 {
			t.Fatalf("kept file: email %q status %s duplicate %d", kept.Email, kept.Status, kept.DuplicateOf)
		}
		events, _ := Timeline(ctx, d, keep.ID)
		kinds := map[string]int{}
		for _, e := range events {
			kinds[e.Kind]++
		}
		if kinds["registered"] != 2 || kinds["contact"] != 1 || kinds["note"] != 1 || kinds["merged"] != 1 {
			t.Fatalf("kept timeline: %v", kinds)
		}
		if ev, _ := Timeline(ctx, d, other.ID); len(ev) != 0 {
			t.Fatalf("the merged file kept %d events", len(ev))
		}
		list, _ := Search(ctx, d, f.lilleScope, []string{"FR"}, "tesf", 50)
		inbox, _ := Inbox(ctx, d, f.lilleScope, nil, 100)
		if len(list) != 1 || list[0].ID != keep.ID || len(inbox) != 1 {
			t.Fatalf("the merged file is still listed: search %d, inbox %d", len(list), len(inbox))
		}
		if err := Merge(ctx, d, keep.ID, other.ID, f.adviser.ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("merging twice: %v", err)
		}
	})
}

func TestRegistrationsPerAddressAreLimited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		reg := func(addr string, i int) error {
			l := &Learner{AntennaID: f.lille, FirstName: "Personne", LastName: strings.Repeat("x", i+1), Phone: "+3361234567" + string(rune('0'+i%10)),
				BirthYear: 1990, ConsentText: "ok"}
			return Register(ctx, d, l, addr, 3)
		}
		for i := range 3 {
			if err := reg("192.0.2.1", i); err != nil {
				t.Fatal(err)
			}
		}
		if err := reg("192.0.2.1", 4); !errors.Is(err, ErrTooManyRegistrations) {
			t.Fatalf("4th registration from one address: %v", err)
		}
		if err := reg("192.0.2.2", 5); err != nil {
			t.Fatalf("another address is refused: %v", err)
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM learners").Scan(&n)
		if n != 4 {
			t.Fatalf("%d files stored, want 4", n)
		}
		// An hour later the address may register again.
		if _, err := d.Exec(ctx, "UPDATE registration_attempts SET at = at - 3601"); err != nil {
			t.Fatal(err)
		}
		if err := reg("192.0.2.1", 6); err != nil {
			t.Fatalf("after an hour: %v", err)
		}
		var kept int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM registration_attempts").Scan(&kept)
		if kept != 1 {
			t.Fatalf("%d attempts kept, want only the last hour's", kept)
		}
	})
}

func TestSearchByNameOrPhoneInScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.register(t, f.lille, "Élodie", "Dupont", "+33612345678", 1990)
		f.register(t, f.lille, "Marc", "Dupuis", "+33612345670", 1985)
		f.register(t, f.dzaleka, "Jean-Claude", "Habimana", "+265991234567", 1992)
		f.register(t, f.bordeaux, "Léa", "Dupont", "+33612345671", 1999)
		f.register(t, f.lille, "Maria", "Da Silva", "+33612345672", 1979)
		f.register(t, f.lille, "Aminata", "Traoré", "+33612345673", 2002)
		f.register(t, f.lille, "Zoé", "Zz", "+33612345674", 2004)
		f.register(t, f.lille, "سارة", "الأحمد", "+33612345675", 1996)
		countries := []string{"FR", "MW"}
		for q, want := range map[string][]string{
			"dup":            {"Dupont", "Dupuis"},
			"DUPONT elo":     {"Dupont"},
			"elodie":         {"Dupont"},
			"0991 23 45 67":  {"Habimana"},
			"06 12 34 56 78": {"Dupont"},
			"+33612345671":   nil, // Bordeaux's
			"lea":            nil,
			"dupont dupuis":  nil,
			"jean claude h":  {"Habimana"},
			"habimana jean":  {"Habimana"},
			"da silva":       {"Da Silva"},
			"maria da":       {"Da Silva"},
			"traoré a":       {"Traoré"},
			"a traore":       {"Traoré"},
			"A":              {"Traoré"},
			"zz":             {"Zz"},
			"z":              {"Zz"},
			"سار":            {"الأحمد"},
			"الأحمد سارة":    {"الأحمد"},
			"":               {"الأحمد", "Zz", "Traoré", "Da Silva", "Habimana", "Dupuis", "Dupont"}, // latest first
		} {
			list, err := Search(ctx, d, f.lilleScope, countries, q, 50)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range list {
				got = append(got, l.LastName)
			}
			if !slices.Equal(got, want) {
				t.Errorf("search %q: %v, want %v", q, got, want)
			}
		}
		// The association's admin sees every antenna; Bordeaux's adviser only theirs.
		for _, c := range []struct {
			scope auth.Scope
			q     string
			want  []string
		}{
			{auth.Scope{All: true}, "dup", []string{"Dupont", "Dupont", "Dupuis"}},
			{auth.Scope{All: true}, "lea dup", []string{"Dupont"}},
			{f.bordeauxScope, "dup", []string{"Dupont"}},
			{f.bordeauxScope, "elodie dupont", nil},
		} {
			list, err := Search(ctx, d, c.scope, countries, c.q, 50)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range list {
				got = append(got, l.LastName)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("search %q in %+v: %v, want %v", c.q, c.scope, got, c.want)
			}
		}
		// At most limit files come back, in name order.
		list, err := Search(ctx, d, auth.Scope{All: true}, countries, "d", 2)
		if err != nil || len(list) != 2 || list[0].LastName != "Da Silva" || list[1].LastName != "Dupont" {
			t.Errorf("search d, 2 at most: %v %v", list, err)
		}
	})
}

func TestPathFollowsTrainingAndPositioning(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		l := f.register(t, f.lille, "Sara", "Ahmadi", "+33612345678", 2001)
		status := func() string {
			got, _ := ByID(ctx, d, f.lilleScope, l.ID)
			return got.Status
		}
		if err := markPositioned(ctx, d, l.ID); err != nil || status() != Positioned {
			t.Fatalf("after a test: %s %v", status(), err)
		}
		if err := moveForEnrolment(ctx, d, l.ID, Waitlisted); err != nil || status() != Waitlisted {
			t.Fatalf("waitlisted: %s %v", status(), err)
		}
		if err := moveForEnrolment(ctx, d, l.ID, Enrolled); err != nil || status() != Enrolled {
			t.Fatalf("enrolled: %s %v", status(), err)
		}
		// Being waitlisted elsewhere, or taking another test, does not move an enrolled person back.
		moveForEnrolment(ctx, d, l.ID, Waitlisted)
		markPositioned(ctx, d, l.ID)
		if status() != Enrolled {
			t.Fatalf("moved back to %s", status())
		}
		// Withdrawn from the only cohort (training has no enrolment for them here):
		// back to where they were before.
		if err := moveForEnrolment(ctx, d, l.ID, "withdrawn"); err != nil || status() != Positioned {
			t.Fatalf("withdrawn: %s %v", status(), err)
		}
		events, _ := Timeline(ctx, d, l.ID)
		if len(events) != 5 {
			t.Fatalf("%d events, want registered + 4 status changes", len(events))
		}
	})
}

func TestSearchByAnyWordOfAnyNameAndPartOfThePhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		fatima := f.register(t, f.lille, "Fatima Zahra", "El Amrani", "+33612345678", 1990)
		f.register(t, f.lille, "Nguyễn", "Thị Ánh", "+33699887766", 1985)
		f.register(t, f.lille, "فاطمة الزهراء", "أحمد", "+33700112233", 1996)
		f.register(t, f.lille, "Ольга", "Ёлкина", "+33655443322", 1970)
		f.register(t, f.dzaleka, "Grace", "Banda", "+265991234567", 1992)
		f.register(t, f.bordeaux, "Zahra", "Amrani", "+33612340000", 1999) // another antenna
		countries := []string{"FR", "MW"}
		for q, want := range map[string][]string{
			"zahra":            {"El Amrani"},
			"amrani":           {"El Amrani"},
			"AMRANI zah":       {"El Amrani"},
			"el amrani fatima": {"El Amrani"},
			"elamrani":         {"El Amrani"},
			"fatima-zahra":     {"El Amrani"},
			"zahra fatou":      nil,
			"nguyen":           {"Thị Ánh"},
			"anh thi":          {"Thị Ánh"},
			"الزهراء":          {"أحمد"},
			"زهراء":            {"أحمد"},
			"احمد":             {"أحمد"},
			"елкина":           {"Ёлкина"},
			"ОЛЬ":              {"Ёлкина"},
			"56 78":            {"El Amrani"},
			"5678":             {"El Amrani"},
			"0612":             {"El Amrani"},
			"06.12.34":         {"El Amrani"},
			"+33 6 12":         {"El Amrani"},
			"0033 6 12 34":     {"El Amrani"},
			"٥٦٧٨":             {"El Amrani"},
			"4567":             {"Banda"},
			"0991 23":          {"Banda"},
			"+265 99":          {"Banda"},
			"0000":             nil, // Bordeaux's
			"123":              nil, // too short to be part of a phone
			"06 99 88 77 66":   {"Thị Ánh"},
		} {
			list, err := Search(ctx, d, f.lilleScope, countries, q, 50)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range list {
				got = append(got, l.LastName)
			}
			if !slices.Equal(got, want) {
				t.Errorf("search %q: %v, want %v", q, got, want)
			}
		}
		// The national admin sees both; an edit and a merge keep the keys in step.
		if list, _ := Search(ctx, d, auth.Scope{All: true}, countries, "zahra amrani", 50); len(list) != 2 {
			t.Errorf("admin, zahra amrani: %d files, want 2", len(list))
		}
		fatima.FirstName, fatima.Phone = "Salma", "+33611112222"
		if err := Update(ctx, d, fatima, f.adviser.ID); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"zahra": 0, "salma amrani": 1, "5678": 0, "2222": 1} {
			if list, _ := Search(ctx, d, f.lilleScope, countries, q, 50); len(list) != want {
				t.Errorf("after the edit, %q: %d files, want %d", q, len(list), want)
			}
		}
		other := f.register(t, f.lille, "Salma", "El-Amrani", "+33611112223", 1990)
		if err := Merge(ctx, d, fatima.ID, other.ID, f.adviser.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := Search(ctx, d, f.lilleScope, countries, "salma", 50); len(list) != 1 || list[0].ID != fatima.ID {
			t.Errorf("after the merge, salma: %v", list)
		}
		// Keys computed again from the files (as at start-up after an upgrade) are the same.
		if _, err := d.Exec(ctx, "UPDATE learner_keys_state SET version = 0"); err != nil {
			t.Fatal(err)
		}
		if err := FillKeys(ctx, d, nil); err != nil {
			t.Fatal(err)
		}
		if list, _ := Search(ctx, d, f.lilleScope, countries, "amrani salma", 50); len(list) != 1 || list[0].ID != fatima.ID {
			t.Errorf("after the refill, amrani salma: %v", list)
		}
	})
}

// When every word typed is common, the association-wide search meets the words'
// ranges rather than walking one: it finds the same files as the walk.
func TestCommonWordsFindTheSameFilesByMeetingTheirRanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		f.register(t, f.lille, "Fatima Zahra", "El Amrani", "+33612345678", 1990)
		f.register(t, f.bordeaux, "Zahra", "Amrani", "+33612340000", 1999)
		f.register(t, f.bordeaux, "Moussa", "Keita", "+33612340001", 1999)
		f.register(t, f.lille, "Keita", "Moussa", "+33612340002", 1999)
		f.register(t, f.lille, "Moussa", "Diallo", "+33612340003", 1999)
		queries := map[string][]string{
			"zahra amrani":       {"Amrani", "El Amrani"},
			"amrani zah":         {"Amrani", "El Amrani"},
			"el amrani fatima":   {"El Amrani"},
			"keita moussa":       {"Keita", "Moussa"},
			"moussa dia":         {"Diallo"},
			"moussa k":           {"Keita", "Moussa"},
			"zahra fatou":        nil,
			"moussa keita zahra": nil,
		}
		search := func(q string) []string {
			list, err := Search(ctx, d, auth.Scope{All: true}, []string{"FR"}, q, 50)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range list {
				got = append(got, l.LastName)
			}
			return got
		}
		for q, want := range queries {
			if got := search(q); !slices.Equal(got, want) {
				t.Errorf("walked, %q: %v, want %v", q, got, want)
			}
		}
		defer func(n int) { commonKey = n }(commonKey)
		commonKey = 1
		for q, want := range queries {
			if got := search(q); !slices.Equal(got, want) {
				t.Errorf("met, %q: %v, want %v", q, got, want)
			}
		}
	})
}

// EachFile reads every file in scope, page after page, with the filters.
func TestEachFileReadsEveryPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		defer func(n int) { eachPage = n }(eachPage)
		eachPage = 2
		var want []int64
		for i := range 5 {
			want = append(want, f.register(t, f.lille, "Amina", fmt.Sprintf("Page%d", i), fmt.Sprintf("+3361234%04d", i), 1990).ID)
		}
		f.register(t, f.bordeaux, "Léa", "Ailleurs", "+33612349999", 1990)
		var got []int64
		if err := EachFile(ctx, d, f.lilleScope, 0, "", func(l *Learner) error { got = append(got, l.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("files %v, want %v", got, want)
		}
		n := 0
		EachFile(ctx, d, auth.Scope{All: true}, f.bordeaux, Received, func(*Learner) error { n++; return nil })
		if n != 1 {
			t.Errorf("Bordeaux, received: %d files", n)
		}
	})
}
