package impact

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"tremplin/internal/platform/db"
)

// The figures are sums of counters kept per antenna, day and programme
// (impact_days) and per antenna, month and programme (impact_months), derived from
// one row per person (impact_people). Every figure about a person is dated by a
// single day of their path, so that counters add up over any period without
// counting anyone twice. See migration 0008_impact.sql.

// Bands are the age bands of French digital-mediation reporting (DOMAIN.md), age
// being the year of registration minus the year of birth; "undisclosed" when the
// year of birth is missing or impossible.
var Bands = []string{"under_12", "12_17", "18_24", "25_39", "40_59", "60_69", "70_plus", "undisclosed"}

// Situations are the registration's situation codes (learners.SituationCodes), in
// the order of the bits of impact_people.sits. A person may have several.
var Situations = []string{"rsa", "young_unqualified", "qpv", "job_seeker", "asylum", "other"}

// Genders are the answers to the registration's optional question
// (learners.Genders); a person who did not answer counts in none of them.
var Genders = []string{"woman", "man", "other"}

// PositiveSituations are the follow-up situations that make a positive exit:
// employment of any kind or qualifying training (DOMAIN.md).
var PositiveSituations = []string{"cdi", "cdd_long", "cdd_short", "temp", "business", "training"}

// figure codes: the steps of a path that are counted, in column order.
const (
	figRegistered = iota
	figPositioned
	figEnrolled
	figCompleted
	figCertified
	figDropped
	nFigures
)

var figurePrefix = [nFigures]string{"reg", "pos", "enr", "cmp", "cer", "drp"}

// Per figure: all, by band, by situation, by gender.
const perFigure = 1 + 8 + 6 + 3

// Counter columns after the figures.
const (
	colM6Done = nFigures*perFigure + iota
	colM6Positive
	colAttMinutes
	colAttMarks
	colAllMarks
	colAbsMarks
	colRemMarks
	colRemAbs
	nColumns
)

// counters is one row of impact_days or impact_months, or a sum of them.
type counters [nColumns]int64

func col(fig, dim int) int { return fig*perFigure + dim }

// dims within a figure: 0 all, 1+b band b, 9+s situation s, 15+g gender g.
func bandDim(b int) int   { return 1 + b }
func sitDim(s int) int    { return 1 + len(Bands) + s }
func genderDim(g int) int { return 1 + len(Bands) + len(Situations) + g }

var columns = func() []string {
	var out []string
	for _, p := range figurePrefix {
		out = append(out, p+"_all")
		for b := range Bands {
			out = append(out, fmt.Sprintf("%s_b%d", p, b))
		}
		for s := range Situations {
			out = append(out, fmt.Sprintf("%s_s%d", p, s))
		}
		for g := range Genders {
			out = append(out, fmt.Sprintf("%s_g%d", p, g))
		}
	}
	return append(out, "m6_done", "m6_pos", "att_minutes", "att_marks", "all_marks", "abs_marks", "rem_marks", "rem_abs")
}()

var columnList = strings.Join(columns, ", ")

func (c *counters) add(o *counters) {
	for i := range c {
		c[i] += o[i]
	}
}

func (c *counters) scanArgs() []any {
	out := make([]any, nColumns)
	for i := range c {
		out[i] = &c[i]
	}
	return out
}

// sumColumns sums every counter (0 rather than NULL when no row matches).
func sumColumns() string {
	var b strings.Builder
	for i, c := range columns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "COALESCE(SUM(%s), 0)", c)
	}
	return b.String()
}

// monthsSelect sums days into months: with dirty, only the months of
// impact_dirty; else those of the days matching cond (on x.day).
func monthsSelect(dirty bool, cond string) string {
	q := "SELECT x.antenna_id, substr(x.day, 1, 7), x.programme_id, " + sumColumns() + " FROM impact_days x"
	if dirty {
		q += ` JOIN (SELECT DISTINCT antenna_id, substr(day, 1, 7) AS month FROM impact_dirty) dm
			ON dm.antenna_id = x.antenna_id AND x.day >= dm.month AND x.day < (dm.month || '-32')`
	}
	return q + " WHERE true" + cond + " GROUP BY x.antenna_id, substr(x.day, 1, 7), x.programme_id"
}

