package impact

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/partners"
	"tremplin/internal/platform/db"
)

// Filter chooses what the figures cover: a period of calendar days (both
// included), antennas (nil: every antenna the caller may see, already resolved by
// the handler) and programmes (nil: all).
type Filter struct {
	From, To   time.Time
	Antennas   []int64
	Programmes []int64
}

// Rate is a share: Num out of Den.
type Rate struct{ Num, Den int64 }

// Percent is the share in percent, rounded to one decimal; 0 when Den is 0.
func (r Rate) Percent() float64 {
	if r.Den == 0 {
		return 0
	}
	return round1(float64(r.Num) * 100 / float64(r.Den))
}

// Known reports whether the share has a denominator.
func (r Rate) Known() bool { return r.Den > 0 }

func round1(x float64) float64 {
	if x < 0 {
		return -round1(-x)
	}
	return float64(int64(x*10+0.5)) / 10
}

// Counts are the path figures of a group of people. How each is counted (the
// "how we count" section of the pages says the same):
//
//   - Registered: files created in the period (merged duplicates not counted).
//   - Positioned: people whose first positioning test was taken in the period.
//   - Enrolled: people whose first seat in a cohort (enrolment "enrolled", not
//     waitlisted nor withdrawn) is in a cohort starting in the period.
//   - Completed, Certified, Dropped: exits recorded with a date in the period.
//
// Each person counts at most once in each figure, on one day of their path, so
// that the figures of two periods add up.
type Counts struct {
	Registered, Positioned, Enrolled, Completed, Certified, Dropped int64
}

// Exits are the people who left training in the period, whatever the outcome.
func (c Counts) Exits() int64 { return c.Completed + c.Certified + c.Dropped }

// CompletionRate is the share of exits that are completed or certified.
func (c Counts) CompletionRate() Rate {
	return Rate{c.Completed + c.Certified, c.Exits()}
}

func (c Counts) get(fig int) int64 {
	return [...]int64{c.Registered, c.Positioned, c.Enrolled, c.Completed, c.Certified, c.Dropped}[fig]
}

func (c Counts) minus(o Counts) Counts {
	return Counts{c.Registered - o.Registered, c.Positioned - o.Positioned, c.Enrolled - o.Enrolled,
		c.Completed - o.Completed, c.Certified - o.Certified, c.Dropped - o.Dropped}
}

func countsOf(cs *counters, dim int) Counts {
	return Counts{cs[col(figRegistered, dim)], cs[col(figPositioned, dim)], cs[col(figEnrolled, dim)],
		cs[col(figCompleted, dim)], cs[col(figCertified, dim)], cs[col(figDropped, dim)]}
}

// Training is what was taught: hours and attendance, and outcomes after exit.
//
//   - LearnerMinutes: for each meeting held in the period, its length times the
//     people marked present or late (hours of training delivered = this / 60).
//   - MarksAttended / MarksTotal: marks present or late, out of every mark
//     (present, late, absent, excused) at meetings in the period: attendance rate.
//   - FollowUpsRecorded / PositiveExits: the +6-month follow-ups due in the
//     period and recorded, and those whose situation is employment (CDI, CDD,
//     temporary work, business creation) or qualifying training.
type Training struct {
	LearnerMinutes, MarksAttended, MarksTotal, FollowUpsRecorded, PositiveExits int64
}

// Hours are the hours of training delivered, to one decimal.
func (t Training) Hours() float64 { return round1(float64(t.LearnerMinutes) / 60) }

// AttendanceRate is present-or-late marks out of all marks.
func (t Training) AttendanceRate() Rate { return Rate{t.MarksAttended, t.MarksTotal} }

// PositiveRate is positive exits at +6 months out of follow-ups recorded.
func (t Training) PositiveRate() Rate { return Rate{t.PositiveExits, t.FollowUpsRecorded} }

// Absences are the marks of the period's sessions again, to tell whether
// reminders help people come: every mark, the absences (not excused), and the same
// two counts among the people who were sent a reminder of that session.
type Absences struct {
	Marks, Absent, RemindedMarks, RemindedAbsent int64
}

// Rate is the share of absences among the marks.
func (a Absences) Rate() Rate { return Rate{a.Absent, a.Marks} }

// RateReminded and RateNot are that share with and without a reminder sent.
func (a Absences) RateReminded() Rate { return Rate{a.RemindedAbsent, a.RemindedMarks} }

func (a Absences) RateNot() Rate {
	return Rate{a.Absent - a.RemindedAbsent, a.Marks - a.RemindedMarks}
}

func absencesOf(cs *counters) Absences {
	return Absences{cs[colAllMarks], cs[colAbsMarks], cs[colRemMarks], cs[colRemAbs]}
}

func trainingOf(cs *counters) Training {
	return Training{cs[colAttMinutes], cs[colAttMarks], cs[colAllMarks], cs[colM6Done], cs[colM6Positive]}
}

// Group is one line of a breakdown: a catalog key or a name, and its figures.
type Group struct {
	Key      string // catalog key, or "" when Name is a proper name
	Name     string
	Counts   Counts
	Training Training
	Absences Absences
}

// Figures are everything a dashboard or a report shows, computed once: every
// format renders this one value, so the numbers cannot differ between them.
type Figures struct {
	Filter      Filter
	Counts      Counts
	Training    Training
	Absences    Absences
	BySituation []Group // a person in several situations counts in each
	ByBand      []Group
	ByGender    []Group // the optional answer; the last group is the people who did not give it
	ByProgramme []Group // enrolments and exits by the programme of the cohort
	ByLevel     []Group
	// Partners is the referral funnel per partner organisation: the people it
	// referred in the period to the chosen antennas (every programme), each
	// counted as far as they have gone since.
	Partners []*partners.Figures
}

