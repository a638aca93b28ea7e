package impact

import (
	"strconv"
	"strings"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// Kind says how a cell's value is written.
type Kind int

const (
	Label   Kind = iota // text
	Count               // a whole number of people, marks…
	Percent             // a share in percent, one decimal
	Hours               // hours, one decimal
	Missing             // a share without denominator: nothing to show
	Euros               // an amount in euros, two decimals
)

// Cell is one value of a table, with its number kept for the formats that store
// numbers (XLSX) and its words for those that print them.
type Cell struct {
	Kind  Kind
	Text  string // Label only
	Value float64
}

// Table is one block of figures: the page, the CSV, the XLSX sheet and the PDF
// all print these tables, in this order, with these values.
type Table struct {
	ID      string // stable name: summary, training, situation, band, programme, level
	Title   string
	Columns []string // header of each column, the first one for the row labels
	Rows    [][]Cell
	// Chart is the column the dashboard draws as bars (0: none), for the tables
	// other packages add (Handlers.Extra).
	Chart int
	// Total says the last row sums the others: the chart leaves it out.
	Total bool
	// Note says how the table's figures are counted, printed under it.
	Note string
}

// Where is the condition on an antenna column that keeps the filter's
// antennas (all of them when Antennas is nil, none when it is empty), for the
// packages that count their own figures for the dashboard.
func (f Filter) Where(column string, args *db.Args) string {
	if f.Antennas == nil {
		return "1 = 1"
	}
	if len(f.Antennas) == 0 {
		return "1 = 0"
	}
	return column + " IN (" + db.InList(args, f.Antennas) + ")"
}

func count(n int64) Cell   { return Cell{Kind: Count, Value: float64(n)} }
func hours(h float64) Cell { return Cell{Kind: Hours, Value: h} }
func rate(r Rate) Cell {
	if !r.Known() {
		return Cell{Kind: Missing}
	}
	return Cell{Kind: Percent, Value: r.Percent()}
}
func label(s string) Cell { return Cell{Kind: Label, Text: s} }

// Tables lays the figures out in the language of p.
func (f *Figures) Tables(p i18n.Printer) []Table {
	c, t := f.Counts, f.Training
	figCols := []string{p.T("impact.col.registered"), p.T("impact.col.positioned"), p.T("impact.col.enrolled"),
		p.T("impact.col.completed"), p.T("impact.col.certified"), p.T("impact.col.dropped")}
	people := func(g Group) []Cell {
		name := g.Name
		if g.Key != "" {
			name = p.T(g.Key)
		}
		row := []Cell{label(name)}
		for fig := range nFigures {
			row = append(row, count(g.Counts.get(fig)))
		}
		return row
	}
	trainingRow := func(g Group) []Cell {
		name := g.Name
		if g.Key != "" {
			name = p.T(g.Key)
		}
		return []Cell{label(name), count(g.Counts.Enrolled), count(g.Counts.Completed), count(g.Counts.Certified),
			count(g.Counts.Dropped), rate(g.Counts.CompletionRate()), hours(g.Training.Hours()), rate(g.Training.AttendanceRate())}
	}
	trainingCols := []string{p.T("impact.col.programme"), p.T("impact.col.enrolled"), p.T("impact.col.completed"),
		p.T("impact.col.certified"), p.T("impact.col.dropped"), p.T("impact.col.completion_rate"), p.T("impact.col.hours"),
		p.T("impact.col.attendance_rate")}

	summary := Table{ID: "summary", Title: p.T("impact.table.summary"), Columns: []string{p.T("impact.col.figure"), p.T("impact.col.people")}}
	for fig := range nFigures {
		summary.Rows = append(summary.Rows, []Cell{label(figCols[fig]), count(c.get(fig))})
	}
	summary.Rows = append(summary.Rows, []Cell{label(p.T("impact.col.exits")), count(c.Exits())})

	training := Table{ID: "training", Title: p.T("impact.table.training"), Columns: []string{p.T("impact.col.figure"), p.T("impact.col.value")},
		Rows: [][]Cell{
			{label(p.T("impact.col.hours")), hours(t.Hours())},
			{label(p.T("impact.col.attendance_rate")), rate(t.AttendanceRate())},
			{label(p.T("impact.col.completion_rate")), rate(c.CompletionRate())},
			{label(p.T("impact.col.followups")), count(t.FollowUpsRecorded)},
			{label(p.T("impact.col.positive")), count(t.PositiveExits)},
			{label(p.T("impact.col.positive_rate")), rate(t.PositiveRate())},
		}}

	situation := Table{ID: "situation", Title: p.T("impact.table.situation"), Columns: append([]string{p.T("impact.col.situation")}, figCols...)}
	for _, g := range f.BySituation {
		situation.Rows = append(situation.Rows, people(g))
	}
	band := Table{ID: "band", Title: p.T("impact.table.band"), Columns: append([]string{p.T("impact.col.band")}, figCols...)}
	for _, g := range f.ByBand {
		band.Rows = append(band.Rows, people(g))
	}
	gender := Table{ID: "gender", Title: p.T("impact.table.gender"), Columns: append([]string{p.T("impact.col.gender")}, figCols...)}
	for _, g := range f.ByGender {
		gender.Rows = append(gender.Rows, people(g))
	}
	programme := Table{ID: "programme", Title: p.T("impact.table.programme"), Columns: trainingCols}
	for _, g := range f.ByProgramme {
		programme.Rows = append(programme.Rows, trainingRow(g))
	}
	levelCols := append([]string{p.T("impact.col.level")}, trainingCols[1:]...)
	level := Table{ID: "level", Title: p.T("impact.table.level"), Columns: levelCols}
	for _, g := range f.ByLevel {
		level.Rows = append(level.Rows, trainingRow(g))
	}
	funnel := Table{ID: "partners", Title: p.T("impact.table.partners"), Columns: []string{p.T("impact.col.partner"),
		p.T("impact.col.referred"), p.T("impact.col.reached"), p.T("impact.col.enrolled"), p.T("impact.col.completed_any"),
		p.T("impact.col.positive_any")}}
	for _, o := range f.Partners {
		funnel.Rows = append(funnel.Rows, []Cell{label(o.OrgName), count(int64(o.Referred)), count(int64(o.Reached)),
			count(int64(o.Enrolled)), count(int64(o.Completed)), count(int64(o.Positive))})
	}
	return []Table{summary, training, situation, band, gender, programme, level, funnel}
}

// Format writes a cell for reading: in the language's way (decimal comma and
// thin spaces between thousands in French), with % for shares.
func Format(p i18n.Printer, c Cell) string {
	switch c.Kind {
	case Label:
		return c.Text
	case Missing:
		return "–"
	case Count:
		return group(p, strconv.FormatInt(int64(c.Value), 10))
	case Percent:
		return decimal(p, c.Value) + "\u00a0%"
	case Euros:
		s := strconv.FormatFloat(c.Value, 'f', 2, 64)
		whole, frac, _ := strings.Cut(s, ".")
		if p.Lang == "en" {
			return "€" + group(p, whole) + "." + frac
		}
		mark := "."
		if p.Lang == "fr" {
			mark = ","
		}
		return group(p, whole) + mark + frac + "\u00a0€"
	}
	return decimal(p, c.Value)
}

// Plain writes a cell's number without grouping, with the given decimal mark:
// for CSV files, which spreadsheets read back as numbers.
func Plain(c Cell, comma bool) string {
	switch c.Kind {
	case Label:
		return c.Text
	case Missing:
		return ""
	case Count:
		return strconv.FormatInt(int64(c.Value), 10)
	}
	digits := 1
	if c.Kind == Euros {
		digits = 2
	}
	s := strconv.FormatFloat(c.Value, 'f', digits, 64)
	if comma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func decimal(p i18n.Printer, v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	mark := "."
	if p.Lang == "fr" {
		mark = ","
	}
	return group(p, whole) + mark + frac
}

// group separates thousands: a non-breaking space in French, a comma otherwise.
func group(p i18n.Printer, digits string) string {
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	sep := ","
	if p.Lang == "fr" {
		sep = "\u00a0"
	}
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
