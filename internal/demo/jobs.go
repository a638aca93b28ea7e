package demo

import (
	"context"
	"time"

	"tremplin/internal/donations"
	"tremplin/internal/jobs"
	"tremplin/internal/platform/db"
)

// Recruiters of the demo's companies: they sign in to the company space at
// /company/login with these emails (the link is written to the log).
const (
	DemoRecruiter      = "recrutement@numerique-solidaire.example"
	DemoOtherRecruiter = "rh@tech-avenir.example"
)

// seedJobs adds, once, the demo's recruitment: the Lille company of the
// donations (Numérique Solidaire SAS) and a Paris one (Tech Avenir SAS), each
// with a contact who has access to the company space, and three offers: a
// junior web developer (open) and a support technician (filled) at Numérique
// Solidaire, a web integrator (open) at Tech Avenir.
func seedJobs(ctx context.Context, d *db.DB) error {
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM job_offers").Scan(&n); err != nil || n > 0 {
		return err
	}
	var lilleCo, paris, manager int64
	if err := d.QueryRowContext(ctx, "SELECT id FROM donors WHERE org_name = 'Numérique Solidaire SAS'").Scan(&lilleCo); err != nil {
		return err
	}
	if err := d.QueryRowContext(ctx, "SELECT id FROM antennas WHERE name LIKE 'Paris%'").Scan(&paris); err != nil {
		return err
	}
	if err := d.QueryRowContext(ctx, "SELECT id FROM staff WHERE email = 'manager.lille@tremplin.example'").Scan(&manager); err != nil {
		return err
	}
	other := &donations.Donor{Kind: donations.Organisation, OrgName: "Tech Avenir SAS", SIREN: "732829320",
		Address: "40 rue du Faubourg Poissonnière", Postcode: "75010", City: "Paris", Email: "contact@tech-avenir.example", AntennaID: paris}
	if err := donations.SaveDonor(ctx, d, other); err != nil {
		return err
	}
	contact := func(donor int64, name, role, email string) (int64, error) {
		return d.InsertID(ctx, `INSERT INTO donor_contacts (donor_id, name, role, email, phone, created_at)
			VALUES ($1, $2, $3, $4, '', $5) RETURNING id`, donor, name, role, email, db.Now())
	}
	if _, err := contact(lilleCo, "Claire Petit", "Responsable RSE", "mecenat@numerique-solidaire.example"); err != nil {
		return err
	}
	sofiane, err := contact(lilleCo, "Sofiane Benaïssa", "Responsable recrutement", DemoRecruiter)
	if err != nil {
		return err
	}
	yanis, err := contact(other.ID, "Yanis Morel", "Chargé RH", DemoOtherRecruiter)
	if err != nil {
		return err
	}
	recruiter, err := jobs.Grant(ctx, d, lilleCo, sofiane, manager, "fr")
	if err != nil {
		return err
	}
	otherRecruiter, err := jobs.Grant(ctx, d, other.ID, yanis, 0, "fr")
	if err != nil {
		return err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	offers := []struct {
		o     jobs.Offer
		by    jobs.Actor
		state string
	}{
		{jobs.Offer{DonorID: lilleCo, Title: "Développeur·se web junior", ROME: "M1805", Contract: "CDI", Hours: 35, Positions: 2,
			INSEE: "59350", Town: "Lille", StartsOn: today.AddDate(0, 1, 0), Experience: "beginner",
			Description: "Dans une équipe de six, vous développez et maintenez des sites et applications web (HTML, CSS, JavaScript, PHP).\nTutorat pendant les six premiers mois."},
			jobs.Actor{RecruiterID: recruiter}, ""},
		{jobs.Offer{DonorID: lilleCo, Title: "Technicien·ne support informatique", ROME: "I1401", Contract: "CDD", ContractMonths: 9, Hours: 35, Positions: 1,
			INSEE: "59512", Town: "Roubaix", StartsOn: today.AddDate(0, 0, 14), Experience: "desired", ExperienceMonths: 6,
			Description: "Installation et dépannage des postes des associations clientes, assistance téléphonique."},
			jobs.Actor{StaffID: manager}, jobs.Filled},
		{jobs.Offer{DonorID: other.ID, Title: "Intégrateur·rice web", ROME: "M1805", Contract: "MIS", Hours: 35, Positions: 1,
			INSEE: "75056", Town: "Paris", StartsOn: today.AddDate(0, 0, 21), Experience: "desired", ExperienceMonths: 6,
			Description: "Mission de six mois : intégration de maquettes, accessibilité (RGAA)."}, jobs.Actor{RecruiterID: otherRecruiter}, ""},
	}
	for _, x := range offers {
		o := x.o
		if err := jobs.SaveOffer(ctx, d, &o, x.by); err != nil {
			return err
		}
		if x.state != "" {
			if err := jobs.SetState(ctx, d, &o, x.state, jobs.Actor{RecruiterID: recruiter}); err != nil {
				return err
			}
		}
	}
	return nil
}
