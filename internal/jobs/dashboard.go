package jobs

import (
	"context"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// DashboardFigures are the recruitment figures the dashboard adds to its own
// (an impact.Extra), by antenna, with the counting rules of the figures'
// page (activityCols): offers posted in the period for the antenna's
// companies, and, for the antenna's people, applications proposed in the
// period and what happened in it — the companies' first answers (their
// median time), people taken to the stage before hire (interviews passed),
// hires and refusals on the day they were recorded, so that a period's
// figures do not move when an older application changes. The daily
// closing's refusals count as refusals, never as answers. The programmes'
// filter keeps the people enrolled in one of them (offers are counted all the
// same). A second table gives the refusals by reason.
func (h *Handlers) DashboardFigures(ctx context.Context, f impact.Filter, p i18n.Printer) ([]impact.Table, error) {
	from, to := f.From.Format(time.DateOnly), f.To.AddDate(0, 0, 1).Format(time.DateOnly)
	by := map[int64]*FigureRow{}
	var order []int64
	get := func(id int64, name string) *FigureRow {
		if by[id] == nil {
			by[id] = &FigureRow{Label: name, Refused: map[string]int{}}
			order = append(order, id)
		}
		return by[id]
	}
	// The offers posted for the filter's antennas' companies.
	args := db.Args{from, to}
	err := db.Each(h.DB.QueryContext(ctx, `SELECT n.id, n.name, COUNT(*) FROM job_offers o JOIN donors d ON d.id = o.donor_id
		JOIN antennas n ON n.id = d.antenna_id WHERE o.created_at >= $1 AND o.created_at < $2 AND `+f.Where("d.antenna_id", &args)+`
		GROUP BY n.id, n.name ORDER BY n.name, n.id`, args...))(func(s db.Scanner) error {
		var antenna int64
		var name string
		var n int
		if err := s.Scan(&antenna, &name, &n); err != nil {
			return err
		}
		get(antenna, name).Offers += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	// One pass over the applications of the filter's people that were
	// proposed or changed in the period.
	args = db.Args{from, to}
	where := f.Where("l.antenna_id", &args)
	if f.Programmes != nil {
		where += ` AND EXISTS (SELECT 1 FROM enrolments en JOIN cohorts c ON c.id = en.cohort_id WHERE en.learner_id = l.id
			AND c.programme_id IN (` + db.InList(&args, f.Programmes) + `))`
	}
	err = db.Each(h.DB.QueryContext(ctx, `SELECT n.id, n.name, `+activityCols+`
		FROM job_applications a JOIN learners l ON l.id = a.learner_id JOIN antennas n ON n.id = l.antenna_id
		WHERE a.changed_at >= $1 AND `+where+` ORDER BY n.name, n.id`, args...))(func(s db.Scanner) error {
		var antenna int64
		var name string
		var act activity
		if err := s.Scan(&antenna, &name, &act.created, &act.answered, &act.interviews, &act.hires, &act.refused); err != nil {
			return err
		}
		act.count(get(antenna, name), from, to)
		return nil
	})
	if err != nil {
		return nil, err
	}
	const hiresColumn = 4
	t := impact.Table{ID: "recruitment", Title: p.T("jobs.dashboard.title"), Chart: hiresColumn, Total: true,
		Columns: []string{p.T("jobs.dashboard.col_antenna"), p.T("jobs.dashboard.col_offers"), p.T("jobs.dashboard.col_proposed"),
			p.T("jobs.dashboard.col_interviews"), p.T("jobs.dashboard.col_hires"), p.T("jobs.dashboard.col_refusals"),
			p.T("jobs.dashboard.col_median")},
		Note: p.T("jobs.dashboard.how")}
	total := &FigureRow{Label: p.T("jobs.dashboard.total"), Refused: map[string]int{}}
	row := func(r *FigureRow) []impact.Cell {
		cells := []impact.Cell{{Kind: impact.Label, Text: r.Label}, {Kind: impact.Count, Value: float64(r.Offers)},
			{Kind: impact.Count, Value: float64(r.Applications)}, {Kind: impact.Count, Value: float64(r.Interviews)},
			{Kind: impact.Count, Value: float64(r.Hires)}, {Kind: impact.Count, Value: float64(r.RefusedTotal())}}
		if d := median(r.answers); d >= 0 {
			return append(cells, impact.Cell{Kind: impact.Hours, Value: d}) // days, one decimal
		}
		return append(cells, impact.Cell{Kind: impact.Missing})
	}
	for _, id := range order {
		r := by[id]
		if r.Offers+r.Applications+r.Interviews+r.Hires+r.RefusedTotal()+len(r.answers) == 0 {
			continue
		}
		t.Rows = append(t.Rows, row(r))
		total.Offers += r.Offers
		total.Applications += r.Applications
		total.Interviews += r.Interviews
		total.Hires += r.Hires
		for k, v := range r.Refused {
			total.Refused[k] += v
		}
		total.answers = append(total.answers, r.answers...)
	}
	t.Rows = append(t.Rows, row(total))
	reasons := impact.Table{ID: "recruitment_refusals", Title: p.T("jobs.dashboard.reasons_title"), Chart: 1, Total: true,
		Columns: []string{p.T("jobs.app.field.reason"), p.T("jobs.dashboard.col_refusals")}}
	for _, k := range Reasons {
		if n := total.Refused[k]; n > 0 {
			reasons.Rows = append(reasons.Rows, []impact.Cell{{Kind: impact.Label, Text: p.T("jobs.reason." + k)}, {Kind: impact.Count, Value: float64(n)}})
		}
	}
	reasons.Rows = append(reasons.Rows, []impact.Cell{{Kind: impact.Label, Text: p.T("jobs.dashboard.total")},
		{Kind: impact.Count, Value: float64(total.RefusedTotal())}})
	return []impact.Table{t, reasons}, nil
}
