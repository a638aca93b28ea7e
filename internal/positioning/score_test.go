package positioning

import "testing"

// question builds an active question whose answers have the given weights; answer
// ids are question id * 10 + position.
func question(id int64, competence string, weights ...int) *Question {
	q := &Question{ID: id, Competence: competence, Active: true, Text: Text{FR: "Q"}}
	for i, w := range weights {
		q.Answers = append(q.Answers, Answer{ID: id*10 + int64(i+1), Position: i + 1, Weight: w})
	}
	return q
}

func TestCompetenceScoreIsTheMeanWeightOfItsQuestions(t *testing.T) {
	qs := []*Question{
		question(1, "1.1", 0, 40, 80, 100),
		question(2, "1.1", 0, 40, 80, 100),
		question(3, "2.1", 0, 50, 100),
	}
	// 1.1: (80 + 40) / 2 = 60; 2.1: 50. Overall (60 + 50) / 2 = 55.
	o := Score(qs, map[int64]int64{1: 13, 2: 22, 3: 32}, DefaultThresholds)
	if o.Scores["1.1"] != 60 || o.Scores["2.1"] != 50 {
		t.Fatalf("scores %v, want 1.1=60 2.1=50", o.Scores)
	}
	if o.Percent != 55 || o.Level != "intermediaire" {
		t.Fatalf("overall %d %s, want 55 intermediaire", o.Percent, o.Level)
	}
	if o.Answered != 3 || o.Asked != 3 {
		t.Fatalf("answered %d of %d", o.Answered, o.Asked)
	}
}

func TestPercentsRoundHalfUp(t *testing.T) {
	qs := []*Question{question(1, "1.1", 0, 100), question(2, "1.1", 0, 100), question(3, "1.1", 0, 100)}
	// 100/3 = 33.3 → 33; 200/3 = 66.7 → 67.
	if p := Score(qs, map[int64]int64{1: 12}, DefaultThresholds).Scores["1.1"]; p != 33 {
		t.Errorf("one of three: %d, want 33", p)
	}
	if p := Score(qs, map[int64]int64{1: 12, 2: 22}, DefaultThresholds).Scores["1.1"]; p != 67 {
		t.Errorf("two of three: %d, want 67", p)
	}
	// The overall is the mean of the rounded competence percents: (33 + 0) / 2 = 16.5 → 17.
	qs = append(qs, question(4, "2.1", 0, 100))
	if o := Score(qs, map[int64]int64{1: 12}, DefaultThresholds); o.Percent != 17 {
		t.Errorf("overall %d, want 17", o.Percent)
	}
}

func TestUnansweredQuestionsCountZero(t *testing.T) {
	qs := []*Question{question(1, "4.1", 0, 100), question(2, "4.1", 0, 100), question(3, "5.1", 0, 100)}
	o := Score(qs, map[int64]int64{1: 12}, DefaultThresholds)
	if o.Scores["4.1"] != 50 {
		t.Errorf("4.1 = %d, want 50 (one of two answered)", o.Scores["4.1"])
	}
	if p, ok := o.Scores["5.1"]; !ok || p != 0 {
		t.Errorf("5.1 = %d (present %v), want 0: asked but unanswered", p, ok)
	}
	if o.Percent != 25 || o.Answered != 1 {
		t.Errorf("overall %d answered %d, want 25 and 1", o.Percent, o.Answered)
	}
	// An answer id that is not one of the question's counts as no answer.
	if o := Score(qs, map[int64]int64{1: 32, 2: 999}, DefaultThresholds); o.Answered != 0 || o.Percent != 0 {
		t.Errorf("foreign answers: answered %d, overall %d", o.Answered, o.Percent)
	}
}

func TestCompetencesWithoutQuestionsDoNotCount(t *testing.T) {
	inactive := question(2, "3.4", 0, 100)
	inactive.Active = false
	qs := []*Question{question(1, "1.1", 0, 100), inactive}
	o := Score(qs, map[int64]int64{1: 12, 2: 22}, DefaultThresholds)
	if o.Percent != 100 || o.Level != "avance" {
		t.Fatalf("overall %d %s, want 100 avance: 3.4 has no active question", o.Percent, o.Level)
	}
	if _, ok := o.Scores["3.4"]; ok || len(o.Scores) != 1 {
		t.Fatalf("scores %v, want only 1.1", o.Scores)
	}
	if o.Asked != 1 {
		t.Fatalf("asked %d, want 1", o.Asked)
	}
	if o := Score(nil, nil, DefaultThresholds); o.Percent != 0 || o.Level != "debutant" || len(o.Scores) != 0 {
		t.Fatalf("empty questionnaire: %+v", o)
	}
}

func TestThresholdBoundaries(t *testing.T) {
	th := Thresholds{Intermediate: 35, Advanced: 70}
	for p, want := range map[int]string{0: "debutant", 34: "debutant", 35: "intermediaire", 69: "intermediaire", 70: "avance", 100: "avance"} {
		if got := th.Level(p); got != want {
			t.Errorf("%d %%: %s, want %s", p, got, want)
		}
	}
	// The level follows the overall percent as shown: 34.5 shows as 35, so intermediaire.
	qs := []*Question{question(1, "1.1", 0, 69), question(2, "1.1", 0, 0)}
	if o := Score(qs, map[int64]int64{1: 12}, th); o.Percent != 35 || o.Level != "intermediaire" {
		t.Errorf("34.5 %%: %d %s, want 35 intermediaire", o.Percent, o.Level)
	}
	for _, bad := range []Thresholds{{0, 50}, {50, 50}, {60, 40}, {35, 101}} {
		if bad.Valid() {
			t.Errorf("%+v should be invalid", bad)
		}
	}
	if !th.Valid() || !(Thresholds{1, 100}).Valid() {
		t.Error("valid thresholds refused")
	}
}

func TestTakeRefusesATestWithoutAnswer(t *testing.T) {
	qs := []*Question{question(1, "1.1", 0, 100)}
	if _, err := Take(qs, map[int64]int64{}, DefaultThresholds, "fr"); err != ErrNoAnswer {
		t.Fatalf("no answer: %v, want ErrNoAnswer", err)
	}
	if _, err := Take(nil, nil, DefaultThresholds, "fr"); err != ErrNoQuestions {
		t.Fatalf("no question: %v, want ErrNoQuestions", err)
	}
	q := question(2, "2.1", 0, 100)
	q.Text = Text{FR: "Envoyer une photo", AR: "إرسال صورة"}
	q.Answers[1].Text = Text{FR: "Seul·e"}
	tt, err := Take(append(qs, q), map[int64]int64{2: 22}, DefaultThresholds, "ar")
	if err != nil {
		t.Fatal(err)
	}
	if len(tt.Answers) != 2 || tt.Answers[0].Answered || !tt.Answers[1].Answered {
		t.Fatalf("answers %+v", tt.Answers)
	}
	// Kept as the person read them: Arabic, or French where no Arabic was written.
	if g := tt.Answers[1]; g.Question != "إرسال صورة" || g.Answer != "Seul·e" || g.Weight != 100 {
		t.Fatalf("given answer %+v", g)
	}
}
