package demo

import (
	"context"
	"time"

	"tremplin/internal/appointments"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

// demoAppointment is an interview of the demo association, days from today.
type demoAppointment struct {
	first, last, adviser string
	kind, mode, place    string
	days                 int    // from today; negative for the past
	at                   string // local time
	bookedDaysAgo        int
	outcome              string
}

// Tomorrow's were booked days ago, so that their 48-hour reminders are due as the
// demo starts: a newcomer sees them go out in the log within the first minute
// (SMS wait for 08:00 at night; emails do not).
var demoAppointments = []demoAppointment{
	{"Amina", "Haddad", "karim.lille@tremplin.example", "first_contact", "place", "Centre social des Moulins", 1, "10:00", 4, ""},
	{"Yonas", "Tesfaye", "julie.lille@tremplin.example", "positioning", "place", "La Grappe – tiers-lieu", 1, "14:30", 5, ""},
	{"Fatima Zahra", "El Amrani", "karim.lille@tremplin.example", "follow_up", "phone", "", 2, "11:00", 3, ""},
	{"Kevin", "Lemaire", "karim.lille@tremplin.example", "first_contact", "place", "La Grappe – tiers-lieu", -2, "09:30", 6, "no_show"},
	{"Mohammed", "Al-Rashid", "thomas.lille@tremplin.example", "positioning", "place", "La Grappe – tiers-lieu", -1, "15:00", 5, "came"},
}

func seedAppointments(ctx context.Context, d *db.DB) error {
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM appointments").Scan(&n); err != nil || n > 0 {
		return err
	}
	all := auth.Scope{All: true}
	now := time.Now()
	for _, da := range demoAppointments {
		var learner, antenna int64
		var tz string
		err := d.QueryRowContext(ctx, `SELECT l.id, l.antenna_id, a.timezone FROM learners l JOIN antennas a ON a.id = l.antenna_id
			WHERE l.first_name = $1 AND l.last_name = $2 AND l.merged_into IS NULL ORDER BY l.id LIMIT 1`, da.first, da.last).Scan(&learner, &antenna, &tz)
		if err != nil {
			continue // a demo person the learners' seed left out
		}
		st, err := auth.ByEmail(ctx, d, da.adviser)
		if err != nil {
			return err
		}
		loc := training.Location(tz)
		day := now.In(loc).AddDate(0, 0, da.days)
		clock, _ := time.Parse("15:04", da.at)
		start := time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
		a := &appointments.Appointment{AntennaID: antenna, LearnerID: learner, StaffID: st.ID, Kind: da.kind, Mode: da.mode,
			StartsAt: start, EndsAt: start.Add(45 * time.Minute), CreatedAt: now.AddDate(0, 0, -da.bookedDaysAgo)}
		if da.place != "" {
			places, err := org.Places(ctx, d, all, antenna)
			if err != nil {
				return err
			}
			for _, p := range places {
				if p.Name == da.place {
					a.PlaceID = p.ID
				}
			}
		}
		if err := appointments.Save(ctx, d, a, st.ID); err != nil {
			return err
		}
		if da.outcome != "" {
			if err := appointments.SetOutcome(ctx, d, a.ID, da.outcome); err != nil {
				return err
			}
		}
	}
	return nil
}
