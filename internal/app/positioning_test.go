package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// addLearner writes a learner file straight into the learners table (another package
// owns its forms) and returns its id.
func (s *site) addLearner(antenna, first, last string) string {
	s.t.Helper()
	now := db.Now()
	id, err := s.app.DB.InsertID(s.t.Context(), `INSERT INTO learners (antenna_id, first_name, last_name, phone, birth_year, consent_text, consent_at, created_at, updated_at)
		VALUES ($1, $2, $3, '+33612345678', 1994, 'Accord pour le traitement de mes données.', $4, $4, $4) RETURNING id`,
		s.antennaID(antenna), first, last, now)
	if err != nil {
		s.t.Fatalf("learner %s %s: %v", first, last, err)
	}
	return strconv.FormatInt(id, 10)
}

// answerID finds the demo questionnaire's answer (by French words) to a question.
func (s *site) answerID(question, answer string) (qid, aid string) {
	s.t.Helper()
	err := s.app.DB.QueryRowContext(context.Background(), `SELECT CAST(q.id AS TEXT), CAST(a.id AS TEXT) FROM positioning_questions q
		JOIN positioning_answers a ON a.question_id = q.id WHERE q.text_fr = $1 AND a.text_fr = $2`, question, answer).Scan(&qid, &aid)
	if err != nil {
		s.t.Fatalf("answer %q to %q: %v", answer, question, err)
	}
	return qid, aid
}

var radio = regexp.MustCompile(`<input type="radio" name="(q[0-9]+)" value="([0-9]+)"`)

// lastAnswers chooses, for every question of a test page, its last answer (the
// demo questionnaire's highest weight, 100).
func lastAnswers(body string) url.Values {
	v := url.Values{}
	for _, m := range radio.FindAllStringSubmatch(body, -1) {
		v.Set(m[1], m[2])
	}
	return v
}

func pct(lang string, n int) string { return i18n.For(lang).T("positioning.percent", "value", n) }

