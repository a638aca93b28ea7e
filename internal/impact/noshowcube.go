package impact

import (
	"context"
	"database/sql"
	"fmt"

	"tremplin/internal/platform/db"
)

// The no-shows at appointments are counted like the rest (see cube.go): one
// derived row per appointment whose outcome is recorded (impact_appointments),
// and their counts per antenna and day (impact_noshow_days) and per antenna and
// month (impact_noshow_months), by adviser, kind, outcome and whether a reminder
// was sent. See migration 0065_impact_noshows.sql.

// derivedAppointments reads the derived row of the appointments with an outcome
// that match cond (on a): its UTC day, and whether a reminder of it was handed to
// the provider (sent or delivered).
const derivedAppointments = `SELECT a.id AS appointment_id, a.antenna_id, substr(a.starts_at, 1, 10) AS day, a.staff_id, a.kind, a.outcome,
	CASE WHEN EXISTS (SELECT 1 FROM messages r WHERE r.ref_kind = 'appointment' AND r.ref_id = a.id
		AND r.kind = 'appointment_reminder' AND r.state IN ('sent', 'delivered')) THEN 1 ELSE 0 END AS reminded
	FROM appointments a WHERE a.outcome <> '' AND `

const derivedColumns = "appointment_id, antenna_id, day, staff_id, kind, outcome, reminded"

// changedAppointments lists the appointments whose derived row may have changed
// since the last refresh ($1, see watermark.bind): every write to an appointment
// stamps updated_at, and a reminder's state (queued, sent, delivered, failed)
// stamps the message's. A new appointment has no outcome yet: it counts once one
// is recorded, which stamps it.
const changedAppointments = `SELECT id FROM appointments WHERE updated_at >= $1
	UNION SELECT ref_id FROM messages WHERE kind = 'appointment_reminder' AND updated_at >= $1 AND ref_kind = 'appointment'`

// noshowStale is the part of stale about appointments.
const noshowStale = `EXISTS (SELECT 1 FROM appointments WHERE updated_at >= $1)
	OR EXISTS (SELECT 1 FROM messages WHERE kind = 'appointment_reminder' AND updated_at >= $1)`

const noshowKey = "antenna_id, staff_id, kind, outcome, reminded"

const noshowCols = "x.antenna_id, x.staff_id, x.kind, x.outcome, x.reminded"

// noshowDays counts the derived rows into impact_noshow_days: those of the
// antenna days of impact_noshow_dirty, or with cond (on x.day) those of every
// antenna on the days matching it.
func noshowDays(cond string) string {
	// The day first: so written, SQLite looks each dirty day up in the index.
	from := " FROM impact_appointments x WHERE (x.day, x.antenna_id) IN (SELECT day, antenna_id FROM impact_noshow_dirty)"
	if cond != "" {
		from = " FROM impact_appointments x WHERE true" + cond
	}
	return "INSERT INTO impact_noshow_days (day, " + noshowKey + ", n) SELECT x.day, " + noshowCols + ", COUNT(*)" + from +
		" GROUP BY x.day, " + noshowCols
}

// noshowMonths sums days into impact_noshow_months: those of the antenna months
// of impact_noshow_dirty, or with cond (on x.day) those of the days matching it.
func noshowMonths(cond string) string {
	from := ` FROM impact_noshow_days x JOIN (SELECT DISTINCT antenna_id, substr(day, 1, 7) AS month FROM impact_noshow_dirty) dm
		ON dm.antenna_id = x.antenna_id AND x.day >= dm.month AND x.day < (dm.month || '-32') WHERE true`
	if cond != "" {
		from = " FROM impact_noshow_days x WHERE true" + cond
	}
	return "INSERT INTO impact_noshow_months (month, " + noshowKey + ", n) SELECT substr(x.day, 1, 7), " + noshowCols +
		", SUM(x.n)" + from + " GROUP BY substr(x.day, 1, 7), " + noshowCols
}

// refreshNoShows derives again, in the refresh's transaction, the rows of the
// appointments changed since w, and sums again the counters of every antenna day
// they counted on before or count on now, and of their months.
func refreshNoShows(ctx context.Context, tx *sql.Tx, w watermark) error {
	const changed = "appointment_id IN (SELECT appointment_id FROM impact_noshow_changed)"
	dirty := "INSERT INTO impact_noshow_dirty (antenna_id, day) SELECT DISTINCT antenna_id, day FROM impact_appointments WHERE " +
		changed + " ON CONFLICT DO NOTHING"
	for _, q := range []string{
		"DELETE FROM impact_noshow_changed",
		"DELETE FROM impact_noshow_dirty",
		w.bind("INSERT INTO impact_noshow_changed (appointment_id) SELECT id FROM (" + changedAppointments + ") u WHERE true ON CONFLICT DO NOTHING"),
		// The days they counted on, their rows derived again, the days they count on now.
		dirty,
		"DELETE FROM impact_appointments WHERE " + changed,
		"INSERT INTO impact_appointments (" + derivedColumns + ") " + derivedAppointments + "a.id IN (SELECT appointment_id FROM impact_noshow_changed)",
		dirty,
		"DELETE FROM impact_noshow_days WHERE (day, antenna_id) IN (SELECT day, antenna_id FROM impact_noshow_dirty)",
		noshowDays(""),
		"DELETE FROM impact_noshow_months WHERE (month, antenna_id) IN (SELECT DISTINCT substr(day, 1, 7), antenna_id FROM impact_noshow_dirty)",
		noshowMonths(""),
		"DELETE FROM impact_noshow_changed",
		"DELETE FROM impact_noshow_dirty",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("impact refresh: no-shows: %w", err)
		}
	}
	return nil
}

// rebuildNoShows derives every appointment's row again, reading a chunk of
// appointments outside any write transaction and writing it in a short one, then
// counts them per day and month half a year per statement (the counters were
// emptied by rebuild).
func rebuildNoShows(ctx context.Context, d *db.DB) error {
	type row struct {
		id, antenna, staff int64
		day, kind, outcome string
		reminded           int
	}
	for last := int64(0); ; {
		rows, err := db.Collect[row](d.QueryContext(ctx, derivedAppointments+"a.id > $1 ORDER BY a.id LIMIT $2", last, rebuildChunk))(
			func(r db.Scanner) (row, error) {
				var a row
				return a, r.Scan(&a.id, &a.antenna, &a.day, &a.staff, &a.kind, &a.outcome, &a.reminded)
			})
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			b := db.NewBatch(ctx, tx, "impact_appointments", "appointment_id", "antenna_id", "day", "staff_id", "kind", "outcome", "reminded")
			for _, a := range rows {
				if err := b.Add(a.id, a.antenna, a.day, a.staff, a.kind, a.outcome, a.reminded); err != nil {
					return err
				}
			}
			return b.Flush()
		})
		if err != nil {
			return err
		}
		last = rows[len(rows)-1].id
	}
	var first, last string
	if err := d.QueryRowContext(ctx, "SELECT COALESCE(MIN(day), ''), COALESCE(MAX(day), '') FROM impact_appointments").Scan(&first, &last); err != nil {
		return err
	}
	return halfYears(first, last, func(part string) error {
		if _, err := d.Exec(ctx, noshowDays(part)); err != nil {
			return fmt.Errorf("impact rebuild: no-shows: %w", err)
		}
		if _, err := d.Exec(ctx, noshowMonths(part)); err != nil {
			return fmt.Errorf("impact rebuild: no-shows: %w", err)
		}
		return nil
	})
}
