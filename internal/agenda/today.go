package agenda

import (
	"context"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

// AppointmentsToday counts, up to limit, st's appointments still booked on the
// day of now in their antenna's time zone (the first of theirs, as on their
// agenda), in their antennas: the home page's line that leads to the agenda.
func AppointmentsToday(ctx context.Context, d *db.DB, st *auth.Staff, now time.Time, limit int) (int, error) {
	var tz string
	err := d.QueryRowContext(ctx, `SELECT timezone FROM antennas WHERE id IN (SELECT antenna_id FROM staff_antennas WHERE staff_id = $1)
		OR NOT EXISTS (SELECT 1 FROM staff_antennas WHERE staff_id = $1) ORDER BY id LIMIT 1`, st.ID).Scan(&tz)
	if err != nil {
		return 0, db.NotFound(err)
	}
	day := midnight(now.In(training.Location(tz)))
	next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, day.Location())
	args := db.Args{st.ID, db.FormatTime(day), db.FormatTime(next)}
	return d.CountAtMost(ctx, `SELECT 1 FROM appointments a WHERE a.staff_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3
		AND a.state = 'booked' AND `+st.Scope().Where("a.antenna_id", &args), limit, args...)
}
