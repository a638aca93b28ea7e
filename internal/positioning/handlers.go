package positioning

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// --- Questionnaire (managers and admins) --------------------------------------

type competenceQuestions struct {
	Code, NameKey string
	Questions     []*Question
}

type areaQuestions struct {
	Number      int
	NameKey     string
	Competences []competenceQuestions
}

// Questions lists the questionnaire by area and competence, with the thresholds.
func (h *Handlers) Questions(w http.ResponseWriter, r *http.Request) {
	qs, err := Questionnaire(r.Context(), h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	th, err := LoadThresholds(r.Context(), h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	byCode := map[string][]*Question{}
	for _, q := range qs {
		byCode[q.Competence] = append(byCode[q.Competence], q)
	}
	var areas []areaQuestions
	for _, a := range Areas {
		aq := areaQuestions{Number: a.Number, NameKey: AreaKey(a.Number)}
		for _, c := range a.Competences {
			aq.Competences = append(aq.Competences, competenceQuestions{Code: c, NameKey: CompetenceKey(c), Questions: byCode[c]})
		}
		areas = append(areas, aq)
	}
	h.Render.Render(w, r, http.StatusOK, "positioning/questions.html", struct {
		Areas      []areaQuestions
		Thresholds Thresholds
	}{areas, th}, nil)
}

type questionFormData struct {
	ID          int64
	Competences []web.Option
	Rows        []int
}

func (h *Handlers) questionFormData(r *http.Request, id int64) questionFormData {
	p := i18n.FromContext(r.Context())
	opts := []web.Option{{Value: "", Label: "form.choose"}}
	for _, c := range Competences() {
		opts = append(opts, web.Option{Value: c, Label: c + " " + p.T(CompetenceKey(c)), Raw: true})
	}
	rows := make([]int, MaxAnswers)
	for i := range rows {
		rows[i] = i + 1
	}
	return questionFormData{ID: id, Competences: opts, Rows: rows}
}

// QuestionNew shows the form for a new question, for the competence of ?competence=.
func (h *Handlers) QuestionNew(w http.ResponseWriter, r *http.Request) {
	q := &Question{Active: true}
	if c := r.URL.Query().Get("competence"); ValidCompetence(c) {
		q.Competence = c
	}
	h.Render.Render(w, r, http.StatusOK, "positioning/question_form.html", h.questionFormData(r, 0), questionForm(q))
}

// QuestionEdit shows the form for a question.
func (h *Handlers) QuestionEdit(w http.ResponseWriter, r *http.Request) {
	q, err := QuestionByID(r.Context(), h.DB, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "positioning/question_form.html", h.questionFormData(r, q.ID), questionForm(q))
}

// QuestionSave creates or updates a question with its answers; unchecking
// "active" takes it out of the test without touching past results.
func (h *Handlers) QuestionSave(w http.ResponseWriter, r *http.Request) {
	q := &Question{}
	if r.PathValue("id") != "" {
		var err error
		if q, err = QuestionByID(r.Context(), h.DB, web.PathID(r, "id")); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	questionFromForm(f, q)
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "positioning/question_form.html", h.questionFormData(r, q.ID), f)
		return
	}
	if err := SaveQuestion(r.Context(), h.DB, q); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/positioning/questions#c"+q.Competence, http.StatusSeeOther)
}

// ThresholdsEdit shows the thresholds form.
func (h *Handlers) ThresholdsEdit(w http.ResponseWriter, r *http.Request) {
	th, err := LoadThresholds(r.Context(), h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "positioning/thresholds.html", th, thresholdsForm(th))
}

// ThresholdsSave changes the thresholds for the tests taken from now on.
func (h *Handlers) ThresholdsSave(w http.ResponseWriter, r *http.Request) {
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	th := thresholdsFromForm(f)
	if !f.Valid() {
		current, err := LoadThresholds(r.Context(), h.DB)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "positioning/thresholds.html", current, f)
		return
	}
	if err := SaveThresholds(r.Context(), h.DB, th, auth.Current(r.Context()).ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/positioning/questions", http.StatusSeeOther)
}

// --- Taking a test (staff of the learner's antenna) ---------------------------

// learner loads the learner of the URL if in the caller's antennas; else 404.
func (h *Handlers) learner(w http.ResponseWriter, r *http.Request) (*Learner, bool) {
	l, err := LearnerInScope(r.Context(), h.DB, auth.Current(r.Context()).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return l, true
}

type langChoice struct {
	Code    string
	Current bool
}

type answerView struct {
	ID      int64
	Text    Shown
	Checked bool
}

type questionView struct {
	ID      int64
	Text    Shown
	Answers []answerView
}

type competenceView struct {
	Code, Name string
	Questions  []questionView
}

type areaView struct {
	Number      int
	Name        string
	Competences []competenceView
}

type testFormData struct {
	Learner *Learner
	QLang   string // language of the questions
	QDir    string
	Langs   []langChoice
	Areas   []areaView
	CanEdit bool
}

// testForm lays out the active questions by area and competence in the language
// chosen for the person, headings included, with the answers already chosen.
func testForm(l *Learner, qs []*Question, qlang string, f *web.Form, canEdit bool) testFormData {
	p := i18n.For(qlang)
	d := testFormData{Learner: l, QLang: qlang, QDir: p.Dir(), CanEdit: canEdit}
	for _, code := range i18n.Languages {
		d.Langs = append(d.Langs, langChoice{code, code == qlang})
	}
	byCode := map[string][]*Question{}
	for _, q := range qs {
		byCode[q.Competence] = append(byCode[q.Competence], q)
	}
	for _, a := range Areas {
		av := areaView{Number: a.Number, Name: p.T(AreaKey(a.Number))}
		for _, c := range a.Competences {
			if len(byCode[c]) == 0 {
				continue
			}
			cv := competenceView{Code: c, Name: p.T(CompetenceKey(c))}
			for _, q := range byCode[c] {
				chosen := f.Get(fmt.Sprintf("q%d", q.ID))
				qv := questionView{ID: q.ID, Text: q.Text.Pick(qlang)}
				for _, ans := range q.Answers {
					qv.Answers = append(qv.Answers, answerView{ID: ans.ID, Text: ans.Text.Pick(qlang), Checked: chosen == strconv.FormatInt(ans.ID, 10)})
				}
				cv.Questions = append(cv.Questions, qv)
			}
			av.Competences = append(av.Competences, cv)
		}
		if len(av.Competences) > 0 {
			d.Areas = append(d.Areas, av)
		}
	}
	return d
}

func questionLang(r *http.Request, asked string) string {
	if i18n.Supported(asked) {
		return asked
	}
	return i18n.FromContext(r.Context()).Lang
}

// TestNew shows the questionnaire for a learner, in the language of ?lang=.
func (h *Handlers) TestNew(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	qs, err := ActiveQuestions(r.Context(), h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	qlang := questionLang(r, r.URL.Query().Get("lang"))
	st := auth.Current(r.Context())
	h.Render.Render(w, r, http.StatusOK, "positioning/test_form.html", testForm(l, qs, qlang, web.NewForm(nil), st.Role != auth.Adviser), nil)
}

// TestSave scores and stores the test, then shows its result.
func (h *Handlers) TestSave(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	st := auth.Current(ctx)
	qs, err := ActiveQuestions(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	th, err := LoadThresholds(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	qlang := questionLang(r, f.Get("lang"))
	chosen := map[int64]int64{}
	for _, q := range qs {
		if id, err := strconv.ParseInt(f.Get(fmt.Sprintf("q%d", q.ID)), 10, 64); err == nil {
			chosen[q.ID] = id
		}
	}
	t, err := Take(qs, chosen, th, qlang)
	switch {
	case errors.Is(err, ErrNoAnswer):
		f.Fail("answers", "positioning.test.no_answer")
	case errors.Is(err, ErrNoQuestions):
		f.Fail("answers", "positioning.test.empty")
	case err != nil:
		h.Render.Fail(w, r, err)
		return
	}
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "positioning/test_form.html", testForm(l, qs, qlang, f, st.Role != auth.Adviser), f)
		return
	}
	t.LearnerID, t.StaffID = l.ID, st.ID
	if err := SaveTest(ctx, h.DB, t); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.OnTaken != nil {
		// The test is stored whatever happens here: failing the request would only
		// invite a second, duplicate test.
		if err := h.OnTaken(ctx, l.ID); err != nil && h.Log != nil {
			h.Log.Error("positioning: after a test", "learner", l.ID, "test", t.ID, "err", err, "request_id", web.RequestID(ctx))
		}
	}
	h.Flash(r, "positioning.test.saved")
	http.Redirect(w, r, fmt.Sprintf("/learners/%d/positioning/%d", l.ID, t.ID), http.StatusSeeOther)
}

// --- Results --------------------------------------------------------------------

type scoreView struct {
	Code, NameKey string
	Percent       int
	Has           bool
	Bar           string // CSS class of the bar's width, by steps of 5
	Before        int
	HasBefore     bool
	Delta         int // after - before, when both exist
	Up, Down      bool
}

func newScore(code, nameKey string, now, before []int) scoreView {
	s := scoreView{Code: code, NameKey: nameKey}
	if len(now) > 0 {
		s.Percent, s.Has = mean(now), true
		s.Bar = fmt.Sprintf("w%d", (s.Percent+2)/5*5)
	}
	if len(before) > 0 {
		s.Before, s.HasBefore = mean(before), true
	}
	if s.Has && s.HasBefore {
		s.Delta = s.Percent - s.Before
		s.Up, s.Down = s.Delta > 0, s.Delta < 0
		if s.Down {
			s.Delta = -s.Delta
		}
	}
	return s
}

func mean(ps []int) int {
	total := 0
	for _, p := range ps {
		total += p
	}
	return roundDiv(total, len(ps))
}

type areaScore struct {
	Number      int
	NameKey     string
	Score       scoreView
	Competences []scoreView
}

func scoreAreas(now, before map[string]int) []areaScore {
	var out []areaScore
	pick := func(m map[string]int, codes ...string) []int {
		var ps []int
		for _, c := range codes {
			if p, ok := m[c]; ok {
				ps = append(ps, p)
			}
		}
		return ps
	}
	for _, a := range Areas {
		as := areaScore{Number: a.Number, NameKey: AreaKey(a.Number),
			Score: newScore("", AreaKey(a.Number), pick(now, a.Competences...), pick(before, a.Competences...))}
		for _, c := range a.Competences {
			as.Competences = append(as.Competences, newScore(c, CompetenceKey(c), pick(now, c), pick(before, c)))
		}
		out = append(out, as)
	}
	return out
}

// Result shows a test's scores by area and competence, and the progress since the
// learner's previous test.
func (h *Handlers) Result(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	t, err := TestByID(ctx, h.DB, l.ID, web.PathID(r, "test"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	all, err := Tests(ctx, h.DB, l.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var previous *Test
	for _, o := range all {
		if o.ID == t.ID {
			break
		}
		previous = o
	}
	var before map[string]int
	if previous != nil {
		before = previous.Scores
		previous.TakenAt = previous.TakenAt.In(l.Location)
	}
	t.TakenAt = t.TakenAt.In(l.Location)
	h.Render.Render(w, r, http.StatusOK, "positioning/result.html", struct {
		Learner  *Learner
		Test     *Test
		Previous *Test
		Overall  scoreView
		Areas    []areaScore
		Count    int
	}{l, t, previous, newScore("", "", []int{t.Percent}, previousPercent(previous)), scoreAreas(t.Scores, before), len(all)}, nil)
}

func previousPercent(t *Test) []int {
	if t == nil {
		return nil
	}
	return []int{t.Percent}
}

// History lists a learner's tests, latest first.
func (h *Handlers) History(w http.ResponseWriter, r *http.Request) {
	l, ok := h.learner(w, r)
	if !ok {
		return
	}
	tests, err := Tests(r.Context(), h.DB, l.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	latest := make([]*Test, 0, len(tests))
	for i := len(tests) - 1; i >= 0; i-- {
		tests[i].TakenAt = tests[i].TakenAt.In(l.Location)
		latest = append(latest, tests[i])
	}
	h.Render.Render(w, r, http.StatusOK, "positioning/history.html", struct {
		Learner *Learner
		Tests   []*Test
	}{l, latest}, nil)
}
