package jobs

import (
	"context"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// periodRow is one antenna's recruitment in a period of the dashboard.
type periodRow struct {
	name                                  string
	proposed, interviews, hires, refusals int64
	answers                               []time.Duration
}

// DashboardFigures are the recruitment figures the dashboard adds to its own
// (an impact.Extra), by the antenna of the people proposed: applications
// proposed in the period, and what happened in it — the companies' first
// answers (their median time), people taken to the stage before hire
// (interviews passed), hires and refusals on the day they were recorded, so
// that a period's figures do not move when an older application changes.
// The daily closing's refusals count as refusals, never as answers. The
// programmes' filter keeps the people enrolled in one of them.
func (h *Handlers) DashboardFigures(ctx context.Context, f impact.Filter, p i18n.Printer) ([]impact.Table, error) {
	from, to := f.From.Format(time.DateOnly), f.To.AddDate(0, 0, 1).Format(time.DateOnly)
	args := db.Args{from, to}
	where := f.Where("l.antenna_id", &args)
	if f.Programmes != nil {
		where += ` AND EXISTS (SELECT 1 FROM enrolments en JOIN cohorts c ON c.id = en.cohort_id WHERE en.learner_id = l.id
			AND c.programme_id IN (` + db.InList(&args, f.Programmes) + `))`
	}
	by := map[int64]*periodRow{}
	var order []int64
	get := func(id int64, name string) *periodRow {
		if by[id] == nil {
			by[id] = &periodRow{name: name}
			order = append(order, id)
		}
		return by[id]
	}
	// One pass over the applications of the filter's people that were
	// proposed or changed in the period, with their first answer.
	err := db.Each(h.DB.QueryContext(ctx, `SELECT n.id, n.name, a.created_at,
		COALESCE((SELECT MIN(e.at) FROM job_application_events e WHERE e.application_id = a.id AND e.state <> 'new'
			AND (e.recruiter_id IS NOT NULL OR e.staff_id IS NOT NULL)), ''),
		(SELECT COUNT(*) FROM job_application_events e WHERE e.application_id = a.id AND e.state = 'prior_to_hire' AND e.at >= $1 AND e.at < $2),
		(SELECT COUNT(*) FROM job_application_events e WHERE e.application_id = a.id AND e.state = 'accepted' AND e.at >= $1 AND e.at < $2),
		(SELECT COUNT(*) FROM job_application_events e WHERE e.application_id = a.id AND e.state = 'refused' AND e.at >= $1 AND e.at < $2)
		FROM job_applications a JOIN learners l ON l.id = a.learner_id JOIN antennas n ON n.id = l.antenna_id
		WHERE a.changed_at >= $1 AND `+where+` ORDER BY n.name, n.id`, args...))(func(s db.Scanner) error {
		var antenna, interviews, hires, refusals int64
		var name, created, answered string
		if err := s.Scan(&antenna, &name, &created, &answered, &interviews, &hires, &refusals); err != nil {
			return err
		}
		r := get(antenna, name)
		if created >= from && created < to {
			r.proposed++
		}
		if answered >= from && answered < to {
			r.answers = append(r.answers, db.ParseTime(answered).Sub(db.ParseTime(created)))
		}
		r.interviews += min(interviews, 1)
		r.hires += min(hires, 1)
		r.refusals += min(refusals, 1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := impact.Table{ID: "recruitment", Title: p.T("jobs.dashboard.title"), Chart: 4, Total: true,
		Columns: []string{p.T("jobs.dashboard.col_antenna"), p.T("jobs.dashboard.col_proposed"), p.T("jobs.dashboard.col_interviews"),
			p.T("jobs.dashboard.col_hires"), p.T("jobs.dashboard.col_refusals"), p.T("jobs.dashboard.col_median")},
		Note: p.T("jobs.dashboard.how")}
	total := &periodRow{name: p.T("jobs.dashboard.total")}
	row := func(r *periodRow) []impact.Cell {
		cells := []impact.Cell{{Kind: impact.Label, Text: r.name}, {Kind: impact.Count, Value: float64(r.proposed)},
			{Kind: impact.Count, Value: float64(r.interviews)}, {Kind: impact.Count, Value: float64(r.hires)},
			{Kind: impact.Count, Value: float64(r.refusals)}}
		if d := median(r.answers); d >= 0 {
			return append(cells, impact.Cell{Kind: impact.Hours, Value: d}) // days, one decimal
		}
		return append(cells, impact.Cell{Kind: impact.Missing})
	}
	for _, id := range order {
		r := by[id]
		if r.proposed+r.interviews+r.hires+r.refusals+int64(len(r.answers)) == 0 {
			continue
		}
		t.Rows = append(t.Rows, row(r))
		total.proposed += r.proposed
		total.interviews += r.interviews
		total.hires += r.hires
		total.refusals += r.refusals
		total.answers = append(total.answers, r.answers...)
	}
	t.Rows = append(t.Rows, row(total))
	return []impact.Table{t}, nil
}
