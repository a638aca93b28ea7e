package volunteers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// CECRule is the law's thresholds of the Compte d'engagement citoyen for the
// years from ValidFrom's (volunteer_cec_rules): hours a year in a leading or
// supervising role in all associations (TotalHours), of which in one
// (HereHours); months of civic service that count (CivicMonths); and the days of
// year N+1 ("MM-DD") by which the volunteer declares and the association
// confirms.
type CECRule struct {
	ValidFrom   string
	TotalHours  int
	HereHours   int
	CivicMonths int
	DeclareBy   string
	ConfirmBy   string
}

// CECRuleFor is the rule in force for year (on its last day).
func CECRuleFor(ctx context.Context, d *db.DB, year int) (CECRule, error) {
	var r CECRule
	err := d.QueryRowContext(ctx, `SELECT valid_from, total_hours, here_hours, civic_months, declare_by, confirm_by
		FROM volunteer_cec_rules WHERE valid_from <= $1 ORDER BY valid_from DESC LIMIT 1`, fmt.Sprintf("%04d-12-31", year)).
		Scan(&r.ValidFrom, &r.TotalHours, &r.HereHours, &r.CivicMonths, &r.DeclareBy, &r.ConfirmBy)
	return r, db.NotFound(err)
}

// Deadline is the last day the association may confirm year's engagement.
func (r CECRule) Deadline(year int) time.Time {
	t, _ := time.Parse(time.DateOnly, fmt.Sprintf("%04d-%s", year+1, r.ConfirmBy))
	return t
}

// DeclareDeadline is the last day the volunteer may declare year's engagement.
func (r CECRule) DeclareDeadline(year int) time.Time {
	t, _ := time.Parse(time.DateOnly, fmt.Sprintf("%04d-%s", year+1, r.DeclareBy))
	return t
}

// lasts reports whether a contract from start to end ("YYYY-MM-DD") lasts n
// months or more: its last day is at least the day before the same day n months
// later (31 August + 6 months is the end of February).
func lasts(start, end string, n int) bool {
	s, err1 := time.Parse(time.DateOnly, start)
	e, err2 := time.Parse(time.DateOnly, end)
	if err1 != nil || err2 != nil {
		return false
	}
	y, m, d := s.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	later := time.Date(first.Year(), first.Month(), min(d, first.AddDate(0, 1, -1).Day()), 0, 0, 0, 0, time.UTC)
	return !e.Before(later.AddDate(0, 0, -1))
}

// CECEntry is a volunteer who may reach the Compte d'engagement citoyen for a
// year: their approved hours on leading or supervising missions here, their
// civic-service contract ending that year if any, and the association's
// confirmation once given.
type CECEntry struct {
	VolunteerID    int64
	Name           string
	AntennaName    string
	LeadingMinutes int64
	CivicFrom      string // the civic-service contract, "" when none
	CivicTo        string
	// Civic: the contract lasts the months the law asks.
	Civic bool
	// Leading: the hours here reach the law's threshold in one association.
	Leading bool
	// HereAll: the hours here alone reach the threshold in all associations.
	HereAll     bool
	Confirmed   bool
	ConfirmedBy string
	ConfirmedAt time.Time
	TotalHours  int // declared by the volunteer, in all associations
}

// Leading time here, for display.
func (e *CECEntry) LeadingTime() Duration { return Duration(e.LeadingMinutes) }

// CECPerPage bounds a page of the list.
const CECPerPage = 100