func TestAdviserPositionsALearnerTwiceAndSeesProgress(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		learner := s.addLearner("Lille", "Amina", "Haddad")
		karim := s.signIn("karim.lille@tremplin.example")

		p := karim.get("/learners/" + learner + "/positioning/new")
		if p.status != http.StatusOK {
			t.Fatalf("test page: %d", p.status)
		}
		body := html.UnescapeString(p.body)
		for _, want := range []string{"Amina Haddad", `href="/learners/` + learner + `"`, "Envoyer une photo par WhatsApp",
			"Créer un mot de passe solide", fr.T("positioning.competence.4_1"), fr.T("positioning.area.5")} {
			if !strings.Contains(body, want) {
				t.Errorf("test page lacks %q", want)
			}
		}
		// Advisers run the test but do not edit the questionnaire: no link to it.
		if strings.Contains(body, `href="/positioning/questions"`) {
			t.Error("an adviser is offered to edit the questionnaire")
		}
		// The questions in Arabic for a person who reads Arabic better, the staff's page staying French.
		ar := karim.get("/learners/" + learner + "/positioning/new?lang=ar")
		if !strings.Contains(ar.body, "إرسال صورة عبر واتساب") || !strings.Contains(ar.body, `<div lang="ar" dir="rtl">`) ||
			!strings.Contains(ar.body, `<html lang="fr"`) || !strings.Contains(ar.body, `name="lang" value="ar"`) {
			t.Error("the Arabic questionnaire is not in Arabic inside a French page")
		}

		// Nothing ticked: refused, nothing stored.
		p = karim.post("/learners/"+learner+"/positioning/new", url.Values{"lang": {"fr"}})
		if p.status != http.StatusUnprocessableEntity || html.UnescapeString(errorsOf(p.body)["answers"]) != fr.T("positioning.test.no_answer") {
			t.Fatalf("empty test: %d %v", p.status, errorsOf(p.body))
		}

		// First test: one question answered. 2.1 has two questions: (100 + 0) / 2 = 50;
		// its area (2.1 to 2.4) 50 / 4 = 13 %; overall 50 / 16 = 3 %.
		qid, aid := s.answerID("Envoyer une photo par WhatsApp", "Je peux l'expliquer à quelqu'un")
		p = karim.post("/learners/"+learner+"/positioning/new", url.Values{"lang": {"fr"}, "q" + qid: {aid}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("first test: %d %v", p.status, errorsOf(p.body))
		}
		first := p.header.Get("Location")
		if !strings.HasPrefix(first, "/learners/"+learner+"/positioning/") {
			t.Fatalf("redirected to %q", first)
		}
		res := karim.get(first)
		body = html.UnescapeString(res.body)
		if res.status != http.StatusOK {
			t.Fatalf("result: %d", res.status)
		}
		for _, want := range []string{fr.T("positioning.test.saved"), "Amina Haddad", "Karim Benhaddou",
			fr.T("positioning.result.area_score", "area", "2. "+fr.T("positioning.area.2"), "score", pct("fr", 13)),
			pct("fr", 50), pct("fr", 3), fr.T("positioning.level.debutant"), `class="w50"`} {
			if !strings.Contains(body, want) {
				t.Errorf("first result lacks %q", want)
			}
		}
		if strings.Contains(body, fr.T("positioning.result.progress_title")) {
			t.Error("a first test shows progress")
		}

		// At the end of the course: every question answered with its top answer.
		page := karim.get("/learners/" + learner + "/positioning/new")
		answers := lastAnswers(page.body)
		if len(answers) < 16 {
			t.Fatalf("only %d questions on the test page", len(answers))
		}
		answers.Set("lang", "fr")
		p = karim.post("/learners/"+learner+"/positioning/new", answers)
		if p.status != http.StatusSeeOther {
			t.Fatalf("second test: %d %v", p.status, errorsOf(p.body))
		}
		body = html.UnescapeString(karim.get(p.header.Get("Location")).body)
		progress := fr.T("positioning.result.progress", "before", pct("fr", 50), "after", pct("fr", 100)) + " <strong>" + fr.N("positioning.result.up", 50) + "</strong>"
		overall := fr.T("positioning.result.overall_progress", "before", pct("fr", 3), "level_before", fr.T("positioning.level.debutant"),
			"after", pct("fr", 100), "level_after", fr.T("positioning.level.avance"))
		for _, want := range []string{fr.T("positioning.result.progress_title"), progress, overall,
			fr.T("positioning.level.avance"), fr.N("positioning.result.up", 100)} {
			if !strings.Contains(body, want) {
				t.Errorf("second result lacks %q", want)
			}
		}
		// The history lists both tests; the first result still says what it said.
		hist := html.UnescapeString(karim.get("/learners/" + learner + "/positioning").body)
		if strings.Count(hist, `<li class="card">`) != 2 {
			t.Errorf("history does not list two tests:\n%s", hist)
		}
		if again := html.UnescapeString(karim.get(first).body); !strings.Contains(again, pct("fr", 3)) || strings.Contains(again, fr.T("positioning.result.progress_title")) {
			t.Error("the first result changed after the second test")
		}
	})
}

func TestAdviserCannotEditTheQuestionnaire(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		karim := s.signIn("karim.lille@tremplin.example")
		for _, path := range []string{"/positioning/questions", "/positioning/questions/new", "/positioning/thresholds"} {
			if p := karim.get(path); p.status != http.StatusForbidden {
				t.Errorf("GET %s: %d, want 403", path, p.status)
			}
		}
		p := karim.post("/positioning/thresholds", url.Values{"intermediate": {"1"}, "advanced": {"2"}})
		if p.status != http.StatusForbidden {
			t.Errorf("POST thresholds: %d, want 403", p.status)
		}
		p = karim.post("/positioning/questions", url.Values{"competence": {"1.1"}, "text_fr": {"x"}, "a1_fr": {"a"}, "a1_weight": {"0"}, "a2_fr": {"b"}, "a2_weight": {"100"}})
		if p.status != http.StatusForbidden {
			t.Errorf("POST question: %d, want 403", p.status)
		}
	})
}

