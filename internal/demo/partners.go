package demo

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/org"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
	"tremplin/internal/training"
)

// demoPartner is an invented partner organisation, its contact and the outreach so far.
type demoPartner struct {
	antenna string
	org     partners.Org
	contact partners.Contact
	log     []partners.Interaction // in order; a DueOn of "today" is due today
}

var demoPartners = []demoPartner{
	{"Lille", partners.Org{Name: "SOS personnes migrantes", Kind: "migrants_association", Identifier: "W595012345",
		Address: "8 rue Saint-Sauveur, 59000 Lille"},
		partners.Contact{Name: "Claire Dumont", Role: "Coordinatrice de l'accompagnement", Email: "contact@sos-migrants.example", Phone: "+33 3 20 11 22 33"},
		[]partners.Interaction{
			{Kind: "call", Note: "Présentation de Tremplin. Intéressée par les ateliers pour les personnes qu'elle accompagne.", Stage: "contacted"},
			{Kind: "meeting", Note: "Rencontre dans leurs locaux. Un premier groupe de trois personnes sera orienté.", Stage: "active"},
		}},
	{"Lille", partners.Org{Name: "Centre social de l'Arbrisseau", Kind: "social_centre", Address: "Place Jean-Jaurès, 59000 Lille"},
		partners.Contact{Name: "Mehdi Larbi", Role: "Référent familles", Email: "m.larbi@arbrisseau.example", Phone: "+33 3 20 44 55 66"},
		[]partners.Interaction{{Kind: "email", Note: "Envoi de la plaquette des ateliers.", Stage: "contacted"}}},
	{"Lille", partners.Org{Name: "Mission locale de Lille", Kind: "mission_locale", Address: "52 rue Nationale, 59000 Lille"},
		partners.Contact{Name: "Sandrine Lefort", Role: "Conseillère en insertion", Email: "s.lefort@ml-lille.example"},
		[]partners.Interaction{
			{Kind: "info_session", Note: "Réunion d'information devant huit conseillers.", Stage: "active"},
		}},
	{"Lille", partners.Org{Name: "CCAS d'Armentières", Kind: "ccas", Address: "Hôtel de ville, 59280 Armentières"},
		partners.Contact{Name: "Véronique Delcourt", Role: "Directrice", Phone: "+33 3 20 77 88 99"},
		[]partners.Interaction{
			{Kind: "call", Note: "La directrice souhaite une session d'information pour son équipe.", Stage: "meeting",
				NextStep: "Confirmer la date de la session d'information au CCAS", DueOn: "today"},
		}},
	{"Bordeaux", partners.Org{Name: "CADA Bordeaux Rive Droite", Kind: "cada", Address: "14 rue de la Benauge, 33100 Bordeaux"},
		partners.Contact{Name: "Julien Moreau", Role: "Travailleur social", Email: "j.moreau@cada-rivedroite.example"},
		[]partners.Interaction{{Kind: "call", Stage: "contacted"}}},
	{"Paris – Île-de-France", partners.Org{Name: "Mission locale de Paris 20e", Kind: "mission_locale", Address: "75020 Paris"},
		partners.Contact{Name: "Nora Belkacem", Role: "Conseillère", Email: "n.belkacem@ml-paris.example"}, nil},
}

// The group SOS personnes migrantes referred to Lille.
var demoReferred = []struct {
	first, last, phone string
	year               int
	contacted          bool
	received           bool
}{
	{"Hawa", "Konaté", "07 58 12 34 01", 1990, true, true},
	{"Abdullah", "Rahimi", "07 58 12 34 02", 1997, false, true},
	{"Mariam", "Osman", "07 58 12 34 03", 1985, false, false},
}

