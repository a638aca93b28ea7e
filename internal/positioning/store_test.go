package positioning

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// fixture is an antenna with one adviser and two learners, written with plain SQL
// (the learners table belongs to another package).
type fixture struct {
	antenna, staff, learner, other int64
}

func newFixture(t *testing.T, d *db.DB) fixture {
	t.Helper()
	ctx := context.Background()
	now := db.Now()
	var f fixture
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	f.antenna, err = d.InsertID(ctx, `INSERT INTO antennas (name, city, country, timezone, created_at, updated_at)
		VALUES ('Lille', 'Lille', 'FR', 'Europe/Paris', $1, $1) RETURNING id`, now)
	must(err)
	f.staff, err = d.InsertID(ctx, `INSERT INTO staff (name, email, role, created_at, updated_at)
		VALUES ('Karim Benhaddou', 'karim@example.org', 'adviser', $1, $1) RETURNING id`, now)
	must(err)
	_, err = d.Exec(ctx, "INSERT INTO staff_antennas (staff_id, antenna_id) VALUES ($1, $2)", f.staff, f.antenna)
	must(err)
	learner := func(first string) int64 {
		id, err := d.InsertID(ctx, `INSERT INTO learners (antenna_id, first_name, last_name, phone, birth_year, consent_text, consent_at, created_at, updated_at)
			VALUES ($1, $2, 'Haddad', '+33612345678', 1990, 'ok', $3, $3, $3) RETURNING id`, f.antenna, first, now)
		must(err)
		return id
	}
	f.learner, f.other = learner("Amina"), learner("Amina (doublon)")
	return f
}

func TestQuestionnaireRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := &Question{Competence: "2.1", Text: Text{FR: "Envoyer une photo par WhatsApp", AR: "إرسال صورة عبر واتساب"}, Active: true,
			Answers: []Answer{{Text: Text{FR: "Non"}, Weight: 0}, {Text: Text{FR: "Oui", EN: "Yes"}, Weight: 100}}}
		if err := SaveQuestion(ctx, d, q); err != nil {
			t.Fatal(err)
		}
		first := &Question{Competence: "1.1", Text: Text{FR: "Chercher un horaire"}, Active: true,
			Answers: []Answer{{Text: Text{FR: "Non"}}, {Text: Text{FR: "Oui"}, Weight: 100}}}
		if err := SaveQuestion(ctx, d, first); err != nil {
			t.Fatal(err)
		}
		got, err := QuestionByID(ctx, d, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text.AR != q.Text.AR || got.Position != 1 || len(got.Answers) != 2 || got.Answers[1].Text.EN != "Yes" || got.Answers[1].Weight != 100 {
			t.Fatalf("read back %+v", got)
		}
		// Edited with three answers, then two: ids of kept positions do not change.
		keep := got.Answers[0].ID
		got.Answers = append(got.Answers, Answer{Text: Text{FR: "Je peux l'expliquer"}, Weight: 100})
		got.Answers[1].Weight = 80
		if err := SaveQuestion(ctx, d, got); err != nil {
			t.Fatal(err)
		}
		got.Answers = got.Answers[:2]
		if err := SaveQuestion(ctx, d, got); err != nil {
			t.Fatal(err)
		}
		again, _ := QuestionByID(ctx, d, q.ID)
		if len(again.Answers) != 2 || again.Answers[0].ID != keep || again.Answers[1].Weight != 80 {
			t.Fatalf("after edits %+v", again.Answers)
		}
		// Framework order: 1.1 before 2.1 whatever the order of creation.
		all, err := Questionnaire(ctx, d)
		if err != nil || len(all) != 2 || all[0].Competence != "1.1" {
			t.Fatalf("questionnaire %v %v", all, err)
		}
		if _, err := QuestionByID(ctx, d, 9999); err != db.ErrNotFound {
			t.Fatalf("missing question: %v", err)
		}
		if err := SaveQuestion(ctx, d, &Question{ID: 9999, Competence: "1.1", Text: Text{FR: "x"}}); err != db.ErrNotFound {
			t.Fatalf("update of a missing question: %v", err)
		}
	})
}

func TestThresholdsAreStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		th, err := LoadThresholds(ctx, d)
		if err != nil || th != DefaultThresholds {
			t.Fatalf("defaults %+v %v", th, err)
		}
		if err := SaveThresholds(ctx, d, Thresholds{40, 75}, 0); err != nil {
			t.Fatal(err)
		}
		if th, _ := LoadThresholds(ctx, d); th != (Thresholds{40, 75}) {
			t.Fatalf("saved %+v", th)
		}
	})
}

