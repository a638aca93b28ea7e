package impact

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/db"
)

// person is one row of impact_people: the day of each counted step of a person's
// path, and what the breakdowns need.
//
//   - registered: the day the file was created (UTC); merged duplicates have no row;
//   - positioned: the day of the person's first positioning test;
//   - enrolled, enrolledProg: the start day and programme of the first cohort in
//     which the person holds a seat (enrolment state "enrolled", not waitlisted,
//     offered nor withdrawn), by start day then cohort;
//   - exited, outcome, exitProg: the recorded exit (completed, certified or
//     dropped, with its day) and the programme of the person's last cohort with a seat;
//   - m6Due, m6: the +6-month follow-up's due day; 1 when it was recorded, 2 when
//     the situation then was a positive exit.
type person struct {
	id, antenna             int64
	band, sits              int
	gender                  int // 0 not given, else 1 + its place in Genders
	registered, positioned  string
	enrolled                string
	enrolledProg            int64
	exited, outcome         string
	exitProg                int64
	m6Due                   string
	m6                      int
	firstStart, lastStart   string // of the cohorts with a seat, with their ids
	firstCohort, lastCohort int64
	firstProg, lastProg     int64
	hasSeat                 bool
	exitedOn, status        string
}

// bandOf is the age band of someone born in birthYear, registered in year.
func bandOf(year, birthYear int) int {
	age := year - birthYear
	switch {
	case birthYear <= 0 || age < 0:
		return 7
	case age < 12:
		return 0
	case age < 18:
		return 1
	case age < 25:
		return 2
	case age < 40:
		return 3
	case age < 60:
		return 4
	case age < 70:
		return 5
	}
	return 6
}

func sitsOf(codes string) int {
	bits := 0
	for code := range strings.SplitSeq(codes, ",") {
		if i := slices.Index(Situations, code); i >= 0 {
			bits |= 1 << i
		}
	}
	return bits
}