// programmeInfo is a programme's title and level, for the breakdowns.
type programmeInfo struct {
	ID    int64
	Title string
	Level string
}

// Levels of the programmes, in order (training.Levels).
var Levels = []string{"debutant", "intermediaire", "avance", "certifiant"}

func programmes(ctx context.Context, d *db.DB) ([]programmeInfo, error) {
	rows, err := d.QueryContext(ctx, `SELECT id, title, level FROM programmes ORDER BY CASE level WHEN 'debutant' THEN 1
		WHEN 'intermediaire' THEN 2 WHEN 'avance' THEN 3 ELSE 4 END, title`)
	return db.Collect[programmeInfo](rows, err)(func(r db.Scanner) (programmeInfo, error) {
		var p programmeInfo
		return p, r.Scan(&p.ID, &p.Title, &p.Level)
	})
}

// span is a range of rows of impact_days (days) or impact_months (months), both ends included.
type span struct {
	months   bool
	from, to string
}

// spans covers [from, to] with whole months where it can and days at the edges.
func spans(from, to time.Time) []span {
	var out []span
	cur := from
	for !cur.After(to) {
		monthEnd := cur.AddDate(0, 1, -cur.Day()+1).AddDate(0, 0, -1)
		if cur.Day() == 1 && !monthEnd.After(to) {
			// Whole months from cur on.
			last := monthEnd
			for {
				next := last.AddDate(0, 0, 1).AddDate(0, 1, -1)
				if next.After(to) {
					break
				}
				last = next
			}
			out = append(out, span{true, cur.Format("2006-01"), last.Format("2006-01")})
			cur = last.AddDate(0, 0, 1)
			continue
		}
		end := monthEnd
		if end.After(to) {
			end = to
		}
		out = append(out, span{false, cur.Format(time.DateOnly), end.Format(time.DateOnly)})
		cur = end.AddDate(0, 0, 1)
	}
	return out
}

// Compute brings the counters up to date and sums them for f.
func Compute(ctx context.Context, d *db.DB, f Filter) (*Figures, error) {
	if err := Refresh(ctx, d); err != nil {
		return nil, err
	}
	return read(ctx, d, f)
}

func read(ctx context.Context, d *db.DB, f Filter) (*Figures, error) {
	byProgramme := map[int64]*counters{}
	for _, s := range spans(f.From, f.To) {
		table, key := "impact_days", "day"
		if s.months {
			table, key = "impact_months", "month"
		}
		// Literals rather than parameters (dates and ids of our own making), so that
		// PostgreSQL plans each period and antenna choice for what it is.
		q := "SELECT programme_id, " + sumColumns() + " FROM " + table + " WHERE " + key + " >= '" + s.from + "' AND " + key + " <= '" + s.to + "'"
		if f.Antennas != nil {
			q += " AND antenna_id IN (" + idList(f.Antennas) + ")"
		} else {
			q += " AND antenna_id = 0" // the association's totals
		}
		if f.Programmes != nil {
			q += " AND programme_id IN (0, " + idList(f.Programmes) + ")"
		}
		err := db.Each(d.QueryContext(ctx, q+" GROUP BY programme_id"))(func(row db.Scanner) error {
			var id int64
			var c counters
			if err := row.Scan(append([]any{&id}, c.scanArgs()...)...); err != nil {
				return err
			}
			if byProgramme[id] == nil {
				byProgramme[id] = &counters{}
			}
			byProgramme[id].add(&c)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	var total counters
	for _, c := range byProgramme {
		total.add(c)
	}
	fig := &Figures{Filter: f, Counts: countsOf(&total, 0), Training: trainingOf(&total), Absences: absencesOf(&total)}
	for s, code := range Situations {
		fig.BySituation = append(fig.BySituation, Group{Key: "impact.situation." + code, Counts: countsOf(&total, sitDim(s))})
	}
	for b, code := range Bands {
		fig.ByBand = append(fig.ByBand, Group{Key: "impact.band." + code, Counts: countsOf(&total, bandDim(b))})
	}
	notGiven := countsOf(&total, 0)
	for g, code := range Genders {
		c := countsOf(&total, genderDim(g))
		fig.ByGender = append(fig.ByGender, Group{Key: "impact.gender." + code, Counts: c})
		notGiven = notGiven.minus(c)
	}
	fig.ByGender = append(fig.ByGender, Group{Key: "impact.gender.not_given", Counts: notGiven})
	progs, err := programmes(ctx, d)
	if err != nil {
		return nil, err
	}
	levels := map[string]*counters{}
	for _, p := range progs {
		c := byProgramme[p.ID]
		if c == nil || (f.Programmes != nil && !slices.Contains(f.Programmes, p.ID)) {
			continue
		}
		fig.ByProgramme = append(fig.ByProgramme, Group{Name: p.Title, Counts: countsOf(c, 0), Training: trainingOf(c), Absences: absencesOf(c)})
		if levels[p.Level] == nil {
			levels[p.Level] = &counters{}
		}
		levels[p.Level].add(c)
	}
	for _, l := range Levels {
		if c := levels[l]; c != nil {
			fig.ByLevel = append(fig.ByLevel, Group{Key: "impact.level." + l, Counts: countsOf(c, 0), Training: trainingOf(c)})
		}
	}
	if fig.Partners, err = funnel(ctx, d, f); err != nil {
		return nil, err
	}
	return fig, nil
}

// idList writes ids for an IN list; NULL (matching nothing) when there are none.
func idList(ids []int64) string {
	if len(ids) == 0 {
		return "NULL"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(out, ", ")
}
