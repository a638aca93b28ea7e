package civic

import "time"

// The law's limits of a civic-service mission (Code du service national,
// L120-1 and following). They are the definition of the scheme, not amounts a
// board changes, hence constants; the indemnity's amounts are dated parameters.
const (
	MinAge          = 16
	MaxAge          = 25 // up to the day before the 26th birthday
	MaxAgeDisabled  = 30 // with a recognised disability
	AdultAge        = 18
	MinMonths       = 6
	MaxMonths       = 12
	MinWeeklyHours  = 24
	MaxWeeklyHours  = 48
	MaxMinorHours   = 35
	MaxDaysPerWeek  = 6
	TrainingMonths  = 3 // at least half of the civic training within the first months
	FuturePlansDue  = 3 // the future-plans interview by this month of the mission
	TutorEveryMonth = 1 // a tutor meeting each month
)

// Age is how old someone born on birth is on day (whole years).
func Age(birth, day time.Time) int {
	y := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		y--
	}
	return y
}

// Eligibility says why someone born on birth may not start a mission on start,
// as a catalog key, or "" when they may: 16 to 25, up to 30 with a recognised
// disability, and a minor only when the offer is open to minors.
func Eligibility(birth, start time.Time, disability, minorsOK bool) string {
	age := Age(birth, start)
	switch {
	case age < MinAge:
		return "civic.apply.too_young"
	case age < AdultAge && !minorsOK:
		return "civic.apply.adults_only"
	case age > MaxAgeDisabled:
		return "civic.apply.too_old"
	case age > MaxAge && !disability:
		return "civic.apply.too_old_unless_disability"
	}
	return ""
}

// addMonths is the same day n months later, kept within the month (31 January
// + 1 month is 28 or 29 February, not 3 March).
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}

// MissionEnd is the last day of a mission of n months starting on start.
func MissionEnd(start time.Time, n int) time.Time { return addMonths(start, n).AddDate(0, 0, -1) }

// Terms are what a contract's checks read.
type Terms struct {
	Start, End  time.Time
	WeeklyHours int
	Days        int
	Birth       time.Time
}

// Check returns the contract's wrong fields, each with its catalog key: 6 to 12
// months, 24 to 48 hours a week (35 at most for a minor at the start), over at
// most 6 days.
func (t Terms) Check() map[string]string {
	bad := map[string]string{}
	if t.End.Before(MissionEnd(t.Start, MinMonths)) {
		bad["ends_on"] = "civic.contract.too_short"
	} else if t.End.After(MissionEnd(t.Start, MaxMonths)) {
		bad["ends_on"] = "civic.contract.too_long"
	}
	minor := Age(t.Birth, t.Start) < AdultAge
	switch {
	case t.WeeklyHours < MinWeeklyHours || t.WeeklyHours > MaxWeeklyHours:
		bad["weekly_hours"] = "civic.contract.hours_range"
	case minor && t.WeeklyHours > MaxMinorHours:
		bad["weekly_hours"] = "civic.contract.hours_minor"
	}
	if t.Days < 1 || t.Days > MaxDaysPerWeek {
		bad["days_per_week"] = "civic.contract.days_range"
	}
	return bad
}

// Due is one obligation to generate.
type Due struct {
	Kind string
	On   time.Time
}

// Schedule is what a contract from start to end obliges, with due dates: the
// theory module of the civic training within the first 3 months (at least half
// of the training), PSC1 first aid before the end, a tutor meeting each month,
// the future-plans interview by month 3, and the end-of-mission review and
// certificate on the last day.
func Schedule(start, end time.Time) []Due {
	early := addMonths(start, TrainingMonths).AddDate(0, 0, -1)
	if early.After(end) {
		early = end
	}
	out := []Due{{"theory", early}, {"future_plans", minDate(addMonths(start, FuturePlansDue).AddDate(0, 0, -1), end)}, {"psc1", end}}
	for m := TutorEveryMonth; ; m += TutorEveryMonth {
		d := addMonths(start, m).AddDate(0, 0, -1)
		if d.After(end) {
			break
		}
		out = append(out, Due{"tutor_meeting", d})
	}
	out = append(out, Due{"review", end}, Due{"certificate", end})
	return out
}

func minDate(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Running is how many of the periods are running at once at their busiest
// moment within [from, to]. The busiest moment is from or one of the periods'
// starts, so only those days are counted.
func Running(periods [][2]time.Time, from, to time.Time) int {
	points := []time.Time{from}
	for _, p := range periods {
		if p[0].After(from) && !p[0].After(to) {
			points = append(points, p[0])
		}
	}
	most := 0
	for _, day := range points {
		n := 0
		for _, p := range periods {
			if !p[0].After(day) && !p[1].Before(day) {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}