// nationalDays writes the association's totals per day and programme, as the
// rows of antenna 0, from the antennas' rows of the days matching cond (on x.day).
// The whole association's dashboard reads them: a few rows a day rather than one
// per antenna, which kept a period cut within months near 300 ms on SQLite.
func nationalDays(cond string) string {
	return "INSERT INTO impact_days (antenna_id, day, programme_id, " + columnList + ") SELECT 0, x.day, x.programme_id, " +
		sumColumns() + " FROM impact_days x WHERE x.antenna_id <> 0" + cond + " GROUP BY x.day, x.programme_id"
}

// --- Keeping the counters up to date ----------------------------------------

// lookBack is how far before the last refresh changes are looked for again: a
// transaction still open when it ran may commit rows stamped a little earlier.
const lookBack = 2 * time.Minute

type watermark struct {
	since                    string
	learner, enrolment, test int64
}

func (w watermark) from() string {
	if w.since == "" {
		return ""
	}
	return db.FormatTime(db.ParseTime(w.since).Add(-lookBack))
}

// bind writes the watermark into a query in place of $1 (the time) and $2–$4
// (the ids), as literals. With parameters, PostgreSQL soon reuses a generic plan
// that cannot know how recent $1 is, and scans whole tables (36 million marks)
// to find the few rows changed; these are values of our own making (a formatted
// time and numbers), safe to write into the text.
func (w watermark) bind(query string) string {
	from := w.from()
	if strings.Trim(from, "0123456789-:TZ") != "" {
		panic("impact: unexpected watermark " + from)
	}
	return strings.NewReplacer("$1", "'"+from+"'", "$2", strconv.FormatInt(w.learner, 10),
		"$3", strconv.FormatInt(w.enrolment, 10), "$4", strconv.FormatInt(w.test, 10)).Replace(query)
}

// changedPeople lists the people whose derived row may have changed since the
// last refresh ($1: its time less lookBack; $2–$4: the largest ids it saw): files
// updated or created, enrolments changed (or their cohort edited), positioning
// tests taken, follow-ups recorded. Every write path of the packages stamps these
// columns with the time of the change; rows inserted with a date in the past
// (imports, the demo) are found by their ids.
const changedPeople = `
	SELECT id FROM learners WHERE updated_at >= $1
	UNION SELECT id FROM learners WHERE id > $2
	UNION SELECT learner_id FROM enrolments WHERE updated_at >= $1
	UNION SELECT learner_id FROM enrolments WHERE id > $3
	UNION SELECT e.learner_id FROM cohorts c JOIN enrolments e ON e.cohort_id = c.id WHERE c.updated_at >= $1
	UNION SELECT learner_id FROM positioning_tests WHERE taken_at >= $1
	UNION SELECT learner_id FROM positioning_tests WHERE id > $4
	UNION SELECT learner_id FROM learner_followups WHERE recorded_at >= $1 AND recorded_at <> ''`

// changedMarks lists the antenna days whose attendance was marked since the last
// refresh, or whose cohort was edited (its programme may have changed).
const changedMarks = `
	SELECT DISTINCT c.antenna_id, substr(m.starts_at, 1, 10) FROM attendance a
		JOIN meetings m ON m.id = a.meeting_id JOIN cohorts c ON c.id = m.cohort_id WHERE a.marked_at >= $1
	UNION SELECT c.antenna_id, substr(m.starts_at, 1, 10) FROM cohorts c JOIN meetings m ON m.cohort_id = c.id
		WHERE c.updated_at >= $1`

