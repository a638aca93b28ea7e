package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"time"

	"tremplin/internal/donations"
	"tremplin/internal/platform/db"
)

// seedDonations adds the demo association's donors, once: a company of Lille
// that gave money and twenty laptops (its receipt issued, then a wrong one
// cancelled and replaced), a monthly donor of Lille (receipted for last year
// in one annual receipt), a person of Paris without an address yet (no receipt
// possible), and HelloAsso's payments of the year, one with HelloAsso's own
// receipt.
func seedDonations(ctx context.Context, d *db.DB) error {
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM donors").Scan(&n); err != nil || n > 0 {
		return err
	}
	var lille, paris, manager int64
	if err := d.QueryRowContext(ctx, "SELECT id FROM antennas WHERE name = 'Lille'").Scan(&lille); err != nil {
		return err
	}
	if err := d.QueryRowContext(ctx, "SELECT id FROM antennas WHERE name LIKE 'Paris%'").Scan(&paris); err != nil {
		return err
	}
	if err := d.QueryRowContext(ctx, "SELECT id FROM staff WHERE email = 'manager.lille@tremplin.example'").Scan(&manager); err != nil {
		return err
	}
	if err := donations.SaveSettings(ctx, d, &donations.Settings{Address: "12 rue d'Arras", Postcode: "59000", City: "Lille",
		Purpose: "Accompagner vers l'autonomie numérique et l'emploi les personnes qui en sont éloignées", BodyKind: "general_interest",
		SignatoryName: "Nadia Benali", SignatoryTitle: "présidente", Signature: demoSignature(), SignatureType: "png"}); err != nil {
		return err
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	year := today.Year()
	company := &donations.Donor{Kind: donations.Organisation, OrgName: "Numérique Solidaire SAS", SIREN: "552100554",
		FirstName: "Claire", LastName: "Petit", Address: "8 avenue du Peuple Belge", Postcode: "59000", City: "Lille",
		Email: "mecenat@numerique-solidaire.example", AntennaID: lille}
	monthly := &donations.Donor{Kind: donations.Individual, FirstName: "Fatima", LastName: "Haddad", Address: "14 rue de Wazemmes",
		Postcode: "59000", City: "Lille", Email: "fatima.haddad@example.org", AntennaID: lille}
	noAddress := &donations.Donor{Kind: donations.Individual, FirstName: "Ibrahim", LastName: "Camara", Email: "ibrahim.camara@example.org",
		AntennaID: paris}
	for _, o := range []*donations.Donor{company, monthly, noAddress} {
		if err := donations.SaveDonor(ctx, d, o); err != nil {
			return err
		}
	}
	gift := func(o *donations.Donor, kind, method string, cents int64, on time.Time, what string, recurring bool) (int64, error) {
		g := &donations.Gift{DonorID: o.ID, Kind: kind, Method: method, AmountCents: cents, ReceivedOn: on, Description: what,
			Recurring: recurring, CreatedBy: manager}
		err := donations.AddGift(ctx, d, g)
		return g.ID, err
	}
	// The company: a transfer in spring, twenty laptops in June.
	spring := time.Date(year, 3, 12, 0, 0, 0, 0, time.UTC)
	if today.Before(spring) {
		spring = time.Date(year-1, 3, 12, 0, 0, 0, 0, time.UTC)
	}
	money, err := gift(company, donations.Money, "transfer", 500000, spring, "", false)
	if err != nil {
		return err
	}
	laptops, err := gift(company, donations.InKind, "", 300000, spring.AddDate(0, 3, 0), "20 ordinateurs portables reconditionnés", false)
	if err != nil {
		return err
	}
	// The twenty laptops: in Lille's stock, two already with learners, one in
	// a room.
	var serials []string
	for i := range 20 {
		serials = append(serials, fmt.Sprintf("PF-2L%04d", 101+i))
	}
	if err := donations.AddDevices(ctx, d, laptops, lille, "Lenovo ThinkPad T480", serials, 0); err != nil {
		return err
	}
	var devices []int64
	if err := db.Each(d.QueryContext(ctx, "SELECT id FROM donated_devices WHERE gift_id = $1 ORDER BY id LIMIT 3", laptops))(func(row db.Scanner) error {
		var id int64
		err := row.Scan(&id)
		devices = append(devices, id)
		return err
	}); err != nil {
		return err
	}
	var learners []int64
	if err := db.Each(d.QueryContext(ctx, "SELECT id FROM learners WHERE antenna_id = $1 ORDER BY id LIMIT 2", lille))(func(row db.Scanner) error {
		var id int64
		err := row.Scan(&id)
		learners = append(learners, id)
		return err
	}); err != nil {
		return err
	}
	for i, l := range learners {
		if err := donations.Place(ctx, d, devices[i], l, 0, spring.AddDate(0, 3, 10+i), manager); err != nil {
			return err
		}
	}
	var room int64
	if err := d.QueryRowContext(ctx, "SELECT MIN(id) FROM places WHERE antenna_id = $1", lille).Scan(&room); err == nil && room != 0 {
		if err := donations.Place(ctx, d, devices[2], 0, room, spring.AddDate(0, 3, 12), manager); err != nil {
			return err
		}
	}
	wrong, err := donations.Issue(ctx, d, company.ID, []int64{money, laptops}, spring.AddDate(0, 3, 5), manager)
	if err != nil {
		return err
	}
	if _, err := donations.Replace(ctx, d, wrong.ID, "Raison sociale mal orthographiée", spring.AddDate(0, 3, 6), manager); err != nil {
		return err
	}
	// The monthly donor: twelve gifts last year (receipted once, in January),
	// and this year's so far.
	for m := 1; m <= 12; m++ {
		if _, err := gift(monthly, donations.Money, "direct_debit", 2000, time.Date(year-1, time.Month(m), 5, 0, 0, 0, 0, time.UTC), "", true); err != nil {
			return err
		}
	}
	for m := 1; time.Date(year, time.Month(m), 5, 0, 0, 0, 0, time.UTC).Before(today) && m <= 12; m++ {
		if _, err := gift(monthly, donations.Money, "direct_debit", 2000, time.Date(year, time.Month(m), 5, 0, 0, 0, 0, time.UTC), "", true); err != nil {
			return err
		}
	}
	if _, err := donations.IssueAnnual(ctx, d, year-1, time.Date(year, 1, 15, 0, 0, 0, 0, time.UTC), manager, nil); err != nil {
		return err
	}
	if _, err := gift(noAddress, donations.Money, "cheque", 15000, today.AddDate(0, 0, -20), "", false); err != nil {
		return err
	}
	// HelloAsso's payments: a donation with HelloAsso's receipt, one without,
	// a membership (not a gift).
	on := today.AddDate(0, 0, -40).Format("2006-01-02") + "T10:30:00+01:00"
	payments := fmt.Sprintf(`{"data": [
		{"id": 910001, "amount": 5000, "amountTip": 0, "date": %q, "state": "Authorized", "paymentMeans": "Card",
		 "fiscalReceiptUrl": "https://www.helloasso.com/associations/tremplin/formulaires/1/paiement-recu-fiscal/910001",
		 "order": {"id": 81, "formType": "Donation", "formSlug": "soutenir-tremplin"},
		 "payer": {"firstName": "Léa", "lastName": "Martin", "email": "lea.martin@example.org", "address": "3 place Rihour", "zipCode": "59800", "city": "Lille", "country": "FRA"}},
		{"id": 910002, "amount": 2300, "amountTip": 300, "date": %q, "state": "Authorized", "paymentMeans": "Card",
		 "order": {"id": 82, "formType": "Donation", "formSlug": "soutenir-tremplin"},
		 "payer": {"firstName": "Youssef", "lastName": "Benali", "email": "youssef.benali@example.org"}},
		{"id": 910003, "amount": 1500, "amountTip": 0, "date": %q, "state": "Authorized",
		 "order": {"id": 83, "formType": "Membership", "formSlug": "adhesion"},
		 "payer": {"firstName": "Paul", "lastName": "Girard", "email": "paul.girard@example.org"}}]}`, on, on, on)
	if _, err := donations.ImportHelloAsso(ctx, d, bytes.NewReader([]byte(payments)), manager); err != nil {
		return err
	}
	return seedSponsorship(ctx, d, company.ID, year, today, manager)
}

