package donations_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"tremplin/internal/donations"
	"tremplin/internal/opendata"
	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
	"tremplin/internal/platform/pdf/pdftest"
)

// signature is a small PNG, as an admin would upload.
func signature(t testing.TB) []byte {
	img := image.NewGray(image.Rect(0, 0, 120, 40))
	for x := 10; x < 110; x++ {
		img.Set(x, 20+x%7, color.Black)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func receiptSetup(t testing.TB, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	if err := opendata.SaveAssociation(ctx, d, &opendata.Association{Name: "Tremplin Numérique", SIRET: "81234567800019"}); err != nil {
		t.Fatal(err)
	}
	if err := donations.SaveSettings(ctx, d, &donations.Settings{Address: "12 rue d'Arras", Postcode: "59000", City: "Lille",
		Purpose: "Former au numérique les personnes qui en sont éloignées", BodyKind: "general_interest",
		SignatoryName: "Nadia Benali", SignatoryTitle: "présidente", Signature: signature(t), SignatureType: "png"}); err != nil {
		t.Fatal(err)
	}
}

// A person's receipt read back from the PDF carries every mention the tax code
// requires, their name in Arabic script included; a company's says 238 bis and
// values its gift in kind; a cancelled one says so.
func TestReceiptPDFCarriesEveryMention(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgtest.Setup(t, d)
		receiptSetup(t, d)
		person := &donations.Donor{Kind: donations.Individual, FirstName: "محمد", LastName: "Haddad", Address: "14 rue de Wazemmes",
			Postcode: "59000", City: "Lille"}
		if err := donations.SaveDonor(ctx, d, person); err != nil {
			t.Fatal(err)
		}
		g := gift(t, d, person.ID, 150050, "2026-03-12")
		r, err := donations.Issue(ctx, d, person.ID, []int64{g.ID}, day("2026-03-20"), 0)
		if err != nil {
			t.Fatal(err)
		}
		body, err := donations.RenderReceipt(ctx, d, r, person)
		if err != nil {
			t.Fatal(err)
		}
		text := pdftest.Plain(pdftest.Text(t, body))
		flat := strings.Join(strings.Fields(text), " ")
		for _, want := range []string{
			"Reçu au titre des dons à certains organismes d'intérêt général", "CERFA n° 11580*05",
			"Numéro d'ordre du reçu : " + r.Ref(),
			"Tremplin Numérique", "SIREN : 812345678", "12 rue d'Arras, 59000 Lille",
			"Former au numérique les personnes qui en sont éloignées", "Œuvre ou organisme d'intérêt général",
			"Haddad", "14 rue de Wazemmes, 59000 Lille",
			"***1 500,50*** euros", "mille cinq cents euros et cinquante centimes",
			"12 mars 2026", "article 200 du code général des impôts",
			"Déclaration de don manuel", "Numéraire", "Virement, prélèvement, carte bancaire",
			"Fait à Lille, le 20 mars 2026", "Nadia Benali, présidente",
		} {
			if !strings.Contains(flat, want) {
				t.Errorf("the receipt does not say %q:\n%s", want, text)
			}
		}
		if !strings.Contains(pdftest.Letters(text), pdftest.Letters("محمد")) {
			t.Errorf("the donor's first name in Arabic is not printed:\n%s", text)
		}
		if !bytes.Contains(body, []byte("/Subtype /Image")) {
			t.Error("the receipt carries no signature image")
		}

		company := donor(t, d, donations.Organisation, "Numérique Solidaire SAS", true)
		company.SIREN = "552100554"
		if err := donations.SaveDonor(ctx, d, company); err != nil {
			t.Fatal(err)
		}
		laptops := &donations.Gift{DonorID: company.ID, Kind: donations.InKind, AmountCents: 300000, ReceivedOn: day("2026-06-01"),
			Description: "20 ordinateurs portables"}
		if err := donations.AddGift(ctx, d, laptops); err != nil {
			t.Fatal(err)
		}
		money := gift(t, d, company.ID, 500000, "2026-03-01")
		cr, err := donations.Issue(ctx, d, company.ID, []int64{laptops.ID, money.ID}, day("2026-06-10"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := donations.Cancel(ctx, d, cr.ID, "Raison sociale erronée", 0); err != nil {
			t.Fatal(err)
		}
		cr, _ = donations.ReceiptByID(ctx, d, cr.ID)
		body, err = donations.RenderReceipt(ctx, d, cr, company)
		if err != nil {
			t.Fatal(err)
		}
		flat = strings.Join(strings.Fields(pdftest.Plain(pdftest.Text(t, body))), " ")
		for _, want := range []string{"CERFA n° 16216*02", "article 238 bis du code général des impôts", "SIREN : 552100554",
			"Montant des dons en numéraire : 5 000,00 €", "Valorisation des dons en nature : 3 000,00 €", "20 ordinateurs portables",
			"***8 000,00*** euros", "huit mille euros", "du 1 mars 2026 au 1 juin 2026", "REÇU ANNULÉ", "Raison sociale erronée"} {
			if !strings.Contains(flat, want) {
				t.Errorf("the company's cancelled receipt does not say %q:\n%s", want, flat)
			}
		}
		// A receipt in French text embeds no font: it is light to email and
		// to keep.
		if fonts := pdftest.Fonts(t, body); len(fonts) != 2 || fonts[0] != "Helvetica" || fonts[1] != "Helvetica-Bold" {
			t.Errorf("the company's receipt has fonts %v, want Helvetica and its bold, not embedded", fonts)
		}
		if len(body) > 12000 {
			t.Errorf("the company's receipt weighs %d bytes", len(body))
		}
	})
}
