package positioning

// Text is a question's or answer's words. French is required; English and Arabic
// may be left empty, and French is shown instead.
type Text struct{ FR, EN, AR string }

// Shown is a text as displayed, with the language it is actually in (for lang/dir).
type Shown struct{ Text, Lang, Dir string }

// Pick returns the text in lang, or the French when that translation is empty.
func (t Text) Pick(lang string) Shown {
	switch {
	case lang == "en" && t.EN != "":
		return Shown{t.EN, "en", "ltr"}
	case lang == "ar" && t.AR != "":
		return Shown{t.AR, "ar", "rtl"}
	}
	return Shown{t.FR, "fr", "ltr"}
}

// Question is one question of the questionnaire, about one competence.
type Question struct {
	ID         int64
	Competence string // "1.1" … "5.2"
	Text       Text
	Position   int // order within the competence
	Active     bool
	Answers    []Answer
}

// Answer is one choice of a question; Weight (0–100) is how much of the
// competence choosing it shows.
type Answer struct {
	ID       int64
	Position int
	Text     Text
	Weight   int
}

// Thresholds map an overall percent to a level: below Intermediate is debutant,
// below Advanced intermediaire, else avance.
type Thresholds struct {
	Intermediate int
	Advanced     int
}

// DefaultThresholds are used until managers choose others.
var DefaultThresholds = Thresholds{Intermediate: 35, Advanced: 70}

// Valid reports whether the boundaries are in order within 1–100.
func (th Thresholds) Valid() bool {
	return th.Intermediate > 0 && th.Intermediate < th.Advanced && th.Advanced <= 100
}

// Level is the level recommended for an overall percent.
func (th Thresholds) Level(percent int) string {
	switch {
	case percent < th.Intermediate:
		return "debutant"
	case percent < th.Advanced:
		return "intermediaire"
	}
	return "avance"
}

// Outcome is a scored questionnaire.
type Outcome struct {
	Percent  int            // overall
	Level    string         // recommended
	Scores   map[string]int // competence code → percent, for competences with active questions
	Answered int            // questions answered
	Asked    int            // active questions
}

// Score scores the chosen answers (question id → answer id) against the active
// questions. A competence's percent is the mean weight of the answers chosen for its
// questions, an unanswered question (or an answer not of that question) counting 0.
// The overall percent is the mean of the competence percents as shown (rounded), so
// that anyone can check it by hand; competences without questions do not count.
// The level follows from the rounded overall percent, so number and level agree.
func Score(questions []*Question, chosen map[int64]int64, th Thresholds) Outcome {
	type sum struct{ weights, count int }
	sums := map[string]*sum{}
	out := Outcome{Scores: map[string]int{}}
	for _, q := range questions {
		if !q.Active {
			continue
		}
		out.Asked++
		s := sums[q.Competence]
		if s == nil {
			s = &sum{}
			sums[q.Competence] = s
		}
		s.count++
		if a, ok := q.answer(chosen[q.ID]); ok {
			s.weights += a.Weight
			out.Answered++
		}
	}
	total := 0
	for code, s := range sums {
		p := roundDiv(s.weights, s.count)
		out.Scores[code] = p
		total += p
	}
	if len(sums) > 0 {
		out.Percent = roundDiv(total, len(sums))
	}
	out.Level = th.Level(out.Percent)
	return out
}

// answer returns the question's answer with that id.
func (q *Question) answer(id int64) (Answer, bool) {
	if id == 0 {
		return Answer{}, false
	}
	for _, a := range q.Answers {
		if a.ID == id {
			return a, true
		}
	}
	return Answer{}, false
}

// roundDiv is a/b rounded half up, for non-negative a and positive b.
func roundDiv(a, b int) int { return (2*a + b) / (2 * b) }
