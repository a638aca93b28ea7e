package e2e

import (
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/learners"
	"tremplin/internal/training"
)

// Whatever staff or visitors type, no page scrolls sideways on a 360 px phone: a
// very long name and a note holding a long web address wrap inside the screen.
func TestLongNamesAndAddressesNeverWidenThePage(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	ctx := t.Context()
	lille, cohort := lilleCohort(b)

	var adviserID int64
	if err := b.app.DB.QueryRowContext(ctx, "SELECT id FROM staff WHERE email = $1", adviser).Scan(&adviserID); err != nil {
		t.Fatal(err)
	}
	long := "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschafers"
	l := &learners.Learner{AntennaID: lille.ID, FirstName: "Marie-Christine-Alexandrine-Bérénice", LastName: long,
		Phone: "+33612349876", BirthYear: 1990, Town: "Villeneuve-d'Ascq-Annappes-Flers-Breucq", Languages: []string{"fr"},
		FrenchLevel: "fluent", Situations: []string{"rsa"}, Equipment: []string{"smartphone"}, Availabilities: []string{"mornings"},
		HeardFrom: "friend", ConsentText: "oui"}
	if err := learners.Register(ctx, b.app.DB, l, "", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := training.Enrol(ctx, b.app.DB, cohort.ID, l.ID, adviserID); err != nil {
		t.Fatal(err)
	}
	address := "https://www.example.org/" + strings.Repeat("inscription-aux-ateliers-numeriques-", 8)
	address = address[:300]
	if err := learners.AddNote(ctx, b.app.DB, learners.Note{LearnerID: l.ID, Body: "Dossier : " + address, StaffID: adviserID}); err != nil {
		t.Fatal(err)
	}

	b.visit("login page", "/login")
	b.signIn(adviser)
	file := "/learners/" + strconv.FormatInt(l.ID, 10)
	for _, p := range []struct{ name, path, want string }{
		{"learner file", file, address},
		{"inbox", "/inbox?who=all", long},
		{"learners list", "/learners?q=" + long[:12], long},
		{"cohort", "/cohorts/" + strconv.FormatInt(cohort.ID, 10), long},
	} {
		b.visit(p.name, p.path) // also fails when the page scrolls sideways, and runs axe
		if !strings.Contains(b.text("main"), p.want) {
			t.Errorf("%s: the page does not show %.40q…", p.name, p.want)
		}
		if w := js[int](b, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("%s: the page is %d px wide on a 360 px phone", p.name, w)
		}
	}
}