// seedSponsorship gives the company a skills-sponsorship agreement over last
// year and this one: two employees, last year's workshop and jury signed,
// valued and receipted, and a mentoring session ten days ago whose sheet has
// not come back yet.
func seedSponsorship(ctx context.Context, d *db.DB, company int64, year int, today time.Time, by int64) error {
	a := &donations.Agreement{DonorID: company, Title: "Ateliers et jurys de la formation développeur web",
		From: time.Date(year-1, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC),
		SignedOn: time.Date(year-2, 12, 10, 0, 0, 0, 0, time.UTC)}
	if err := donations.AddAgreement(ctx, d, a, by); err != nil {
		return err
	}
	claire := &donations.Employee{AgreementID: a.ID, Name: "Claire Petit", Job: "Cheffe de projet", HourlyCents: 5800}
	mehdi := &donations.Employee{AgreementID: a.ID, Name: "Mehdi Aït Ali", Job: "Développeur", HourlyCents: 4500}
	for _, e := range []*donations.Employee{claire, mehdi} {
		if err := donations.AddEmployee(ctx, d, e); err != nil {
			return err
		}
	}
	sessions := []struct {
		kind, topic string
		on          time.Time
		start, end  string
		who         []int64
		signed      bool
	}{
		{"workshop", "Git et GitHub pour travailler à plusieurs", time.Date(year-1, 3, 12, 0, 0, 0, 0, time.UTC), "14:00", "17:00", []int64{claire.ID, mehdi.ID}, true},
		{"jury", "Jury du titre professionnel", time.Date(year-1, 6, 18, 0, 0, 0, 0, time.UTC), "09:00", "17:00", []int64{claire.ID}, true},
		{"mentoring", "Préparer un entretien technique", today.AddDate(0, 0, -10), "18:00", "19:30", []int64{mehdi.ID}, false},
	}
	for _, x := range sessions {
		st, _ := time.Parse("15:04", x.start)
		en, _ := time.Parse("15:04", x.end)
		s := &donations.Session{AgreementID: a.ID, Kind: x.kind, Topic: x.topic, On: x.on, Start: x.start, End: x.end,
			Minutes: int(en.Sub(st).Minutes())}
		if err := donations.AddSession(ctx, d, s, x.who, by); err != nil {
			return err
		}
		if x.signed {
			if err := donations.MarkSigned(ctx, d, a.ID, s.ID, x.on.AddDate(0, 0, 3), today, by); err != nil {
				return err
			}
		}
	}
	v, err := donations.RecordValuation(ctx, d, a.ID, year-1, by)
	if err != nil {
		return err
	}
	_, err = donations.Issue(ctx, d, company, []int64{v.Gift}, time.Date(year-1, 12, 20, 0, 0, 0, 0, time.UTC), by)
	return err
}

// demoSignature draws the demo president's signature: a scribble, as a PNG.
func demoSignature() []byte {
	img := image.NewGray(image.Rect(0, 0, 240, 80))
	for x := range 240 {
		for y := range 80 {
			img.SetGray(x, y, color.Gray{Y: 255})
		}
	}
	for x := 20; x < 220; x++ {
		y := 40 + int(18*math.Sin(float64(x)/9)) + (x%40)/8
		for dy := range 3 {
			img.SetGray(x, y+dy, color.Gray{Y: 20})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