// seedPartners adds the demo data of the partners package, idempotently: an
// organisation already there (same name) is left as is.
func seedPartners(ctx context.Context, d *db.DB) error {
	all, err := org.AllAntennas(ctx, d)
	if err != nil {
		return err
	}
	antennas := map[string]*org.Antenna{}
	for _, a := range all {
		antennas[a.Name] = a
	}
	karim, err := auth.ByEmail(ctx, d, "karim.lille@tremplin.example")
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, p := range demoPartners {
		a := antennas[p.antenna]
		if a == nil {
			continue
		}
		var id int64
		err := d.QueryRowContext(ctx, "SELECT id FROM partner_orgs WHERE name = $1", p.org.Name).Scan(&id)
		if err == nil {
			ids[p.org.Name] = id
			continue
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		o := p.org
		o.Antennas = []int64{a.ID}
		if err := partners.SaveOrg(ctx, d, &o, o.Antennas); err != nil {
			return err
		}
		ids[o.Name] = o.ID
		c := p.contact
		c.OrgID, c.Active, c.Lang = o.ID, true, "fr"
		if err := partners.SaveContact(ctx, d, &c); err != nil {
			return err
		}
		staff := karim.ID
		if p.antenna != "Lille" {
			st, err := auth.ByEmail(ctx, d, map[string]string{"Bordeaux": "manager.bordeaux@tremplin.example",
				"Paris – Île-de-France": "manager.paris@tremplin.example"}[p.antenna])
			if err != nil {
				return err
			}
			staff = st.ID
		}
		for _, it := range p.log {
			it.OrgID, it.StaffID = o.ID, staff
			if it.DueOn == "today" {
				it.DueOn = time.Now().Format(time.DateOnly)
			}
			if err := partners.AddInteraction(ctx, d, &it); err != nil {
				return err
			}
		}
	}
	return seedReferral(ctx, d, antennas["Lille"], ids["SOS personnes migrantes"], karim.ID)
}

// seedReferral adds SOS personnes migrantes' group of three, once: one person
// already contacted, one received, one just sent.
func seedReferral(ctx context.Context, d *db.DB, lille *org.Antenna, orgID, staffID int64) error {
	if lille == nil || orgID == 0 {
		return nil
	}
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM referrals WHERE org_id = $1", orgID).Scan(&n); err != nil || n > 0 {
		return err
	}
	var contactID int64
	if err := d.QueryRowContext(ctx, "SELECT id FROM partner_contacts WHERE org_id = $1 ORDER BY id LIMIT 1", orgID).Scan(&contactID); err != nil {
		return err
	}
	ref := &partners.Referral{OrgID: orgID, ContactID: contactID, AntennaID: lille.ID, Source: "partner",
		CreatedAt: time.Now().AddDate(0, 0, -6)}
	if progs, err := training.Programmes(ctx, d); err == nil && len(progs) > 0 {
		ref.ProgrammeID = progs[0].ID
	}
	var people []*learners.Learner
	for _, p := range demoReferred {
		phone, _ := check.Phone(lille.Country, p.phone)
		people = append(people, &learners.Learner{FirstName: p.first, LastName: p.last, Phone: phone, BirthYear: p.year,
			Postcode: "59000", Town: "Lille", Lang: "fr",
			ConsentText: "Cette personne est d'accord pour que Tremplin reçoive ces informations et la contacte."})
	}
	if err := partners.CreateReferral(ctx, d, ref, people); err != nil {
		return err
	}
	list, err := partners.People(ctx, d, ref.ID)
	if err != nil {
		return err
	}
	for i, p := range demoReferred {
		if p.received {
			if _, err := partners.SetState(ctx, d, auth.Scope{All: true}, list[i].ID, partners.Received, "", staffID); err != nil {
				return err
			}
		}
		if p.contacted {
			if err := learners.AddContact(ctx, d, &learners.Contact{LearnerID: people[i].ID, Kind: "reached", StaffID: staffID}); err != nil {
				return err
			}
			if _, err := partners.FollowLearner(ctx, d, people[i].ID, learners.Contacted, staffID); err != nil {
				return err
			}
		}
	}
	return nil
}
