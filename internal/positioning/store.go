package positioning

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// ErrNoAnswer is returned by Take when not a single question was answered.
var ErrNoAnswer = errors.New("positioning: no question answered")

// ErrNoQuestions is returned by Take when the questionnaire has no active question.
var ErrNoQuestions = errors.New("positioning: the questionnaire has no active question")

// --- Questionnaire ------------------------------------------------------------

// Questionnaire returns every question (active or not) with its answers, in
// framework order of competences, then by position.
func Questionnaire(ctx context.Context, d *db.DB) ([]*Question, error) {
	return loadQuestions(ctx, d, 0)
}

// ActiveQuestions returns the questions a test asks.
func ActiveQuestions(ctx context.Context, d *db.DB) ([]*Question, error) {
	all, err := loadQuestions(ctx, d, 0)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(q *Question) bool { return !q.Active }), nil
}

// QuestionByID returns one question with its answers, or db.ErrNotFound.
func QuestionByID(ctx context.Context, d *db.DB, id int64) (*Question, error) {
	qs, err := loadQuestions(ctx, d, id)
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, db.ErrNotFound
	}
	return qs[0], nil
}

// loadQuestions loads one question (id > 0) or all of them.
func loadQuestions(ctx context.Context, d *db.DB, id int64) ([]*Question, error) {
	out, err := db.Collect[*Question](d.QueryContext(ctx, `SELECT id, competence, text_fr, text_en, text_ar, position, active
		FROM positioning_questions WHERE $1 = 0 OR id = $1`, id))(func(row db.Scanner) (*Question, error) {
		q := &Question{}
		return q, row.Scan(&q.ID, &q.Competence, &q.Text.FR, &q.Text.EN, &q.Text.AR, &q.Position, &q.Active)
	})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Question{}
	for _, q := range out {
		byID[q.ID] = q
	}
	err = db.Each(d.QueryContext(ctx, `SELECT id, question_id, position, text_fr, text_en, text_ar, weight
		FROM positioning_answers WHERE $1 = 0 OR question_id = $1 ORDER BY question_id, position`, id))(func(row db.Scanner) error {
		var a Answer
		var qid int64
		if err := row.Scan(&a.ID, &qid, &a.Position, &a.Text.FR, &a.Text.EN, &a.Text.AR, &a.Weight); err != nil {
			return err
		}
		if q := byID[qid]; q != nil {
			q.Answers = append(q.Answers, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *Question) int {
		if r := competenceRank(a.Competence) - competenceRank(b.Competence); r != 0 {
			return r
		}
		if a.Position != b.Position {
			return a.Position - b.Position
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// SaveQuestion creates (ID 0) or updates a question and its answers. A question
// without a position goes after the others of its competence. Answers are written
// by position, so answer ids stay the same across edits.
func SaveQuestion(ctx context.Context, d *db.DB, q *Question) error {
	return d.Tx(ctx, func(tx *sql.Tx) error { return saveQuestion(ctx, tx, q) })
}

func saveQuestion(ctx context.Context, tx db.Execer, q *Question) error {
	now := db.Now()
	if q.Position <= 0 {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM positioning_questions
			WHERE competence = $1 AND id <> $2`, q.Competence, q.ID).Scan(&q.Position); err != nil {
			return err
		}
	}
	if q.ID == 0 {
		err := tx.QueryRowContext(ctx, `INSERT INTO positioning_questions (competence, text_fr, text_en, text_ar, position, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			q.Competence, q.Text.FR, q.Text.EN, q.Text.AR, q.Position, q.Active, now).Scan(&q.ID)
		if err != nil {
			return err
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE positioning_questions SET competence = $1, text_fr = $2, text_en = $3, text_ar = $4,
			position = $5, active = $6, updated_at = $7 WHERE id = $8`,
			q.Competence, q.Text.FR, q.Text.EN, q.Text.AR, q.Position, q.Active, now, q.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
	}
	for i := range q.Answers {
		a := &q.Answers[i]
		a.Position = i + 1
		err := tx.QueryRowContext(ctx, `INSERT INTO positioning_answers (question_id, position, text_fr, text_en, text_ar, weight)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (question_id, position) DO UPDATE SET text_fr = EXCLUDED.text_fr, text_en = EXCLUDED.text_en,
				text_ar = EXCLUDED.text_ar, weight = EXCLUDED.weight
			RETURNING id`, q.ID, a.Position, a.Text.FR, a.Text.EN, a.Text.AR, a.Weight).Scan(&a.ID)
		if err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM positioning_answers WHERE question_id = $1 AND position > $2", q.ID, len(q.Answers))
	return err
}

// SeedQuestionnaire writes the given questions when the questionnaire is still
// empty (so that a questionnaire staff have started is never added to), and
// reports whether it did.
func SeedQuestionnaire(ctx context.Context, d *db.DB, qs []*Question) (bool, error) {
	seeded := false
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM positioning_questions").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for _, q := range qs {
			if err := saveQuestion(ctx, tx, q); err != nil {
				return err
			}
		}
		seeded = true
		return nil
	})
	return seeded, err
}

// --- Thresholds ---------------------------------------------------------------

// LoadThresholds returns the thresholds in force.
func LoadThresholds(ctx context.Context, d *db.DB) (Thresholds, error) {
	th := DefaultThresholds
	err := d.QueryRowContext(ctx, "SELECT intermediate_from, advanced_from FROM positioning_thresholds WHERE id = 1").
		Scan(&th.Intermediate, &th.Advanced)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultThresholds, nil
	}
	return th, err
}

// SaveThresholds replaces the thresholds; tests already taken keep theirs.
func SaveThresholds(ctx context.Context, d *db.DB, th Thresholds, staffID int64) error {
	var by any
	if staffID != 0 {
		by = staffID
	}
	_, err := d.Exec(ctx, `INSERT INTO positioning_thresholds (id, intermediate_from, advanced_from, updated_by, updated_at)
		VALUES (1, $1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET intermediate_from = EXCLUDED.intermediate_from, advanced_from = EXCLUDED.advanced_from,
			updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
		th.Intermediate, th.Advanced, by, db.Now())
	return err
}

// --- Learners (read only: the learners package owns the table) -------------------

// Learner is what this package needs of a learner file.
type Learner struct {
	ID        int64
	AntennaID int64
	FirstName string
	LastName  string
	Location  *time.Location // the antenna's, to show when a test was taken
}

// LearnerInScope returns a learner of the caller's antennas, or db.ErrNotFound (also
// for a file merged into another).
func LearnerInScope(ctx context.Context, d *db.DB, sc auth.Scope, id int64) (*Learner, error) {
	args := db.Args{id}
	where := sc.Where("l.antenna_id", &args)
	var l Learner
	var tz string
	err := d.QueryRowContext(ctx, `SELECT l.id, l.antenna_id, l.first_name, l.last_name, a.timezone
		FROM learners l JOIN antennas a ON a.id = l.antenna_id
		WHERE l.id = $1 AND l.merged_into IS NULL AND `+where, args...).
		Scan(&l.ID, &l.AntennaID, &l.FirstName, &l.LastName, &tz)
	if err != nil {
		return nil, db.NotFound(err)
	}
	if l.Location, err = time.LoadLocation(tz); err != nil {
		l.Location = time.UTC
	}
	return &l, nil
}

// --- Tests --------------------------------------------------------------------

// Test is one positioning test as stored: its scores and a copy of the questions
// and answers as the person read them.
type Test struct {
	ID         int64
	LearnerID  int64
	StaffID    int64
	StaffName  string
	TakenAt    time.Time
	Lang       string // language the questions were asked in
	Percent    int
	Level      string
	Thresholds Thresholds
	Scores     map[string]int
	Answers    []GivenAnswer
}

// GivenAnswer is one question of a test and the answer chosen, if any.
type GivenAnswer struct {
	QuestionID int64
	Competence string
	Question   string
	Answer     string
	Weight     int
	Answered   bool
}

// Take scores the answers chosen (question id → answer id) to the active questions,
// asked in lang, and returns the test to store. It refuses a test with no answer.
func Take(questions []*Question, chosen map[int64]int64, th Thresholds, lang string) (*Test, error) {
	o := Score(questions, chosen, th)
	if o.Asked == 0 {
		return nil, ErrNoQuestions
	}
	if o.Answered == 0 {
		return nil, ErrNoAnswer
	}
	t := &Test{Lang: lang, Percent: o.Percent, Level: o.Level, Thresholds: th, Scores: o.Scores}
	for _, q := range questions {
		if !q.Active {
			continue
		}
		g := GivenAnswer{QuestionID: q.ID, Competence: q.Competence, Question: q.Text.Pick(lang).Text}
		if a, ok := q.answer(chosen[q.ID]); ok {
			g.Answer, g.Weight, g.Answered = a.Text.Pick(lang).Text, a.Weight, true
		}
		t.Answers = append(t.Answers, g)
	}
	return t, nil
}

// SaveTest stores a test taken now (when TakenAt is zero) with its answers and scores.
func SaveTest(ctx context.Context, d *db.DB, t *Test) error {
	if t.TakenAt.IsZero() {
		t.TakenAt = time.Now()
	}
	t.TakenAt = t.TakenAt.UTC().Truncate(time.Second)
	return d.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO positioning_tests (learner_id, staff_id, taken_at, lang, percent, level, intermediate_from, advanced_from)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			t.LearnerID, t.StaffID, db.FormatTime(t.TakenAt), t.Lang, t.Percent, t.Level, t.Thresholds.Intermediate, t.Thresholds.Advanced).Scan(&t.ID)
		if err != nil {
			return err
		}
		for i, g := range t.Answers {
			var w any
			if g.Answered {
				w = g.Weight
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO positioning_test_answers (test_id, question_id, competence, position, question, answer, weight)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, g.QuestionID, g.Competence, i+1, g.Question, g.Answer, w); err != nil {
				return err
			}
		}
		for _, code := range Competences() {
			p, ok := t.Scores[code]
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO positioning_test_scores (test_id, competence, percent) VALUES ($1, $2, $3)",
				t.ID, code, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// Tests lists a learner's tests with their scores (not their answers), oldest first.
func Tests(ctx context.Context, d *db.DB, learnerID int64) ([]*Test, error) {
	return loadTests(ctx, d, learnerID, 0)
}

// TestByID returns one test of the learner with its scores and answers, or db.ErrNotFound.
func TestByID(ctx context.Context, d *db.DB, learnerID, id int64) (*Test, error) {
	ts, err := loadTests(ctx, d, learnerID, id)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, db.ErrNotFound
	}
	t := ts[0]
	t.Answers, err = db.Collect[GivenAnswer](d.QueryContext(ctx, `SELECT question_id, competence, question, answer, weight
		FROM positioning_test_answers WHERE test_id = $1 ORDER BY position`, t.ID))(func(row db.Scanner) (GivenAnswer, error) {
		var g GivenAnswer
		var w sql.NullInt64
		err := row.Scan(&g.QuestionID, &g.Competence, &g.Question, &g.Answer, &w)
		g.Weight, g.Answered = int(w.Int64), w.Valid
		return g, err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func loadTests(ctx context.Context, d *db.DB, learnerID, id int64) ([]*Test, error) {
	out, err := db.Collect[*Test](d.QueryContext(ctx, `SELECT t.id, t.learner_id, t.staff_id, s.name, t.taken_at, t.lang, t.percent, t.level,
			t.intermediate_from, t.advanced_from
		FROM positioning_tests t JOIN staff s ON s.id = t.staff_id
		WHERE t.learner_id = $1 AND ($2 = 0 OR t.id = $2) ORDER BY t.taken_at, t.id`, learnerID, id))(func(row db.Scanner) (*Test, error) {
		t := &Test{Scores: map[string]int{}}
		var at string
		err := row.Scan(&t.ID, &t.LearnerID, &t.StaffID, &t.StaffName, &at, &t.Lang, &t.Percent, &t.Level,
			&t.Thresholds.Intermediate, &t.Thresholds.Advanced)
		t.TakenAt = db.ParseTime(at)
		return t, err
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	byID := map[int64]*Test{}
	for _, t := range out {
		byID[t.ID] = t
	}
	err = db.Each(d.QueryContext(ctx, `SELECT sc.test_id, sc.competence, sc.percent
		FROM positioning_test_scores sc JOIN positioning_tests t ON t.id = sc.test_id
		WHERE t.learner_id = $1 AND ($2 = 0 OR t.id = $2)`, learnerID, id))(func(row db.Scanner) error {
		var tid int64
		var code string
		var p int
		if err := row.Scan(&tid, &code, &p); err != nil {
			return err
		}
		if t := byID[tid]; t != nil {
			t.Scores[code] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
