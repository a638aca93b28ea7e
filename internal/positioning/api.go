package positioning

// The functions other rooms call. Signatures agreed between rooms; the bodies are
// written with the rest of this room.

import (
	"context"
	"errors"
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
}

var errNotYet = errors.New("positioning: not implemented yet")

// Results lists a learner's tests, oldest first (so progress reads left to right).
func Results(ctx context.Context, d *db.DB, learnerID int64) ([]Result, error) { return nil, errNotYet }

// ReassignLearner moves every test of learner from to learner to, for merging
// duplicate files (within the caller's transaction).
func ReassignLearner(ctx context.Context, tx db.Execer, from, to int64) error { return errNotYet }
