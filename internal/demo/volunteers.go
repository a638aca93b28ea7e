package demo

import (
	"context"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/volunteers"
)

// demoVolunteers are the demo association's volunteers: a few active ones with
// their skills and languages, one waiting to be validated, and one whose check of
// honourability has expired (checkMonthsAgo: when it was seen, 0 for none).
var demoVolunteers = []struct {
	antenna, first, last, phone, email, lang, state string
	skills, languages                               []string
	availability                                    string
	checkMonthsAgo                                  int
}{
	{"Lille", "Fatima", "Benali", "+33698765401", "fatima.benali@example.org", "fr", "active",
		[]string{"mentoring", "interpreting"}, []string{"ar"}, "Le mardi et le jeudi après-midi", 8},
	{"Lille", "Tesfay", "Gebremariam", "+33698765402", "", "en", "active",
		[]string{"repair", "interpreting"}, []string{"ti", "en"}, "Le samedi", 14},
	{"Lille", "Claire", "Dubois", "", "claire.dubois@example.org", "fr", "active",
		[]string{"workshop", "admin"}, []string{"en", "es"}, "Le mercredi matin", 40},
	{"Lille", "Omid", "Rahimi", "+33698765404", "", "fr", "pending",
		[]string{"interpreting", "events"}, []string{"fa", "ps"}, "En soirée", 0},
	{"Bordeaux", "Jeanne", "Martin", "+33698765405", "", "fr", "active",
		[]string{"workshop"}, nil, "Le lundi", 2},
}

// seedVolunteers adds the demo volunteers, idempotently: one already there (same
// name at the antenna) is left as is.
func seedVolunteers(ctx context.Context, d *db.DB) error {
	manager, err := auth.ByEmail(ctx, d, "manager.lille@tremplin.example")
	if err != nil {
		return err
	}
	all := auth.Scope{All: true}
	now := time.Now()
	for _, dv := range demoVolunteers {
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteers v JOIN antennas a ON a.id = v.antenna_id
			WHERE a.name = $1 AND v.first_name = $2 AND v.last_name = $3`, dv.antenna, dv.first, dv.last).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		v := &volunteers.Volunteer{FirstName: dv.first, LastName: dv.last, Phone: dv.phone, Email: dv.email, Lang: dv.lang,
			Availability: dv.availability, Skills: dv.skills, Languages: dv.languages}
		if err := d.QueryRowContext(ctx, "SELECT id FROM antennas WHERE name = $1", dv.antenna).Scan(&v.AntennaID); err != nil {
			return err
		}
		joined := now.AddDate(0, -dv.checkMonthsAgo-1, 0)
		if err := volunteers.Join(ctx, d, v, 1, joined, nil); err != nil {
			return err
		}
		if dv.state == "active" {
			if err := volunteers.Decide(ctx, d, all, v.ID, "active", "", manager.ID, joined.AddDate(0, 0, 3), nil); err != nil {
				return err
			}
		}
		if dv.checkMonthsAgo > 0 {
			seen := now.AddDate(0, -dv.checkMonthsAgo, 0).Format(time.DateOnly)
			if err := volunteers.RecordCheck(ctx, d, all, v.ID, seen, manager.ID, joined.AddDate(0, 0, 3)); err != nil {
				return err
			}
		}
	}
	return nil
}
