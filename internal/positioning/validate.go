package positioning

import (
	"fmt"
	"net/url"
	"strconv"

	"tremplin/internal/platform/web"
)

// MaxAnswers is how many answer rows the question form offers.
const MaxAnswers = 4

const (
	maxQuestionLen = 300
	maxAnswerLen   = 150
)

func answerField(i int, part string) string { return fmt.Sprintf("a%d_%s", i, part) }

// questionForm fills the form from a stored question (or the defaults of a new one).
func questionForm(q *Question) *web.Form {
	v := url.Values{"competence": {q.Competence}, "text_fr": {q.Text.FR}, "text_en": {q.Text.EN}, "text_ar": {q.Text.AR}}
	if q.Position > 0 {
		v.Set("position", strconv.Itoa(q.Position))
	}
	if q.Active {
		v.Set("active", "1")
	}
	for i, a := range q.Answers {
		if i >= MaxAnswers {
			break
		}
		v.Set(answerField(i+1, "fr"), a.Text.FR)
		v.Set(answerField(i+1, "en"), a.Text.EN)
		v.Set(answerField(i+1, "ar"), a.Text.AR)
		v.Set(answerField(i+1, "weight"), strconv.Itoa(a.Weight))
	}
	return web.NewForm(v)
}

// questionFromForm checks the question form and fills q. French is required for
// the question and each answer; English and Arabic fall back to French when empty.
// Empty answer rows are skipped; at least two answers are needed.
func questionFromForm(f *web.Form, q *Question) {
	f.Required("competence", "text_fr")
	if c := f.Get("competence"); c != "" && !ValidCompetence(c) {
		f.Fail("competence", "form.choose")
	}
	for _, n := range []string{"text_fr", "text_en", "text_ar"} {
		f.MaxLength(n, maxQuestionLen)
	}
	position := 0
	if p := f.Get("position"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 999 {
			f.Fail("position", "positioning.question.position_invalid")
		}
		position = n
	}
	var answers []Answer
	rows := 0
	for i := 1; i <= MaxAnswers; i++ {
		fr, en, ar, w := answerField(i, "fr"), answerField(i, "en"), answerField(i, "ar"), answerField(i, "weight")
		if f.Get(fr) == "" && f.Get(en) == "" && f.Get(ar) == "" && f.Get(w) == "" {
			continue
		}
		rows++
		f.Required(fr, w)
		for _, n := range []string{fr, en, ar} {
			f.MaxLength(n, maxAnswerLen)
		}
		weight, err := strconv.Atoi(f.Get(w))
		if f.Get(w) != "" && (err != nil || weight < 0 || weight > 100) {
			f.Fail(w, "positioning.answer.weight_invalid")
		}
		answers = append(answers, Answer{Text: Text{f.Get(fr), f.Get(en), f.Get(ar)}, Weight: weight})
	}
	if rows < 2 {
		f.Fail("answers", "positioning.answer.at_least_two")
	}
	*q = Question{ID: q.ID, Competence: f.Get("competence"), Text: Text{f.Get("text_fr"), f.Get("text_en"), f.Get("text_ar")},
		Position: position, Active: f.Get("active") != "", Answers: answers}
}

func thresholdsForm(th Thresholds) *web.Form {
	return web.NewForm(url.Values{"intermediate": {strconv.Itoa(th.Intermediate)}, "advanced": {strconv.Itoa(th.Advanced)}})
}

// thresholdsFromForm checks two percents in order: 1 ≤ intermediate < advanced ≤ 100.
func thresholdsFromForm(f *web.Form) Thresholds {
	f.Required("intermediate", "advanced")
	var th Thresholds
	for _, p := range []struct {
		name string
		to   *int
	}{{"intermediate", &th.Intermediate}, {"advanced", &th.Advanced}} {
		v := f.Get(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			f.Fail(p.name, "positioning.thresholds.range")
			continue
		}
		*p.to = n
	}
	if f.Valid() && !th.Valid() {
		f.Fail("advanced", "positioning.thresholds.order")
	}
	return th
}
