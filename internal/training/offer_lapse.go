package training

// A seat offered from the waitlist waits for an answer until its deadline. Past
// it, the seat must not stay held for someone who did not answer: a periodic job
// withdraws the offer (ended_reason 'offer_expired'), offers the seat to the next
// person waiting (who is told, as by staff), and tells the person whose offer
// lapsed whom to call to be put back on the list. Staff see the withdrawal and its
// reason on the cohort's page.

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// OfferExpired is the ended_reason of an offer withdrawn at its deadline.
const OfferExpired = "offer_expired"

// LapseOffers withdraws the offers whose deadline has passed without an answer,
// each in its own transaction under the cohort's lock, and returns how many.
func (h *Handlers) LapseOffers(ctx context.Context) (int, error) {
	now := h.now()
	type lapsed struct{ cohort, learner int64 }
	// Few seats are on offer at any time: found from the cohorts still taking
	// people, by the (cohort, state) index.
	due, err := db.Collect[lapsed](h.DB.QueryContext(ctx, `SELECT e.cohort_id, e.learner_id FROM cohorts c
		JOIN enrolments e ON e.cohort_id = c.id AND e.state = 'offered'
		JOIN reply_links r ON r.ref_kind = 'offer' AND r.ref_id = e.id AND r.learner_id = e.learner_id
		WHERE c.state IN ('open', 'full', 'running') AND r.answer = '' AND r.expires_at <= $1
		ORDER BY e.cohort_id, e.since`, db.FormatTime(now)))(func(row db.Scanner) (lapsed, error) {
		var l lapsed
		return l, row.Scan(&l.cohort, &l.learner)
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range due {
		var changes []Change
		err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
			changes = nil
			state, capacity, err := lockCohort(ctx, tx, l.cohort)
			if err != nil {
				return err
			}
			// Checked again under the lock: the person or staff may have answered.
			var still int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enrolments e
				JOIN reply_links r ON r.ref_kind = 'offer' AND r.ref_id = e.id AND r.learner_id = e.learner_id
				WHERE e.cohort_id = $1 AND e.learner_id = $2 AND e.state = 'offered' AND r.answer = '' AND r.expires_at <= $3`,
				l.cohort, l.learner, db.FormatTime(now)).Scan(&still); err != nil || still == 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE enrolments SET state = 'withdrawn', since = $1, ended_reason = $2,
				updated_by = NULL, updated_at = $1 WHERE cohort_id = $3 AND learner_id = $4`,
				db.Now(), OfferExpired, l.cohort, l.learner); err != nil {
				return err
			}
			offered, err := rebalance(ctx, tx, l.cohort, state, capacity, 0)
			if err != nil {
				return err
			}
			changes = append([]Change{{CohortID: l.cohort, LearnerID: l.learner, State: Withdrawn}}, offered...)
			if err := h.Seats(ctx, tx, changes); err != nil {
				return err
			}
			return h.tellLapsed(ctx, tx, l.cohort, l.learner, now)
		})
		if err != nil {
			return n, err
		}
		if len(changes) > 0 {
			n++
			changed()
			if h.Log != nil {
				h.Log.InfoContext(ctx, "seat offer lapsed", "cohort_id", l.cohort, "learner_id", l.learner, "offered_next", len(changes)-1)
			}
			h.tell(ctx, changes)
		}
	}
	return n, nil
}

// tellLapsed tells the person whose offer lapsed, in their language, whom to call.
func (h *Handlers) tellLapsed(ctx context.Context, tx *sql.Tx, cohortID, learnerID int64, now time.Time) error {
	if h.Outbox == nil {
		return nil
	}
	p, err := scanPerson(tx.QueryRowContext(ctx, `SELECT `+personColumns+` FROM enrolments e JOIN learners l ON l.id = e.learner_id
		WHERE e.cohort_id = $1 AND e.learner_id = $2`, cohortID, learnerID))
	if err != nil {
		return err
	}
	s, err := SessionOf(ctx, tx, cohortID, now)
	if err != nil {
		return err
	}
	pr := i18n.For(p.Lang)
	title := s.Programme.TitleIn(pr.Lang).Text
	base := messages.Message{Antenna: s.AntennaID, Lang: pr.Lang, Kind: "offer_lapsed", RefKind: "enrolment", RefID: p.EnrolmentID,
		Body: pr.T("training.sms_offer_lapsed", "name", p.FirstName, "programme", title) + s.call(pr)}
	_, err = h.Outbox.Add(ctx, tx, letters(base, p, pr.T("training.email_subject_offer_lapsed", "programme", title))...)
	return err
}

type lapseArgs struct{}

func (lapseArgs) Kind() string { return "offer_lapse" }

// Lapser is the queue's worker that withdraws lapsed offers.
type Lapser struct {
	river.WorkerDefaults[lapseArgs]
	H *Handlers
}

func (l *Lapser) Work(ctx context.Context, _ *river.Job[lapseArgs]) error {
	_, err := l.H.LapseOffers(ctx)
	return err
}

// LapsePeriodic runs the Lapser every quarter of an hour (and at start): an
// offer's deadline is a time of day, so a seat is held at most that long after it.
func LapsePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(15*time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return lapseArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "offer_lapse"})
}