func readWatermark(ctx context.Context, q db.Execer, lock bool) (watermark, error) {
	var w watermark
	query := "SELECT since, learner_id, enrolment_id, test_id FROM impact_refresh WHERE id = 1"
	if lock {
		// Locks the row on PostgreSQL (SQLite's write transaction is already exclusive).
		query = "UPDATE impact_refresh SET id = id WHERE id = 1 RETURNING since, learner_id, enrolment_id, test_id"
	}
	err := q.QueryRowContext(ctx, query).Scan(&w.since, &w.learner, &w.enrolment, &w.test)
	return w, err
}

// stale reports whether anything may have changed since w, with reads only: most
// dashboards find nothing to do and take no write lock.
func stale(ctx context.Context, d *db.DB, w watermark) (bool, error) {
	if w.since == "" {
		return true, nil
	}
	var n int
	err := d.QueryRowContext(ctx, w.bind(`SELECT CASE WHEN
		EXISTS (SELECT 1 FROM learners WHERE updated_at >= $1) OR EXISTS (SELECT 1 FROM learners WHERE id > $2)
		OR EXISTS (SELECT 1 FROM enrolments WHERE updated_at >= $1) OR EXISTS (SELECT 1 FROM enrolments WHERE id > $3)
		OR EXISTS (SELECT 1 FROM cohorts WHERE updated_at >= $1)
		OR EXISTS (SELECT 1 FROM positioning_tests WHERE taken_at >= $1) OR EXISTS (SELECT 1 FROM positioning_tests WHERE id > $4)
		OR EXISTS (SELECT 1 FROM learner_followups WHERE recorded_at >= $1 AND recorded_at <> '')
		OR EXISTS (SELECT 1 FROM attendance WHERE marked_at >= $1)
		OR EXISTS (SELECT 1 FROM referral_people WHERE updated_at >= $1)
		OR `+noshowStale+`
		THEN 1 ELSE 0 END`)).Scan(&n)
	return n > 0, err
}

