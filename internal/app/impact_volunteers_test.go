package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"tremplin/internal/platform/db"
	"tremplin/internal/volunteers"
)

// volunteerYear stores, in 2019 (before any demo data), an antenna's
// volunteer validated in February with approved hours in March and pending
// ones in April, as a bulk import would (the summary rebuilt after), and a
// rate of 15 € an hour from 2019 (10 € gross, 50 % charges).
func (s *site) volunteerYear(antenna, name string, minutes int) {
	s.t.Helper()
	ctx := context.Background()
	d := s.app.DB
	now := db.Now()
	if err := volunteers.SaveRate(ctx, d, volunteers.Rate{ValidFrom: "2019-01-01", GrossCents: 1000, ChargesBP: 5000, Label: "Test"}, 0); err != nil {
		s.t.Fatal(err)
	}
	mission, err := d.InsertID(ctx, `INSERT INTO volunteer_missions (antenna_id, title, supervising, created_at, updated_at)
		VALUES ($1, 'Mission', false, $2, $2) RETURNING id`, antenna, now)
	if err != nil {
		s.t.Fatal(err)
	}
	v, err := d.InsertID(ctx, `INSERT INTO volunteers (antenna_id, first_name, last_name, phone, lang, state, validated_at, created_at)
		VALUES ($1, $2, 'Essai', '+33699880000', 'fr', 'active', '2019-02-01T09:00:00Z', '2019-01-20T09:00:00Z') RETURNING id`, antenna, name)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, h := range []struct{ day, state string }{{"2019-03-05", "approved"}, {"2019-04-05", "pending"}} {
		if _, err := d.Exec(ctx, `INSERT INTO volunteer_hours (volunteer_id, antenna_id, mission_id, day, minutes, state, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, v, antenna, mission, h.day, minutes, h.state, now); err != nil {
			s.t.Fatal(err)
		}
	}
	if err := volunteers.RebuildSummaries(ctx, d); err != nil {
		s.t.Fatal(err)
	}
}

// section is the part of a dashboard page under the heading of a table.
func section(body, id string) string {
	_, rest, ok := strings.Cut(body, `<h2 id="h-`+id+`">`)
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, "</section>")
	return rest
}

// The dashboard shows volunteers and civic service by antenna: a Lille manager
// sees Lille's volunteers only (active, new, approved hours and their value;
// pending hours do not count), the national admin every antenna and the total.
func TestDashboardShowsVolunteersAndCivicService(t *testing.T) {
	eachSite(t, func(t *testing.T, s *site) {
		s.volunteerYear(s.antennaID("Lille"), "Lila", 180)
		s.volunteerYear(s.antennaID("Bordeaux"), "Bruno", 600)
		manager := s.signIn("manager.lille@tremplin.example")
		p := manager.get("/impact?from=2019-01-01&to=2019-12-31")
		if p.status != http.StatusOK {
			t.Fatalf("dashboard: %d", p.status)
		}
		vols := section(p.body, "volunteers")
		rows := pageRows(vols)
		// 3 h × 15 € = 45 €.
		want := strings.Join([]string{"1", "1", "3,0", "45,00\u00a0€"}, "|")
		if got := strings.Join(rows["Lille"], "|"); got != want || strings.Join(rows["Total"], "|") != want {
			t.Errorf("Lille's volunteers %q, total %q; want %q\n%s", got, rows["Total"], want, vols)
		}
		if _, seen := rows["Bordeaux"]; seen || len(rows) != 2 {
			t.Errorf("a Lille manager sees %v", rows)
		}
		if !strings.Contains(vols, "<svg") || !strings.Contains(section(p.body, "civic"), "Total") {
			t.Errorf("the volunteers' chart or the civic-service table is missing\n%s", p.body)
		}

		admin := s.signIn("admin@tremplin.example").get("/impact?from=2019-01-01&to=2019-12-31")
		rows = pageRows(section(admin.body, "volunteers"))
		// Bordeaux: 10 h × 15 € = 150 €; with Lille, 13 h and 195 €.
		if strings.Join(rows["Bordeaux"], "|") != "1|1|10,0|150,00\u00a0€" || strings.Join(rows["Total"], "|") != "2|2|13,0|195,00\u00a0€" {
			t.Errorf("the admin's volunteers %v", rows)
		}
		if civ := pageRows(section(admin.body, "civic")); len(civ["Total"]) != 4 {
			t.Errorf("the admin's civic service %v", civ)
		}
	})
}
