package civic

import (
	"context"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// AntennaFigures are an antenna's civic service in a period, for the
// dashboard. The day the posts and late obligations are read on (On) is the
// period's last day, or today when the period ends later.
type AntennaFigures struct {
	AntennaID int64
	Name      string
	// Used are the contracts running on On; Posts the posts of the approvals
	// valid on On that cover the antenna. An approval shared by several
	// antennas counts its posts in each of their rows, once in the total.
	Used, Posts int64
	// Ongoing are the contracts running on at least one day of the period.
	Ongoing int64
	// Late are the obligations due before On and not done on On.
	Late int64
}

// PeriodFigures counts the civic service of the filter's antennas, by antenna
// (those with any figure, by name) and for them all, with the day the posts
// and late obligations were read on.
func PeriodFigures(ctx context.Context, d *db.DB, f impact.Filter, today time.Time) ([]AntennaFigures, AntennaFigures, time.Time, error) {
	on := f.To
	if t := day(dayString(today)); t.Before(on) {
		on = t
	}
	from, to, at := dayString(f.From), dayString(f.To), dayString(on)
	by := map[int64]*AntennaFigures{}
	var total AntennaFigures
	count := func(query string, set func(a *AntennaFigures, n int64), params ...any) error {
		args := db.Args(params)
		return db.Each(d.QueryContext(ctx, query+" AND "+f.Where("x.antenna_id", &args)+" GROUP BY x.antenna_id", args...))(func(s db.Scanner) error {
			var id, n int64
			if err := s.Scan(&id, &n); err != nil {
				return err
			}
			if by[id] == nil {
				by[id] = &AntennaFigures{AntennaID: id}
			}
			set(by[id], n)
			return nil
		})
	}
	if err := count(`SELECT x.antenna_id, COUNT(*) FROM civic_contracts x WHERE x.starts_on <= $1 AND x.ends_on >= $1`,
		func(a *AntennaFigures, n int64) { a.Used = n; total.Used += n }, at); err != nil {
		return nil, total, on, err
	}
	if err := count(`SELECT x.antenna_id, SUM(p.posts) FROM civic_approvals p JOIN civic_approval_antennas x ON x.approval_id = p.id
		WHERE p.valid_from <= $1 AND p.valid_to >= $1`, func(a *AntennaFigures, n int64) { a.Posts = n }, at); err != nil {
		return nil, total, on, err
	}
	args := db.Args{at}
	if err := d.QueryRowContext(ctx, `SELECT COALESCE(SUM(p.posts), 0) FROM civic_approvals p WHERE p.valid_from <= $1 AND p.valid_to >= $1
		AND EXISTS (SELECT 1 FROM civic_approval_antennas x WHERE x.approval_id = p.id AND `+f.Where("x.antenna_id", &args)+`)`, args...).Scan(&total.Posts); err != nil {
		return nil, total, on, err
	}
	if err := count(`SELECT x.antenna_id, COUNT(*) FROM civic_contracts x WHERE x.starts_on <= $2 AND x.ends_on >= $1`,
		func(a *AntennaFigures, n int64) { a.Ongoing = n; total.Ongoing += n }, from, to); err != nil {
		return nil, total, on, err
	}
	if err := count(`SELECT x.antenna_id, COUNT(*) FROM civic_obligations b JOIN civic_contracts x ON x.id = b.contract_id
		WHERE b.due_on < $1 AND (b.done_on = '' OR b.done_on > $1)`, func(a *AntennaFigures, n int64) { a.Late = n; total.Late += n }, at); err != nil {
		return nil, total, on, err
	}
	var out []AntennaFigures
	args = db.Args{}
	err := db.Each(d.QueryContext(ctx, "SELECT id, name FROM antennas WHERE "+f.Where("id", &args)+" ORDER BY name, id", args...))(func(s db.Scanner) error {
		var id int64
		var name string
		if err := s.Scan(&id, &name); err != nil {
			return err
		}
		if a := by[id]; a != nil {
			a.Name = name
			out = append(out, *a)
		}
		return nil
	})
	return out, total, on, err
}

// Figures are the civic service's figures the dashboard adds to its own
// (an impact.Extra): by antenna, with the total, posts used charted.
func (h *Handlers) Figures(ctx context.Context, f impact.Filter, p i18n.Printer) ([]impact.Table, error) {
	list, total, on, err := PeriodFigures(ctx, h.DB, f, h.now())
	if err != nil {
		return nil, err
	}
	t := impact.Table{ID: "civic", Title: p.T("civic.figures.title"), Chart: 1, Total: true,
		Columns: []string{p.T("civic.figures.col_antenna"), p.T("civic.figures.col_used"), p.T("civic.figures.col_posts"),
			p.T("civic.figures.col_ongoing"), p.T("civic.figures.col_late")},
		Note: p.T("civic.figures.how", "day", web.FormatDate(p, on))}
	row := func(name string, a AntennaFigures) []impact.Cell {
		return []impact.Cell{{Kind: impact.Label, Text: name}, {Kind: impact.Count, Value: float64(a.Used)},
			{Kind: impact.Count, Value: float64(a.Posts)}, {Kind: impact.Count, Value: float64(a.Ongoing)},
			{Kind: impact.Count, Value: float64(a.Late)}}
	}
	for _, a := range list {
		t.Rows = append(t.Rows, row(a.Name, a))
	}
	t.Rows = append(t.Rows, row(p.T("civic.figures.total"), total))
	return []impact.Table{t}, nil
}
