package learners

// How a person leaves training, and the follow-ups after: the rules that keep an
// outcome possible (the funders' figures count them), and the pages' actions.

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

// FollowUpMargin is how long before its due day a follow-up may be recorded (a
// call a few days early is still the +3 or +6 months' situation); the follow-up
// list (package followups) shows those due within it too.
const FollowUpMargin = 7 * 24 * time.Hour

// today is the calendar day now on the antenna's clock, "YYYY-MM-DD".
func (l *Learner) today(now time.Time) string {
	return now.In(training.Location(l.AntennaTZ)).Format(time.DateOnly)
}

// followed reports whether an enrolment is a cohort the person followed by day:
// a seat (held, or given up since) in a cohort that had started by then and was not
// cancelled, with hours attended.
func followed(e training.EnrolmentView, day string) bool {
	return (e.State == training.Enrolled || e.State == training.Withdrawn) &&
		e.CohortState != "draft" && e.CohortState != "cancelled" &&
		e.StartsOn.Format(time.DateOnly) <= day && e.HoursAttended > 0
}

// CheckExit tells whether a person may leave training with outcome on day
// ("YYYY-MM-DD"), now being now: it returns the form field at fault and the
// catalog key saying why, or two empty strings. Only someone enrolled or in
// training (or already out, to correct it) leaves; the day is neither in the
// future nor before the registration, on the antenna's clock; "completed" needs a
// cohort followed by then (started, with hours attended) and "certified" one of a
// certifying programme.
func CheckExit(ctx context.Context, d *db.DB, l *Learner, outcome, day string, now time.Time) (field, key string, err error) {
	if !l.InTrainingOrAfter() {
		return "exit_outcome", "learner.exit_not_in_training", nil
	}
	if day > l.today(now) {
		return "exit_date", "learner.exit_date_future", nil
	}
	if day < l.CreatedAt.In(training.Location(l.AntennaTZ)).Format(time.DateOnly) {
		return "exit_date", "learner.exit_date_before_registration", nil
	}
	if outcome != Completed && outcome != Certified {
		return "", "", nil
	}
	enrolments, err := training.LearnerEnrolments(ctx, d, l.ID)
	if err != nil {
		return "", "", err
	}
	for _, e := range enrolments {
		if followed(e, day) && (outcome == Completed || e.Certifying) {
			return "", "", nil
		}
	}
	if outcome == Certified {
		return "exit_outcome", "learner.exit_certified_refused", nil
	}
	return "exit_outcome", "learner.exit_completed_refused", nil
}

// Exit records how the person left training, as RecordExit does, and in the same
// transaction ends their seats (training.EndSeats): the seats freed go to the
// people waiting, and fns are told of the changes there (their messages). The
// enrolment changes are returned.
func Exit(ctx context.Context, d *db.DB, id int64, outcome, reason string, on time.Time, staffID int64, fns ...training.Then) ([]training.Change, error) {
	if !slices.Contains(ExitOutcomes, outcome) {
		return nil, errors.New("unknown exit outcome " + outcome)
	}
	var changes []training.Change
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if err := recordExit(ctx, tx, id, outcome, reason, on, staffID); err != nil {
			return err
		}
		var err error
		if changes, err = training.EndSeats(ctx, tx, id, staffID, on, outcome == Dropped); err != nil || len(changes) == 0 {
			return err
		}
		for _, fn := range fns {
			if fn == nil {
				continue
			}
			if err := fn(ctx, tx, changes); err != nil {
				return err
			}
		}
		return nil
	})
	return changes, err
}

// CheckFollowUp tells whether the follow-up at milestone may be recorded now: it
// returns the catalog key saying why not, or "". One is recorded from its due
// day (FollowUpMargin before, at the earliest), never ahead; one already recorded
// may be corrected.
func CheckFollowUp(ctx context.Context, d *db.DB, l *Learner, milestone string, now time.Time) (string, error) {
	list, err := FollowUps(ctx, d, l.ID)
	if err != nil {
		return "", err
	}
	for _, f := range list {
		if f.Milestone != milestone {
			continue
		}
		opens := f.DueOn.Add(-FollowUpMargin).Format(time.DateOnly)
		if !f.Done() && l.today(now) < opens {
			return "followup.too_early", nil
		}
		return "", nil
	}
	return "followup.none_planned", nil
}

// Exit records how the person left training, which plans the follow-ups and frees
// their seats for the people waiting.
func (h *Handlers) Exit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, f, ok := h.LoadForm(w, r)
	if !ok {
		return
	}
	outcome := f.Get("exit_outcome")
	if !slices.Contains(ExitOutcomes, outcome) {
		f.Fail("exit_outcome", "form.choose")
	}
	if outcome == Dropped {
		f.Required("exit_reason")
	}
	f.MaxLength("exit_reason", 1000)
	f.Required("exit_date")
	day, err := time.Parse(time.DateOnly, f.Get("exit_date"))
	if f.Get("exit_date") != "" && (err != nil || day.Year() < 2000) {
		f.Fail("exit_date", "learner.date_invalid")
	}
	if f.Valid() {
		field, key, err := CheckExit(ctx, h.DB, l, outcome, day.Format(time.DateOnly), time.Now())
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if key != "" {
			f.Fail(field, key)
		}
	}
	if !f.Valid() {
		h.ShowInvalid(w, r, l, f)
		return
	}
	staff := auth.Current(ctx).ID
	changes, err := Exit(ctx, h.DB, l.ID, outcome, f.Get("exit_reason"), day, staff, h.Seats)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.statusChanged(ctx, l.ID, l.Status, staff)
	if h.Exited != nil {
		if err := h.Exited(ctx, l.ID); err != nil {
			h.Log.WarnContext(ctx, "exit: hires not recorded at the follow-ups", "learner_id", l.ID, "err", err)
		}
	}
	// The people offered a freed seat move along their path too.
	for _, c := range changes {
		if c.LearnerID == l.ID {
			continue
		}
		if err := h.EnrolmentChanged(ctx, c.LearnerID, c.State); err != nil {
			h.Log.WarnContext(ctx, "exit: offered seat not passed on", "learner_id", c.LearnerID, "err", err)
		}
	}
	h.BackToFile(w, r, l.ID, "#followup")
}
