package volunteers

import (
	"context"
	"database/sql"

	"tremplin/internal/platform/db"
)

// dayKey is one antenna's mission on one day: a row of volunteer_hours_days.
type dayKey struct {
	antenna, mission int64
	day              string
}

// Recount brings the summary of one antenna's mission on one day
// (volunteer_hours_days) back in step with the approved rows of
// volunteer_hours, in the transaction that wrote them. The row is first
// created or locked, so that two transactions writing hours of the same day
// recount one after the other: the second one's count, a statement later,
// sees the first one's rows (PostgreSQL reads committed rows; SQLite has one
// writer at a time).
func Recount(ctx context.Context, tx *sql.Tx, antennaID, missionID int64, day string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_hours_days (antenna_id, mission_id, day, minutes) VALUES ($1, $2, $3, 0)
		ON CONFLICT (antenna_id, mission_id, day) DO UPDATE SET minutes = volunteer_hours_days.minutes`, antennaID, missionID, day); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE volunteer_hours_days SET minutes = (SELECT COALESCE(SUM(h.minutes), 0) FROM volunteer_hours h
		WHERE h.state = 'approved' AND h.antenna_id = $1 AND h.mission_id = $2 AND h.day = $3)
		WHERE antenna_id = $1 AND mission_id = $2 AND day = $3`, antennaID, missionID, day); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM volunteer_hours_days WHERE antenna_id = $1 AND mission_id = $2 AND day = $3 AND minutes = 0`,
		antennaID, missionID, day)
	return err
}

// writeHours runs a write on volunteer_hours that returns the antenna_id,
// mission_id and day of each row it makes, changes or removes (RETURNING),
// then recounts those days and the ones of before (the rows as they were
// before a write that may move them). It returns how many rows were written.
func writeHours(ctx context.Context, tx *sql.Tx, before []dayKey, query string, args ...any) (int, error) {
	keys, err := db.Collect[dayKey](tx.QueryContext(ctx, query, args...))(func(s db.Scanner) (dayKey, error) {
		var k dayKey
		err := s.Scan(&k.antenna, &k.mission, &k.day)
		return k, err
	})
	if err != nil {
		return 0, err
	}
	done := map[dayKey]bool{}
	for _, k := range append(before, keys...) {
		if done[k] {
			continue
		}
		done[k] = true
		if err := Recount(ctx, tx, k.antenna, k.mission, k.day); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// hoursKey is the antenna, mission and day of a row of volunteer_hours, for a
// write that may move it; none when there is no such row.
func hoursKey(ctx context.Context, tx *sql.Tx, id int64) ([]dayKey, error) {
	var k dayKey
	err := tx.QueryRowContext(ctx, "SELECT antenna_id, mission_id, day FROM volunteer_hours WHERE id = $1", id).Scan(&k.antenna, &k.mission, &k.day)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return []dayKey{k}, err
}

// RebuildSummaries makes volunteer_hours_days again from volunteer_hours: after
// rows of hours were loaded in bulk without Recount.
func RebuildSummaries(ctx context.Context, d *db.DB) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM volunteer_hours_days"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_hours_days (antenna_id, mission_id, day, minutes)
			SELECT antenna_id, mission_id, day, SUM(minutes) FROM volunteer_hours
			WHERE state = 'approved' GROUP BY antenna_id, mission_id, day`)
		return err
	})
}
