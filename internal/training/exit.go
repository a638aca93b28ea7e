package training

import (
	"context"
	"time"

	"tremplin/internal/platform/db"
)

// EndSeats is called when a person leaves training on day, within the caller's
// transaction. In the cohorts that still take people and have not ended by that
// day, their offers are withdrawn, and so are their seats in cohorts not started
// by then (or every seat when started is true: the person dropped out); each seat
// freed is offered to the first person waiting, as a withdrawal does. A seat in a
// cohort the person followed to its end, or in a finished or cancelled cohort,
// stays as it was: it is the record of what they followed. The changes (the
// withdrawals first) are returned for the learners room.
func EndSeats(ctx context.Context, tx db.Execer, learnerID, staffID int64, day time.Time, started bool) ([]Change, error) {
	rows, err := tx.QueryContext(ctx, `SELECT e.cohort_id FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
		WHERE e.learner_id = $1 AND c.state IN ('open', 'full', 'running') AND c.ends_on >= $2
			AND (e.state = 'offered' OR (e.state = 'enrolled' AND ($3 OR c.starts_on > $2)))
		ORDER BY e.cohort_id`, learnerID, day.Format(dateLayout), started)
	if err != nil {
		return nil, err
	}
	var cohorts []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		cohorts = append(cohorts, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(cohorts) == 0 {
		return nil, err
	}
	defer changed() // seats change; harmless if the caller's transaction rolls back
	var withdrawn, offered []Change
	for _, id := range cohorts {
		state, capacity, err := lockCohort(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if err := setEnrolment(ctx, tx, id, learnerID, Withdrawn, staffID); err != nil {
			return nil, err
		}
		withdrawn = append(withdrawn, Change{LearnerID: learnerID, State: Withdrawn})
		next, err := rebalance(ctx, tx, id, state, capacity, staffID)
		if err != nil {
			return nil, err
		}
		offered = append(offered, next...)
	}
	return append(withdrawn, offered...), nil
}
