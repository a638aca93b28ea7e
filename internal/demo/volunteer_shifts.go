package demo

import (
	"context"
	"database/sql"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
	"tremplin/internal/volunteers"
)

// demoVolunteer is a volunteer of the demo association, found by phone (the
// volunteers' sign-up demo may have made them) and made when absent.
type demoVolunteer struct {
	antenna, first, last, phone, lang string
	skills                            []string
	// honourability: "" none, "valid", or "expired" (the one the issue asks
	// for: flagged, and kept from shifts with minors).
	honourability string
}

var shiftVolunteers = []demoVolunteer{
	{"Lille", "Nadia", "Belkacem", "+33612000101", "ar", []string{"workshop", "mentoring", "interpreting"}, "valid"},
	{"Lille", "Thomas", "Lefebvre", "+33612000102", "fr", []string{"repair", "workshop"}, ""},
	{"Lille", "Claire", "Vasseur", "+33612000103", "fr", []string{"mentoring", "workshop"}, "expired"},
	{"Paris – Île-de-France", "Julien", "Moreau", "+33612000104", "fr", []string{"workshop", "admin"}, ""},
	{"Paris – Île-de-France", "Leila", "Karimi", "+33612000105", "en", []string{"workshop", "interpreting"}, ""},
}

// demoMission is a mission with its weekly fixed shifts (weekday, start, hours)
// or, when weekday is -1, one ongoing shift.
type demoMission struct {
	antenna, title, description string
	skills                      []string
	vulnerable, supervising     bool
	weekday                     time.Weekday
	start                       string
	hours, capacity             int
	place                       string
}

var demoMissions = []demoMission{
	{"Lille", "Aide à l'atelier numérique du mardi", "Accompagner les apprenants pendant l'atelier : souris, courriels, démarches en ligne.",
		[]string{"workshop"}, false, false, time.Tuesday, "14:00", 3, 3, "La Grappe – tiers-lieu"},
	{"Lille", "Aide aux devoirs numériques", "Aider des collégiens à utiliser l'environnement numérique de leur collège.",
		[]string{"mentoring"}, true, true, time.Wednesday, "14:00", 2, 2, "Centre social des Moulins"},
	{"Lille", "Réparation d'ordinateurs à domicile", "Remettre en état les ordinateurs donnés, chez soi, à son rythme.",
		[]string{"repair"}, false, false, -1, "", 0, 6, ""},
	{"Paris – Île-de-France", "Accueil et démarches en ligne", "Accueillir et aider aux démarches (CAF, France Travail, ANTS).",
		[]string{"workshop"}, false, false, time.Thursday, "09:30", 3, 2, "Salle Belleville"},
}

