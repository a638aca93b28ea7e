package volunteers

import (
	"context"
	"math"
	"time"

	"tremplin/internal/impact"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// AntennaFigures are an antenna's volunteers in a period, for the dashboard.
type AntennaFigures struct {
	AntennaID int64
	Name      string
	// Active are the volunteers who gave approved hours on a day of the
	// period: what an antenna manager means by "our volunteers this year".
	// Someone validated who gave no time, or who left before the period, is
	// not counted; pending and declined hours do not make anyone active.
	Active int64
	// New are the volunteers validated (made active) within the period, even
	// if they left since.
	New int64
	// Minutes are the approved hours given on the period's days, and Value
	// their worth at the rate in force on each day, rounded like the yearly
	// valuation (by mission and month): a calendar year gives the valuation's
	// figures.
	Minutes int64
	Value   Money
}

// PeriodFigures counts the volunteers of the filter's antennas in its period,
// by antenna (those with any figure, by name), and for them all (AntennaID 0).
func PeriodFigures(ctx context.Context, d *db.DB, f impact.Filter) ([]AntennaFigures, AntennaFigures, error) {
	from, to := f.From.Format(time.DateOnly), f.To.AddDate(0, 0, 1).Format(time.DateOnly)
	by := map[int64]*AntennaFigures{}
	get := func(id int64) *AntennaFigures {
		if by[id] == nil {
			by[id] = &AntennaFigures{AntennaID: id}
		}
		return by[id]
	}
	var total AntennaFigures
	// A volunteer gives hours at their antenna only: one look into the index
	// of each volunteer's approved days (volunteer_hours_active) each.
	args := db.Args{from, to}
	err := db.Each(d.QueryContext(ctx, `SELECT v.antenna_id, COUNT(*) FROM volunteers v WHERE `+f.Where("v.antenna_id", &args)+`
		AND EXISTS (SELECT 1 FROM volunteer_hours h WHERE h.volunteer_id = v.id AND h.state = 'approved' AND h.day >= $1 AND h.day < $2)
		GROUP BY v.antenna_id`, args...))(func(s db.Scanner) error {
		var id, n int64
		err := s.Scan(&id, &n)
		get(id).Active = n
		total.Active += n
		return err
	})
	if err != nil {
		return nil, total, err
	}
	// validated_at is a UTC time: it sorts after its day's date.
	args = db.Args{from, to}
	err = db.Each(d.QueryContext(ctx, `SELECT antenna_id, COUNT(*) FROM volunteers
		WHERE validated_at >= $1 AND validated_at < $2 AND `+f.Where("antenna_id", &args)+` GROUP BY antenna_id`, args...))(func(s db.Scanner) error {
		var id, n int64
		err := s.Scan(&id, &n)
		get(id).New = n
		total.New += n
		return err
	})
	if err != nil {
		return nil, total, err
	}
	lines, _, _, err := monthLines(ctx, d, f.Where, from, to)
	if err != nil {
		return nil, total, err
	}
	for _, l := range lines {
		a := get(l.AntennaID)
		a.Minutes += l.Minutes
		a.Value += l.Value
		total.Minutes += l.Minutes
		total.Value += l.Value
	}
	var out []AntennaFigures
	args = db.Args{}
	err = db.Each(d.QueryContext(ctx, "SELECT id, name FROM antennas WHERE "+f.Where("id", &args)+" ORDER BY name, id", args...))(func(s db.Scanner) error {
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
	return out, total, err
}

// Figures are the volunteers' figures the dashboard adds to its own (an
// impact.Extra): by antenna, with the total, hours charted.
func (h *Handlers) Figures(ctx context.Context, f impact.Filter, p i18n.Printer) ([]impact.Table, error) {
	list, total, err := PeriodFigures(ctx, h.DB, f)
	if err != nil {
		return nil, err
	}
	t := impact.Table{ID: "volunteers", Title: p.T("volunteers.figures.title"), Chart: 3, Total: true,
		Columns: []string{p.T("volunteers.figures.col_antenna"), p.T("volunteers.figures.col_active"), p.T("volunteers.figures.col_new"),
			p.T("volunteers.figures.col_hours"), p.T("volunteers.figures.col_value")},
		Note: p.T("volunteers.figures.how")}
	row := func(name string, a AntennaFigures) []impact.Cell {
		return []impact.Cell{{Kind: impact.Label, Text: name}, {Kind: impact.Count, Value: float64(a.Active)},
			{Kind: impact.Count, Value: float64(a.New)}, {Kind: impact.Hours, Value: math.Round(float64(a.Minutes)/6) / 10},
			{Kind: impact.Euros, Value: a.Value.Euros()}}
	}
	for _, a := range list {
		t.Rows = append(t.Rows, row(a.Name, a))
	}
	t.Rows = append(t.Rows, row(p.T("volunteers.figures.total"), total))
	return []impact.Table{t}, nil
}
