// Package demo fills a database with an association modelled on Konexio, so that a
// newcomer sees Tremplin at work at once. Every name is invented. Seeding twice
// changes nothing.
//
// It also holds Generate, the dataset generator behind `tremplin generate`: a
// development and benchmark tool that fills an empty database with an invented
// association at national scale (generate.go).
package demo

import (
	"context"
	"errors"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// Password is the password of every demo account (written in the README).
const Password = "tremplin-demo"

// Login is a demo account to print at start.
type Login struct {
	Email, Role, Antenna string
}

var antennas = []org.Antenna{
	{Name: "Lille", City: "Lille", Country: "FR", Timezone: "Europe/Paris", Address: "La Grappe, 45 rue du Faubourg de Roubaix, 59800 Lille", Phone: "+33 3 20 00 00 01"},
	{Name: "Paris – Île-de-France", City: "Paris", Country: "FR", Timezone: "Europe/Paris", Address: "18 rue des Envierges, 75020 Paris", Phone: "+33 1 40 00 00 02"},
	{Name: "Bordeaux", City: "Bordeaux", Country: "FR", Timezone: "Europe/Paris", Address: "7 quai de Brazza, 33100 Bordeaux", Phone: "+33 5 56 00 00 03"},
	{Name: "Dzaleka", City: "Dowa", Country: "MW", Timezone: "Africa/Blantyre", Address: "Dzaleka refugee camp, Dowa District", Phone: "+265 1 000 004"},
}

var places = []struct {
	antenna string
	place   org.Place
}{
	{"Lille", org.Place{Name: "La Grappe – tiers-lieu", Address: "45 rue du Faubourg de Roubaix", Postcode: "59800", City: "Lille",
		OpeningHours: "Mo-Fr 09:00-12:30,13:30-17:30; Sa 10:00-12:00; PH off", Accessibility: "Plain-pied, toilettes adaptées, boucle magnétique à l'accueil.", Pivot: "W595012346"}},
	{"Lille", org.Place{Name: "Centre social des Moulins", Address: "12 rue d'Arras", Postcode: "59000", City: "Lille",
		OpeningHours: "Tu,Th 14:00-17:00", Accessibility: "Ascenseur jusqu'au 2e étage."}},
	{"Paris – Île-de-France", org.Place{Name: "Salle Belleville", Address: "18 rue des Envierges", Postcode: "75020", City: "Paris",
		OpeningHours: "Mo-Fr 09:30-18:00", Accessibility: "Accès PMR par la cour."}},
	{"Bordeaux", org.Place{Name: "Espace Bastide", Address: "7 quai de Brazza", Postcode: "33100", City: "Bordeaux",
		OpeningHours: "Mo-Th 09:00-17:00; Fr 09:00-12:00"}},
	{"Dzaleka", org.Place{Name: "Dzaleka community learning centre", Address: "Dzaleka refugee camp", City: "Dowa",
		OpeningHours: "Mo-Sa 08:00-16:00", Accessibility: "Ground floor; solar power, intermittent internet."}},
}

var staff = []struct {
	name, email string
	role        auth.Role
	lang        string
	antennas    []string
}{
	{"Camille Laurent", "admin@tremplin.example", auth.Admin, "fr", nil},
	{"Sophie Marchand", "manager.lille@tremplin.example", auth.Manager, "fr", []string{"Lille"}},
	{"Karim Benhaddou", "karim.lille@tremplin.example", auth.Adviser, "fr", []string{"Lille"}},
	{"Julie Vasseur", "julie.lille@tremplin.example", auth.Adviser, "fr", []string{"Lille"}},
	{"Thomas Nguyen", "thomas.lille@tremplin.example", auth.Adviser, "en", []string{"Lille"}},
	{"Aïssatou Diallo", "manager.paris@tremplin.example", auth.Manager, "fr", []string{"Paris – Île-de-France"}},
	{"Lucas Dupuy", "manager.bordeaux@tremplin.example", auth.Manager, "fr", []string{"Bordeaux"}},
	{"Grace Phiri", "adviser.dzaleka@tremplin.example", auth.Adviser, "en", []string{"Dzaleka"}},
	{"Élodie Martin", "dons@tremplin.example", auth.Fundraising, "fr", nil},
}

// Seed adds whatever of the demo association is missing and returns the logins.
func Seed(ctx context.Context, d *db.DB) ([]Login, error) {
	existing, err := org.AllAntennas(ctx, d)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for _, a := range existing {
		ids[a.Name] = a.ID
	}
	for _, a := range antennas {
		if ids[a.Name] != 0 {
			continue
		}
		if err := org.SaveAntenna(ctx, d, &a); err != nil {
			return nil, err
		}
		ids[a.Name] = a.ID
		for _, p := range places {
			if p.antenna == a.Name {
				p.place.AntennaID = a.ID
				if err := org.SavePlace(ctx, d, &p.place); err != nil {
					return nil, err
				}
			}
		}
	}
	// One hash for every demo account: hashing is deliberately slow.
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	var logins []Login
	for _, s := range staff {
		antenna := ""
		if len(s.antennas) > 0 {
			antenna = s.antennas[0]
		}
		logins = append(logins, Login{Email: s.email, Role: string(s.role), Antenna: antenna})
		if _, err := auth.ByEmail(ctx, d, s.email); err == nil {
			continue
		} else if !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		st := &auth.Staff{Name: s.name, Email: s.email, Role: s.role, Lang: s.lang, Active: true, PasswordHash: hash}
		for _, a := range s.antennas {
			st.Antennas = append(st.Antennas, ids[a])
		}
		if err := auth.Save(ctx, d, st); err != nil {
			return nil, err
		}
	}
	// Each package's demo data, in the order they depend on each other.
	for _, seed := range []func(context.Context, *db.DB) error{seedTraining, seedLearners, seedPositioning, seedPartners, seedOpenData, seedAppointments, seedVolunteers, seedVolunteerShifts, seedCivic, seedDonations, seedJobs, seedProfiles, seedApplications, seedRetention} {
		if err := seed(ctx, d); err != nil {
			return nil, err
		}
	}
	return logins, nil
}
