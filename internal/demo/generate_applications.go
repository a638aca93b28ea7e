package demo

import (
	"fmt"

	"tremplin/internal/jobs"
	"tremplin/internal/platform/db"
)

// applicationsStep proposes each generated person who agreed to show a
// profile for one offer, and gives the applications the spread of states the
// national platform sees: a fifth hired (on the offer's start day, recorded
// at the follow-ups that fall due after it, as the dashboards count them),
// three in ten refused with a reason, the rest in progress, cancelled or
// obsolete; each with its log.
func (g *generator) applicationsStep() error {
	if g.o.Donors < 0 {
		return nil
	}
	const state = `CASE p.learner_id % 10 WHEN 0 THEN 'accepted' WHEN 1 THEN 'accepted' WHEN 2 THEN 'refused' WHEN 3 THEN 'refused'
		WHEN 4 THEN 'refused' WHEN 5 THEN 'processing' WHEN 6 THEN 'new' WHEN 7 THEN 'postponed' WHEN 8 THEN 'cancelled' ELSE 'obsolete' END`
	const reason = `CASE WHEN p.learner_id % 10 IN (2, 3, 4) THEN CASE p.learner_id % 9 WHEN 0 THEN 'did_not_come' WHEN 1 THEN 'unavailable'
		WHEN 2 THEN 'non_eligible' WHEN 3 THEN 'eligibility_doubt' WHEN 4 THEN 'incompatible' WHEN 5 THEN 'no_position'
		WHEN 6 THEN 'not_mobile' WHEN 7 THEN 'poorly_informed' ELSE 'other' END ELSE '' END`
	now := db.Now()
	steps := []string{
		`INSERT INTO job_applications (offer_id, learner_id, state, reason, reason_shared, starts_on, created_at, changed_at)
			SELECT o.id, p.learner_id, ` + state + `, ` + reason + `, p.learner_id % 2 = 0,
				CASE WHEN p.learner_id % 10 IN (0, 1) THEN o.starts_on ELSE '' END, o.created_at, o.updated_at
			FROM recruiter_profiles p JOIN job_offers o ON o.id = 1 + (p.learner_id * 7919) % (SELECT MAX(id) FROM job_offers)`,
		`INSERT INTO job_application_events (application_id, state, reason, at) SELECT id, 'new', '', created_at FROM job_applications`,
		`INSERT INTO job_application_events (application_id, state, reason, at)
			SELECT id, state, reason, changed_at FROM job_applications WHERE state <> 'new'`,
		`UPDATE learner_followups SET recorded_at = '` + now + `', situation = (SELECT CASE WHEN o.contract_type IN ('CDI', 'DIN') THEN 'cdi'
				WHEN o.contract_type IN ('MIS', 'TTI') THEN 'temp' WHEN o.contract_months >= 6 THEN 'cdd_long' ELSE 'cdd_short' END
				FROM job_applications a JOIN job_offers o ON o.id = a.offer_id WHERE a.learner_id = learner_followups.learner_id AND a.state = 'accepted')
			WHERE recorded_at = '' AND due_on >= (SELECT MIN(a.starts_on) FROM job_applications a
				WHERE a.learner_id = learner_followups.learner_id AND a.state = 'accepted')`,
	}
	for _, q := range steps {
		if _, err := g.d.Exec(g.ctx, q); err != nil {
			return err
		}
	}
	if err := jobs.KeepAllFacts(g.ctx, g.d); err != nil {
		return err
	}
	var n int
	if err := g.d.QueryRowContext(g.ctx, "SELECT COUNT(*) FROM job_applications").Scan(&n); err != nil {
		return err
	}
	fmt.Fprintf(g.o.Out, "\n  %d applications\n%-42s ", n, "")
	return nil
}
