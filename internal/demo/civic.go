package demo

import (
	"context"
	"database/sql"
	"time"

	"tremplin/internal/civic"
	"tremplin/internal/platform/db"
)

// demoApprovalNumber names the demo association's civic-service approval.
const demoApprovalNumber = "NA-059-24-00042-00"

// seedCivic adds the civic service of the demo association, once: an approval
// in Lille with two posts, both used by two volunteers whose mission started two
// months ago, and an open offer with two applicants (one new, one invited to an
// interview).
func seedCivic(ctx context.Context, d *db.DB) error {
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM civic_approvals WHERE number = $1", demoApprovalNumber).Scan(&n); err != nil || n > 0 {
		return err
	}
	var lille, tutor int64
	if err := d.QueryRowContext(ctx, "SELECT id FROM antennas WHERE name = 'Lille'").Scan(&lille); err != nil {
		return err
	}
	if err := d.QueryRowContext(ctx, "SELECT id FROM staff WHERE email = 'manager.lille@tremplin.example'").Scan(&tutor); err != nil {
		return err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
	ap := &civic.Approval{Number: demoApprovalNumber, From: first.AddDate(-1, 0, 0), To: first.AddDate(2, 0, -1), Posts: 2, Antennas: []int64{lille}}
	if err := civic.SaveApproval(ctx, d, ap); err != nil {
		return err
	}
	running := &civic.Offer{AntennaID: lille, Title: "Médiation numérique auprès des habitants des Moulins",
		Description: "Accompagner les habitants dans leurs démarches en ligne et animer des ateliers d'initiation.",
		Tasks:       "Accueil au tiers-lieu, aide aux démarches, ateliers smartphone.", Audience: "Adultes éloignés du numérique",
		Schedule: "Du mardi au vendredi", Months: 8, Places: 2, Domain: "solidarity", Remote: "no", StepFree: true,
		Address: "45 rue du Faubourg de Roubaix, 59800 Lille", State: "closed", Start: first.AddDate(0, -2, 0)}
	open := &civic.Offer{AntennaID: lille, Title: "Ambassadeur ou ambassadrice du numérique pour les jeunes",
		Description: "Aider des jeunes et des familles à utiliser leur téléphone et un ordinateur : démarches, recherche d'emploi, sécurité en ligne.",
		Tasks:       "Animer des ateliers, accueillir au tiers-lieu, préparer des fiches simples.", Audience: "Jeunes de 16 à 25 ans et familles",
		Schedule: "24 h par semaine, du lundi au jeudi", Months: 8, Places: 2, Domain: "education", Remote: "no", StepFree: true, Minors: true,
		Address: "45 rue du Faubourg de Roubaix, 59800 Lille", State: "published", Start: first.AddDate(0, 2, 0)}
	for _, o := range []*civic.Offer{running, open} {
		if err := civic.SaveOffer(ctx, d, o); err != nil {
			return err
		}
	}
	people := []struct {
		offer             *civic.Offer
		first, last, lang string
		phone, email      string
		birth             time.Time
		state             string
	}{
		{running, "Inès", "Boulanger", "fr", "+33612000101", "", today.AddDate(-20, -3, 0), "accepted"},
		{running, "Samir", "Haddad", "ar", "+33612000102", "", today.AddDate(-22, 0, -10), "accepted"},
		{open, "Léa", "Martin", "fr", "+33612000103", "lea.martin@example.org", today.AddDate(-19, -5, 0), "new"},
		{open, "Yonas", "Tesfaye", "en", "+33612000104", "", today.AddDate(-23, -1, 0), "interview"},
	}
	for _, p := range people {
		a := &civic.Application{OfferID: p.offer.ID, AntennaID: lille, FirstName: p.first, LastName: p.last, Lang: p.lang,
			Phone: p.phone, Email: p.email, Birth: p.birth, Availability: "Dès que possible", Heard: "mission_locale",
			Message: "Je voudrais aider les autres avec le numérique."}
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if err := civic.Apply(ctx, tx, a, ""); err != nil {
				return err
			}
			if p.state == "new" {
				return nil
			}
			if err := civic.Move(ctx, tx, a, "interview", "", today.AddDate(0, 0, 3).Add(14*time.Hour), "La Grappe – tiers-lieu", tutor); err != nil {
				return err
			}
			if p.state == "accepted" {
				return civic.Move(ctx, tx, a, "accepted", "", time.Time{}, "", tutor)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if p.state == "accepted" {
			c := &civic.Contract{ApplicationID: a.ID, ApprovalID: ap.ID, OfferID: running.ID, AntennaID: lille, TutorID: tutor,
				Start: running.Start, End: civic.MissionEnd(running.Start, 8), WeeklyHours: 28, Days: 4}
			if err := civic.CreateContract(ctx, d, c, tutor); err != nil {
				return err
			}
		}
	}
	return nil
}
