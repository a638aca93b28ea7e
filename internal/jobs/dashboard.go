package jobs

import (
	"context"
	"slices"
	"strings"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/platform/auth"
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
	type group struct {
		by    map[int64]*FigureRow
		order []int64
	}
	antennas, companies, programmes := &group{by: map[int64]*FigureRow{}}, &group{by: map[int64]*FigureRow{}}, &group{by: map[int64]*FigureRow{}}
	get := func(g *group, id int64, name string) *FigureRow {
		if g.by[id] == nil {
			g.by[id] = &FigureRow{Label: name, Refused: map[string]int{}}
			g.order = append(g.order, id)
		}
		return g.by[id]
	}
	// The offers posted for the filter's antennas' companies.
	args := db.Args{from, to}
	err := db.Each(h.DB.QueryContext(ctx, `SELECT n.id, n.name, d.id, d.org_name, COUNT(*) FROM job_offers o JOIN donors d ON d.id = o.donor_id
		JOIN antennas n ON n.id = d.antenna_id WHERE o.created_at >= $1 AND o.created_at < $2 AND `+f.Where("d.antenna_id", &args)+`
		GROUP BY n.id, n.name, d.id, d.org_name ORDER BY n.name, n.id, d.org_name, d.id`, args...))(func(s db.Scanner) error {
		var antenna, company int64
		var name, org string
		var n int
		if err := s.Scan(&antenna, &name, &company, &org, &n); err != nil {
			return err
		}
		get(antennas, antenna, name).Offers += n
		get(companies, company, org).Offers += n
		return nil
	})
	if err != nil {
		return nil, err
	}
	titles := map[int64]string{}
	err = db.Each(h.DB.QueryContext(ctx, "SELECT id, title, title_en, title_ar FROM programmes"))(func(row db.Scanner) error {
		var id int64
		var fr, en, ar string
		err := row.Scan(&id, &fr, &en, &ar)
		titles[id] = fr
		if t := map[string]string{"en": en, "ar": ar}[p.Lang]; t != "" {
			titles[id] = t
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	// One pass over the applications of the filter's people that were
	// proposed or changed in the period, with the company and the programme
	// the person had followed last when proposed (jobs.factsSQL).
	known, err := offersOf(ctx, h.DB, auth.Scope{All: true})
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	err = db.Each(h.DB.QueryContext(ctx, "SELECT id, name FROM antennas"))(func(row db.Scanner) error {
		var id int64
		var name string
		err := row.Scan(&id, &name)
		names[id] = name
		return err
	})
	if err != nil {
		return nil, err
	}
	args = db.Args{from, to}
	where := f.Where("a.antenna_id", &args)
	if f.Programmes != nil {
		where += ` AND EXISTS (SELECT 1 FROM enrolments en JOIN cohorts c ON c.id = en.cohort_id WHERE en.learner_id = a.learner_id
			AND c.programme_id IN (` + db.InList(&args, f.Programmes) + `))`
	}
	type line struct {
		antenna, offer, programme int64
		act                       activity
	}
	lines, err := db.Collect[line](h.DB.QueryContext(ctx, `SELECT COALESCE(a.antenna_id, 0), a.offer_id, COALESCE(a.programme_id, 0), `+activityCols+`
		FROM job_applications a WHERE a.changed_at >= $1 AND `+where+` ORDER BY a.id`, args...))(func(s db.Scanner) (line, error) {
		var x line
		err := s.Scan(&x.antenna, &x.offer, &x.programme, &x.act.created, &x.act.answered, &x.act.interviews, &x.act.hires, &x.act.refused)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	for _, x := range lines {
		o := known[x.offer]
		for _, r := range []*FigureRow{get(antennas, x.antenna, names[x.antenna]), get(companies, o.donor, o.company), get(programmes, x.programme, titles[x.programme])} {
			x.act.count(r, from, to)
		}
	}
	row := func(r *FigureRow, offers bool) []impact.Cell {
		cells := []impact.Cell{{Kind: impact.Label, Text: r.Label}}
		if offers {
			cells = append(cells, impact.Cell{Kind: impact.Count, Value: float64(r.Offers)})
		}
		cells = append(cells, impact.Cell{Kind: impact.Count, Value: float64(r.Applications)}, impact.Cell{Kind: impact.Count, Value: float64(r.Interviews)},
			impact.Cell{Kind: impact.Count, Value: float64(r.Hires)}, impact.Cell{Kind: impact.Count, Value: float64(r.RefusedTotal())})
		if d := median(r.answers); d >= 0 {
			return append(cells, impact.Cell{Kind: impact.Hours, Value: d}) // days, one decimal
		}
		return append(cells, impact.Cell{Kind: impact.Missing})
	}
	// table writes a group's lines (those where something happened), sorted
	// by label when sorted, and their total.
	table := func(g *group, id, title, first string, offers, sorted bool) (impact.Table, *FigureRow) {
		columns := []string{first}
		if offers {
			columns = append(columns, p.T("jobs.dashboard.col_offers"))
		}
		columns = append(columns, p.T("jobs.dashboard.col_proposed"), p.T("jobs.dashboard.col_interviews"), p.T("jobs.dashboard.col_hires"),
			p.T("jobs.dashboard.col_refusals"), p.T("jobs.dashboard.col_median"))
		t := impact.Table{ID: id, Title: title, Chart: len(columns) - 3, Total: true, Columns: columns}
		total := &FigureRow{Label: p.T("jobs.dashboard.total"), Refused: map[string]int{}}
		var rows []*FigureRow
		for _, id := range g.order {
			r := g.by[id]
			if r.Label == "" {
				r.Label = p.T("jobs.figures.no_programme")
			}
			if r.Offers+r.Applications+r.Interviews+r.Hires+r.RefusedTotal()+len(r.answers) > 0 {
				rows = append(rows, r)
			}
		}
		if sorted {
			slices.SortStableFunc(rows, func(a, b *FigureRow) int { return strings.Compare(a.Label, b.Label) })
		}
		for _, r := range rows {
			t.Rows = append(t.Rows, row(r, offers))
			total.Offers += r.Offers
			total.Applications += r.Applications
			total.Interviews += r.Interviews
			total.Hires += r.Hires
			for k, v := range r.Refused {
				total.Refused[k] += v
			}
			total.answers = append(total.answers, r.answers...)
		}
		t.Rows = append(t.Rows, row(total, offers))
		return t, total
	}
	t, total := table(antennas, "recruitment", p.T("jobs.dashboard.title"), p.T("jobs.dashboard.col_antenna"), true, true)
	t.Note = p.T("jobs.dashboard.how")
	byCompany, _ := table(companies, "recruitment_companies", p.T("jobs.dashboard.companies_title"), p.T("jobs.dashboard.col_company"), true, true)
	byProgramme, _ := table(programmes, "recruitment_programmes", p.T("jobs.dashboard.programmes_title"), p.T("jobs.dashboard.col_programme"), false, true)
	reasons := impact.Table{ID: "recruitment_refusals", Title: p.T("jobs.dashboard.reasons_title"), Chart: 1, Total: true,
		Columns: []string{p.T("jobs.app.field.reason"), p.T("jobs.dashboard.col_refusals")}}
	for _, k := range Reasons {
		if n := total.Refused[k]; n > 0 {
			reasons.Rows = append(reasons.Rows, []impact.Cell{{Kind: impact.Label, Text: p.T("jobs.reason." + k)}, {Kind: impact.Count, Value: float64(n)}})
		}
	}
	reasons.Rows = append(reasons.Rows, []impact.Cell{{Kind: impact.Label, Text: p.T("jobs.dashboard.total")},
		{Kind: impact.Count, Value: float64(total.RefusedTotal())}})
	return []impact.Table{t, byCompany, byProgramme, reasons}, nil
}
