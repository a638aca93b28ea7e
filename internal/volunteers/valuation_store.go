package volunteers

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Rate is an hourly rate the board approved for valuing volunteers' time, in
// force from ValidFrom until the next one: the gross hourly wage plus the
// employer's charges on it (volunteer_rates).
type Rate struct {
	ValidFrom  string // YYYY-MM-DD
	GrossCents int
	ChargesBP  int // employer charges in hundredths of a percent (4500 = 45 %)
	Label      string
	SetBy      string
}

// Cents is the value of an hour in cents, charges included (not rounded).
func (r Rate) Cents() float64 { return float64(r.GrossCents) * (1 + float64(r.ChargesBP)/10000) }

// Hourly is the value of an hour in euros, rounded to the cent, for display.
func (r Rate) Hourly() Money { return Money(math.Round(r.Cents())) }

// Gross is the gross hourly wage, for display.
func (r Rate) Gross() Money { return Money(r.GrossCents) }

// Charges is the employer charges' percentage, for display ("45" or "42,5").
func (r Rate) Charges() string {
	return strings.Replace(strconv.FormatFloat(float64(r.ChargesBP)/100, 'f', -1, 64), ".", ",", 1)
}

// Money is an amount in cents.
type Money int64

// Euros is the amount in euros.
func (m Money) Euros() float64 { return float64(m) / 100 }

// Plain is the amount with a decimal comma and no grouping ("1234,50"), as a
// French spreadsheet reads it.
func (m Money) Plain() string {
	return fmt.Sprintf("%d,%02d", int64(m)/100, int64(m)%100)
}

// Rates lists the rates, latest first.
func Rates(ctx context.Context, d *db.DB) ([]Rate, error) {
	return db.Collect[Rate](d.QueryContext(ctx, `SELECT r.valid_from, r.gross_cents, r.charges_bp, r.label, COALESCE(s.name, '')
		FROM volunteer_rates r LEFT JOIN staff s ON s.id = r.set_by ORDER BY r.valid_from DESC`))(func(s db.Scanner) (Rate, error) {
		var r Rate
		err := s.Scan(&r.ValidFrom, &r.GrossCents, &r.ChargesBP, &r.Label, &r.SetBy)
		return r, err
	})
}

// SaveRate records a rate the board approved, from its day on; a rate already
// set for that day is replaced.
func SaveRate(ctx context.Context, d *db.DB, r Rate, staffID int64) error {
	_, err := d.Exec(ctx, `INSERT INTO volunteer_rates (valid_from, gross_cents, charges_bp, label, set_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (valid_from) DO UPDATE SET gross_cents = excluded.gross_cents,
		charges_bp = excluded.charges_bp, label = excluded.label, set_by = excluded.set_by, created_at = excluded.created_at`,
		r.ValidFrom, r.GrossCents, r.ChargesBP, r.Label, db.NullID(staffID), db.Now())
	return err
}

// Line is the approved hours and their value of one antenna's mission in one
// month.
type Line struct {
	AntennaID    int64
	AntennaName  string
	MissionID    int64
	MissionTitle string
	Month        int // 1–12
	Minutes      int64
	Value        Money
}

// Hours is the time given, for display.
func (l Line) Hours() Duration { return Duration(l.Minutes) }

// UnvaluedTime is the time given before the first rate, for display.
func (v *Valuation) UnvaluedTime() Duration { return Duration(v.Unvalued) }

// Sum is hours and their value.
type Sum struct {
	Minutes int64
	Value   Money
}

// Hours is the time given, for display.
func (s Sum) Hours() Duration { return Duration(s.Minutes) }

// Valuation is a year of volunteers' approved hours valued at the rates in
// force on each day, by antenna, mission and month.
type Valuation struct {
	Year     int
	Lines    []Line // by antenna name, mission title, month
	Antennas []Line // one per antenna (MissionID and Month zero)
	Missions []Line // one per antenna's mission (Month zero)
	Months   [12]Sum
	Total    Sum
	// Rates are the rates in force during the year, oldest first.
	Rates []Rate
	// Unvalued is the time given on days before the first rate: counted in
	// hours, worth nothing until the board sets a rate for them.
	Unvalued int64
}

// monthLine is a Line of a month of any year ("YYYY-MM").
type monthLine struct {
	Line
	YearMonth string
}