// Refresh brings the counters up to date with what changed since the last refresh:
// the rows of the people concerned are derived again, and the counters of every
// antenna day they counted in (before or after the change), or whose attendance
// changed, are summed again. Dashboards call it before reading; it does nothing
// (and writes nothing) when nothing changed. The first refresh builds everything.
func Refresh(ctx context.Context, d *db.DB) error {
	w, err := readWatermark(ctx, d, false)
	if err != nil {
		return err
	}
	if ok, err := stale(ctx, d, w); err != nil || !ok {
		return err
	}
	if w.since == "" {
		return firstBuild(ctx, d)
	}
	return d.Tx(ctx, func(tx *sql.Tx) error {
		w, err := readWatermark(ctx, tx, true)
		if err != nil {
			return err
		}
		started := db.Now()
		next, err := maxIDs(ctx, tx)
		if err != nil {
			return err
		}
		var dirtyFromPeople string
		{
			var parts []string
			for _, c := range []string{"registered_on", "positioned_on", "enrolled_on", "exited_on", "m6_due"} {
				parts = append(parts, "SELECT antenna_id, "+c+" AS day FROM impact_people WHERE "+c+
					" <> '' AND learner_id IN (SELECT learner_id FROM impact_changed)")
			}
			dirtyFromPeople = "INSERT INTO impact_dirty (antenna_id, day) SELECT antenna_id, day FROM (" +
				strings.Join(parts, " UNION ") + ") u WHERE true ON CONFLICT DO NOTHING"
		}
		exec := func(query string, args ...any) error {
			_, err := tx.ExecContext(ctx, query, args...)
			return err
		}
		// The people concerned, and the antenna days they counted in before.
		for _, q := range []string{"DELETE FROM impact_changed", "DELETE FROM impact_dirty"} {
			if err := exec(q); err != nil {
				return err
			}
		}
		if err := exec(w.bind("INSERT INTO impact_changed (learner_id) SELECT id FROM (" + changedPeople + ") u WHERE true ON CONFLICT DO NOTHING")); err != nil {
			return fmt.Errorf("impact refresh: changes: %w", err)
		}
		if err := exec(dirtyFromPeople); err != nil {
			return err
		}
		// Their rows derived again, and the days they count in now.
		people, err := derivePeople(ctx, tx, "{id} IN (SELECT learner_id FROM impact_changed)")
		if err != nil {
			return fmt.Errorf("impact refresh: people: %w", err)
		}
		if err := exec("DELETE FROM impact_people WHERE learner_id IN (SELECT learner_id FROM impact_changed)"); err != nil {
			return err
		}
		if err := savePeople(ctx, tx, people); err != nil {
			return err
		}
		if err := exec(dirtyFromPeople); err != nil {
			return err
		}
		if err := refreshReferrals(ctx, tx, w); err != nil {
			return fmt.Errorf("impact refresh: referrals: %w", err)
		}
		if err := refreshNoShows(ctx, tx, w); err != nil {
			return err
		}
		if err := exec(w.bind("INSERT INTO impact_dirty (antenna_id, day) SELECT * FROM (" + changedMarks + ") u WHERE true ON CONFLICT DO NOTHING")); err != nil {
			return fmt.Errorf("impact refresh: marks: %w", err)
		}
		// Every dirty antenna day summed again from everyone counted on it.
		dirty := map[dayKey]bool{}
		// Each closes the rows before the next statements on tx.
		err = db.Each(tx.QueryContext(ctx, "SELECT antenna_id, day FROM impact_dirty"))(func(row db.Scanner) error {
			var k dayKey
			if err := row.Scan(&k.antenna, &k.day); err != nil {
				return err
			}
			dirty[k] = true
			return nil
		})
		if err != nil {
			return err
		}
		counted, err := dirtyPeople(ctx, tx)
		if err != nil {
			return err
		}
		c := cube{}
		keep := func(antenna int64, day string) bool { return dirty[dayKey{antenna: antenna, day: day}] }
		for _, p := range counted {
			c.addPerson(p, keep)
		}
		if err := c.addReminded(ctx, tx, dirtyReminded); err != nil {
			return err
		}
		if err := c.addMarks(ctx, tx, dirtyMarks); err != nil {
			return err
		}
		for _, q := range []string{
			// The association's totals of every dirty day are summed again too.
			"INSERT INTO impact_dirty (antenna_id, day) SELECT DISTINCT 0, day FROM impact_dirty WHERE antenna_id <> 0 ON CONFLICT DO NOTHING",
			"DELETE FROM impact_days WHERE (antenna_id, day) IN (SELECT antenna_id, day FROM impact_dirty)",
		} {
			if err := exec(q); err != nil {
				return err
			}
		}
		if err := saveDays(ctx, tx, c); err != nil {
			return err
		}
		for _, q := range []string{
			nationalDays(" AND x.day IN (SELECT day FROM impact_dirty WHERE antenna_id = 0)"),
			"DELETE FROM impact_months WHERE (antenna_id, month) IN (SELECT DISTINCT antenna_id, substr(day, 1, 7) FROM impact_dirty)",
			"INSERT INTO impact_months (antenna_id, month, programme_id, " + columnList + ") " + monthsSelect(true, ""),
			"DELETE FROM impact_changed",
			"DELETE FROM impact_dirty",
		} {
			if err := exec(q); err != nil {
				return fmt.Errorf("impact refresh: %w", err)
			}
		}
		return exec("UPDATE impact_refresh SET since = $1, learner_id = $2, enrolment_id = $3, test_id = $4, refreshed_at = $5 WHERE id = 1",
			started, next.learner, next.enrolment, next.test, db.Now())
	})
}

// ErrBuilding is returned while the counters are built for the first time
// (minutes at a million people, after an upgrade) by another request or process:
// dashboards say so rather than wait.
var ErrBuilding = errors.New("impact: the counters are being built")

// buildWait is how long a dashboard waits for a build under way to end.
const buildWait = 3 * time.Second

// buildLock is the lock (db.TryLock) of the one process that builds: it dies
// with its holder, so that a process killed in the middle of a build leaves
// nothing that stops the next start from building at once.
const buildLock = "impact-build"

type shutdownKey struct{}