func TestOtherAntennaCannotSeeALearnersTest(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		learner := s.addLearner("Lille", "Yohann", "Lefebvre")
		karim := s.signIn("karim.lille@tremplin.example")
		qid, aid := s.answerID("Créer un mot de passe solide, et ne pas utiliser le même partout", "Avec de l'aide")
		p := karim.post("/learners/"+learner+"/positioning/new", url.Values{"q" + qid: {aid}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("test: %d", p.status)
		}
		result := p.header.Get("Location")
		bordeaux := s.signIn("manager.bordeaux@tremplin.example")
		for _, path := range []string{result, "/learners/" + learner + "/positioning", "/learners/" + learner + "/positioning/new"} {
			p := bordeaux.get(path)
			if p.status != http.StatusNotFound || strings.Contains(p.body, "Lefebvre") {
				t.Errorf("Bordeaux manager GET %s: %d, want 404 without the name", path, p.status)
			}
		}
		p = bordeaux.post("/learners/"+learner+"/positioning/new", url.Values{"q" + qid: {aid}})
		if p.status != http.StatusNotFound {
			t.Errorf("Bordeaux manager POST a test: %d, want 404", p.status)
		}
		var n int
		s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM positioning_tests WHERE learner_id = $1", learner).Scan(&n)
		if n != 1 {
			t.Errorf("%d tests stored for the person, want 1", n)
		}
		// A test id under another learner's URL is not found either.
		other := s.addLearner("Lille", "Nadia", "Lefebvre")
		_, id, _ := strings.Cut(strings.TrimPrefix(result, "/learners/"), "/positioning/")
		if p := karim.get("/learners/" + other + "/positioning/" + id); p.status != http.StatusNotFound {
			t.Errorf("test under another learner: %d, want 404", p.status)
		}
		// The admin sees every antenna.
		if p := s.signIn("admin@tremplin.example").get(result); p.status != http.StatusOK {
			t.Errorf("admin: %d", p.status)
		}
	})
}

