package training

// Merging duplicate files: one learner's enrolments and marks move to the file
// kept.

import (
	"context"

	"tremplin/internal/platform/db"
)

// ReassignLearner moves every enrolment and mark of learner from to learner to, for
// merging duplicate files (within the caller's transaction). Where both files are
// in the same cohort, or marked at the same meeting, the better of the two is kept
// (a seat over the waitlist, present over absent).
func ReassignLearner(ctx context.Context, tx db.Execer, from, to int64) error {
	if from == to {
		return nil
	}
	defer changed() // seats may change; harmless if the caller's transaction rolls back
	type pair struct {
		key        int64
		fromV, toV string
	}
	collect := func(query string) ([]pair, error) {
		return db.Collect[pair](tx.QueryContext(ctx, query, from, to))(func(s db.Scanner) (pair, error) {
			var p pair
			return p, s.Scan(&p.key, &p.fromV, &p.toV)
		})
	}
	stateRank := map[string]int{Enrolled: 4, Offered: 3, Waitlisted: 2, Withdrawn: 1}
	both, err := collect(`SELECT f.cohort_id, f.state, t.state FROM enrolments f
		JOIN enrolments t ON t.cohort_id = f.cohort_id AND t.learner_id = $2 WHERE f.learner_id = $1`)
	if err != nil {
		return err
	}
	now := db.Now()
	for _, p := range both {
		if stateRank[p.fromV] > stateRank[p.toV] {
			if _, err := tx.ExecContext(ctx, "UPDATE enrolments SET state = $1, updated_at = $2 WHERE cohort_id = $3 AND learner_id = $4",
				p.fromV, now, p.key, to); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM enrolments WHERE cohort_id = $1 AND learner_id = $2", p.key, from); err != nil {
			return err
		}
		// One person held two seats: one is free now.
		state, capacity, err := lockCohort(ctx, tx, p.key)
		if err != nil {
			return err
		}
		taken, err := seatsTaken(ctx, tx, p.key)
		if err != nil {
			return err
		}
		if err := settle(ctx, tx, p.key, state, capacity, taken); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE enrolments SET learner_id = $1, updated_at = $2 WHERE learner_id = $3", to, now, from); err != nil {
		return err
	}
	markRank := map[string]int{"present": 4, "late": 3, "excused": 2, "absent": 1}
	marks, err := collect(`SELECT f.meeting_id, f.mark, t.mark FROM attendance f
		JOIN attendance t ON t.meeting_id = f.meeting_id AND t.learner_id = $2 WHERE f.learner_id = $1`)
	if err != nil {
		return err
	}
	for _, p := range marks {
		// The kept mark is stamped even when it stays as it was: the meeting now
		// counts one mark fewer, and the impact counters look for stamped marks.
		mark := p.toV
		if markRank[p.fromV] > markRank[p.toV] {
			mark = p.fromV
		}
		if _, err := tx.ExecContext(ctx, "UPDATE attendance SET mark = $1, marked_at = $2 WHERE meeting_id = $3 AND learner_id = $4",
			mark, now, p.key, to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM attendance WHERE meeting_id = $1 AND learner_id = $2", p.key, from); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, "UPDATE attendance SET learner_id = $1 WHERE learner_id = $2", to, from)
	return err
}