// cecEntries reads the scope's candidates for year: volunteers with at least
// the rule's hours in one association on leading missions here, or a
// civic-service contract ending in the year; volunteerID > 0 reads that one.
// Civic contracts shorter than the rule's months are dropped in Go (dates
// differ between the engines), so a page may hold a few less than the limit.
func cecEntries(ctx context.Context, d *db.DB, sc auth.Scope, rule CECRule, year int, volunteerID int64, offset int) ([]*CECEntry, bool, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1)
	args := db.Args{from, to, int64(rule.HereHours) * 60, year}
	where := sc.Where("v.antenna_id", &args)
	// The hours are narrowed to the scope's antennas before they are summed: a
	// manager's page reads their antennas' year, not the association's.
	hoursIn := sc.Where("h.antenna_id", &args)
	if volunteerID > 0 {
		where += " AND v.id = " + args.Add(volunteerID)
	}
	rows, err := db.Collect[*CECEntry](d.QueryContext(ctx, `SELECT v.id, v.first_name || ' ' || v.last_name, a.name,
		COALESCE(l.minutes, 0), COALESCE(c.starts_on, ''), COALESCE(c.ends_on, ''),
		k.volunteer_id IS NOT NULL, COALESCE(s.name, ''), COALESCE(k.confirmed_at, ''), COALESCE(k.total_hours, 0)
		FROM volunteers v JOIN antennas a ON a.id = v.antenna_id
		LEFT JOIN (SELECT h.volunteer_id, SUM(h.minutes) AS minutes FROM volunteer_hours h
			JOIN volunteer_missions m ON m.id = h.mission_id
			WHERE h.state = 'approved' AND m.supervising AND h.day >= $1 AND h.day < $2 AND `+hoursIn+`
			GROUP BY h.volunteer_id) l ON l.volunteer_id = v.id
		LEFT JOIN (SELECT volunteer_id, MIN(starts_on) AS starts_on, MAX(ends_on) AS ends_on FROM civic_contracts
			WHERE volunteer_id IS NOT NULL AND ends_on >= $1 AND ends_on < $2 GROUP BY volunteer_id) c ON c.volunteer_id = v.id
		LEFT JOIN volunteer_cec_confirmations k ON k.volunteer_id = v.id AND k.year = $4
		LEFT JOIN staff s ON s.id = k.confirmed_by
		WHERE (l.minutes >= $3 OR c.volunteer_id IS NOT NULL) AND `+where+`
		ORDER BY v.last_name, v.first_name, v.id LIMIT `+args.Add(CECPerPage+1)+" OFFSET "+args.Add(offset), args...))(func(s db.Scanner) (*CECEntry, error) {
		var e CECEntry
		var at string
		err := s.Scan(&e.VolunteerID, &e.Name, &e.AntennaName, &e.LeadingMinutes, &e.CivicFrom, &e.CivicTo,
			&e.Confirmed, &e.ConfirmedBy, &at, &e.TotalHours)
		if at != "" {
			e.ConfirmedAt = db.ParseTime(at)
		}
		return &e, err
	})
	if err != nil {
		return nil, false, err
	}
	more := len(rows) > CECPerPage
	rows = rows[:min(len(rows), CECPerPage)]
	out := rows[:0]
	for _, e := range rows {
		e.Leading = e.LeadingMinutes >= int64(rule.HereHours)*60
		e.HereAll = e.LeadingMinutes >= int64(rule.TotalHours)*60
		e.Civic = e.CivicFrom != "" && lasts(e.CivicFrom, e.CivicTo, rule.CivicMonths)
		if e.Leading || e.Civic {
			out = append(out, e)
		}
	}
	return out, more, nil
}

// CEC lists, a page at a time, the scope's volunteers who reach the Compte
// d'engagement citoyen's thresholds for year, as far as Tremplin knows: at
// least the rule's hours in one association on leading or supervising
// missions here (approved hours only), or a civic-service contract of the
// rule's months ending in the year.
func CEC(ctx context.Context, d *db.DB, sc auth.Scope, year, offset int) ([]*CECEntry, bool, error) {
	rule, err := CECRuleFor(ctx, d, year)
	if err != nil {
		return nil, false, err
	}
	return cecEntries(ctx, d, sc, rule, year, 0, offset)
}

// Why a confirmation is refused (catalog "volunteers.cec.refused.CODE").
var (
	ErrYearNotOver  = errors.New("year_not_over")
	ErrPastDeadline = errors.New("past_deadline")
	ErrBelow        = errors.New("below")
	ErrTotalLow     = errors.New("total_low")
	ErrConfirmed    = errors.New("confirmed")
)

// CECRefusal is the catalog key that explains err, "" for another error.
func CECRefusal(err error) string {
	for _, e := range []error{ErrYearNotOver, ErrPastDeadline, ErrBelow, ErrTotalLow, ErrConfirmed} {
		if errors.Is(err, e) {
			return "volunteers.cec.refused." + e.Error()
		}
	}
	return ""
}

// ConfirmCEC records that the association confirms a volunteer's engagement of
// year (who, when), from 1 January of the next year until the law's deadline
// (31 December of N+1), today being now's day in France. A volunteer in a
// leading role gives totalHours, the hours in all associations they declared:
// at least the law's total and at least the hours here. A civic-service
// volunteer qualifies by their contract alone. A volunteer out of the scope is
// db.ErrNotFound; a confirmation is given once (ErrConfirmed).
func ConfirmCEC(ctx context.Context, d *db.DB, sc auth.Scope, volunteerID int64, year, totalHours int, staffID int64, now time.Time) error {
	rule, err := CECRuleFor(ctx, d, year)
	if err != nil {
		return err
	}
	if paris, err := time.LoadLocation("Europe/Paris"); err == nil {
		now = now.In(paris)
	}
	today := now.Format(time.DateOnly)
	switch {
	case today < fmt.Sprintf("%04d-01-01", year+1):
		return ErrYearNotOver
	case today > rule.Deadline(year).Format(time.DateOnly):
		return ErrPastDeadline
	}
	list, _, err := cecEntries(ctx, d, sc, rule, year, volunteerID, 0)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		// In scope but below the thresholds, or out of reach.
		if _, err := InScope(ctx, d, sc, volunteerID); err != nil {
			return err
		}
		return ErrBelow
	}
	e := list[0]
	if e.Confirmed {
		return ErrConfirmed
	}
	if e.Civic {
		totalHours = max(totalHours, 0)
	} else if totalHours < rule.TotalHours || int64(totalHours)*60 < e.LeadingMinutes {
		return ErrTotalLow
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO volunteer_cec_confirmations (volunteer_id, year, total_hours, confirmed_by, confirmed_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (volunteer_id, year) DO NOTHING`, volunteerID, year, totalHours, db.NullID(staffID), db.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConfirmed
		}
		return nil
	})
}