// monthLines values the approved hours of the days from (included) to to
// (excluded) of the antennas where allows (a condition on the column it is
// given), by antenna, mission and month: each day at the rate in force on it,
// each line rounded to the cent. It reads the summary of each day
// (volunteer_hours_days), not the rows of hours. It also returns the rates in
// force in the period, oldest first, and the minutes given on days before the
// first rate (counted in the lines, worth nothing).
func monthLines(ctx context.Context, d *db.DB, where func(col string, args *db.Args) string, from, to string) ([]monthLine, []Rate, int64, error) {
	all, err := Rates(ctx, d)
	if err != nil {
		return nil, nil, 0, err
	}
	slices.Reverse(all) // oldest first
	// The rates in force during the period: the last one before it began, and
	// those that start within it.
	var rates []Rate
	for _, r := range all {
		switch {
		case r.ValidFrom <= from:
			rates = append(rates[:0], r)
		case r.ValidFrom < to:
			rates = append(rates, r)
		}
	}
	// Each day of each mission takes the rate in force by a CASE over the days
	// the rates start; the sums by antenna, mission and month (a few thousand
	// rows even for a large association) are what comes back.
	args := db.Args{from, to}
	segment := "-1"
	if len(rates) > 0 {
		var b strings.Builder
		b.WriteString("CASE")
		for i := len(rates) - 1; i >= 0; i-- {
			fmt.Fprintf(&b, " WHEN h.day >= %s THEN %d", args.Add(rates[i].ValidFrom), i)
		}
		b.WriteString(" ELSE -1 END")
		segment = b.String()
	}
	cond := where("h.antenna_id", &args)
	// Names are joined once the sums are made.
	cells, err := db.Collect[monthLine](d.QueryContext(ctx, `SELECT g.antenna_id, a.name, g.mission_id, m.title, g.month, g.segment, g.minutes
		FROM (SELECT h.antenna_id, h.mission_id, SUBSTR(h.day, 1, 7) AS month, `+segment+` AS segment, SUM(h.minutes) AS minutes
			FROM volunteer_hours_days h
			WHERE h.day >= $1 AND h.day < $2 AND `+cond+`
			GROUP BY 1, 2, 3, 4) g
		JOIN antennas a ON a.id = g.antenna_id JOIN volunteer_missions m ON m.id = g.mission_id
		ORDER BY a.name, g.antenna_id, m.title, g.mission_id, g.month`, args...))(func(s db.Scanner) (monthLine, error) {
		var l monthLine
		var seg int
		if err := s.Scan(&l.AntennaID, &l.AntennaName, &l.MissionID, &l.MissionTitle, &l.YearMonth, &seg, &l.Minutes); err != nil {
			return l, err
		}
		l.Month, _ = strconv.Atoi(l.YearMonth[5:])
		// The value is kept in thousandths of a cent until the line is rounded.
		if seg >= 0 {
			l.Value = Money(math.Round(float64(l.Minutes) * rates[seg].Cents() / 60 * 1000))
		} else {
			l.Value = -Money(l.Minutes) // marks the time without a rate
		}
		return l, nil
	})
	if err != nil {
		return nil, nil, 0, err
	}
	// A month of a mission may have hours at two rates: one line for both.
	var lines []monthLine
	var unvalued int64
	for _, c := range cells {
		if c.Value < 0 {
			unvalued += c.Minutes
			c.Value = 0
		}
		if n := len(lines); n > 0 && lines[n-1].MissionID == c.MissionID && lines[n-1].AntennaID == c.AntennaID && lines[n-1].YearMonth == c.YearMonth {
			lines[n-1].Minutes += c.Minutes
			lines[n-1].Value += c.Value
			continue
		}
		lines = append(lines, c)
	}
	for i := range lines {
		lines[i].Value = Money(math.Round(float64(lines[i].Value) / 1000))
	}
	return lines, rates, unvalued, nil
}

// YearValuation values the approved hours of the scope's antennas in a year:
// each hour at the rate in force on its day. Pending and declined hours are
// not counted, nor is staff time (it is not in volunteer_hours).
func YearValuation(ctx context.Context, d *db.DB, sc auth.Scope, year int) (*Valuation, error) {
	lines, rates, unvalued, err := monthLines(ctx, d, sc.Where, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1))
	if err != nil {
		return nil, err
	}
	v := &Valuation{Year: year, Rates: rates, Unvalued: unvalued}
	for _, l := range lines {
		v.Lines = append(v.Lines, l.Line)
	}
	for i := range v.Lines {
		l := &v.Lines[i]
		if n := len(v.Antennas); n == 0 || v.Antennas[n-1].AntennaID != l.AntennaID {
			v.Antennas = append(v.Antennas, Line{AntennaID: l.AntennaID, AntennaName: l.AntennaName})
		}
		if n := len(v.Missions); n == 0 || v.Missions[n-1].MissionID != l.MissionID || v.Missions[n-1].AntennaID != l.AntennaID {
			v.Missions = append(v.Missions, Line{AntennaID: l.AntennaID, AntennaName: l.AntennaName, MissionID: l.MissionID, MissionTitle: l.MissionTitle})
		}
		for _, s := range []*Line{&v.Antennas[len(v.Antennas)-1], &v.Missions[len(v.Missions)-1]} {
			s.Minutes += l.Minutes
			s.Value += l.Value
		}
		v.Months[l.Month-1].Minutes += l.Minutes
		v.Months[l.Month-1].Value += l.Value
		v.Total.Minutes += l.Minutes
		v.Total.Value += l.Value
	}
	return v, nil
}

// ValidYear is the year asked for when it is a plausible one, else this year.
func ValidYear(s string, now time.Time) int {
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > now.Year()+1 {
		return now.Year()
	}
	return y
}
