package donations

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"tremplin/internal/opendata"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/pdf"
	"tremplin/internal/platform/web"
)

// receiptGifts reads the gifts a receipt covers.
func receiptGifts(ctx context.Context, d *db.DB, receiptID int64) ([]*Gift, error) {
	return db.Collect[*Gift](d.QueryContext(ctx, `SELECT g.id, g.kind, g.method, g.amount_cents, g.received_on, g.description
		FROM receipt_gifts x JOIN gifts g ON g.id = x.gift_id WHERE x.receipt_id = $1 ORDER BY g.received_on, g.id`, receiptID))(
		func(row db.Scanner) (*Gift, error) {
			g := &Gift{}
			var on string
			err := row.Scan(&g.ID, &g.Kind, &g.Method, &g.AmountCents, &on, &g.Description)
			g.ReceivedOn, _ = time.Parse(time.DateOnly, on)
			return g, err
		})
}

// Figures writes an amount as a receipt prints it in figures, framed by
// asterisks so that nothing can be added before or after it: "***1 500,50***".
func Figures(cents int64) string {
	s := Euros("fr", cents)
	s = strings.TrimSuffix(s, "\u00a0€")
	return "***" + strings.ReplaceAll(s, "\u202f", " ") + "***"
}

// ReceiptPDF is a receipt as the donor receives it: GET
// /donors/{id}/receipts/{receipt}/recu.pdf. A cancelled receipt is printed
// too, marked as cancelled with its reason.
func (h *Handlers) ReceiptPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := DonorInScope(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	rc, err := ReceiptByID(ctx, h.DB, web.PathID(r, "receipt"))
	if err != nil || rc.DonorID != o.ID {
		h.Render.Fail(w, r, db.ErrNotFound)
		return
	}
	body, err := RenderReceipt(ctx, h.DB, rc, o)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="recu-fiscal-`+rc.Ref()+`.pdf"`)
	w.Write(body)
}

// RenderReceipt prints a receipt with every mention the tax code requires:
// the association's identity (name, SIREN or RNA, address, purpose, kind of
// body), its order number, the donor's identity and full address as issued,
// the amount in figures framed by asterisks and in words, the date or period,
// the form, nature and way of payment of the gifts, the article of the tax code
// and the signature of the person authorised. The CERFA is a French form: the
// receipt is in French, with names printed in whatever script they are written.
func RenderReceipt(ctx context.Context, d *db.DB, rc *Receipt, o *Donor) ([]byte, error) {
	rp, err := NewReceiptPrinter(ctx, d)
	if err != nil {
		return nil, err
	}
	gifts, err := receiptGifts(ctx, d, rc.ID)
	if err != nil {
		return nil, err
	}
	return rp.Print(rc, o.SIREN, gifts)
}

// ReceiptPrinter prints receipts with what they all share (the
// association's identity, the signatory and the signature) read once.
type ReceiptPrinter struct {
	assoc *opendata.Association
	set   *Settings
}

// NewReceiptPrinter reads what every receipt prints.
func NewReceiptPrinter(ctx context.Context, d *db.DB) (*ReceiptPrinter, error) {
	assoc, err := opendata.LoadAssociation(ctx, d)
	if err != nil {
		return nil, err
	}
	set, err := LoadSettings(ctx, d)
	if err != nil {
		return nil, err
	}
	return &ReceiptPrinter{assoc: assoc, set: set}, nil
}

// Print lays out a receipt covering gifts, siren being the company donor's.
// It is printed in the standard PDF font (pdf.NewStandard): a receipt in
// French text embeds no font and weighs a few kilobytes, and letters in other
// scripts (a donor's name in Arabic) come from the embedded fonts.
func (rp *ReceiptPrinter) Print(rc *Receipt, siren string, gifts []*Gift) ([]byte, error) {
	assoc, set := rp.assoc, rp.set
	p := i18n.For("fr")
	doc := pdf.NewStandard("ltr")
	company := rc.Form == "16216"
	title := "Reçu au titre des dons à certains organismes d'intérêt général"
	articles := "Articles 200, 238 bis et 978 du code général des impôts"
	cerfa := "CERFA n° 11580*05"
	article := "200"
	if company {
		title = "Reçu des dons et versements effectués par les entreprises"
		articles = "Article 238 bis du code général des impôts"
		cerfa = "CERFA n° 16216*02"
		article = "238 bis"
	}
	doc.SetTitle(title+" "+rc.Ref(), true)
	doc.SetAuthor(assoc.Name, true)
	doc.SetCreator("Tremplin", true)
	doc.SetMargins(15, 15, 15)
	doc.SetAutoPageBreak(true, 15)
	doc.AddPage()
	doc.SetFont("", 8)
	doc.CellFormat(0, 4, cerfa, "", 1, "R", false, 0, "")
	doc.SetFont("B", 13)
	doc.MultiCell(0, 6, title, "", "C", false)
	doc.SetFont("", 9)
	doc.MultiCell(0, 5, articles, "", "C", false)
	doc.Ln(2)
	doc.SetFont("B", 11)
	doc.CellFormat(0, 7, "Numéro d'ordre du reçu : "+rc.Ref(), "1", 1, "C", false, 0, "")
	if rc.State == "cancelled" {
		doc.Ln(2)
		doc.SetTextColor(160, 0, 0)
		doc.SetFont("B", 12)
		doc.MultiCell(0, 6, "REÇU ANNULÉ — "+pdf.Isolate(rc.CancelReason)+" — ne vaut pas justificatif", "1", "C", false)
		doc.SetTextColor(0, 0, 0)
	}
	section := func(name string) {
		doc.Ln(3)
		doc.SetFont("B", 11)
		doc.SetFillColor(230, 230, 230)
		doc.CellFormat(0, 7, name, "", 1, "L", true, 0, "")
		doc.Ln(1)
	}
	line := func(label, value string) {
		doc.SetFont("B", 10)
		doc.Write(5, label+" : ")
		doc.SetFont("", 10)
		doc.Write(5, value)
		doc.Ln(6)
	}
	section("Bénéficiaire des versements")
	line("Nom ou dénomination", pdf.Isolate(assoc.Name))
	switch {
	case assoc.SIRET != "":
		line("SIREN", assoc.SIRET[:min(9, len(assoc.SIRET))])
	case assoc.RNA != "":
		line("RNA", assoc.RNA)
	}
	line("Adresse", pdf.Isolate(set.Address)+", "+set.Postcode+" "+pdf.Isolate(set.City))
	line("Objet", pdf.Isolate(set.Purpose))
	if set.BodyKind == "public_utility" {
		line("Qualité", "Association ou fondation reconnue d'utilité publique")
	} else {
		line("Qualité", "Œuvre ou organisme d'intérêt général")
	}
	section("Donateur")
	if company {
		line("Dénomination", pdf.Isolate(rc.DonorName))
		if siren != "" {
			line("SIREN", siren)
		}
	} else {
		line("Nom et prénoms", pdf.Isolate(rc.DonorName))
	}
	line("Adresse", pdf.Isolate(strings.ReplaceAll(rc.DonorAddress, "\n", ", ")))
	section("Dons et versements")
	doc.SetFont("", 10)
	doc.MultiCell(0, 5, "Le bénéficiaire reconnaît avoir reçu au titre des dons et versements ouvrant droit à réduction d'impôt la somme de :", "", "L", false)
	doc.SetFont("B", 12)
	doc.CellFormat(0, 8, Figures(rc.AmountCents)+" euros", "", 1, "C", false, 0, "")
	line("Somme en toutes lettres", Words(rc.AmountCents))
	if rc.From.Equal(rc.To) {
		line("Date du versement ou du don", web.FormatDate(p, rc.From))
	} else {
		line("Période des versements", "du "+web.FormatDate(p, rc.From)+" au "+web.FormatDate(p, rc.To)+" (reçu récapitulatif)")
	}
	var money, inKind, skills int64
	methods := map[string]bool{}
	var described []string
	for _, g := range gifts {
		switch g.Kind {
		case Money:
			money += g.AmountCents
			methods[g.Method] = true
		case InKind:
			inKind += g.AmountCents
			if g.Description != "" {
				described = append(described, g.Description)
			}
		case Skills:
			skills += g.AmountCents
		}
	}
	if company {
		if money > 0 {
			line("Montant des dons en numéraire", Euros("fr", money))
		}
		if inKind > 0 {
			line("Valorisation des dons en nature", Euros("fr", inKind))
		}
		if skills > 0 {
			line("Valorisation du mécénat de compétences", Euros("fr", skills))
		}
	}
	doc.SetFont("", 10)
	doc.MultiCell(0, 5, "Le bénéficiaire certifie sur l'honneur que les dons et versements qu'il reçoit ouvrent droit à la réduction d'impôt prévue à l'article "+
		article+" du code général des impôts.", "", "L", false)
	doc.Ln(1)
	form := "Déclaration de don manuel"
	if skills > 0 && money == 0 && inKind == 0 {
		form = "Autres"
	}
	line("Forme du don", form)
	var nature []string
	if money > 0 {
		nature = append(nature, "Numéraire")
	}
	if inKind > 0 {
		what := "Autres (don en nature)"
		if len(described) > 0 {
			what += " : " + pdf.Isolate(strings.Join(described, " ; "))
		}
		nature = append(nature, what)
	}
	if skills > 0 {
		nature = append(nature, "Mécénat de compétences")
	}
	line("Nature du don", strings.Join(nature, " ; "))
	if money > 0 {
		var ways []string
		if methods["cash"] {
			ways = append(ways, "Remise d'espèces")
		}
		if methods["cheque"] {
			ways = append(ways, "Chèque")
		}
		if methods["transfer"] || methods["card"] || methods["direct_debit"] || methods["helloasso"] {
			ways = append(ways, "Virement, prélèvement, carte bancaire")
		}
		line("Mode de versement", strings.Join(ways, " ; "))
	}
	doc.Ln(4)
	doc.SetFont("", 10)
	doc.CellFormat(0, 6, "Fait à "+pdf.Isolate(set.City)+", le "+web.FormatDate(p, rc.IssuedOn), "", 1, "L", false, 0, "")
	signer := set.SignatoryName
	if set.SignatoryTitle != "" {
		signer += ", " + set.SignatoryTitle
	}
	doc.CellFormat(0, 6, pdf.Isolate(signer), "", 1, "L", false, 0, "")
	if len(set.Signature) > 0 {
		opt := fpdf.ImageOptions{ImageType: set.SignatureType, ReadDpi: true}
		name := "signature." + set.SignatureType
		doc.RegisterImageOptionsReader(name, opt, bytes.NewReader(set.Signature))
		doc.ImageOptions(name, 15, doc.GetY()+1, 50, 0, false, opt, 0, "")
	}
	if err := doc.Error(); err != nil {
		return nil, fmt.Errorf("receipt %s: %w", rc.Ref(), err)
	}
	return doc.Bytes()
}