// derivePeople reads from the packages' tables the people whose learner id matches
// only: an SQL condition on "{id}" ("true" for everyone).
func derivePeople(ctx context.Context, q db.Execer, only string) ([]*person, error) {
	out, err := db.Collect[*person](q.QueryContext(ctx, `SELECT id, antenna_id, birth_year, situations, created_at, status, exited_on, gender FROM learners
		WHERE merged_into IS NULL AND `+strings.ReplaceAll(only, "{id}", "id")))(func(row db.Scanner) (*person, error) {
		p := &person{}
		var birth int
		var sits, created, gender string
		if err := row.Scan(&p.id, &p.antenna, &birth, &sits, &created, &p.status, &p.exitedOn, &gender); err != nil {
			return nil, err
		}
		p.registered = created[:min(10, len(created))]
		year, _ := strconv.Atoi(created[:min(4, len(created))])
		p.band, p.sits, p.gender = bandOf(year, birth), sitsOf(sits), slices.Index(Genders, gender)+1
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*person{}
	for _, p := range out {
		byID[p.id] = p
	}
	learner := strings.ReplaceAll(only, "{id}", "learner_id")
	err = db.Each(q.QueryContext(ctx, `SELECT learner_id, MIN(taken_at) FROM positioning_tests WHERE `+learner+` GROUP BY learner_id`))(func(r db.Scanner) error {
		var id int64
		var at string
		if err := r.Scan(&id, &at); err != nil {
			return err
		}
		if p := byID[id]; p != nil {
			p.positioned = at[:min(10, len(at))]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.Each(q.QueryContext(ctx, `SELECT e.learner_id, c.starts_on, c.id, c.programme_id FROM enrolments e JOIN cohorts c ON c.id = e.cohort_id
		WHERE e.state = 'enrolled' AND `+strings.ReplaceAll(only, "{id}", "e.learner_id")))(func(r db.Scanner) error {
		var id, cohort, prog int64
		var starts string
		if err := r.Scan(&id, &starts, &cohort, &prog); err != nil {
			return err
		}
		p := byID[id]
		if p == nil {
			return nil
		}
		if !p.hasSeat || starts < p.firstStart || (starts == p.firstStart && cohort < p.firstCohort) {
			p.firstStart, p.firstCohort, p.firstProg = starts, cohort, prog
		}
		if !p.hasSeat || starts > p.lastStart || (starts == p.lastStart && cohort > p.lastCohort) {
			p.lastStart, p.lastCohort, p.lastProg = starts, cohort, prog
		}
		p.hasSeat = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = db.Each(q.QueryContext(ctx, `SELECT learner_id, due_on, situation, recorded_at FROM learner_followups WHERE milestone = 'm6' AND `+learner))(func(r db.Scanner) error {
		var id int64
		var due, situation, recorded string
		if err := r.Scan(&id, &due, &situation, &recorded); err != nil {
			return err
		}
		if p := byID[id]; p != nil {
			p.m6Due = due
			switch {
			case recorded == "":
			case slices.Contains(PositiveSituations, situation):
				p.m6 = 2
			default:
				p.m6 = 1
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range out {
		if p.hasSeat {
			p.enrolled, p.enrolledProg = p.firstStart, p.firstProg
		}
		if (p.status == "completed" || p.status == "certified" || p.status == "dropped") && p.exitedOn != "" {
			p.exited, p.outcome = p.exitedOn, p.status
			if p.hasSeat {
				p.exitProg = p.lastProg
			}
		}
	}
	// An anonymised person counts as they did the day before: their file no
	// longer says their birth year nor their situations.
	err = db.Each(q.QueryContext(ctx, `SELECT `+personColumns+` FROM impact_frozen WHERE `+learner))(func(r db.Scanner) error {
		f, err := scanPerson(r)
		if err != nil {
			return err
		}
		if p := byID[f.id]; p != nil {
			*p = *f
		}
		return nil
	})
	return out, err
}

// personColumns are the columns of impact_people and impact_frozen, in
// scanPerson's order.
const personColumns = `learner_id, antenna_id, band, sits, gender, registered_on, positioned_on, enrolled_on, enrolled_programme,
	exited_on, outcome, exit_programme, m6_due, m6`

func scanPerson(r db.Scanner) (*person, error) {
	p := &person{}
	return p, r.Scan(&p.id, &p.antenna, &p.band, &p.sits, &p.gender, &p.registered, &p.positioned, &p.enrolled, &p.enrolledProg,
		&p.exited, &p.outcome, &p.exitProg, &p.m6Due, &p.m6)
}

// Freeze keeps, within tx, the statistics' row of learners about to be
// anonymised, as derived from their files now: from then on the counters read
// it instead of the file, so that the dashboards' figures do not change when
// the names, the birth year and the situations go, even after a full rebuild.
// Freezing again keeps the first row.
func Freeze(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.FormatInt(id, 10)
	}
	people, err := derivePeople(ctx, tx, "{id} IN ("+strings.Join(list, ", ")+")")
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM impact_frozen WHERE learner_id IN ("+strings.Join(list, ", ")+")"); err != nil {
		return err
	}
	b := db.NewBatch(ctx, tx, "impact_frozen", strings.Fields(strings.ReplaceAll(personColumns, ",", " "))...)
	for _, p := range people {
		if err := b.Add(p.id, p.antenna, p.band, p.sits, p.gender, p.registered, p.positioned, p.enrolled, p.enrolledProg, p.exited, p.outcome,
			p.exitProg, p.m6Due, p.m6); err != nil {
			return err
		}
	}
	return b.Flush()
}

func savePeople(ctx context.Context, tx *sql.Tx, people []*person) error {
	b := db.NewBatch(ctx, tx, "impact_people", "learner_id", "antenna_id", "band", "sits", "gender", "registered_on", "positioned_on", "enrolled_on",
		"enrolled_programme", "exited_on", "outcome", "exit_programme", "m6_due", "m6")
	for _, p := range people {
		if err := b.Add(p.id, p.antenna, p.band, p.sits, p.gender, p.registered, p.positioned, p.enrolled, p.enrolledProg, p.exited, p.outcome,
			p.exitProg, p.m6Due, p.m6); err != nil {
			return err
		}
	}
	return b.Flush()
}

// dayKey is one row of impact_days.
type dayKey struct {
	antenna int64
	day     string
	prog    int64
}

type cube map[dayKey]*counters

func (c cube) at(antenna int64, day string, prog int64) *counters {
	k := dayKey{antenna, day, prog}
	cs := c[k]
	if cs == nil {
		cs = &counters{}
		c[k] = cs
	}
	return cs
}

// count adds one person to a figure on a day: in all, their band, their
// situations, their gender when given.
func (c cube) count(antenna int64, day string, prog int64, fig int, p *person) {
	if day == "" {
		return
	}
	cs := c.at(antenna, day, prog)
	cs[col(fig, 0)]++
	cs[col(fig, bandDim(p.band))]++
	for s := range Situations {
		if p.sits&(1<<s) != 0 {
			cs[col(fig, sitDim(s))]++
		}
	}
	if p.gender > 0 {
		cs[col(fig, genderDim(p.gender-1))]++
	}
}

// addPerson counts a person on each day of their path; keep says which days
// (nil: all).
func (c cube) addPerson(p *person, keep func(antenna int64, day string) bool) {
	ok := func(day string) bool { return day != "" && (keep == nil || keep(p.antenna, day)) }
	if ok(p.registered) {
		c.count(p.antenna, p.registered, 0, figRegistered, p)
	}
	if ok(p.positioned) {
		c.count(p.antenna, p.positioned, 0, figPositioned, p)
	}
	if ok(p.enrolled) {
		c.count(p.antenna, p.enrolled, p.enrolledProg, figEnrolled, p)
	}
	if ok(p.exited) {
		fig := map[string]int{"completed": figCompleted, "certified": figCertified, "dropped": figDropped}[p.outcome]
		c.count(p.antenna, p.exited, p.exitProg, fig, p)
	}
	if ok(p.m6Due) && p.m6 > 0 {
		cs := c.at(p.antenna, p.m6Due, p.exitProg)
		cs[colM6Done]++
		if p.m6 == 2 {
			cs[colM6Positive]++
		}
	}
}

// minutesBetween is a meeting's length from its stored times.
func minutesBetween(start, end string) int64 {
	s, e := db.ParseTime(start), db.ParseTime(end)
	if s.IsZero() || e.Before(s) {
		return 0
	}
	return int64(e.Sub(s) / time.Minute)
}

// addMarks adds the attendance of meetings, counted per meeting by the query
// (antenna, starts_at, ends_at, programme, then the sums of marksSums).
func (c cube) addMarks(ctx context.Context, q db.Execer, query string, args ...any) error {
	return db.Each(q.QueryContext(ctx, query, args...))(func(row db.Scanner) error {
		var antenna, prog, att, all, abs int64
		var start, end string
		if err := row.Scan(&antenna, &start, &end, &prog, &att, &all, &abs); err != nil {
			return err
		}
		cs := c.at(antenna, start[:min(10, len(start))], prog)
		cs[colAttMinutes] += att * minutesBetween(start, end)
		cs[colAttMarks] += att
		cs[colAllMarks] += all
		cs[colAbsMarks] += abs
		return nil
	})
}

// addReminded adds, per meeting, the marks of the people who were sent a
// reminder of it and their absences (antenna, starts_at, programme, marks,
// absences).
func (c cube) addReminded(ctx context.Context, q db.Execer, query string) error {
	return db.Each(q.QueryContext(ctx, query))(func(row db.Scanner) error {
		var antenna, prog, rem, remAbs int64
		var start string
		if err := row.Scan(&antenna, &start, &prog, &rem, &remAbs); err != nil {
			return err
		}
		cs := c.at(antenna, start[:min(10, len(start))], prog)
		cs[colRemMarks] += rem
		cs[colRemAbs] += remAbs
		return nil
	})
}

// marksSums are, per meeting: marks present or late, every mark, absences.
const marksSums = `SUM(CASE WHEN a.mark IN ('present', 'late') THEN 1 ELSE 0 END) AS att, COUNT(*) AS n,
	SUM(CASE WHEN a.mark = 'absent' THEN 1 ELSE 0 END) AS abs`

// reminded are the people sent a reminder of a meeting (handed to the provider:
// sent or delivered), one row per meeting and person. Read from the messages
// towards the marks: reminders are far fewer than the marks (36 million at a
// national scale), each found by the marks' key.
const reminded = `(SELECT DISTINCT ref_id AS meeting_id, learner_id FROM messages
	WHERE ref_kind = 'meeting' AND kind = 'meeting_reminder' AND state IN ('sent', 'delivered'))`

// remindedSums are, per meeting, the marks of the people reminded and their absences.
const remindedSums = `COUNT(*), SUM(CASE WHEN a.mark = 'absent' THEN 1 ELSE 0 END)`

// countedMark is the condition for a mark (attendance a, meeting m) to count: the
// meeting stands (a cancelled one counts no hours), and the mark was made on or
// after the day it started (UTC). A roll call opens shortly before the start
// (attendance.RollCallMargin); marks made days ahead, before that rule, never count.
// The same rule as the training package's hours attended.
const countedMark = `m.cancelled_at = '' AND substr(a.marked_at, 1, 10) >= substr(m.starts_at, 1, 10)`

// allMarks counts every meeting's marks.
const allMarks = `SELECT c.antenna_id, m.starts_at, m.ends_at, c.programme_id, a.att, a.n, a.abs
	FROM (SELECT a.meeting_id, ` + marksSums + ` FROM attendance a JOIN meetings m ON m.id = a.meeting_id
		WHERE ` + countedMark + ` GROUP BY a.meeting_id) a
	JOIN meetings m ON m.id = a.meeting_id JOIN cohorts c ON c.id = m.cohort_id`

// dirtyMarks counts the marks of the meetings on the antenna days of impact_dirty.
const dirtyMarks = `SELECT c.antenna_id, m.starts_at, m.ends_at, c.programme_id, ` + marksSums + `
	FROM impact_dirty d JOIN cohorts c ON c.antenna_id = d.antenna_id
	JOIN meetings m ON m.cohort_id = c.id AND m.starts_at >= d.day AND m.starts_at < (d.day || 'U')
	JOIN attendance a ON a.meeting_id = m.id
	WHERE ` + countedMark + `
	GROUP BY m.id, c.antenna_id, m.starts_at, m.ends_at, c.programme_id`

// allReminded counts every meeting's marks of people reminded.
const allReminded = `SELECT c.antenna_id, m.starts_at, c.programme_id, ` + remindedSums + `
	FROM ` + reminded + ` r JOIN attendance a ON a.meeting_id = r.meeting_id AND a.learner_id = r.learner_id
	JOIN meetings m ON m.id = a.meeting_id JOIN cohorts c ON c.id = m.cohort_id
	WHERE ` + countedMark + `
	GROUP BY m.id, c.antenna_id, m.starts_at, c.programme_id`

// dirtyReminded counts them for the meetings on the antenna days of
// impact_dirty: few marks, each looked up among its meeting's messages.
const dirtyReminded = `SELECT c.antenna_id, m.starts_at, c.programme_id,
	SUM(CASE WHEN ` + wasReminded + ` THEN 1 ELSE 0 END), SUM(CASE WHEN a.mark = 'absent' AND ` + wasReminded + ` THEN 1 ELSE 0 END)
	FROM impact_dirty d JOIN cohorts c ON c.antenna_id = d.antenna_id
	JOIN meetings m ON m.cohort_id = c.id AND m.starts_at >= d.day AND m.starts_at < (d.day || 'U')
	JOIN attendance a ON a.meeting_id = m.id
	WHERE ` + countedMark + `
	GROUP BY m.id, c.antenna_id, m.starts_at, c.programme_id`

// wasReminded is whether the person of mark a was sent a reminder of its meeting.
const wasReminded = `EXISTS (SELECT 1 FROM messages r WHERE r.ref_kind = 'meeting' AND r.ref_id = a.meeting_id
	AND r.learner_id = a.learner_id AND r.kind = 'meeting_reminder' AND r.state IN ('sent', 'delivered'))`

// dirtyPeople reads back, from impact_people, the people counted on a dirty
// antenna day (by any of their days).
func dirtyPeople(ctx context.Context, q db.Execer) ([]*person, error) {
	var parts []string
	for _, c := range []string{"registered_on", "positioned_on", "enrolled_on", "exited_on", "m6_due"} {
		parts = append(parts, "SELECT p.learner_id FROM impact_people p JOIN impact_dirty d ON d.antenna_id = p.antenna_id AND d.day = p."+c)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+personColumns+` FROM impact_people WHERE learner_id IN (`+strings.Join(parts, " UNION ")+`)`)
	return db.Collect[*person](rows, err)(scanPerson)
}

func saveDays(ctx context.Context, tx *sql.Tx, c cube) error {
	cols := append([]string{"antenna_id", "day", "programme_id"}, columns...)
	b := db.NewBatch(ctx, tx, "impact_days", cols...)
	b.PerStatement(500)
	vals := make([]any, 0, len(cols))
	for k, cs := range c {
		vals = append(vals[:0], k.antenna, k.day, k.prog)
		for _, v := range cs {
			vals = append(vals, v)
		}
		if err := b.Add(vals...); err != nil {
			return err
		}
	}
	return b.Flush()
}
