package positioning

// The functions other packages call.

import (
	"context"
	"time"

	"tremplin/internal/platform/db"
)

// Result is one positioning test taken by a learner.
type Result struct {
	ID      int64
	TakenAt time.Time
	Level   string         // recommended: debutant, intermediaire, avance
	Percent int            // overall score, 0–100
	Scores  map[string]int // competence code ("1.1" … "5.2") → percent
	// StaffName is who ran the test.
	StaffName string
}

// Results lists a learner's tests, oldest first (so progress reads left to right).
// The caller has checked that the learner is in the staff member's antennas.
func Results(ctx context.Context, d *db.DB, learnerID int64) ([]Result, error) {
	tests, err := Tests(ctx, d, learnerID)
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(tests))
	for _, t := range tests {
		out = append(out, Result{ID: t.ID, TakenAt: t.TakenAt, Level: t.Level, Percent: t.Percent, Scores: t.Scores, StaffName: t.StaffName})
	}
	return out, nil
}

// ReassignLearner moves every test of learner from to learner to, for merging
// duplicate files (within the caller's transaction).
func ReassignLearner(ctx context.Context, tx db.Execer, from, to int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE positioning_tests SET learner_id = $1 WHERE learner_id = $2", to, from)
	return err
}