// A stored test keeps its scores, level and words when the questionnaire and the
// thresholds change afterwards; Results reads tests oldest first.
func TestStoredResultsDoNotChangeWithTheQuestionnaire(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		qs := []*Question{
			{Competence: "1.1", Text: Text{FR: "Chercher l'horaire d'un bus"}, Active: true,
				Answers: []Answer{{Text: Text{FR: "Non"}}, {Text: Text{FR: "Avec de l'aide"}, Weight: 40}, {Text: Text{FR: "Seul·e"}, Weight: 80}}},
			{Competence: "4.1", Text: Text{FR: "Créer un mot de passe solide"}, Active: true,
				Answers: []Answer{{Text: Text{FR: "Non"}}, {Text: Text{FR: "Oui"}, Weight: 100}}},
		}
		if seeded, err := SeedQuestionnaire(ctx, d, qs); err != nil || !seeded {
			t.Fatalf("seed: %v %v", seeded, err)
		}
		if seeded, err := SeedQuestionnaire(ctx, d, qs); err != nil || seeded {
			t.Fatalf("second seed wrote again: %v %v", seeded, err)
		}
		active, err := ActiveQuestions(ctx, d)
		if err != nil || len(active) != 2 {
			t.Fatalf("active %v %v", active, err)
		}
		take := func(chosen map[int64]int64, at time.Time) *Test {
			t.Helper()
			tt, err := Take(active, chosen, DefaultThresholds, "fr")
			if err != nil {
				t.Fatal(err)
			}
			tt.LearnerID, tt.StaffID, tt.TakenAt = f.learner, f.staff, at
			if err := SaveTest(ctx, d, tt); err != nil {
				t.Fatal(err)
			}
			return tt
		}
		day := time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC)
		// First: 1.1 with help (40), 4.1 unanswered (0): overall 20, debutant.
		first := take(map[int64]int64{active[0].ID: active[0].Answers[1].ID}, day)
		// Later: 1.1 alone (80), 4.1 yes (100): overall 90, avance.
		later := take(map[int64]int64{active[0].ID: active[0].Answers[2].ID, active[1].ID: active[1].Answers[1].ID}, day.AddDate(0, 3, 0))

		// The questionnaire changes: weights, words, a question deactivated; and the thresholds.
		active[0].Answers[1].Weight, active[0].Answers[1].Text.FR = 10, "Avec beaucoup d'aide"
		active[0].Text.FR = "Trouver un horaire"
		if err := SaveQuestion(ctx, d, active[0]); err != nil {
			t.Fatal(err)
		}
		active[1].Active = false
		if err := SaveQuestion(ctx, d, active[1]); err != nil {
			t.Fatal(err)
		}
		if err := SaveThresholds(ctx, d, Thresholds{10, 20}, f.staff); err != nil {
			t.Fatal(err)
		}

		rs, err := Results(ctx, d, f.learner)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 || rs[0].ID != first.ID || rs[1].ID != later.ID {
			t.Fatalf("results %+v, want the two tests oldest first", rs)
		}
		want := []Result{
			{ID: first.ID, TakenAt: day, Level: "debutant", Percent: 20, Scores: map[string]int{"1.1": 40, "4.1": 0}},
			{ID: later.ID, TakenAt: day.AddDate(0, 3, 0), Level: "avance", Percent: 90, Scores: map[string]int{"1.1": 80, "4.1": 100}},
		}
		for i, w := range want {
			g := rs[i]
			if !g.TakenAt.Equal(w.TakenAt) || g.Level != w.Level || g.Percent != w.Percent || len(g.Scores) != len(w.Scores) {
				t.Errorf("result %d = %+v, want %+v", i, g, w)
			}
			for code, p := range w.Scores {
				if g.Scores[code] != p {
					t.Errorf("result %d, %s = %d, want %d", i, code, g.Scores[code], p)
				}
			}
		}
		stored, err := TestByID(ctx, d, f.learner, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.StaffName != "Karim Benhaddou" || stored.Thresholds != DefaultThresholds || len(stored.Answers) != 2 {
			t.Fatalf("stored test %+v", stored)
		}
		if a := stored.Answers[0]; a.Question != "Chercher l'horaire d'un bus" || a.Answer != "Avec de l'aide" || a.Weight != 40 || !a.Answered {
			t.Errorf("first answer as stored: %+v", a)
		}
		if a := stored.Answers[1]; a.Answered || a.Competence != "4.1" {
			t.Errorf("unanswered question as stored: %+v", a)
		}
		// Another learner's id does not open the test.
		if _, err := TestByID(ctx, d, f.other, first.ID); err != db.ErrNotFound {
			t.Errorf("test through another learner: %v", err)
		}
	})
}

func TestReassignLearnerMovesTests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		q := &Question{Competence: "5.1", Text: Text{FR: "Se connecter au Wi-Fi"}, Active: true,
			Answers: []Answer{{Text: Text{FR: "Non"}}, {Text: Text{FR: "Oui"}, Weight: 100}}}
		if err := SaveQuestion(ctx, d, q); err != nil {
			t.Fatal(err)
		}
		for _, learner := range []int64{f.learner, f.other} {
			tt, err := Take([]*Question{q}, map[int64]int64{q.ID: q.Answers[1].ID}, DefaultThresholds, "fr")
			if err != nil {
				t.Fatal(err)
			}
			tt.LearnerID, tt.StaffID = learner, f.staff
			if err := SaveTest(ctx, d, tt); err != nil {
				t.Fatal(err)
			}
		}
		err := d.Tx(ctx, func(tx *sql.Tx) error { return ReassignLearner(ctx, tx, f.other, f.learner) })
		if err != nil {
			t.Fatal(err)
		}
		if rs, _ := Results(ctx, d, f.learner); len(rs) != 2 {
			t.Fatalf("kept file has %d tests, want 2", len(rs))
		}
		if rs, _ := Results(ctx, d, f.other); len(rs) != 0 {
			t.Fatalf("merged file still has %d tests", len(rs))
		}
	})
}

func TestLearnerInScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		l, err := LearnerInScope(ctx, d, auth.Scope{StaffID: f.staff}, f.learner)
		if err != nil || l.FirstName != "Amina" || l.Location.String() != "Europe/Paris" {
			t.Fatalf("own learner: %+v %v", l, err)
		}
		if _, err := LearnerInScope(ctx, d, auth.Scope{StaffID: f.staff + 100}, f.learner); err != db.ErrNotFound {
			t.Fatalf("learner of another antenna: %v", err)
		}
		if _, err := LearnerInScope(ctx, d, auth.Scope{All: true}, f.learner); err != nil {
			t.Fatalf("admin: %v", err)
		}
	})
}
