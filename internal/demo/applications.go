package demo

import (
	"context"
	"time"

	"tremplin/internal/jobs"
	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
	"tremplin/internal/profiles"
)

// seedApplications proposes, once, the demo's consenting people for the open
// offers and gives the applications several states: one hired (the
// certified person with follow-ups first, so that the dashboard counts the
// job), one in progress, one before hire, one refused with a shared reason,
// one still new; the hired person's other application becomes obsolete.
func seedApplications(ctx context.Context, d *db.DB) error {
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM job_applications").Scan(&n); err != nil || n > 0 {
		return err
	}
	offers, err := db.Collect[*jobs.Offer](d.QueryContext(ctx, "SELECT id FROM job_offers WHERE state = 'open' ORDER BY id"))(
		func(row db.Scanner) (*jobs.Offer, error) {
			o := &jobs.Offer{State: jobs.Open}
			return o, row.Scan(&o.ID)
		})
	if err != nil || len(offers) < 2 {
		return err
	}
	// The people who show a profile, those with a follow-up to come first.
	people, err := db.Collect[int64](d.QueryContext(ctx, `SELECT l.id FROM learners l JOIN recruiter_profiles rp ON rp.learner_id = l.id
		WHERE `+profiles.VisibleSQL("l.id")+` ORDER BY (SELECT COUNT(*) FROM learner_followups f WHERE f.learner_id = l.id AND f.recorded_at = '') DESC, l.id`))(
		func(row db.Scanner) (int64, error) {
			var id int64
			return id, row.Scan(&id)
		})
	if err != nil || len(people) < 3 {
		return err
	}
	var staff int64
	if err := d.QueryRowContext(ctx, "SELECT id FROM staff WHERE email = 'manager.lille@tremplin.example'").Scan(&staff); err != nil {
		return err
	}
	h := &jobs.Handlers{Deps: web.Deps{DB: d}, OnHire: func(ctx context.Context, learnerID int64, situation, note string, starts time.Time) error {
		_, err := learners.RecordHire(ctx, d, learnerID, situation, note, starts)
		return err
	}}
	for i := range offers {
		if offers[i], err = jobs.OfferInScope(ctx, d, auth.Scope{All: true}, offers[i].ID); err != nil {
			return err
		}
	}
	webdev, other := offers[0], offers[1]
	type step struct {
		offer   *jobs.Offer
		person  int64
		changes []jobs.Change
	}
	// The hire starts two weeks before the person's next follow-up falls
	// due, so that the follow-up records the job and the dashboard counts it.
	hired := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -7)
	var due string
	if err := d.QueryRowContext(ctx, "SELECT COALESCE(MIN(due_on), '') FROM learner_followups WHERE learner_id = $1 AND recorded_at = ''",
		people[0]).Scan(&due); err != nil {
		return err
	}
	if day, err := time.Parse(time.DateOnly, due); err == nil {
		hired = day.AddDate(0, 0, -14)
	}
	steps := []step{
		{other, people[0], nil},
		{webdev, people[0], []jobs.Change{{State: jobs.AppProcessing}, {State: jobs.AppPriorToHire}, {State: jobs.AppAccepted, StartsOn: hired}}},
		{webdev, people[1], []jobs.Change{{State: jobs.AppProcessing}}},
		{other, people[2], []jobs.Change{{State: jobs.AppRefused, Reason: "incompatible", ReasonShared: true}}},
	}
	if len(people) > 3 {
		steps = append(steps, step{webdev, people[3], []jobs.Change{{State: jobs.AppPostponed}}})
	}
	if len(people) > 4 {
		steps = append(steps, step{other, people[4], nil})
	}
	for _, s := range steps {
		id, err := h.Propose(ctx, s.offer, s.person, staff)
		if err != nil {
			return err
		}
		for _, c := range s.changes {
			a, err := jobs.ApplicationOf(ctx, d, s.offer.DonorID, s.offer.ID, id)
			if err != nil {
				return err
			}
			var recruiter int64
			_ = d.QueryRowContext(ctx, "SELECT MIN(id) FROM recruiters WHERE donor_id = $1", s.offer.DonorID).Scan(&recruiter)
			if err := h.Move(ctx, a, c, jobs.Actor{RecruiterID: recruiter}); err != nil {
				return err
			}
		}
	}
	return nil
}