// WithShutdown returns ctx carrying stop, which ends when the process shuts
// down: a build started under it goes on when ctx itself ends (the page that
// started it was given up), but stops when stop ends, clearing its mark.
func WithShutdown(ctx, stop context.Context) context.Context {
	return context.WithValue(ctx, shutdownKey{}, stop)
}

// builds counts the builds under way in this process, for WaitBuilds.
var builds sync.WaitGroup

// WaitBuilds waits, until ctx ends, for the builds of this process to end: at
// shutdown, for those stopped by WithShutdown's stop to clear their mark before
// the database is closed.
func WaitBuilds(ctx context.Context) {
	done := make(chan struct{})
	go func() { builds.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// firstBuild builds every counter, unless a build is under way (it holds the
// build lock): then it waits a little for it, and returns ErrBuilding if it is
// not done.
func firstBuild(ctx context.Context, d *db.DB) error {
	unlock, ok, err := d.TryLock(ctx, buildLock)
	if err != nil {
		return err
	}
	if !ok {
		// Another one is building: wait for it a little.
		for deadline := time.Now().Add(buildWait); ; {
			var since string
			if err := d.QueryRowContext(ctx, "SELECT since FROM impact_refresh WHERE id = 1").Scan(&since); err != nil {
				return err
			}
			if since != "" {
				return Refresh(ctx, d)
			}
			if time.Now().After(deadline) {
				return ErrBuilding
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	var since string
	if err := d.QueryRowContext(ctx, "SELECT since FROM impact_refresh WHERE id = 1").Scan(&since); err != nil || since != "" {
		unlock()
		return err // or built by another just before
	}
	// The build goes on if the page that started it is given up or reaches its
	// deadline (the page then says the figures are being prepared), not if the
	// process shuts down.
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopped := func() bool { return false }
	if stop, ok := ctx.Value(shutdownKey{}).(context.Context); ok {
		stopped = context.AfterFunc(stop, cancel)
	}
	builds.Add(1)
	done := make(chan error, 1)
	go func() {
		defer builds.Done()
		defer unlock()
		defer cancel()
		defer stopped()
		// On failure Rebuild clears its mark: the next dashboard tries again at once.
		done <- Rebuild(bctx, d)
	}()
	wait, stopWaiting := context.WithCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		// Leave the page a second to say so.
		wait, stopWaiting = context.WithDeadline(ctx, deadline.Add(-time.Second))
	}
	defer stopWaiting()
	select {
	case err := <-done:
		return err
	case <-wait.Done():
		return ErrBuilding
	}
}

func maxIDs(ctx context.Context, q db.Execer) (watermark, error) {
	var w watermark
	err := q.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(id) FROM learners), 0),
		COALESCE((SELECT MAX(id) FROM enrolments), 0), COALESCE((SELECT MAX(id) FROM positioning_tests), 0)`).
		Scan(&w.learner, &w.enrolment, &w.test)
	return w, err
}

// Rebuild derives every person's row and every counter again from the packages'
// tables. The generator calls it after loading its data; Refresh the first time.
//
// It takes minutes at a million people, so it never holds the write lock for
// long: SQLite has one writer, and registrations, sign-ins and attendance must go
// on meanwhile. The counters are emptied in a short transaction that marks the
// build as under way (dashboards then say the figures are being prepared); the
// packages' tables are read outside any write transaction; the results are written
// in chunks of short transactions; a last one sums the association and the months
// and sets the watermark to the time the build started, so that whatever changed
// during the build is taken again by the next refresh.
func Rebuild(ctx context.Context, d *db.DB) error {
	err := rebuild(ctx, d)
	if err != nil {
		// Even when ctx ended (shutdown), but not for longer than a database that
		// does not answer deserves.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		d.Exec(cctx, "UPDATE impact_refresh SET building_at = '' WHERE id = 1")
	}
	return err
}

// rebuildChunk is how many rows one short transaction of a rebuild writes.
const rebuildChunk = 5_000

func rebuild(ctx context.Context, d *db.DB) error {
	started := db.Now()
	next, err := maxIDs(ctx, d)
	if err != nil {
		return err
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := readWatermark(ctx, tx, true); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM impact_people", "DELETE FROM impact_days", "DELETE FROM impact_months", "DELETE FROM impact_referrals",
			"DELETE FROM impact_appointments", "DELETE FROM impact_noshow_days", "DELETE FROM impact_noshow_months"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "UPDATE impact_refresh SET since = '', building_at = $1 WHERE id = 1", started)
		return err
	})
	if err != nil {
		return err
	}
	people, err := derivePeople(ctx, d, "true")
	if err != nil {
		return fmt.Errorf("impact rebuild: people: %w", err)
	}
	c := cube{}
	for _, p := range people {
		c.addPerson(p, nil)
	}
	if err := c.addMarks(ctx, d, allMarks); err != nil {
		return fmt.Errorf("impact rebuild: marks: %w", err)
	}
	if err := c.addReminded(ctx, d, allReminded); err != nil {
		return fmt.Errorf("impact rebuild: reminders: %w", err)
	}
	referrals, err := referralsOf(ctx, d, "true")
	if err != nil {
		return fmt.Errorf("impact rebuild: referrals: %w", err)
	}
	chunks := func(n int, write func(tx *sql.Tx, lo, hi int) error) error {
		for lo := 0; lo < n; lo += rebuildChunk {
			hi := min(lo+rebuildChunk, n)
			if err := d.Tx(ctx, func(tx *sql.Tx) error { return write(tx, lo, hi) }); err != nil {
				return err
			}
		}
		return nil
	}
	if err := chunks(len(people), func(tx *sql.Tx, lo, hi int) error { return savePeople(ctx, tx, people[lo:hi]) }); err != nil {
		return err
	}
	keys := slices.Collect(maps.Keys(c))
	if err := chunks(len(keys), func(tx *sql.Tx, lo, hi int) error {
		part := cube{}
		for _, k := range keys[lo:hi] {
			part[k] = c[k]
		}
		return saveDays(ctx, tx, part)
	}); err != nil {
		return err
	}
	if err := chunks(len(referrals), func(tx *sql.Tx, lo, hi int) error { return saveReferrals(ctx, tx, referrals[lo:hi]) }); err != nil {
		return err
	}
	// The association's days, then the months, half a year per statement.
	var first, last string
	if err := d.QueryRowContext(ctx, "SELECT COALESCE(MIN(day), ''), COALESCE(MAX(day), '') FROM impact_days").Scan(&first, &last); err != nil {
		return err
	}
	err = halfYears(first, last, func(part string) error {
		if _, err := d.Exec(ctx, nationalDays(part)); err != nil {
			return fmt.Errorf("impact rebuild: association: %w", err)
		}
		if _, err := d.Exec(ctx, "INSERT INTO impact_months (antenna_id, month, programme_id, "+columnList+") "+monthsSelect(false, part)); err != nil {
			return fmt.Errorf("impact rebuild: months: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := rebuildNoShows(ctx, d); err != nil {
		return err
	}
	_, err = d.Exec(ctx, `UPDATE impact_refresh SET since = $1, learner_id = $2, enrolment_id = $3, test_id = $4, refreshed_at = $5,
		building_at = '' WHERE id = 1`, started, next.learner, next.enrolment, next.test, db.Now())
	return err
}

// halfYears calls fn with a condition on x.day for each half year from the
// year of first to that of last ('YYYY-MM-DD'; none when first is empty), so
// that a rebuild sums its counters in statements of bounded length.
func halfYears(first, last string, fn func(cond string) error) error {
	if first == "" {
		return nil
	}
	y0, _ := strconv.Atoi(first[:4])
	y1, _ := strconv.Atoi(last[:4])
	for y := y0; y <= y1; y++ {
		for half := range 2 {
			if err := fn(fmt.Sprintf(" AND x.day >= '%04d-%02d' AND x.day < '%04d-%02d'", y, 1+6*half, y+half, 7-6*half)); err != nil {
				return err
			}
		}
	}
	return nil
}
