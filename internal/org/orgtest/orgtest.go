// Package orgtest makes the antennas and staff that the tests about people start
// from: Lille, Dzaleka (Malawi) and Bordeaux, an adviser of the first two and one
// of Bordeaux.
package orgtest

import (
	"context"
	"testing"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Fixture is what Setup made.
type Fixture struct {
	Lille, Dzaleka, Bordeaux int64
	Adviser                  *auth.Staff // Karim, of Lille and Dzaleka
	BordeauxAdviser          *auth.Staff // Lucas, of Bordeaux
	LilleScope               auth.Scope  // Karim's
	BordeauxScope            auth.Scope  // Lucas's
}

// Setup stores the three antennas and the two advisers in d.
func Setup(t testing.TB, d *db.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{}
	for _, a := range []struct {
		id                *int64
		name, country, tz string
	}{{&f.Lille, "Lille", "FR", "Europe/Paris"}, {&f.Dzaleka, "Dzaleka", "MW", "Africa/Blantyre"}, {&f.Bordeaux, "Bordeaux", "FR", "Europe/Paris"}} {
		ant := &org.Antenna{Name: a.name, City: a.name, Country: a.country, Timezone: a.tz}
		if err := org.SaveAntenna(ctx, d, ant); err != nil {
			t.Fatal(err)
		}
		*a.id = ant.ID
	}
	f.Adviser = &auth.Staff{Name: "Karim", Email: "karim@example.org", Role: auth.Adviser, Lang: "fr", Active: true, Antennas: []int64{f.Lille, f.Dzaleka}}
	f.BordeauxAdviser = &auth.Staff{Name: "Lucas", Email: "lucas@example.org", Role: auth.Adviser, Lang: "fr", Active: true, Antennas: []int64{f.Bordeaux}}
	for _, s := range []*auth.Staff{f.Adviser, f.BordeauxAdviser} {
		if err := auth.Save(ctx, d, s); err != nil {
			t.Fatal(err)
		}
	}
	f.LilleScope, f.BordeauxScope = f.Adviser.Scope(), f.BordeauxAdviser.Scope()
	return f
}