func TestQuestionFormRejectsBadInputAndKeepsIt(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		manager := s.signIn("manager.lille@tremplin.example")
		count := func() (n int) {
			s.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM positioning_questions").Scan(&n)
			return n
		}
		before := count()
		check := func(form url.Values, want map[string]string) string {
			t.Helper()
			p := manager.post("/positioning/questions", form)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", p.status)
			}
			errs := errorsOf(p.body)
			for field, key := range want {
				if html.UnescapeString(errs[field]) != fr.T(key) {
					t.Errorf("%s: message %q, want %q", field, errs[field], fr.T(key))
				}
			}
			if len(errs) != len(want) {
				t.Errorf("messages %v, want only %v", errs, want)
			}
			if count() != before {
				t.Fatal("a bad question was saved")
			}
			return p.body
		}
		// No French, a weight over 100, one answer only.
		body := check(url.Values{"competence": {"2.1"}, "text_fr": {""}, "text_ar": {"إرسال رسالة صوتية"}, "a1_fr": {"Oui"}, "a1_weight": {"150"}, "active": {"1"}},
			map[string]string{"text_fr": "form.required", "a1_weight": "positioning.answer.weight_invalid", "answers": "positioning.answer.at_least_two"})
		if valueOf(body, "text_ar") != "إرسال رسالة صوتية" || valueOf(body, "a1_weight") != "150" || valueOf(body, "a1_fr") != "Oui" {
			t.Error("what was typed was not kept")
		}
		if !strings.Contains(body, `<option value="2.1" selected>`) {
			t.Error("the competence chosen was not kept")
		}
		// An answer written only in Arabic, without a weight; an unknown competence.
		body = check(url.Values{"competence": {"9.9"}, "text_fr": {"Envoyer un message vocal"}, "a1_fr": {"Oui"}, "a1_weight": {"100"}, "a3_ar": {"لا"}},
			map[string]string{"competence": "form.choose", "a3_fr": "form.required", "a3_weight": "form.required"})
		if valueOf(body, "a3_ar") != "لا" {
			t.Error("the Arabic answer was not kept")
		}

		// Corrected: saved, listed under its competence, asked in the next test.
		good := url.Values{"competence": {"2.1"}, "text_fr": {"Envoyer un message vocal"}, "text_ar": {"إرسال رسالة صوتية"}, "active": {"1"},
			"a1_fr": {"Non"}, "a1_weight": {"0"}, "a2_fr": {"Oui"}, "a2_en": {"Yes"}, "a2_weight": {"100"}}
		p := manager.post("/positioning/questions", good)
		if p.status != http.StatusSeeOther {
			t.Fatalf("good question: %d %v", p.status, errorsOf(p.body))
		}
		list := html.UnescapeString(manager.get("/positioning/questions").body)
		if !strings.Contains(list, "Envoyer un message vocal") {
			t.Fatal("the new question is not listed")
		}
		learner := s.addLearner("Lille", "Fatou", "Sow")
		if !strings.Contains(manager.get("/learners/"+learner+"/positioning/new?lang=ar").body, "إرسال رسالة صوتية") {
			t.Error("the new question is not asked")
		}
		// English left empty falls back to French.
		if !strings.Contains(html.UnescapeString(manager.get("/learners/"+learner+"/positioning/new?lang=en").body), `lang="fr" dir="ltr">Envoyer un message vocal</legend>`) {
			t.Error("an empty English text does not fall back to French")
		}

		// Deactivated: no longer asked.
		var id string
		s.app.DB.QueryRowContext(context.Background(), "SELECT CAST(id AS TEXT) FROM positioning_questions WHERE text_fr = 'Envoyer un message vocal'").Scan(&id)
		edit := manager.get("/positioning/questions/" + id + "/edit")
		if edit.status != http.StatusOK || valueOf(edit.body, "a2_en") != "Yes" {
			t.Fatalf("edit form: %d", edit.status)
		}
		good.Del("active")
		if p := manager.post("/positioning/questions/"+id, good); p.status != http.StatusSeeOther {
			t.Fatalf("deactivate: %d %v", p.status, errorsOf(p.body))
		}
		if strings.Contains(html.UnescapeString(manager.get("/learners/"+learner+"/positioning/new").body), "Envoyer un message vocal") {
			t.Error("a deactivated question is still asked")
		}
		if p := manager.get("/positioning/questions/99999/edit"); p.status != http.StatusNotFound {
			t.Errorf("missing question: %d", p.status)
		}
	})
}

func TestThresholdsFormChecksOrder(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		fr := i18n.For("fr")
		manager := s.signIn("manager.lille@tremplin.example")
		p := manager.post("/positioning/thresholds", url.Values{"intermediate": {"70"}, "advanced": {"35"}})
		if p.status != http.StatusUnprocessableEntity || html.UnescapeString(errorsOf(p.body)["advanced"]) != fr.T("positioning.thresholds.order") {
			t.Fatalf("reversed thresholds: %d %v", p.status, errorsOf(p.body))
		}
		if valueOf(p.body, "intermediate") != "70" || valueOf(p.body, "advanced") != "35" {
			t.Error("what was typed was not kept")
		}
		p = manager.post("/positioning/thresholds", url.Values{"intermediate": {"trente"}, "advanced": {"101"}})
		errs := errorsOf(p.body)
		if p.status != http.StatusUnprocessableEntity || html.UnescapeString(errs["intermediate"]) != fr.T("positioning.thresholds.range") ||
			html.UnescapeString(errs["advanced"]) != fr.T("positioning.thresholds.range") {
			t.Fatalf("out of range: %d %v", p.status, errs)
		}
		if p := manager.post("/positioning/thresholds", url.Values{"intermediate": {"40"}, "advanced": {"80"}}); p.status != http.StatusSeeOther {
			t.Fatalf("good thresholds: %d %v", p.status, errorsOf(p.body))
		}
		list := html.UnescapeString(manager.get("/positioning/questions").body)
		if !strings.Contains(list, fr.T("positioning.thresholds.summary", "intermediate", 40, "advanced", 80)) {
			t.Error("the new thresholds are not shown")
		}
	})
}