// seedVolunteerShifts gives the demo association missions, shifts next week in
// Lille and Paris, and past shifts over the last three months with their hours
// approved (the last week's waiting for approval).
func seedVolunteerShifts(ctx context.Context, d *db.DB) error {
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteer_missions").Scan(&n); err != nil || n > 0 {
		return err
	}
	now := time.Now()
	all := auth.Scope{All: true}
	byAntenna := map[string][]*volunteers.Volunteer{}
	for _, dv := range shiftVolunteers {
		var antenna int64
		var tz string
		if err := d.QueryRowContext(ctx, "SELECT id, timezone FROM antennas WHERE name = $1", dv.antenna).Scan(&antenna, &tz); err != nil {
			return db.NotFound(err)
		}
		var id int64
		err := d.QueryRowContext(ctx, "SELECT id FROM volunteers WHERE phone = $1", dv.phone).Scan(&id)
		if err != nil {
			if id, err = d.InsertID(ctx, `INSERT INTO volunteers (antenna_id, first_name, last_name, phone, lang, state, validated_at, created_at)
				VALUES ($1, $2, $3, $4, $5, 'active', $6, $6) RETURNING id`, antenna, dv.first, dv.last, dv.phone, dv.lang,
				db.FormatTime(now.AddDate(0, -6, 0))); err != nil {
				return err
			}
			for _, s := range dv.skills {
				if _, err := d.Exec(ctx, "INSERT INTO volunteer_skills (volunteer_id, skill) VALUES ($1, $2) ON CONFLICT DO NOTHING", id, s); err != nil {
					return err
				}
			}
			charter := now.AddDate(0, -6, 0)
			if _, err := d.Exec(ctx, `INSERT INTO volunteer_requirements (volunteer_id, kind, version, done_on, created_at)
				VALUES ($1, 'charter', '2026-01', $2, $3)`, id, charter.Format(time.DateOnly), db.FormatTime(charter)); err != nil {
				return err
			}
			if dv.honourability != "" {
				seen := now.AddDate(-1, 0, 0)
				expires := now.AddDate(2, 0, 0)
				if dv.honourability == "expired" {
					seen, expires = now.AddDate(-3, -1, 0), now.AddDate(0, -1, 0)
				}
				if _, err := d.Exec(ctx, `INSERT INTO volunteer_requirements (volunteer_id, kind, done_on, expires_on, created_at)
					VALUES ($1, 'honourability', $2, $3, $4)`, id, seen.Format(time.DateOnly), expires.Format(time.DateOnly), db.FormatTime(seen)); err != nil {
					return err
				}
			}
		}
		v, err := volunteers.Get(ctx, d, id)
		if err != nil {
			return err
		}
		byAntenna[dv.antenna] = append(byAntenna[dv.antenna], v)
	}
	for _, dm := range demoMissions {
		var antenna int64
		var tz string
		if err := d.QueryRowContext(ctx, "SELECT id, timezone FROM antennas WHERE name = $1", dm.antenna).Scan(&antenna, &tz); err != nil {
			return db.NotFound(err)
		}
		loc := training.Location(tz)
		m := &volunteers.Mission{AntennaID: antenna, Title: dm.title, Description: dm.description, Skills: dm.skills,
			Vulnerable: dm.vulnerable, Leading: dm.supervising, Active: true}
		if err := volunteers.SaveMission(ctx, d, all, m); err != nil {
			return err
		}
		var place int64
		if dm.place != "" {
			d.QueryRowContext(ctx, "SELECT id FROM places WHERE name = $1 AND antenna_id = $2", dm.place, antenna).Scan(&place)
		}
		if dm.weekday < 0 {
			start := now.In(loc).AddDate(0, -2, 0)
			if _, err := volunteers.AddShifts(ctx, d, all, 0, &volunteers.Shift{MissionID: m.ID, Kind: volunteers.Ongoing,
				StartsAt: start, Capacity: dm.capacity, CancelHours: 24}, 1); err != nil {
				return err
			}
			continue
		}
		// The first such weekday of next week, then back twelve weeks for the past.
		today := now.In(loc)
		monday := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 7-(int(today.Weekday())+6)%7)
		clock, _ := time.Parse("15:04", dm.start)
		day := monday.AddDate(0, 0, (int(dm.weekday)+6)%7)
		next := time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
		first := next.AddDate(0, 0, -7*12)
		ids, err := volunteers.AddShifts(ctx, d, all, 0, &volunteers.Shift{MissionID: m.ID, Kind: volunteers.Fixed, StartsAt: first,
			EndsAt: first.Add(time.Duration(dm.hours) * time.Hour), Capacity: dm.capacity, PlaceID: place, CancelHours: 24}, 12+6)
		if err != nil {
			return err
		}
		for i, id := range ids {
			when := first.AddDate(0, 0, 7*i)
			for j, v := range byAntenna[dm.antenna] {
				// Not everyone every week, within the capacity; none with an expired
				// check on a shift with minors.
				if (i+j)%3 == 2 || j >= dm.capacity+1 {
					continue
				}
				if when.After(now) {
					// Next week's first shift is left less than half full, for the staff's alert.
					if i > 12 || j > 0 {
						continue
					}
					if _, err := volunteers.SignUp(ctx, d, v, id, false, now); err != nil {
						continue // skills, requirements or overlap: the rules apply to the demo too
					}
					continue
				}
				if err := volunteers.Fits(ctx, d, v, &volunteers.Shift{AntennaID: antenna, MissionID: m.ID, State: "open", Kind: volunteers.Ongoing,
					StartsAt: when, Vulnerable: dm.vulnerable}, when); err != nil {
					continue
				}
				signed := db.FormatTime(when.AddDate(0, 0, -5))
				if _, err := d.Exec(ctx, `INSERT INTO volunteer_signups (shift_id, volunteer_id, state, created_at, updated_at)
					VALUES ($1, $2, 'coming', $3, $3)`, id, v.ID, signed); err != nil {
					return err
				}
				state, decided := "approved", any(db.FormatTime(when.AddDate(0, 0, 2)))
				if when.After(now.AddDate(0, 0, -7)) {
					state, decided = "pending", nil
				}
				// The valuation's summary of the day follows, in the same transaction.
				if err := d.Tx(ctx, func(tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_hours (volunteer_id, antenna_id, mission_id, shift_id, day, minutes, state, decided_at, created_at)
						VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, v.ID, antenna, m.ID, id, when.Format(time.DateOnly), dm.hours*60, state, decided,
						db.FormatTime(when.Add(time.Duration(dm.hours)*time.Hour))); err != nil {
						return err
					}
					return volunteers.Recount(ctx, tx, antenna, m.ID, when.Format(time.DateOnly))
				}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
